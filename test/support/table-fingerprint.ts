/**
 * A fingerprint of whole tables (a Scan of each: tests only), to prove that a refused request
 * wrote nothing: every item, canonical JSON, keyed by table and primary key.
 */
import { createHash } from 'node:crypto';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Fingerprint {
  hash: string;
  /** `<table> <pk> <sk>` → the item as canonical JSON. */
  items: Map<string, string>;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const keyOf = (item: Record<string, AttributeValue>) => ['pk', 'sk', 'id'].map((k) => canonical(item[k] ?? null)).join(' ');

export interface FingerprintOptions {
  /**
   * Items that background workers change (outbox items as the mailer sends them): only their
   * presence counts, so a new one is still seen without waiting for the workers.
   */
  presenceOnly?: (item: Record<string, AttributeValue>) => boolean;
  /** Items left out altogether: counters that refused requests must write (pairing attempts). */
  ignore?: (item: Record<string, AttributeValue>) => boolean;
  /** Attributes left out of every item: a device's lastSeenAt marks its use, refused or not. */
  ignoreAttributes?: readonly string[];
}

/** The per-address email cap: the mailer counts its sends there in the background, never a request. */
const mailerBookkeeping = (item: Record<string, AttributeValue>) => item.type?.S === 'email-cap';

/**
 * Owed changes, which the webhook consumer deletes once fanned out (in the background, a while
 * after the request that wrote them), and the deliveries it writes. That a refused request owes
 * no webhook is asserted by test/e2e/webhooks.test.ts with real receivers.
 */
const webhookBookkeeping = (item: Record<string, AttributeValue>) =>
  item.pk?.S?.startsWith('OWED#') === true || item.type?.S === 'webhook-delivery';

/** Outbox items: the mailer claims and marks them sent in the background. */
export const outboxItems = (item: Record<string, AttributeValue>) => item.pk?.S?.startsWith('OUTBOX#') === true;

/** Pairing attempts per client address: counted for every attempt, a refused one above all (that is the limit). */
export const pairingAttempts = (item: Record<string, AttributeValue>) => item.pk?.S?.startsWith('PAIRLIMIT#') === true;

export async function fingerprint(
  client: DynamoDBClient,
  tables: readonly string[],
  options: FingerprintOptions = {},
): Promise<Fingerprint> {
  const items = new Map<string, string>();
  for (const TableName of tables) {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) {
        if (mailerBookkeeping(item) || webhookBookkeeping(item) || options.ignore?.(item)) continue;
        for (const name of options.ignoreAttributes ?? []) delete item[name];
        items.set(`${TableName} ${keyOf(item)}`, options.presenceOnly?.(item) ? 'present' : canonical(item));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  const hash = createHash('sha256');
  for (const key of [...items.keys()].sort()) hash.update(key).update('\0').update(items.get(key)!).update('\0');
  return { hash: hash.digest('hex'), items };
}

/** What changed between two fingerprints, readably (empty when nothing did). */
export function fingerprintDiff(before: Fingerprint, after: Fingerprint, max = 5): string {
  if (before.hash === after.hash) return '';
  const lines: string[] = [];
  for (const [k, v] of after.items) {
    if (!before.items.has(k)) lines.push(`added   ${k}: ${v.slice(0, 400)}`);
    else if (before.items.get(k) !== v) lines.push(`changed ${k}: ${before.items.get(k)!.slice(0, 300)} → ${v.slice(0, 300)}`);
  }
  for (const k of before.items.keys()) if (!after.items.has(k)) lines.push(`removed ${k}`);
  return lines.slice(0, max).join('\n') + (lines.length > max ? `\n… ${lines.length - max} more` : '');
}
