/**
 * Reads what the seat ledger needs (line heads) and writes its plans as one transaction whose
 * conditions hold only if what the plan read is still true: each registration unchanged since
 * read, each line entry still there, each counter within capacity and its line as long as the
 * plan relied on. A refused plan is reported as stale, to be made again from fresh reads.
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { batchGetAll } from '#adapters/batch-get';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { keys, owedPromotionsIndex } from '#adapters/keys';
import { newOutboxItem } from '#adapters/outbox-store';
import { owedMeetingCancellation } from '#adapters/meeting-store';
import { owedChangeItems } from '#adapters/webhook-store';
import { registrationItem, storedRegistration } from '#adapters/registration-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import { emailHash } from '#domain/registration';
import type { SeatStore } from '#domain/ports';
import type { LineEntry, Place, SeatPlan } from '#domain/seat-ledger';
import { registrationMessages } from '#domain/webhooks';

const table = () => config().DATA_TABLE;

const linePk = (eventId: string, place: Place) =>
  place === 'event' ? keys.eventLine(eventId, '', '').pk : keys.sessionLine(eventId, place.slice(8), '', '').pk;
const lineKey = (eventId: string, place: Place, arrival: string, registrationId: string) =>
  place === 'event' ? keys.eventLine(eventId, arrival, registrationId) : keys.sessionLine(eventId, place.slice(8), arrival, registrationId);
const counterKey = (eventId: string, place: Place) =>
  place === 'event' ? keys.eventCounter(eventId) : keys.sessionCounter(eventId, place.slice(8));

export const seatStore: SeatStore = {
  /** The first `count` people waiting at each place, oldest first, with their registrations. */
  async heads(eventId: string, wanted: Map<Place, number>): Promise<Map<Place, LineEntry[]>> {
    if (![...wanted.values()].some((n) => n > 0)) return new Map();
    const lines = await Promise.all(
      [...wanted]
        .filter(([, n]) => n > 0)
        .map(async ([place, n]) => {
          const out = await tableCall(() =>
            documents.send(
              new QueryCommand({
                TableName: table(),
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': linePk(eventId, place) },
                Limit: n,
                ConsistentRead: true,
              }),
            ),
          );
          return [
            place,
            (out.Items ?? []).map((i) => ({ registrationId: String(i.registrationId), arrival: String(i.sk).split('#')[0]! })),
          ] as const;
        }),
    );
    const ids = [...new Set(lines.flatMap(([, entries]) => entries.map((e) => e.registrationId)))];
    const registrations = new Map<string, ReturnType<typeof storedRegistration>>();
    for (const item of await batchGetAll(
      table(),
      ids.map((id) => keys.registration(eventId, id)),
    ))
      registrations.set(String(item.id), storedRegistration(item));
    const heads = new Map<Place, LineEntry[]>();
    for (const [place, entries] of lines) {
      heads.set(
        place,
        entries.flatMap((e) => {
          const registration = registrations.get(e.registrationId);
          return registration ? [{ registration, arrival: e.arrival }] : [];
        }),
      );
    }
    return heads;
  },

  async apply(eventId: string, plan: SeatPlan, deadline?: number): Promise<'ok' | 'stale'> {
    const outcome = await transactWrite(planItems(eventId, plan), { deadline });
    return outcome.ok ? 'ok' : 'stale';
  },

  async owedEvents(limit: number): Promise<string[]> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': owedPromotionsIndex },
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((i) => String(i.eventId));
  },
};

/**
 * The transaction items of a plan. `capacities`: new capacities written by the same transaction
 * (a PATCH of the event), merged into the plan's own update of that counter (a transaction may
 * touch an item once); the event's version condition keeps the capacity from moving meanwhile.
 */
export function planItems(eventId: string, plan: SeatPlan, capacities: ReadonlyMap<Place, number> = new Map()): TransactItems {
  const TableName = table();
  const items: TransactItems = [];
  for (const { before, after } of plan.registrations.values()) {
    // Every change raises the version (webhook receivers order messages by it); the caller answers with `after`.
    after.version = (before.version ?? 1) + 1;
    items.push({
      Put: {
        TableName,
        Item: registrationItem(after),
        ConditionExpression: 'updatedAt = :seen',
        ExpressionAttributeValues: { ':seen': before.updatedAt },
      },
    });
  }
  for (const c of plan.counters.values()) {
    const conditions = ['attribute_exists(pk)'];
    const values: Record<string, unknown> = { ':dc': c.confirmed, ':dw': c.waitlisted };
    const names: Record<string, string> = {};
    let update = 'SET confirmed = confirmed + :dc, waitlisted = waitlisted + :dw';
    const newCapacity = capacities.get(c.place);
    if (newCapacity !== undefined) {
      update += ', #capacity = :cap';
      conditions.push('confirmed <= :max');
      names['#capacity'] = 'capacity';
      values[':cap'] = newCapacity;
      values[':max'] = newCapacity - Math.max(0, c.confirmed);
    } else if (c.confirmed > 0) {
      conditions.push('#capacity = :cap AND confirmed <= :max');
      names['#capacity'] = 'capacity';
      values[':cap'] = c.capacity;
      values[':max'] = c.capacity - c.confirmed;
    }
    if (c.expectWaitlisted !== undefined) {
      conditions.push('waitlisted = :w');
      values[':w'] = c.expectWaitlisted;
    }
    if (c.cancelled) {
      update += ', cancelled = cancelled + :dx';
      values[':dx'] = c.cancelled;
    }
    const adds: string[] = [];
    if (c.waitingForEvent) {
      adds.push('waitingForEvent :dwe');
      values[':dwe'] = c.waitingForEvent;
    }
    // Counts kept apart from the seats (absent on older counters: ADD starts them at 0).
    if (c.pending) {
      adds.push('pending :dp');
      values[':dp'] = c.pending;
    }
    if (c.overCapacity) {
      adds.push('overCapacity :doc');
      values[':doc'] = c.overCapacity;
    }
    if (adds.length) update += ` ADD ${adds.join(', ')}`;
    items.push({
      Update: {
        TableName,
        Key: counterKey(eventId, c.place),
        UpdateExpression: update,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      },
    });
  }
  for (const l of plan.lines) {
    const Key = lineKey(eventId, l.place, l.arrival, l.registrationId);
    if (l.op === 'put')
      items.push({
        Put: {
          TableName,
          Item: { ...Key, type: 'line', registrationId: l.registrationId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    else items.push({ Delete: { TableName, Key, ConditionExpression: 'attribute_exists(pk)' } });
  }
  for (const { registration } of plan.releasedEmails) {
    items.push({
      Delete: {
        TableName,
        Key: keys.emailGuard(eventId, emailHash(registration.email)),
        ConditionExpression: 'registrationId = :rid',
        ExpressionAttributeValues: { ':rid': registration.id },
      },
    });
  }
  const now = new Date().toISOString();
  for (const e of plan.emails) items.push({ Put: { TableName, Item: newOutboxItem(e.kind, eventId, e.registrationId, now) } });
  for (const id of plan.meetingsOwed ?? []) items.push({ Put: { TableName, Item: owedMeetingCancellation(eventId, id, now) } });
  // The webhooks the plan owes: one item for all its registrations (planWrites counts it).
  const promoted = new Set(plan.emails.filter((e) => e.kind === 'promoted').map((e) => e.registrationId));
  items.push(
    ...owedChangeItems(
      eventId,
      [...plan.registrations.values()].flatMap(({ before, after }) => registrationMessages(before, after, promoted.has(after.id))),
      now,
      Math.max(...[...plan.registrations.values()].map(({ after }) => after.expiresAt ?? 0)) || undefined,
    ),
  );
  if (plan.owed?.op === 'put') {
    const token = randomBytes(9).toString('base64url');
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.owedPromotions(eventId),
          type: 'owed-promotions',
          eventId,
          token,
          since: now,
          gsi1pk: owedPromotionsIndex,
          gsi1sk: `${now}#${eventId}`,
        },
      },
    });
  } else if (plan.owed?.op === 'delete') {
    items.push({
      Delete: {
        TableName,
        Key: keys.owedPromotions(eventId),
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': plan.owed.token },
      },
    });
  }
  return items;
}
