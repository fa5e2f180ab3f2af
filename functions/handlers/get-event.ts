import { eventStore } from '#adapters/event-store';
import { eventView } from '#domain/event';
import { authenticateDevice, bearerOf, isDeviceToken } from '#http/device-auth';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { eventIdOf, found } from '#http/event-id';

export const handler = publicRoute('get-event', async (req) => {
  // Public, but a scanner's token is still judged: revoked → device_revoked, another event's → 403.
  const eventId = eventIdOf(req.params);
  const bearer = bearerOf(req.event.headers?.authorization);
  if (bearer && isDeviceToken(bearer)) await authenticateDevice(bearer, { allowed: true, eventId });
  const page = found(await eventStore.read(eventId));
  return json(200, eventView(page.event, page.counters));
});
