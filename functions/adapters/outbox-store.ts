/**
 * Outbox items on the data table. pk `OUTBOX#<id>` (the stream filter matches that prefix);
 * gsi1 holds the items still owed (`OUTBOX#PENDING#<shard>` by next attempt) or failed
 * (`OUTBOX#FAILED` by time), so the sweeper and redrive read only those; a sent item leaves the index.
 */
import { randomBytes } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { dueAcrossShards } from '#adapters/due-index';
import { CLAIM_TIMEOUT_MS, MAX_ATTEMPTS, nextAttemptAfter, type EmailKind, type OutboxItem } from '#domain/outbox';

const table = () => config().DATA_TABLE;
/** Pending items spread over shards so a registration burst does not heat one index partition. */
export const PENDING_SHARDS = 8;
const pendingKey = (id: string) => `OUTBOX#PENDING#${parseInt(id.slice(0, 2), 16) % PENDING_SHARDS}`;
const FAILED_KEY = 'OUTBOX#FAILED';
/** Held back by the per-address cap: kept, and found by redrive like failed ones. */
const SUPPRESSED_KEY = 'OUTBOX#SUPPRESSED';
const SENT_RETENTION_S = 30 * 86_400;

export const outboxKey = (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'OUTBOX' });

/** The item to Put in a change's own transaction; `id` only where it must be deterministic (change notices). */
export function newOutboxItem(kind: EmailKind, eventId: string, registrationId: string, now: string, id = randomBytes(12).toString('hex')) {
  const item: OutboxItem = { id, kind, eventId, registrationId, status: 'pending', attempts: 0, createdAt: now, nextAttemptAt: now };
  return { ...outboxKey(id), type: 'outbox', gsi1pk: pendingKey(id), gsi1sk: `${now}#${id}`, ...item };
}

function strip(item: Record<string, unknown>): OutboxItem {
  const { pk: _pk, sk: _sk, type: _t, gsi1pk: _a, gsi1sk: _b, claimedAt: _c, expiresAt: _e, ...rest } = item;
  return rest as unknown as OutboxItem;
}

async function conditional<T>(op: () => Promise<T>): Promise<T | undefined> {
  try {
    return await tableCall(op);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

export const outboxStore = {
  /**
   * Claims an item for sending: only a pending item, or one whose claim has gone stale (its
   * sender died), can be claimed, so two deliveries of one stream record send once.
   */
  async claim(id: string, now: Date): Promise<OutboxItem | undefined> {
    const out = await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: outboxKey(id),
          UpdateExpression: 'SET #status = :sending, claimedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (#status = :pending OR (#status = :sending AND claimedAt < :stale))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':now': now.toISOString(),
            ':stale': new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? strip(out.Attributes) : undefined;
  },

  async markSent(id: string, now: Date, messageId: string | undefined): Promise<void> {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: outboxKey(id),
          UpdateExpression: 'SET #status = :sent, sentAt = :now, messageId = :mid, expiresAt = :exp REMOVE gsi1pk, gsi1sk, claimedAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sent': 'sent',
            ':now': now.toISOString(),
            ':mid': messageId ?? null,
            ':exp': Math.floor(now.getTime() / 1000) + SENT_RETENTION_S,
          },
        }),
      ),
    );
  },

  /** Holds a claimed item back (the address's cap is reached): kept as `suppressed` for redrive. */
  async markSuppressed(id: string, now: Date): Promise<void> {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: outboxKey(id),
          UpdateExpression: 'SET #status = :suppressed, suppressedAt = :now, gsi1pk = :gpk, gsi1sk = :gsk REMOVE claimedAt',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':suppressed': 'suppressed',
            ':now': now.toISOString(),
            ':gpk': SUPPRESSED_KEY,
            ':gsk': `${now.toISOString()}#${id}`,
            ':sending': 'sending',
          },
        }),
      ),
    );
  },

  /** Records a failed attempt: pending again with backoff, or failed after the last attempt. */
  async markAttemptFailed(item: OutboxItem, now: Date, errorName: string): Promise<'pending' | 'failed'> {
    const attempts = item.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    const next = nextAttemptAfter(attempts, now).toISOString();
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: outboxKey(item.id),
          UpdateExpression:
            'SET #status = :status, attempts = :attempts, nextAttemptAt = :next, lastError = :err, gsi1pk = :gpk, gsi1sk = :gsk REMOVE claimedAt',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': failed ? 'failed' : 'pending',
            ':attempts': attempts,
            ':next': next,
            ':err': errorName.slice(0, 100),
            ':gpk': failed ? FAILED_KEY : pendingKey(item.id),
            ':gsk': `${failed ? now.toISOString() : next}#${item.id}`,
            ':sending': 'sending',
          },
        }),
      ),
    );
    return failed ? 'failed' : 'pending';
  },

  /** Items owed whose next attempt is due (the sweeper), oldest first, across the shards. */
  async due(now: Date, limit = 100): Promise<OutboxItem[]> {
    return (await dueAcrossShards('OUTBOX#PENDING#', PENDING_SHARDS, now, limit)).map(strip);
  },

  /**
   * Puts failed and suppressed items back to pending with a fresh attempt count; returns how many.
   * A suppressed one goes out over the address's cap (an operator chose to send it).
   */
  async redrive(now: Date): Promise<number> {
    let count = 0;
    for (const [from, indexKey] of [
      ['failed', FAILED_KEY],
      ['suppressed', SUPPRESSED_KEY],
    ] as const) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await tableCall(() =>
          documents.send(
            new QueryCommand({
              TableName: table(),
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': indexKey },
              ExclusiveStartKey,
            }),
          ),
        );
        for (const raw of page.Items ?? []) {
          const id = String(raw.id);
          const done = await conditional(() =>
            documents.send(
              new UpdateCommand({
                TableName: table(),
                Key: outboxKey(id),
                UpdateExpression: `SET #status = :pending, attempts = :zero, nextAttemptAt = :now, gsi1pk = :gpk, gsi1sk = :gsk, redrivenAt = :now${from === 'suppressed' ? ', capExempt = :true' : ''}`,
                ConditionExpression: '#status = :from',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':pending': 'pending',
                  ':from': from,
                  ...(from === 'suppressed' ? { ':true': true } : {}),
                  ':zero': 0,
                  ':now': now.toISOString(),
                  ':gpk': pendingKey(id),
                  ':gsk': `${now.toISOString()}#${id}`,
                },
              }),
            ),
          );
          if (done) count++;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
    return count;
  },

  async read(id: string): Promise<OutboxItem | undefined> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `OUTBOX#${id}` },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Items?.[0] ? strip(out.Items[0]) : undefined;
  },
};
