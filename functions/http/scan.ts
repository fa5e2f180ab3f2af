/**
 * Judges one scan exactly as POST /checkins does; the batch route judges each of its items
 * with it. The badge is verified before anything else (no database read for a forged badge).
 */
import { readPerson, writeScan } from '#adapters/checkin-store';
import { verifyBadge, type BadgeKeyRing } from '#domain/badge-token';
import { scanKey, scanTime } from '#domain/checkin';
import { checkIn, statusOf, type CheckinResult } from '#domain/checkin-use-case';
import { assertPlaceAllowed, type DevicePlaces } from '#domain/device';
import { GatepassError } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import type { Locale } from '#domain/messages';
import { isRegistrationId } from '#domain/registration';
import type { Principal } from '#http/auth';
import { validate } from '#http/validate';
import { batchScanInput, checkinInput, type CheckinInput } from '#schemas/checkin';

const ports = { readPerson, write: writeScan };

/** The paired device making the scans, when a device token called. */
export const scanningDevice = (principal: Principal) =>
  principal.kind === 'device' ? { id: principal.deviceId, places: principal.places } : undefined;

export async function judgeScan(
  eventId: string,
  loadEvent: () => Promise<StoredEvent | undefined>,
  ring: BadgeKeyRing,
  body: unknown,
  locale: Locale,
  options: {
    offline: boolean;
    now?: Date;
    device?: { id: string; places: DevicePlaces } /** The function's time limit (epoch ms): a scan without time for its writes is 503. */;
    deadline?: number;
  },
): Promise<{ status: number; result: CheckinResult }> {
  // The badge first, whatever else the body holds.
  const badge = body && typeof body === 'object' && !Array.isArray(body) ? (body as { badge?: unknown }).badge : undefined;
  const claim = badge !== undefined ? await verifyBadge(ring, eventId, badge) : undefined;
  const now = options.now ?? new Date();
  // Batch items may say what the scanner showed the person (`verdict`).
  const scan: CheckinInput & { verdict?: 'admitted' | 'refused' } = validate(
    options.offline ? batchScanInput() : checkinInput(),
    body,
    locale,
  );
  // A paired device scans at its own places only, and its scans are its own (a body deviceId is ignored).
  if (options.device) assertPlaceAllowed(options.device.places, scan.sessionId);
  const registrationId = claim?.registrationId ?? scan.registrationId!;
  if (!isRegistrationId(registrationId)) throw new GatepassError(404, 'not_found', { detail: 'No such registration.' });
  const event = await loadEvent();
  if (!event) throw new GatepassError(404, 'not_found', { detail: 'No such event.' });
  const deviceId = options.device ? options.device.id : (scan.deviceId ?? null);
  const scanId = scan.scanId ?? null;
  const result = await checkIn(
    ports,
    event,
    {
      registrationId,
      ...(scan.sessionId !== undefined ? { sessionId: scan.sessionId } : {}),
      scannedAt: scanTime(scan.scannedAt, now, event.createdAt),
      deviceId,
      scanId,
      manual: claim === undefined,
      offline: options.offline,
      ...(scan.verdict !== undefined ? { verdict: scan.verdict } : {}),
      direction: scan.direction ?? 'in',
      key: scanKey(deviceId, scanId, options.offline),
    },
    now,
    options.deadline,
  );
  return { status: statusOf(result.result), result };
}
