import { eventStore } from '#adapters/event-store';
import { eventView } from '#domain/event';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { authenticateDevice, bearerOf, isDeviceToken } from '#http/device-auth';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';

export const handler = publicRoute('get-event', async (req) => {
  const eventId = req.params.eventId ?? '';
  // Public, but a scanner's token is still judged: revoked → device_revoked, another event's → 403.
  const bearer = bearerOf(req.event.headers?.authorization);
  if (bearer && isDeviceToken(bearer)) await authenticateDevice(bearer, { allowed: true, eventId });
  const page = isEventId(eventId) ? await eventStore.read(eventId) : undefined;
  if (!page) throw notFound('No such event.');
  return json(200, eventView(page.event, page.counters));
});
