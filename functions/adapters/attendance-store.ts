/**
 * Attendance from counters only: the event partition (event, seat counters) and the check-in
 * count shards, so the cost is the same for 100 registrations or 100,000.
 */
import { config } from '#config';
import { batchGetAll } from '#adapters/batch-get';
import { eventStore } from '#adapters/event-store';
import { CHECKIN_SHARDS, keys } from '#adapters/keys';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import type { EventPage } from '#domain/ports';
import type { BucketCounts } from '#domain/timeline';

export interface CheckinCounts {
  venue: number;
  sessions: Record<string, number>;
}

/** Check-in counts and people inside, summed over the shards (`<place>` and `inside_<place>` attributes). */
export async function readShardCounts(eventId: string): Promise<{ checkins: CheckinCounts; inside: CheckinCounts }> {
  const TableName = config().DATA_TABLE;
  const shards = await batchGetAll(
    TableName,
    Array.from({ length: CHECKIN_SHARDS }, (_, n) => keys.checkinShard(eventId, n)),
  );
  const checkins: CheckinCounts = { venue: 0, sessions: {} };
  const inside: CheckinCounts = { venue: 0, sessions: {} };
  for (const item of shards) {
    for (const [k, v] of Object.entries(item)) {
      const counts = k.startsWith('inside_') ? inside : checkins;
      const name = k.startsWith('inside_') ? k.slice(7) : k;
      if (name === 'venue') counts.venue += Number(v);
      else if (name.startsWith('s_')) counts.sessions[name.slice(2)] = (counts.sessions[name.slice(2)] ?? 0) + Number(v);
    }
  }
  return { checkins, inside };
}

export async function readCheckinCounts(eventId: string): Promise<CheckinCounts> {
  return (await readShardCounts(eventId)).checkins;
}

export async function readAttendance(
  eventId: string,
): Promise<{ page: EventPage; checkins: CheckinCounts; inside: CheckinCounts } | undefined> {
  const [page, counts] = await Promise.all([eventStore.read(eventId), readShardCounts(eventId)]);
  return page ? { page, ...counts } : undefined;
}

/**
 * The event's timeline buckets, one Query of its timeline partition (an item per bucket and
 * shard), summed per bucket: the cost is the number of buckets, never the number of people.
 */
export async function readTimeline(eventId: string): Promise<BucketCounts[]> {
  const sums = new Map<string, Record<string, number>>();
  let after: Record<string, unknown> | undefined;
  do {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: config().DATA_TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.timelineBucket(eventId, '', 0).pk },
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      ),
    );
    for (const item of out.Items ?? []) {
      const sk = String(item.sk);
      const bucket = sk.slice(0, sk.lastIndexOf('#'));
      const sum = sums.get(bucket) ?? {};
      for (const [k, v] of Object.entries(item)) if (/^(in|out)_/.test(k)) sum[k] = (sum[k] ?? 0) + Number(v);
      sums.set(bucket, sum);
    }
    after = out.LastEvaluatedKey;
  } while (after);
  return [...sums].map(([bucket, counts]) => ({ bucket, counts }));
}
