import { readTimeline } from '#adapters/attendance-store';
import { eventStore } from '#adapters/event-store';
import { timelineBucketOf, timelineView } from '#domain/timeline';
import { eventIdOf, found } from '#http/event-id';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** Entries, exits and people inside per place per bucket, from the bucket counters: cost grows with buckets only. */
export const handler = securedRoute('get-attendance-timeline', async (req) => {
  const eventId = eventIdOf(req.params);
  const bucket = timelineBucketOf(req.query.bucket);
  const [page, fine] = await Promise.all([eventStore.read(eventId), readTimeline(eventId)]);
  return json(200, timelineView(found(page).event, fine, bucket, new Date()));
});
