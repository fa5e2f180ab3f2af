import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { badgeJwks } from '#domain/badge-token';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** What an offline scanner caches: every public key that still verifies this event's badges. */
export const handler = securedRoute('get-badge-keys', async (req) => {
  const eventId = req.params.eventId ?? '';
  if (!isEventId(eventId) || !(await eventStore.read(eventId))) throw notFound('No such event.');
  return json(200, await badgeJwks(await badgeKeyRing()), { 'Cache-Control': 'private, max-age=300' });
});
