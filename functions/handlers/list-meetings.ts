import { eventStore } from '#adapters/event-store';
import { meetingStore } from '#adapters/meeting-store';
import { cursorKey } from '#adapters/secrets';
import { GatepassError } from '#domain/errors';
import { MEETING_STATUSES, meetingView, type MeetingStatus } from '#domain/meetings';
import { settle } from '#domain/meeting-use-cases';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { eventIdOf, found } from '#http/event-id';
import { meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** The schedule: meetings by slot (requests by creation), filtered by table and status, each judged as read. */
export const handler = securedRoute('list-meetings', async (req) => {
  const eventId = eventIdOf(req.params);
  found(await eventStore.read(eventId));
  const limit = pageLimit(req.query.limit);
  const status = req.query.status;
  if (status !== undefined && !MEETING_STATUSES.includes(status as MeetingStatus))
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'status', message: `one of ${MEETING_STATUSES.join(', ')}` }] });
  const table = req.query.table;
  if (table !== undefined && (table.length < 1 || table.length > 40))
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'table', message: '1 to 40 characters' }] });
  const key = await cursorKey();
  const scope = `meetings:${eventId}:${status ?? ''}:${table ?? ''}`;
  const page = await meetingStore.list(eventId, { status, table, limit, after: decodeCursor(key, scope, req.query.cursor) });
  const items = await Promise.all(page.items.map((m) => settle(meetingPorts, m)));
  return json(200, { items: items.map(meetingView), nextCursor: encodeCursor(key, scope, page.next) });
});
