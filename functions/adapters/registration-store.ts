/** RegistrationStore on DynamoDB: every seat taken in the same transaction as the registration. */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { emailIndex, keys, nameIndex, registrationsIndex, rosterIndex, statusIndex } from '#adapters/keys';
import { newOutboxItem } from '#adapters/outbox-store';
import { owedChangeItems } from '#adapters/webhook-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import type { KeyedRequestRecord } from '#domain/keyed-request';
import type { EmailKind } from '#domain/outbox';
import { emailHash, lineArrival, normaliseEmail, searchForm, type StoredRegistration } from '#domain/registration';
import type { InsertOutcome, RegistrationStore } from '#domain/ports';
import type { SeatDecision, SeatStatus } from '#domain/seats';
import { decisionMessages, registrationMessages } from '#domain/webhooks';

const table = () => config().DATA_TABLE;

const keyHash = (key: string) => createHash('sha256').update(key).digest('base64url');
const nowInSeconds = () => Math.floor(Date.now() / 1000);

/** Conditions that make a seat decision hold only if the counters still allow it. */
const takeSeat = { update: 'SET confirmed = confirmed + :one', condition: 'confirmed < #capacity AND waitlisted = :zero' };
const joinLine = { update: 'SET waitlisted = waitlisted + :one', condition: 'confirmed >= #capacity OR waitlisted > :zero' };
const seatWrite = (status: SeatStatus) => (status === 'confirmed' ? takeSeat : joinLine);

/** Index keys that follow a registration's status and update time (set on every write of it). */
export function movingIndexKeys(r: Pick<StoredRegistration, 'eventId' | 'id' | 'status' | 'createdAt' | 'updatedAt'>) {
  return {
    gsi2pk: rosterIndex(r.eventId),
    gsi2sk: `${r.updatedAt}#${r.id}`,
    gsi3pk: statusIndex(r.eventId, r.status),
    gsi3sk: `${r.createdAt}#${r.id}`,
  };
}

export function registrationItem(r: StoredRegistration) {
  return {
    ...keys.registration(r.eventId, r.id),
    type: 'registration',
    gsi1pk: registrationsIndex(r.eventId),
    gsi1sk: `${r.createdAt}#${r.id}`,
    ...movingIndexKeys(r),
    gsi4pk: nameIndex(r.eventId),
    gsi4sk: `${searchForm(r.name)}#${r.id}`,
    gsi5pk: emailIndex(r.eventId),
    gsi5sk: `${normaliseEmail(r.email)}#${r.id}`,
    emailHash: emailHash(r.email),
    ...r,
  };
}

/**
 * The counter and line writes of a seat decision: the event's seat (or its line, by `arrival`),
 * then a seat or a line per session. `pending`: the change of the pending count (an approval's -1),
 * in the event counter's own update (a transaction touches an item once).
 */
function seatItems(r: StoredRegistration, decision: SeatDecision, arrival: string, pending = 0): TransactItems {
  const TableName = table();
  const values = { ':one': 1, ':zero': 0 };
  // `capacity` is a DynamoDB reserved word.
  const names = { '#capacity': 'capacity' };
  const items: TransactItems = [
    {
      Update: {
        TableName,
        Key: keys.eventCounter(r.eventId),
        UpdateExpression: seatWrite(decision.status).update + (pending ? ' ADD pending :pending' : ''),
        ConditionExpression: seatWrite(decision.status).condition,
        ExpressionAttributeValues: pending ? { ...values, ':pending': pending } : values,
        ExpressionAttributeNames: names,
      },
    },
  ];
  if (decision.status === 'waitlisted') {
    items.push({ Put: { TableName, Item: { ...keys.eventLine(r.eventId, arrival, r.id), type: 'line', registrationId: r.id } } });
    // Each chosen session counts those in the event's line who want it, so it is never removed
    // from under them (and the session must still exist: else the decision is stale).
    for (const s of decision.sessions) {
      items.push({
        Update: {
          TableName,
          Key: keys.sessionCounter(r.eventId, s.id),
          UpdateExpression: 'ADD waitingForEvent :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        },
      });
    }
  } else {
    for (const s of decision.sessions) {
      items.push({
        Update: {
          TableName,
          Key: keys.sessionCounter(r.eventId, s.id),
          UpdateExpression: seatWrite(s.status).update,
          ConditionExpression: seatWrite(s.status).condition,
          ExpressionAttributeValues: values,
          ExpressionAttributeNames: names,
        },
      });
      if (s.status === 'waitlisted') {
        items.push({
          Put: { TableName, Item: { ...keys.sessionLine(r.eventId, s.id, arrival, r.id), type: 'line', registrationId: r.id } },
        });
      }
    }
  }
  return items;
}

/** Counts kept apart from the seats (`pending`, `overCapacity`), by ADD: the counter must exist. */
const countApart = (key: { pk: string; sk: string }, counts: string): TransactItems[number] => ({
  Update: {
    TableName: table(),
    Key: key,
    UpdateExpression: `ADD ${counts}`,
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':one': 1 },
  },
});

/** The registration as `after`, only if it is still the pending one that was read. */
const pendingPut = (before: StoredRegistration, after: StoredRegistration): TransactItems[number] => ({
  Put: {
    TableName: table(),
    Item: registrationItem(after),
    ConditionExpression: 'updatedAt = :seen AND #status = :pending',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':seen': before.updatedAt, ':pending': 'pending' },
  },
});

export const registrationStore: RegistrationStore = {
  async insert(r, keyed): Promise<InsertOutcome> {
    const TableName = table();
    const items: TransactItems = [
      {
        Put: {
          TableName,
          Item: { ...keys.emailGuard(r.eventId, emailHash(r.email)), type: 'email-guard', registrationId: r.id, expiresAt: r.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName, Item: registrationItem(r), ConditionExpression: 'attribute_not_exists(pk)' } },
      // The email this change owes, in the change's own transaction. Approval: `pending` is the
      // "received, awaits approval" email (webhook registration.pending belongs here too).
      { Put: { TableName, Item: newOutboxItem(r.status as EmailKind, r.eventId, r.id, r.createdAt) } },
      // The webhooks it owes (registration.created, then its status), likewise.
      ...owedChangeItems(r.eventId, registrationMessages(undefined, r), r.createdAt, r.expiresAt),
    ];
    if (r.status === 'pending') {
      // No seat, no line: counted as pending, and only while the event still asks for approval
      // (a PATCH turning it off meanwhile makes this stale, and the registration is decided afresh).
      items.push(countApart(keys.eventCounter(r.eventId), 'pending :one'), {
        ConditionCheck: {
          TableName,
          Key: keys.event(r.eventId),
          ConditionExpression: '#registration.approval = :true',
          ExpressionAttributeNames: { '#registration': 'registration' },
          ExpressionAttributeValues: { ':true': true },
        },
      });
    } else if (r.overCapacity) {
      // Confirmed by an admin over the capacity: counted apart, so it takes no seat and frees none.
      items.push(
        countApart(keys.eventCounter(r.eventId), 'overCapacity :one'),
        ...r.sessions.map((s) => countApart(keys.sessionCounter(r.eventId, s.id), 'overCapacity :one')),
      );
    } else {
      items.push(...seatItems(r, asDecision(r), r.createdAt));
    }
    // Last, so the indexes above stay as they are; an expired record (TTL runs late) is free.
    const keyedAt = items.length;
    if (keyed) {
      items.push({
        Put: {
          TableName,
          // The key itself is not kept: its hash in the pk finds the record.
          Item: {
            ...keys.keyedRequest(r.eventId, keyHash(keyed.key)),
            type: 'keyed-request',
            registrationId: r.id,
            fingerprint: keyed.fingerprint,
            body: keyed.body,
            location: keyed.location,
            expiresAt: keyed.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowInSeconds() },
        },
      });
    }
    const outcome = await transactWrite(items);
    if (outcome.ok) return 'ok';
    if (keyed && outcome.failed.includes(keyedAt)) return 'key_taken';
    return outcome.failed.includes(0) ? 'duplicate' : 'stale';
  },

  async approve(before, after, decision, deadline) {
    const TableName = table();
    after.version = (before.version ?? 1) + 1;
    const items: TransactItems = [
      pendingPut(before, after),
      // Approval owes the new status's email (confirmed or waitlisted), and its webhooks:
      // registration.approved then .confirmed or .waitlisted.
      { Put: { TableName, Item: newOutboxItem(decision.status, after.eventId, after.id, after.updatedAt) } },
      ...owedChangeItems(
        after.eventId,
        decisionMessages(after, ['registration.approved', `registration.${decision.status}`]),
        after.updatedAt,
        after.expiresAt,
      ),
      ...seatItems(after, decision, lineArrival(after), -1),
    ];
    return (await transactWrite(items, { deadline })).ok ? 'ok' : 'stale';
  },

  async deny(before, after, deadline) {
    const TableName = table();
    after.version = (before.version ?? 1) + 1;
    const items: TransactItems = [
      pendingPut(before, after),
      // The denial email and its webhook (registration.denied).
      { Put: { TableName, Item: newOutboxItem('denied', after.eventId, after.id, after.updatedAt) } },
      ...owedChangeItems(after.eventId, decisionMessages(after, ['registration.denied']), after.updatedAt, after.expiresAt),
      {
        Update: {
          TableName,
          Key: keys.eventCounter(after.eventId),
          UpdateExpression: 'ADD pending :minus, denied :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
        },
      },
      // The email is free again: its owner may register anew.
      {
        Delete: {
          TableName,
          Key: keys.emailGuard(after.eventId, emailHash(after.email)),
          ConditionExpression: 'registrationId = :rid',
          ExpressionAttributeValues: { ':rid': after.id },
        },
      },
    ];
    return (await transactWrite(items, { deadline })).ok ? 'ok' : 'stale';
  },

  async holdsEmail(eventId, email) {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: keys.emailGuard(eventId, emailHash(email)), ConsistentRead: true })),
    );
    return out.Item !== undefined;
  },

  async keyedRequest(eventId, key) {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: keys.keyedRequest(eventId, keyHash(key)), ConsistentRead: true })),
    );
    const item = out.Item;
    if (!item || typeof item.expiresAt !== 'number' || item.expiresAt < nowInSeconds()) return undefined;
    return {
      key,
      fingerprint: item.fingerprint,
      body: item.body,
      location: item.location,
      expiresAt: item.expiresAt,
    } as KeyedRequestRecord;
  },

  async read(eventId, registrationId) {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: keys.registration(eventId, registrationId), ConsistentRead: true })),
    );
    if (!out.Item) return undefined;
    return storedRegistration(out.Item);
  },
};

/** A registration item without its keys and index attributes. */
export function storedRegistration(item: Record<string, unknown>): StoredRegistration {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!/^(pk|sk|type|emailHash|gsi\d(pk|sk))$/.test(k)) r[k] = v;
  return r as unknown as StoredRegistration;
}

/** A registration's own seat decision (status and sessions), as allocateSeats made it. */
const asDecision = (r: StoredRegistration): SeatDecision => r as unknown as SeatDecision;
