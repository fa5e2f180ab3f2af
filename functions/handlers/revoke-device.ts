import { deviceStore } from '#adapters/device-store';
import { deviceView, isDeviceId } from '#domain/device';
import { notFound } from '#domain/errors';
import { eventIdOf } from '#http/event-id';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Revokes a lost or retired scanner: its token answers device_revoked from the next request on. */
export const handler = securedRoute('revoke-device', async (req) => {
  const eventId = eventIdOf(req.params);
  const { deviceId = '' } = req.params;
  const device = isDeviceId(deviceId) ? await deviceStore.revoke(eventId, deviceId, new Date()) : undefined;
  if (!device) throw notFound('No such device.');
  return json(200, deviceView(device));
});
