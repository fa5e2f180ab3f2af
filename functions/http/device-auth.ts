/**
 * Device tokens (the `device` role): told from a JWT by their shape, looked up by their hash in
 * one strongly consistent read, so a revocation holds from the next request on. Kept apart from
 * auth.ts so the one public route that honours a device token (GET /events/{eventId}) bundles no
 * JWT verification.
 */
import { deviceStore } from '#adapters/device-store';
import { isDeviceToken, secretHash, type DevicePlaces } from '#domain/device';
import { GatepassError } from '#domain/errors';
import { logger } from '#http/log';

export interface DevicePrincipal {
  kind: 'device';
  deviceId: string;
  eventId: string;
  places: DevicePlaces;
}

export { isDeviceToken };

export const bearerOf = (authorization: string | undefined) => /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];

const unauthorized = (code: 'unauthorized' | 'device_revoked', detail: string) =>
  new GatepassError(401, code, { detail, headers: { 'WWW-Authenticate': 'Bearer' } });

/**
 * Who a device token is, on a route open to devices (`allowed`) or not. Revoked answers
 * device_revoked on every route, so a scanner learns it wherever it is; a token of another
 * event, or on a route devices may not call, is 403.
 */
export async function authenticateDevice(
  token: string,
  route: { allowed: boolean; eventId: string | undefined },
  now = new Date(),
): Promise<DevicePrincipal> {
  const hash = secretHash('device-token', token);
  const record = await deviceStore.byToken(hash);
  if (!record) throw unauthorized('unauthorized', 'The device token is not valid.');
  if (record.revokedAt !== null) throw unauthorized('device_revoked', 'This device was revoked or paired again; pair it anew.');
  if (record.validUntil <= now.toISOString()) throw unauthorized('unauthorized', 'The device token has expired.');
  if (!route.allowed) throw new GatepassError(403, 'forbidden', { detail: 'A device may not call this route.' });
  if (route.eventId !== record.eventId) throw new GatepassError(403, 'forbidden', { detail: 'A device opens its own event only.' });
  try {
    await deviceStore.markSeen(hash, record, now);
  } catch (error) {
    // Last seen is a convenience for admins: never a reason to refuse a scan.
    logger.warn('device last-seen mark failed', { errorName: error instanceof Error ? error.name : 'unknown' });
  }
  return { kind: 'device', deviceId: record.deviceId, eventId: record.eventId, places: record.places };
}
