/**
 * Time-ordered work kept in sharded gsi1 partitions (`<prefix><shard>` / `<ISO time>#<id>`), as
 * the outbox and the webhook deliveries keep what is owed: a sweep reads what is due from every
 * shard at once, never a scan.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';

/** The items due by `now` across `shards` partitions, oldest first, at most `limit`. */
export async function dueAcrossShards(prefix: string, shards: number, now: Date, limit: number): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      tableCall(() =>
        documents.send(
          new QueryCommand({
            TableName: config().DATA_TABLE,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
            ExpressionAttributeValues: { ':pk': `${prefix}${shard}`, ':now': `${now.toISOString()}#~` },
            Limit: limit,
          }),
        ),
      ),
    ),
  );
  return pages
    .flatMap((p) => p.Items ?? [])
    .sort((a, b) => (String(a.gsi1sk) < String(b.gsi1sk) ? -1 : 1))
    .slice(0, limit);
}
