import { deviceStore } from '#adapters/device-store';
import { eventStore } from '#adapters/event-store';
import { checkPlaces, deviceView, newDeviceId, tokenValidUntil, type StoredDevice } from '#domain/device';
import { eventIdOf, found } from '#http/event-id';
import { newPairing } from '#http/pairing';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { deviceInput } from '#schemas/device';

/** A door scanner for the event, with its first one-time pairing code (shown once: only its hash is kept). */
export const handler = securedRoute('create-device', async (req) => {
  const eventId = eventIdOf(req.params);
  const page = found(await eventStore.read(eventId));
  const input = validate(deviceInput(), req.body, req.locale);
  const places = checkPlaces(
    input.places,
    page.event.sessions.map((s) => s.id),
  );
  const now = new Date();
  const device: StoredDevice = {
    id: newDeviceId(),
    eventId,
    name: input.name,
    places,
    createdAt: now.toISOString(),
    pairedAt: null,
    lastSeenAt: null,
    revokedAt: null,
  };
  const pairing = newPairing(now);
  await deviceStore.create(device, tokenValidUntil(page.event.endsAt), pairing.hash, pairing.view.expiresAt);
  return json(201, { ...deviceView(device), pairing: pairing.view });
});
