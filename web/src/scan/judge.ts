/**
 * The offline judge: what the API would answer, from what the device holds. The badge first
 * (signature with the cached keys, this event), then the place rules shared with the API
 * (functions/domain/checkin-rules.ts: cancelled, not issued, no seat in the session), then the
 * earlier admissions the device knows of (its own scans, and the roster's check-in time), and
 * for exits and re-entries the presence it knows of (the roster's `inside`, then its own scans),
 * judged by the same rules as the API (judgeEntry, judgeExit).
 */
import {
  type CheckinPlace,
  type Direction,
  type DoorEvent,
  exitPlace,
  judgeEntry,
  judgeExit,
  type PresenceScan,
  placesOf,
} from '#domain/checkin-rules';
import { GatepassError } from '#domain/errors';
import { InvalidBadge, type BadgeVerifier } from './badge.ts';

export interface RosterPerson {
  id: string;
  name: string;
  organization: string | null;
  status: string;
  sessions: { id: string; status: string }[];
  checkedInAt: string | null;
  updatedAt: string;
  /** The places the person was inside at the sync ("venue", session ids). */
  inside?: string[];
}

export interface Admission {
  at: string;
  deviceId: string | null;
}

export interface JudgePorts {
  eventId: string;
  event: DoorEvent;
  verifier: BadgeVerifier;
  person(registrationId: string): Promise<RosterPerson | undefined>;
  /** The first admission this device knows of, at one place. */
  admission(registrationId: string, place: CheckinPlace): Promise<Admission | undefined>;
  /** The scans this device knows of that bear on presence (the roster's, then its own). */
  presence?(registrationId: string): Promise<PresenceScan[]>;
  /** The event's `checkin.reentry` (default true). */
  reentry?: boolean;
}

export type ScanInput = ({ badge: string } | { registrationId: string }) & { sessionId?: string; direction?: Direction };

export interface Verdict {
  /** The API's `result` or error `code`. */
  code: string;
  admitted: boolean;
  registration?: { id: string; name: string | null; organization: string | null; sessions: { id: string; status: string }[] };
  checkedInAt?: string;
  deviceId?: string | null;
  registrationId?: string;
}

const doorView = (p: RosterPerson) => ({ id: p.id, name: p.name, organization: p.organization, sessions: p.sessions });

/** Judges one scan offline; `places` is what an admission records (venue first for a session door). */
export async function judgeOffline(ports: JudgePorts, scan: ScanInput, now: Date): Promise<Verdict & { places: CheckinPlace[] }> {
  let registrationId: string;
  if ('badge' in scan) {
    try {
      registrationId = (await ports.verifier.verify(scan.badge)).registrationId;
    } catch (e) {
      if (e instanceof InvalidBadge) return { code: 'invalid_badge', admitted: false, places: [] };
      throw e;
    }
  } else {
    registrationId = scan.registrationId;
  }
  const person = await ports.person(registrationId);
  const moment = { at: now.toISOString(), key: '~' };
  const log = (await ports.presence?.(registrationId)) ?? [];
  const registrationOf = () =>
    person ? doorView(person) : { id: registrationId, name: null, organization: null, sessions: [] as RosterPerson['sessions'] };
  if (scan.direction === 'out') {
    // Anyone inside may leave, whatever their status.
    try {
      const place = exitPlace(ports.event, scan.sessionId);
      judgeExit(place, log, moment);
      return { code: 'checked_out', admitted: true, registration: registrationOf(), registrationId, places: [place] };
    } catch (e) {
      if (e instanceof GatepassError) return { code: e.code, admitted: false, registration: registrationOf(), registrationId, places: [] };
      throw e;
    }
  }
  let places: CheckinPlace[];
  if (!person) {
    // A genuine badge of this event whose holder registered after the last sync: the signature
    // is the proof of a seat; the upload tells the device if the API thinks otherwise.
    if (!('badge' in scan)) return { code: 'not_found', admitted: false, registrationId, places: [] };
    places = scan.sessionId === undefined ? ['VENUE'] : ['VENUE', `SESSION#${scan.sessionId}`];
  } else {
    try {
      places = placesOf(ports.event, person, scan.sessionId);
    } catch (e) {
      if (e instanceof GatepassError) return { code: e.code, admitted: false, registration: doorView(person), registrationId, places: [] };
      throw e;
    }
  }
  const registration = person ? doorView(person) : { id: registrationId, name: null, organization: null, sessions: [] };
  // As the API does: the asked-for place (the last) decides between checked_in and already_checked_in.
  const asked = places[places.length - 1]!;
  const first =
    (await ports.admission(registrationId, asked)) ??
    (asked === 'VENUE' && person?.checkedInAt ? { at: person.checkedInAt, deviceId: null } : undefined);
  if (first && log.length > 0) {
    // Seen before: still inside (a repeat), or back after an exit.
    try {
      const code = judgeEntry(asked, first.at, log, moment, { reentry: ports.reentry ?? true, moveBack: false });
      if (code === 're_entered') return { code, admitted: true, registration, registrationId, checkedInAt: first.at, places };
    } catch (e) {
      if (e instanceof GatepassError) return { code: e.code, admitted: false, registration, registrationId, places: [] };
      throw e;
    }
  }
  if (first)
    return {
      code: 'already_checked_in',
      admitted: false,
      registration,
      registrationId,
      checkedInAt: first.at,
      deviceId: first.deviceId,
      places,
    };
  return { code: 'checked_in', admitted: true, registration, registrationId, checkedInAt: now.toISOString(), places };
}
