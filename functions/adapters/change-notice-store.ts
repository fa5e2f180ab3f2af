/**
 * Change notices on the data table (functions/domain/change-notice.ts). The PATCH puts one owed
 * item per event, `NOTICE#<eventId>`, in its own transaction (a later change replaces it with a
 * higher sequence, from the start). The sweeper then walks the event's registrations page by page
 * (the registrations index) and, for each active registrant, puts one outbox item under a
 * deterministic id with `attribute_not_exists`: a page retried after a crash writes nothing twice,
 * and the mailer takes each new item from the stream. The cursor is saved on the owed item after
 * each page (conditioned on its sequence), so a sweep cut short resumes where it stopped, and a
 * walk whose change was replaced stops there.
 *
 * No late-registration pass is needed (unlike the expiry move): an email is composed from the
 * event as it is when sent, so a registration decided on the old event that lands after the walk
 * has passed its place still gets its confirmation with the new times and SEQUENCE.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { registrationsIndex } from '#adapters/keys';
import { newOutboxItem } from '#adapters/outbox-store';
import { NOTIFIED_STATUSES, noticeOutboxId } from '#domain/change-notice';

const table = () => config().DATA_TABLE;
const PENDING = 'NOTICE#PENDING';
/** Registrations read, and outbox items written, per step: each step is one page and one progress write. */
export const NOTICE_PAGE = 25;

const noticeKey = (eventId: string) => ({ pk: `NOTICE#${eventId}`, sk: 'NOTICE' });

interface OwedNotice {
  eventId: string;
  /** The event's calendarSequence this notice tells of. */
  sequence: number;
  startedAt: string;
  /** The registrations index's last key read (undefined: from the start). */
  cursor?: Record<string, unknown>;
}

/** The item a PATCH that changes the schedule puts in its own transaction (replacing an older one). */
export function changeNoticeItem(eventId: string, sequence: number, now: Date) {
  const startedAt = now.toISOString();
  return { ...noticeKey(eventId), type: 'change-notice', gsi1pk: PENDING, gsi1sk: `${startedAt}#${eventId}`, eventId, sequence, startedAt };
}

const stale = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** One registrant's notice, unless a step before this one already wrote it. */
async function oweNotice(eventId: string, sequence: number, registrationId: string, now: string): Promise<boolean> {
  const item = newOutboxItem('schedule_changed', eventId, registrationId, now, noticeOutboxId(eventId, sequence, registrationId));
  try {
    await tableCall(() =>
      documents.send(new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    return true;
  } catch (error) {
    if (stale(error)) return false;
    throw error;
  }
}

/** Saves progress (or, with no cursor, marks the notice done), unless a newer change replaced it: then false. */
async function saveProgress(notice: OwedNotice, cursor: Record<string, unknown> | undefined, now: Date): Promise<boolean> {
  try {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: noticeKey(notice.eventId),
          UpdateExpression: cursor ? 'SET #cursor = :cursor' : 'SET doneAt = :now REMOVE #cursor, gsi1pk, gsi1sk',
          ConditionExpression: '#sequence = :sequence AND startedAt = :started',
          ExpressionAttributeNames: { '#cursor': 'cursor', '#sequence': 'sequence' },
          ExpressionAttributeValues: {
            ':sequence': notice.sequence,
            ':started': notice.startedAt,
            ...(cursor ? { ':cursor': cursor } : { ':now': now.toISOString() }),
          },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (stale(error)) return false;
    throw error;
  }
}

/** Walks one notice from its cursor until done, replaced, or out of time (one page at least); true when finished. */
async function advance(notice: OwedNotice, now: Date, until: number, owed: { count: number }): Promise<boolean> {
  let { cursor } = notice;
  for (let first = true; first || Date.now() < until; first = false) {
    const page = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': registrationsIndex(notice.eventId) },
          ProjectionExpression: 'id, #status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExclusiveStartKey: cursor,
          Limit: NOTICE_PAGE,
        }),
      ),
    );
    const active = (page.Items ?? []).filter((r) => NOTIFIED_STATUSES.includes(String(r.status)));
    const written = await Promise.all(active.map((r) => oweNotice(notice.eventId, notice.sequence, String(r.id), now.toISOString())));
    owed.count += written.filter(Boolean).length;
    cursor = page.LastEvaluatedKey;
    if (!(await saveProgress(notice, cursor, now))) return true;
    if (!cursor) return true;
  }
  return false;
}

/** The sweeper's share: every owed notice, oldest first, until `until` (epoch ms). */
export async function fanOutChangeNotices(now: Date, until: number): Promise<{ notices: number; done: number; emailsOwed: number }> {
  const pending = await tableCall(() =>
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
  const owed = { count: 0 };
  let done = 0;
  for (const [i, item] of (pending.Items ?? []).entries()) {
    if (i > 0 && Date.now() >= until) break;
    if (await advance(item as unknown as OwedNotice, now, until, owed)) done++;
  }
  return { notices: pending.Items?.length ?? 0, done, emailsOwed: owed.count };
}
