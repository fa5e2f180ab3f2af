/**
 * Checks one scan in.
 * 1. Verify the badge against the event's keys before anything else (422 invalid_badge), or
 *    take the registration id of a manual check-in.
 * 2. Read the registration (404); judge the place (cancelled, waitlisted, no seat in the session).
 * 3. Record the venue, then the session if asked: first scan wins, an earlier scan moves the
 *    time back. If the registration changed meanwhile (cancelled, seat dropped), judge again;
 *    if it keeps changing, 503 with Retry-After (scan again), never 404.
 */
import { doorView, placesOf, type Scan } from '#domain/checkin';
import { notFound, serviceUnavailable } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';

export interface CheckinPorts {
  readRegistration(eventId: string, registrationId: string): Promise<StoredRegistration | undefined>;
  record(
    r: StoredRegistration,
    place: ReturnType<typeof placesOf>[number],
    scan: Scan,
    now: Date,
  ): Promise<
    { result: 'checked_in' | 'already_checked_in'; first: { at: string; deviceId: string | null } } | { result: 'registration_changed' }
  >;
  /**
   * An offline scan the device admitted, at the place it asked for: logs it (when `record` did
   * not already) and tells whether another device had admitted the person there by then.
   */
  offlineAdmission?(
    r: StoredRegistration,
    place: ReturnType<typeof placesOf>[number],
    scan: Scan,
    logged: boolean,
    now: Date,
  ): Promise<{ offlineDuplicate: boolean }>;
}

export interface CheckinResult {
  result: 'checked_in' | 'already_checked_in';
  registration: ReturnType<typeof doorView>;
  checkedInAt: string;
  deviceId?: string | null;
  offlineDuplicate?: true;
}

/** Time one more write needs; with less left, no write starts (503, nothing written). */
const WRITE_MARGIN_MS = 1500;

export async function checkIn(
  ports: CheckinPorts,
  event: StoredEvent,
  scan: Scan,
  now = new Date(),
  deadline = Infinity,
  clock = Date.now,
): Promise<CheckinResult> {
  let begun = false;
  for (let attempt = 0; attempt < 5; attempt++) {
    const registration = await ports.readRegistration(event.id, scan.registrationId);
    if (!registration) throw notFound('No such registration.');
    const places = placesOf(event, registration, scan.sessionId);
    let last: CheckinResult | undefined;
    let changed = false;
    for (const place of places) {
      // Without time for its writes a scan is not begun (503); once begun it is finished.
      if (!begun && clock() > deadline - WRITE_MARGIN_MS) throw serviceUnavailable();
      begun = true;
      const outcome = await ports.record(registration, place, scan, now);
      if (outcome.result === 'registration_changed') {
        changed = true;
        break;
      }
      last = {
        result: outcome.result,
        registration: doorView(registration),
        checkedInAt: outcome.first.at,
        ...(outcome.result === 'already_checked_in' ? { deviceId: outcome.first.deviceId } : {}),
      };
    }
    if (!changed && last && scan.offline && scan.verdict === 'admitted' && ports.offlineAdmission) {
      // `record` logs the admission itself when the scan set the first-scan time.
      const { offlineDuplicate } = await ports.offlineAdmission(registration, places.at(-1)!, scan, last.result === 'checked_in', now);
      if (offlineDuplicate) last.offlineDuplicate = true;
    }
    if (!changed && last) return last;
  }
  // Contention, not absence: the registration exists but kept changing under the scan.
  throw serviceUnavailable();
}
