/**
 * BatchGetItem for every reader of several items at once. DynamoDB takes 100 keys a call and may
 * answer only part of them (`UnprocessedKeys`, under load or past 16 MB): a caller that ignored
 * them would miss a counter or a line head and decide on a guess. So what is left unprocessed is
 * asked again, with backoff, a bounded number of times; then 503 (nothing decided on a partial read).
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '#adapters/clients';
import { serviceUnavailable, tableCall } from '#adapters/dynamo-errors';

export interface BatchGetOptions {
  consistent?: boolean;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Every item found for `keys` (in no particular order; a key with no item yields nothing). */
export async function batchGetAll(
  table: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const { consistent = true, maxAttempts = 6, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  const found: Record<string, unknown>[] = [];
  let wanted = [...keys];
  for (let attempt = 0; wanted.length; attempt++) {
    if (attempt >= maxAttempts) throw serviceUnavailable();
    if (attempt > 0) await sleep(Math.random() * 20 * 2 ** attempt);
    const chunks = Array.from({ length: Math.ceil(wanted.length / 100) }, (_, i) => wanted.slice(i * 100, i * 100 + 100));
    const outs = await Promise.all(
      chunks.map((Keys) =>
        tableCall(() => documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys, ConsistentRead: consistent } } }))),
      ),
    );
    for (const out of outs) found.push(...((out.Responses?.[table] ?? []) as Record<string, unknown>[]));
    wanted = outs.flatMap((o) => (o.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[]);
  }
  return found;
}
