/**
 * Attendance from counters only: the event partition (event, seat counters) and the check-in
 * count shards, so the cost is the same for 100 registrations or 100,000.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { eventStore } from '#adapters/event-store';
import { CHECKIN_SHARDS, keys } from '#adapters/keys';
import type { EventPage } from '#domain/ports';

export interface CheckinCounts {
  venue: number;
  sessions: Record<string, number>;
}

export async function readCheckinCounts(eventId: string): Promise<CheckinCounts> {
  const TableName = config().DATA_TABLE;
  const out = await tableCall(() =>
    documents.send(
      new BatchGetCommand({
        RequestItems: { [TableName]: { Keys: Array.from({ length: CHECKIN_SHARDS }, (_, n) => keys.checkinShard(eventId, n)), ConsistentRead: true } },
      }),
    ),
  );
  const counts: CheckinCounts = { venue: 0, sessions: {} };
  for (const item of out.Responses?.[TableName] ?? []) {
    counts.venue += Number(item.venue ?? 0);
    for (const [k, v] of Object.entries(item)) if (k.startsWith('s_')) counts.sessions[k.slice(2)] = (counts.sessions[k.slice(2)] ?? 0) + Number(v);
  }
  return counts;
}

export async function readAttendance(eventId: string): Promise<{ page: EventPage; checkins: CheckinCounts } | undefined> {
  const [page, checkins] = await Promise.all([eventStore.read(eventId), readCheckinCounts(eventId)]);
  return page ? { page, checkins } : undefined;
}
