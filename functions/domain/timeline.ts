/**
 * The attendance timeline, from the 5-minute bucket counters that every scan's transaction
 * moves: entries and exits per place per bucket, and people inside at each bucket's end (the
 * running sum of entries less exits). Pure: its cost is the number of buckets.
 */
import { GatepassError } from '#domain/errors';
import type { StoredEvent } from '#domain/event';

export const timelineBuckets = { '5m': 5 * 60_000, '15m': 15 * 60_000, '60m': 60 * 60_000 } as const;
export type TimelineBucket = keyof typeof timelineBuckets;

/**
 * Points per place at most. A long-finished event asked in 5-minute buckets through today would
 * otherwise answer megabytes: past it, the points stop at the later of the event's end and its
 * last scan (its figures no longer change), and a range still longer asks for a larger bucket.
 */
export const MAX_TIMELINE_POINTS = 2016;

export function timelineBucketOf(query: string | undefined): TimelineBucket {
  const bucket = query ?? '5m';
  if (!Object.hasOwn(timelineBuckets, bucket)) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'bucket', message: '5m, 15m or 60m' }] });
  }
  return bucket as TimelineBucket;
}

/** One 5-minute bucket's counts summed over its shards: `in_<place>`, `out_<place>` (`venue`, `s_<sessionId>`). */
export interface BucketCounts {
  bucket: string;
  counts: Record<string, number>;
}

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

export function timelineView(event: StoredEvent, fine: readonly BucketCounts[], bucket: TimelineBucket, now: Date) {
  const size = timelineBuckets[bucket];
  const times = fine.map((b) => Date.parse(b.bucket)).sort((a, b) => a - b);
  const start = floorTo(Math.min(Date.parse(event.startsAt), times[0] ?? Infinity), size);
  let end = floorTo(now.getTime(), size);
  if ((end - start) / size + 1 > MAX_TIMELINE_POINTS) {
    end = Math.min(end, floorTo(Math.max(Date.parse(event.endsAt), times.at(-1) ?? -Infinity), size));
  }
  const count = end < start ? 0 : (end - start) / size + 1;
  if (count > MAX_TIMELINE_POINTS) {
    throw new GatepassError(422, 'validation_failed', {
      errors: [{ path: 'bucket', message: `more than ${MAX_TIMELINE_POINTS} buckets: ask for a larger bucket` }],
    });
  }
  const names = [{ place: 'venue', name: 'venue' }, ...event.sessions.map((s) => ({ place: s.id, name: `s_${s.id}` }))];
  // Each fine bucket added into the coarse bucket that holds it (sizes are multiples of 5 minutes).
  const sums = new Map<number, Record<string, number>>();
  for (const b of fine) {
    const at = floorTo(Date.parse(b.bucket), size);
    const sum = sums.get(at) ?? {};
    for (const [k, v] of Object.entries(b.counts)) sum[k] = (sum[k] ?? 0) + v;
    sums.set(at, sum);
  }
  return {
    bucket,
    places: names.map(({ place, name }) => {
      let inside = 0;
      const points = Array.from({ length: count }, (_, i) => {
        const at = start + i * size;
        const sum = sums.get(at);
        const entries = sum?.[`in_${name}`] ?? 0;
        const exits = sum?.[`out_${name}`] ?? 0;
        inside += entries - exits;
        return { at: new Date(at).toISOString(), in: entries, out: exits, inside };
      });
      return { place, points };
    }),
  };
}
