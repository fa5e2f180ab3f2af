/**
 * Webhooks on the data table.
 * - endpoint: pk `WEBHOOKS`, sk `WEBHOOK#<id>` (few, admin-made: one partition, read whole by the fan-out);
 *   its signing secrets are kept encrypted (AES-256-GCM under a key derived from the server secret).
 * - owed change: pk `OWED#<id>` (the webhook consumer's stream filter), written in the change's own
 *   transaction; deleted once fanned out, so what gsi1 `OWED#CHANGES` still lists is owed (the sweeper).
 * - delivery: pk `WEBHOOK#<id>#DELIVERIES`, sk `<owed at>#<messageId>`; gsi1 `WEBHOOK#DUE#<shard>` by next
 *   attempt while retrying, `WEBHOOK#FAILED` once failed; kept 30 days for GET …/deliveries.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { queryAll } from '#adapters/query-all';
import { dueAcrossShards } from '#adapters/due-index';
import { webhookSecretKey } from '#adapters/secrets';
import type { TransactItems } from '#adapters/transactions';
import type { OwedChange, StoredDelivery, StoredWebhook, WebhookMessage } from '#domain/webhooks';

const table = () => config().DATA_TABLE;
const ENDPOINTS_PK = 'WEBHOOKS';
const endpointKey = (id: string) => ({ pk: ENDPOINTS_PK, sk: `WEBHOOK#${id}` });
const deliveriesPk = (webhookId: string) => `WEBHOOK#${webhookId}#DELIVERIES`;
const OWED_INDEX = 'OWED#CHANGES';
export const OWED_PK_PREFIX = 'OWED#';
const DUE_SHARDS = 4;
const dueKey = (messageId: string) => `WEBHOOK#DUE#${messageId.charCodeAt(4) % DUE_SHARDS}`;
const FAILED_KEY = 'WEBHOOK#FAILED';
const KEEP_S = 30 * 86_400;
/** A claimed delivery is another sender's for this long (an attempt takes at most 5 s). */
const CLAIM_MS = 15_000;

/** A delivery as the sender and the sweeper pass it around: its endpoint and sort key. */
export interface DeliveryRef {
  webhookId: string;
  sk: string;
}

async function conditional<T>(op: () => Promise<T>): Promise<T | undefined> {
  try {
    return await tableCall(op);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

// ---- secrets --------------------------------------------------------------------------------

interface StoredSecret {
  /** base64url(iv | tag | ciphertext) */
  sealed: string;
  createdAt: string;
  /** Set when a newer secret replaced it: it still signs until then (API.md: 24 hours). */
  retiresAt?: string;
}

async function seal(secret: string): Promise<string> {
  const [key] = await webhookSecretKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key!, iv);
  const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

/** Opened under any key of the ring: a rotated server secret's previous version still opens what it sealed. */
async function open(sealed: string): Promise<string> {
  const raw = Buffer.from(sealed, 'base64url');
  for (const key of await webhookSecretKey()) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      // the next key
    }
  }
  throw new Error('webhook secret cannot be opened with the server secret');
}

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function endpointOf(item: Record<string, unknown>): StoredWebhook & { pausedUntil?: string } {
  return {
    id: String(item.id),
    url: String(item.url),
    types: item.types as string[],
    eventId: (item.eventId as string | null) ?? null,
    enabled: item.enabled === true,
    createdAt: String(item.createdAt),
    disabledReason: (item.disabledReason as 'gone' | null | undefined) ?? null,
    ...(typeof item.pausedUntil === 'string' ? { pausedUntil: item.pausedUntil } : {}),
  };
}

function deliveryOf(item: Record<string, unknown>): StoredDelivery & { sk: string } {
  return {
    sk: String(item.sk),
    messageId: String(item.messageId),
    webhookId: String(item.webhookId),
    type: item.type_ as StoredDelivery['type'],
    body: String(item.body),
    status: item.status as StoredDelivery['status'],
    attempts: Number(item.attempts ?? 0),
    createdAt: String(item.createdAt),
    retryFrom: String(item.retryFrom ?? item.createdAt),
    nextAttemptAt: String(item.nextAttemptAt),
    lastStatusCode: (item.lastStatusCode as number | null) ?? null,
    lastAttemptAt: (item.lastAttemptAt as string | null) ?? null,
    lastResponse: (item.lastResponse as string | null) ?? null,
  };
}

// ---- owed changes ---------------------------------------------------------------------------

/**
 * The one item a change's transaction writes for the webhooks it owes (none when it owes none).
 * The snapshots are gzipped: a change that promotes many people stays one item, well under 400 KB.
 */
export function owedChangeItems(eventId: string, messages: readonly WebhookMessage[], now: string, expiresAt?: number): TransactItems {
  if (!messages.length) return [];
  const id = randomBytes(12).toString('hex');
  return [
    {
      Put: {
        TableName: table(),
        Item: {
          pk: `${OWED_PK_PREFIX}${id}`,
          sk: 'CHANGE',
          type: 'owed-change',
          id,
          eventId,
          createdAt: now,
          messages: gzipSync(JSON.stringify(messages)),
          // The snapshots are personal data: they go when the registrations they show go (TTL).
          ...(expiresAt !== undefined ? { expiresAt } : {}),
          gsi1pk: OWED_INDEX,
          gsi1sk: `${now}#${id}`,
        },
      },
    },
  ];
}

export function owedChangeOf(item: Record<string, unknown>): OwedChange {
  const raw = item.messages as Uint8Array;
  return {
    id: String(item.id),
    eventId: String(item.eventId),
    createdAt: String(item.createdAt),
    messages: JSON.parse(gunzipSync(Buffer.from(raw)).toString('utf8')) as WebhookMessage[],
    ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
  };
}

export const webhookStore = {
  async create(w: StoredWebhook, secret: string): Promise<void> {
    const secrets: StoredSecret[] = [{ sealed: await seal(secret), createdAt: w.createdAt }];
    await tableCall(() =>
      documents.send(
        new PutCommand({
          TableName: table(),
          Item: { ...endpointKey(w.id), type: 'webhook', ...w, secrets },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  },

  async read(id: string) {
    const out = await tableCall(() => documents.send(new GetCommand({ TableName: table(), Key: endpointKey(id), ConsistentRead: true })));
    return out.Item ? endpointOf(out.Item) : undefined;
  },

  /** Every endpoint (admins make a handful: one partition, read in pages). */
  async all(): Promise<(StoredWebhook & { pausedUntil?: string })[]> {
    const items = await queryAll({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ENDPOINTS_PK },
      ConsistentRead: true,
    });
    return items.map(endpointOf).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  },

  /** The secrets that sign now, newest first (a replaced one until it retires). */
  async signingSecrets(id: string, now: Date): Promise<string[]> {
    const out = await tableCall(() => documents.send(new GetCommand({ TableName: table(), Key: endpointKey(id), ConsistentRead: true })));
    const secrets = (out.Item?.secrets ?? []) as StoredSecret[];
    const live = secrets.filter((s) => !s.retiresAt || Date.parse(s.retiresAt) > now.getTime());
    return Promise.all(live.map((s) => open(s.sealed)));
  },

  async update(id: string, changes: { enabled?: boolean; types?: string[]; url?: string }) {
    const sets: string[] = [];
    const removes: string[] = [];
    const values: Record<string, unknown> = {};
    if (changes.url !== undefined) {
      sets.push('#url = :url');
      values[':url'] = changes.url;
    }
    if (changes.types !== undefined) {
      sets.push('#types = :types');
      values[':types'] = changes.types;
    }
    if (changes.enabled !== undefined) {
      sets.push('enabled = :enabled');
      values[':enabled'] = changes.enabled;
      // Turned on again (after a 410, say): its messages go out from the next attempt on.
      if (changes.enabled) removes.push('disabledReason', 'pausedUntil');
    }
    if (!sets.length) return this.read(id);
    const out = await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: endpointKey(id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ...(changes.url !== undefined || changes.types !== undefined
            ? {
                ExpressionAttributeNames: {
                  ...(changes.url !== undefined ? { '#url': 'url' } : {}),
                  ...(changes.types !== undefined ? { '#types': 'types' } : {}),
                },
              }
            : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? endpointOf(out.Attributes) : undefined;
  },

  /** A new secret that signs from now on; the others keep signing for `overlapMs` (the receiver's switch-over). */
  async rotate(id: string, secret: string, now: Date, overlapMs: number): Promise<'ok' | 'not_found' | 'conflict'> {
    const out = await tableCall(() => documents.send(new GetCommand({ TableName: table(), Key: endpointKey(id), ConsistentRead: true })));
    if (!out.Item) return 'not_found';
    const retiresAt = new Date(now.getTime() + overlapMs).toISOString();
    const before = (out.Item.secrets ?? []) as StoredSecret[];
    const kept = before
      .filter((s) => !s.retiresAt || Date.parse(s.retiresAt) > now.getTime())
      .map((s) => ({ ...s, retiresAt: s.retiresAt ?? retiresAt }));
    const secrets: StoredSecret[] = [{ sealed: await seal(secret), createdAt: now.toISOString() }, ...kept];
    const done = await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: endpointKey(id),
          UpdateExpression: 'SET secrets = :secrets',
          // Two rotations at once: the second is refused rather than dropping the first's secret.
          ConditionExpression: 'secrets = :before',
          ExpressionAttributeValues: { ':secrets': secrets, ':before': before },
        }),
      ),
    );
    return done !== undefined ? 'ok' : 'conflict';
  },

  async remove(id: string): Promise<boolean> {
    const out = await conditional(() =>
      documents.send(
        new DeleteCommand({
          TableName: table(),
          Key: endpointKey(id),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Boolean(out?.Attributes);
  },

  /** A 410: the endpoint is turned off until an admin turns it on again. */
  async disableGone(id: string): Promise<void> {
    await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: endpointKey(id),
          UpdateExpression: 'SET enabled = :false, disabledReason = :gone',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':false': false, ':gone': 'gone' },
        }),
      ),
    );
  },

  /** A failing endpoint is left to the sweeper until then (the consumer does not wait on it again). */
  async pause(id: string, until: Date): Promise<void> {
    await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: endpointKey(id),
          UpdateExpression: 'SET pausedUntil = :until',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':until': until.toISOString() },
        }),
      ),
    );
  },

  async resume(id: string): Promise<void> {
    await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: endpointKey(id),
          UpdateExpression: 'REMOVE pausedUntil',
          ConditionExpression: 'attribute_exists(pausedUntil)',
        }),
      ),
    );
  },

  // ---- deliveries ---------------------------------------------------------------------------

  /** Writes one delivery unless the fan-out already did (same id: a stream record handled twice). */
  async putDelivery(d: StoredDelivery, dataExpiresAt?: number): Promise<DeliveryRef> {
    const sk = `${d.createdAt}#${d.messageId}`;
    const { type, ...rest } = d;
    await conditional(() =>
      documents.send(
        new PutCommand({
          TableName: table(),
          Item: {
            pk: deliveriesPk(d.webhookId),
            sk,
            ...rest,
            type: 'webhook-delivery',
            type_: type,
            gsi1pk: dueKey(d.messageId),
            gsi1sk: `${d.nextAttemptAt}#${d.messageId}`,
            // Kept 30 days for the deliveries list, never past the personal data its body holds.
            expiresAt: Math.min(Math.floor(Date.parse(d.createdAt) / 1000) + KEEP_S, dataExpiresAt ?? Infinity),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return { webhookId: d.webhookId, sk };
  },

  /** The owed change is fanned out: it leaves the table (and the sweeper's index). */
  async fannedOut(changeId: string): Promise<void> {
    await tableCall(() =>
      documents.send(new DeleteCommand({ TableName: table(), Key: { pk: `${OWED_PK_PREFIX}${changeId}`, sk: 'CHANGE' } })),
    );
  },

  /** Owed changes still there a while after they were written (their stream record was lost or failed). */
  async unfanned(olderThan: Date, limit = 50): Promise<OwedChange[]> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': OWED_INDEX, ':before': olderThan.toISOString() },
          Limit: limit,
        }),
      ),
    );
    // gsi1 projects every attribute.
    return (out.Items ?? []).map(owedChangeOf);
  },

  /**
   * Claims a retrying delivery for one attempt (no other sender attempts it for CLAIM_MS), unless
   * its next attempt is not due yet.
   */
  async claim(ref: DeliveryRef, now: Date) {
    const out = await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk: deliveriesPk(ref.webhookId), sk: ref.sk },
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression:
            'attribute_exists(pk) AND #status = :retrying AND nextAttemptAt <= :now AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':until': new Date(now.getTime() + CLAIM_MS).toISOString(),
            ':retrying': 'retrying',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out?.Attributes ? deliveryOf(out.Attributes) : undefined;
  },

  /** Records an attempt: delivered, retrying at `next`, or failed (`next` undefined). */
  async recordAttempt(
    ref: DeliveryRef,
    outcome: { status: 'delivered' | 'retrying' | 'failed'; next?: Date; statusCode: number | null; excerpt: string },
    now: Date,
  ): Promise<void> {
    const retrying = outcome.status === 'retrying';
    const failed = outcome.status === 'failed';
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk: deliveriesPk(ref.webhookId), sk: ref.sk },
          UpdateExpression: `SET #status = :status, attempts = attempts + :one, lastStatusCode = :code, lastAttemptAt = :now, lastResponse = :excerpt${
            retrying || failed ? ', nextAttemptAt = :next, gsi1pk = :gpk, gsi1sk = :gsk' : ''
          } REMOVE claimedUntil${retrying || failed ? '' : ', gsi1pk, gsi1sk'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':one': 1,
            ':code': outcome.statusCode,
            ':now': now.toISOString(),
            ':excerpt': outcome.excerpt,
            ...(retrying || failed
              ? {
                  ':next': (outcome.next ?? now).toISOString(),
                  ':gpk': failed ? FAILED_KEY : dueKey(ref.sk.split('#').at(-1)!),
                  ':gsk': `${(outcome.next ?? now).toISOString()}#${ref.sk.split('#').at(-1)}`,
                }
              : {}),
          },
        }),
      ),
    );
  },

  /** A delivery whose endpoint was removed: kept for the record, owed to no one. */
  async forget(ref: DeliveryRef): Promise<void> {
    await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk: deliveriesPk(ref.webhookId), sk: ref.sk },
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  },

  /** Not attempted now (its endpoint is paused or off): due again at `at`, the attempt count unchanged. */
  async postpone(ref: DeliveryRef, at: Date): Promise<void> {
    const messageId = ref.sk.split('#').at(-1)!;
    await conditional(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk: deliveriesPk(ref.webhookId), sk: ref.sk },
          UpdateExpression: 'SET nextAttemptAt = :at, gsi1sk = :gsk REMOVE claimedUntil',
          ConditionExpression: '#status = :retrying',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': at.toISOString(), ':gsk': `${at.toISOString()}#${messageId}`, ':retrying': 'retrying' },
        }),
      ),
    );
  },

  /** Retrying deliveries whose next attempt is due, oldest first, across the shards. */
  async due(now: Date, limit = 200): Promise<DeliveryRef[]> {
    return (await dueAcrossShards('WEBHOOK#DUE#', DUE_SHARDS, now, limit)).map((i) => ({
      webhookId: String(i.pk).slice('WEBHOOK#'.length, -'#DELIVERIES'.length),
      sk: String(i.sk),
    }));
  },

  /** Recent deliveries of one endpoint, newest first. */
  async deliveries(webhookId: string, limit: number, start?: Record<string, unknown>) {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': deliveriesPk(webhookId) },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      ),
    );
    return { items: (out.Items ?? []).map(deliveryOf), next: out.LastEvaluatedKey };
  },

  /** Failed deliveries back to retrying, due now, with a fresh retry window; returns how many. */
  async redrive(now: Date): Promise<number> {
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await tableCall(() =>
        documents.send(
          new QueryCommand({
            TableName: table(),
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': FAILED_KEY },
            ExclusiveStartKey,
          }),
        ),
      );
      for (const raw of page.Items ?? []) {
        const messageId = String(raw.sk).split('#').at(-1)!;
        const done = await conditional(() =>
          documents.send(
            new UpdateCommand({
              TableName: table(),
              Key: { pk: raw.pk, sk: raw.sk },
              // The retry window counts from `retryFrom`: a redriven message gets its 24 hours again.
              UpdateExpression:
                'SET #status = :retrying, nextAttemptAt = :now, retryFrom = :now, gsi1pk = :gpk, gsi1sk = :gsk, redrivenAt = :now',
              ConditionExpression: '#status = :failed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':retrying': 'retrying',
                ':failed': 'failed',
                ':now': now.toISOString(),
                ':gpk': dueKey(messageId),
                ':gsk': `${now.toISOString()}#${messageId}`,
              },
            }),
          ),
        );
        if (done) count++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  },
};
