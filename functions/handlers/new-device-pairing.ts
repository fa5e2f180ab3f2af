import { deviceStore } from '#adapters/device-store';
import { deviceView, isDeviceId } from '#domain/device';
import { notFound } from '#domain/errors';
import { eventIdOf } from '#http/event-id';
import { newPairing } from '#http/pairing';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/**
 * A fresh code for a device whose pairing answer was lost (or a phone being replaced): the
 * previous code stops, and pairing with the new one retires the device's current token.
 * A revoked device is gone for good: create another.
 */
export const handler = securedRoute('new-device-pairing', async (req) => {
  const eventId = eventIdOf(req.params);
  const { deviceId = '' } = req.params;
  if (!isDeviceId(deviceId)) throw notFound('No such device.');
  const pairing = newPairing(new Date());
  const device = await deviceStore.newPairing(eventId, deviceId, pairing.hash, pairing.view.expiresAt);
  if (device === 'gone') throw notFound('No such device, or it was revoked.');
  return json(201, { ...deviceView(device), pairing: pairing.view });
});
