import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { badgeJwks } from '#domain/badge-token';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { eventIdOf, found } from '#http/event-id';

/** What an offline scanner caches: every public key that still verifies this event's badges. */
export const handler = securedRoute('get-badge-keys', async (req) => {
  const eventId = eventIdOf(req.params);
  found(await eventStore.read(eventId));
  return json(200, await badgeJwks(await badgeKeyRing()), { 'Cache-Control': 'private, max-age=300' });
});
