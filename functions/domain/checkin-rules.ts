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
