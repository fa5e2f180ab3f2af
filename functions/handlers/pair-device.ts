import { createHmac } from 'node:crypto';
import { signingKey } from '#domain/secret-keys';
import { deviceStore } from '#adapters/device-store';
import { addressKey } from '#adapters/secrets';
import { newDeviceToken, normalisePairingCode, secretHash } from '#domain/device';
import { GatepassError } from '#domain/errors';
import { clientAddress } from '#http/client-address';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { pairingInput } from '#schemas/device';

/**
 * Attempts per client address and minute. 80-bit codes cannot be guessed at any rate; the limit
 * keeps guessing expensive while a venue's crew, pairing phones behind one NAT, is not held up.
 */
export const PAIRINGS_PER_MINUTE = 20;

/**
 * A scanner trades its one-time code for a device token. Unknown, used and expired codes get one
 * answer. Neither the code nor the token is logged; only their hashes are stored.
 */
export const handler = publicRoute('pair-device', async (req) => {
  const { code } = validate(pairingInput(), req.body, req.locale);
  const now = new Date();
  // Every well-formed request counts, whatever the code: one conditional update, then at most two reads and a transaction.
  const address = createHmac('sha256', signingKey(await addressKey()))
    .update(clientAddress(req.event))
    .digest('base64url')
    .slice(0, 32);
  const retryAfter = await deviceStore.countPairingAttempt(address, now, PAIRINGS_PER_MINUTE);
  if (retryAfter !== undefined)
    throw new GatepassError(429, 'too_many_requests', {
      detail: 'Too many pairing attempts from this address.',
      headers: { 'Retry-After': String(retryAfter) },
    });
  const canonical = normalisePairingCode(code);
  const token = newDeviceToken();
  const device = canonical ? await deviceStore.pair(secretHash('pairing', canonical), secretHash('device-token', token), now) : undefined;
  if (!device) throw new GatepassError(401, 'invalid_pairing_code');
  return json(201, { deviceToken: token, device: { id: device.id, eventId: device.eventId, name: device.name, places: device.places } });
});
