/**
 * Moving an event's personal data expiry (DynamoDB TTL) when its dates or retention change.
 * The PATCH writes one owed "expiry move" item in its own transaction (nothing is scanned in
 * the request); the sweeper then walks the event's registrations page by page (its
 * registrations index), setting the new expiry on each registration, everything in its partition
 * (check-ins, scans, its meeting profile and slots), its email guard and the meetings it asked
 * for (each meeting has one such side, so each is moved once), and keeps its cursor on the item after each page, so a sweep cut short resumes where
 * it stopped. A later PATCH replaces the item (new target, from the start); a page written
 * under a replaced target stops there. A last pass, once registrations that read the event
 * before the PATCH have landed, re-reads those created since shortly before the move.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { queryAll } from '#adapters/query-all';
import { keys, meetingsWithIndex, registrationsIndex } from '#adapters/keys';

const table = () => config().DATA_TABLE;
const PENDING = 'EXPIRY#PENDING';
const PAGE = 25;
/** A registration decided on the old event lands within its function's time (10 s): margin for it. */
export const LATE_REGISTRATION_MS = 30_000;

const moveKey = (eventId: string) => ({ pk: `EXPIRY#${eventId}`, sk: 'EXPIRY' });

interface ExpiryMove {
  eventId: string;
  /** The new expiry, epoch seconds (not named expiresAt: that is the table's TTL attribute). */
  target: number;
  startedAt: string;
  /** The registrations index's last key read (undefined: from the start). */
  cursor?: Record<string, unknown>;
  /** The last pass, over registrations created since shortly before the move. */
  tail?: boolean;
}

/** The item a PATCH that changes the expiry puts in its own transaction. */
export function expiryMoveItem(eventId: string, expiresAt: number, now: Date) {
  const startedAt = now.toISOString();
  return {
    ...moveKey(eventId),
    type: 'expiry-move',
    gsi1pk: PENDING,
    gsi1sk: `${startedAt}#${eventId}`,
    eventId,
    target: expiresAt,
    startedAt,
  };
}

const stale = (error: unknown) => error instanceof ConditionalCheckFailedException;

async function setExpiry(
  Key: Record<string, unknown>,
  expiresAt: number,
  condition = 'attribute_exists(pk)',
  values: Record<string, unknown> = {},
) {
  try {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key,
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: condition,
          ExpressionAttributeValues: { ':exp': expiresAt, ...values },
        }),
      ),
    );
  } catch (error) {
    // Gone meanwhile (cancelled: the guard freed; or expired): nothing to move.
    if (!stale(error)) throw error;
  }
}

/** The meetings a registration asked for (the requester's index, gsi4), every page: their keys. */
async function meetingsAskedBy(eventId: string, registrationId: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    TableName: table(),
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': meetingsWithIndex(eventId, registrationId) },
    ProjectionExpression: 'pk, sk',
  });
}

/** One registration: every item of its partition, its email guard, and the meetings it asked for. */
async function moveRegistration(eventId: string, registration: Record<string, unknown>, expiresAt: number) {
  const pk = String(registration.pk);
  const own = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
      }),
    ),
  );
  const asked = typeof registration.id === 'string' ? await meetingsAskedBy(eventId, registration.id) : [];
  const writes = [...(own.Items ?? []), ...asked].map((item) => setExpiry({ pk: item.pk, sk: item.sk }, expiresAt));
  if (typeof registration.emailHash === 'string') {
    writes.push(
      setExpiry(keys.emailGuard(eventId, registration.emailHash), expiresAt, 'registrationId = :rid', { ':rid': registration.id }),
    );
  }
  await Promise.all(writes);
}

/** Saves progress, unless a newer PATCH replaced the move: then false, and this walk stops. */
async function saveProgress(move: ExpiryMove, cursor: Record<string, unknown> | undefined, tail: boolean): Promise<boolean> {
  try {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: moveKey(move.eventId),
          UpdateExpression: cursor ? 'SET #cursor = :cursor, tail = :tail' : 'SET tail = :tail REMOVE #cursor',
          ConditionExpression: 'startedAt = :started',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: { ':started': move.startedAt, ':tail': tail, ...(cursor ? { ':cursor': cursor } : {}) },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (stale(error)) return false;
    throw error;
  }
}

async function finish(move: ExpiryMove): Promise<void> {
  try {
    await tableCall(() =>
      documents.send(
        new DeleteCommand({
          TableName: table(),
          Key: moveKey(move.eventId),
          ConditionExpression: 'startedAt = :started',
          ExpressionAttributeValues: { ':started': move.startedAt },
        }),
      ),
    );
  } catch (error) {
    if (!stale(error)) throw error;
  }
}

/**
 * Walks one move from its cursor until done, replaced, or out of time (one page at least, so a
 * sweep whose emails took its time still makes progress); true when it is done.
 */
async function advance(move: ExpiryMove, now: Date, until: number): Promise<boolean> {
  let { cursor, tail = false } = move;
  const tailFrom = new Date(Date.parse(move.startedAt) - LATE_REGISTRATION_MS).toISOString();
  for (let first = true; first || Date.now() < until; first = false) {
    // The last pass waits until registrations decided on the old event have landed.
    if (tail && now.getTime() < Date.parse(move.startedAt) + LATE_REGISTRATION_MS) return false;
    const page = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: tail ? 'gsi1pk = :pk AND gsi1sk >= :from' : 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': registrationsIndex(move.eventId), ...(tail ? { ':from': tailFrom } : {}) },
          ExclusiveStartKey: cursor,
          Limit: PAGE,
        }),
      ),
    );
    for (const r of page.Items ?? []) await moveRegistration(move.eventId, r, move.target);
    cursor = page.LastEvaluatedKey;
    if (!cursor && tail) {
      await finish(move);
      return true;
    }
    if (!cursor) tail = true;
    if (!(await saveProgress(move, cursor, tail))) return true;
  }
  return false;
}

/** The sweeper's share: every owed move, oldest first, until `until` (epoch ms). */
export async function moveExpiries(now: Date, until: number): Promise<{ moves: number; done: number }> {
  const owed = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': PENDING },
        Limit: 10,
      }),
    ),
  );
  let done = 0;
  for (const [i, item] of (owed.Items ?? []).entries()) {
    if (i > 0 && Date.now() >= until) break;
    if (await advance(item as unknown as ExpiryMove, now, until)) done++;
  }
  return { moves: owed.Items?.length ?? 0, done };
}
