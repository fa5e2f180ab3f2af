/**
 * The door's rules for one place, free of any server code, so that the scanner's offline judge
 * (web/src/scan) and the API judge a registration alike: cancelled, not issued (waitlisted,
 * pending, denied), no seat in the session.
 */
import { GatepassError } from '#domain/errors';

export type CheckinPlace = 'VENUE' | `SESSION#${string}`;

/** What the rules read of an event and a registration (a roster item has as much). */
export interface DoorEvent {
  sessions: readonly { id: string }[];
}
export interface DoorRegistration {
  status: string;
  sessions: readonly { id: string; status: string }[];
}

/** The places a scan records, the asked-for place last (venue first for a session door). */
export function placesOf(event: DoorEvent, registration: DoorRegistration, sessionId: string | undefined): CheckinPlace[] {
  if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
  if (registration.status !== 'confirmed')
    throw new GatepassError(409, 'badge_not_issued', { detail: 'Waitlisted for the event: no seat to check in to.' });
  if (sessionId === undefined) return ['VENUE'];
  if (!event.sessions.some((s) => s.id === sessionId)) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'sessionId', message: 'not a session of this event' }] });
  }
  if (!registration.sessions.some((s) => s.id === sessionId && s.status === 'confirmed')) {
    throw new GatepassError(409, 'not_registered_for_session');
  }
  return ['VENUE', `SESSION#${sessionId}`];
}

// — exits, re-entry and occupancy —

export type Direction = 'in' | 'out';

/**
 * A recorded scan that bears on presence: an accepted entry, or any exit (an exit of someone not
 * inside changes nothing now, but a late upload of an earlier entry may put it after one). Ordered
 * by `at` (scannedAt), then `key` (the scan's own key), so every reader folds the same order.
 */
export interface PresenceScan {
  place: CheckinPlace;
  direction: Direction;
  at: string;
  key: string;
}

export const scanOrder = (a: { at: string; key: string }, b: { at: string; key: string }) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** Whether a scan moves presence at `place`: its own scans, a session entry at the venue, a venue exit at every session. */
export const bearsOn = (s: PresenceScan, place: CheckinPlace) =>
  s.place === place || (place === 'VENUE' ? s.direction === 'in' : s.place === 'VENUE' && s.direction === 'out');

/** Inside `place` just before `before` (now, without it): the direction of the latest scan bearing on it. */
export function isInside(scans: readonly PresenceScan[], place: CheckinPlace, before?: { at: string; key: string }): boolean {
  let latest: PresenceScan | undefined;
  for (const s of scans) {
    if (!bearsOn(s, place) || (before && scanOrder(s, before) >= 0)) continue;
    if (!latest || scanOrder(s, latest) > 0) latest = s;
  }
  return latest?.direction === 'in';
}

/** Every place the person is inside now, the venue first. */
export function placesInside(scans: readonly PresenceScan[]): CheckinPlace[] {
  const places = new Set<CheckinPlace>(['VENUE']);
  for (const s of scans) places.add(s.place);
  return [...places].filter((p) => isInside(scans, p));
}

/** The place in API.md's words: "venue" or the session id. */
export const apiPlace = (place: CheckinPlace) => (place === 'VENUE' ? 'venue' : place.slice(8));
export const checkinPlace = (place: string): CheckinPlace => (place === 'venue' ? 'VENUE' : `SESSION#${place}`);

/** When the person's presence at `place` changed (entered or left), in time order. */
export function transitions(scans: readonly PresenceScan[], place: CheckinPlace): { at: string; kind: Direction }[] {
  const out: { at: string; kind: Direction }[] = [];
  let inside = false;
  for (const s of scans.filter((s) => bearsOn(s, place)).sort(scanOrder)) {
    const now = s.direction === 'in';
    if (now !== inside) out.push({ at: s.at, kind: s.direction });
    inside = now;
  }
  return out;
}

/**
 * The answer to an entry at one place. `first` is the first entry's time there (none yet: this is
 * it). An earlier offline scan (`moveBack`) moves the first entry back. Otherwise the person is
 * either still inside (a repeat) or came back after an exit: a re-entry, where the event allows it.
 */
export function judgeEntry(
  place: CheckinPlace,
  first: string | undefined,
  scans: readonly PresenceScan[],
  scan: { at: string; key: string },
  options: { reentry: boolean; moveBack: boolean },
): 'checked_in' | 'already_checked_in' | 're_entered' {
  if (first === undefined || (options.moveBack && scan.at < first)) return 'checked_in';
  if (scan.at < first || isInside(scans, place, scan)) return 'already_checked_in';
  if (!options.reentry) throw new GatepassError(409, 'reentry_not_allowed');
  return 're_entered';
}

/** The answer to an exit: only someone inside may leave (whatever their registration's status). */
export function judgeExit(place: CheckinPlace, scans: readonly PresenceScan[], scan: { at: string; key: string }): 'checked_out' {
  if (!isInside(scans, place, scan)) throw new GatepassError(409, 'not_inside');
  return 'checked_out';
}

/** The place of an exit scan: any place of the event (no seat needed to leave). */
export function exitPlace(event: DoorEvent, sessionId: string | undefined): CheckinPlace {
  if (sessionId === undefined) return 'VENUE';
  if (!event.sessions.some((s) => s.id === sessionId)) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'sessionId', message: 'not a session of this event' }] });
  }
  return `SESSION#${sessionId}`;
}
