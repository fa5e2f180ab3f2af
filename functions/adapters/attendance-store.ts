/**
 * Attendance from counters only: the event partition (event, seat counters) and the check-in
 * count shards, so the cost is the same for 100 registrations or 100,000.
 */
import { config } from '#config';
import { batchGetAll } from '#adapters/batch-get';
import { eventStore } from '#adapters/event-store';
import { CHECKIN_SHARDS, keys } from '#adapters/keys';
import type { EventPage } from '#domain/ports';

export interface CheckinCounts {
  venue: number;
  sessions: Record<string, number>;
}

export async function readCheckinCounts(eventId: string): Promise<CheckinCounts> {
  const TableName = config().DATA_TABLE;
  const shards = await batchGetAll(
    TableName,
    Array.from({ length: CHECKIN_SHARDS }, (_, n) => keys.checkinShard(eventId, n)),
  );
  const counts: CheckinCounts = { venue: 0, sessions: {} };
  for (const item of shards) {
    counts.venue += Number(item.venue ?? 0);
    for (const [k, v] of Object.entries(item))
      if (k.startsWith('s_')) counts.sessions[k.slice(2)] = (counts.sessions[k.slice(2)] ?? 0) + Number(v);
  }
  return counts;
}

export async function readAttendance(eventId: string): Promise<{ page: EventPage; checkins: CheckinCounts } | undefined> {
  const [page, checkins] = await Promise.all([eventStore.read(eventId), readCheckinCounts(eventId)]);
  return page ? { page, checkins } : undefined;
}
