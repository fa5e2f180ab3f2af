/**
 * Judges one scan exactly as POST /checkins does; the batch route judges each of its items
 * with it. The badge is verified before anything else (no database read for a forged badge).
 */
import { registrationStore } from '#adapters/registration-store';
import { recordCheckin } from '#adapters/checkin-store';
import { verifyBadge, type BadgeKeyRing } from '#domain/badge-token';
import { scanTime } from '#domain/checkin';
import { checkIn, type CheckinResult } from '#domain/checkin-use-case';
import { GatepassError } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import type { Locale } from '#domain/messages';
import { isRegistrationId } from '#domain/registration';
import { validate } from '#http/validate';
import { checkinInput } from '#schemas/checkin';

const ports = { readRegistration: registrationStore.read, record: recordCheckin };

export async function judgeScan(
  eventId: string,
  loadEvent: () => Promise<StoredEvent | undefined>,
  ring: BadgeKeyRing,
  body: unknown,
  locale: Locale,
  options: { offline: boolean; now?: Date; /** The function's time limit (epoch ms): a scan without time for its writes is 503. */ deadline?: number },
): Promise<{ status: 200 | 201; result: CheckinResult }> {
  // The badge first, whatever else the body holds.
  const badge = body && typeof body === 'object' && !Array.isArray(body) ? (body as { badge?: unknown }).badge : undefined;
  const claim = badge !== undefined ? await verifyBadge(ring, eventId, badge) : undefined;
  const now = options.now ?? new Date();
  const scan = validate(checkinInput(), body, locale);
  const registrationId = claim?.registrationId ?? scan.registrationId!;
  if (!isRegistrationId(registrationId)) throw new GatepassError(404, 'not_found', { detail: 'No such registration.' });
  const event = await loadEvent();
  if (!event) throw new GatepassError(404, 'not_found', { detail: 'No such event.' });
  const result = await checkIn(
    ports,
    event,
    {
      registrationId,
      ...(scan.sessionId !== undefined ? { sessionId: scan.sessionId } : {}),
      scannedAt: scanTime(scan.scannedAt, now, event.createdAt),
      deviceId: scan.deviceId ?? null,
      scanId: scan.scanId ?? null,
      manual: claim === undefined,
      offline: options.offline,
    },
    now,
    options.deadline,
  );
  return { status: result.result === 'checked_in' ? 201 : 200, result };
}
