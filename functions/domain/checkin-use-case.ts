/**
 * Judges and records one scan: an entry (`in`) or an exit (`out`).
 * 1. Verify the badge against the event's keys before anything else (422 invalid_badge), or
 *    take the registration id of a manual check-in (the caller does both).
 * 2. Read the person (registration, first entries, scan log) and judge the scan from it, purely
 *    (planScan): the place rules, the first entry, re-entry, exits.
 * 3. Write the scan, its presence change and every counter it moves in one transaction, under a
 *    condition on the person's presence version (and, for an entry, the seat): a concurrent scan
 *    or change of the same person makes it judge again from a fresh read; if that keeps
 *    happening, 503 with Retry-After (scan again), never 404.
 */
import type { WebhookMessage } from '#domain/webhooks';
import { doorView, placesOf, type FirstScan, type Scan } from '#domain/checkin';
import {
  apiPlace,
  bearsOn,
  type CheckinPlace,
  exitPlace,
  judgeEntry,
  judgeExit,
  type PresenceScan,
  placesInside,
  transitions,
} from '#domain/checkin-rules';
import { admittedByTwoDevices, isOfflineDuplicate } from '#domain/device';
import { GatepassError, notFound, serviceUnavailable } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';

/** One recorded scan of a person, as the scan log holds it. */
export interface LoggedScan extends PresenceScan {
  /** Whether it bears on presence: an accepted entry, or any exit. */
  applied: boolean;
  /** An admission (offline duplicates are told from these). */
  admits: boolean;
  deviceId: string | null;
  scanId: string | null;
  offline: boolean;
  uploadedAt: string;
  /** What it was answered: a result or an error code, and its status. */
  answer: string;
  status: number;
}

/** What a scan is judged from: everything in the person's own partition. */
export interface PersonRecord {
  registration: StoredRegistration;
  firsts: Partial<Record<CheckinPlace, FirstScan>>;
  log: LoggedScan[];
  /**
   * What the judgement saw: `changed` counts the scans that changed anything, `scans` every
   * recorded scan. A change is written only if neither moved; a no-change only if `changed` did not.
   */
  version: { changed: number; scans: number };
}

/** A presence change in time buckets (see TIMELINE_BUCKET_MS): entries and exits to add (or take back). */
export interface TimelineDelta {
  bucket: string;
  place: CheckinPlace;
  in: number;
  out: number;
}

/** Everything one scan writes, in one transaction. */
export interface ScanWrite {
  registration: StoredRegistration;
  version: PersonRecord['version'];
  /** An entry: the registration must still be confirmed (and hold its seat at this session). */
  entryGuard?: CheckinPlace;
  logged: LoggedScan;
  /** First entries set (no `previousAt`) or moved back by an earlier offline scan. */
  firsts: { place: CheckinPlace; first: FirstScan; previousAt?: string }[];
  insideBefore: CheckinPlace[];
  insideAfter: CheckinPlace[];
  timeline: TimelineDelta[];
  /** The place to list among the offline duplicates (two devices admitted the badge there). */
  duplicateAt?: CheckinPlace;
  /**
   * Whether the scan changes anything but the log (a first entry, a presence transition, a
   * listing). A scan that changes nothing (a repeat at the door, an exit of someone outside, a
   * refusal) copies the direction of the scan before it, so any number of them commute: they are
   * checked against the changes only (fifty waves of one badge at once never queue behind each
   * other), while a change is checked against every scan, since a scan recorded meanwhile may
   * alter what it changes.
   */
  changes: boolean;
  /** The webhooks this scan owes: `checkin.created` for an entry answered 201, `checkout.created` for an exit. */
  messages?: WebhookMessage[];
}

export interface CheckinPorts {
  readPerson(eventId: string, registrationId: string): Promise<PersonRecord | undefined>;
  /** The transaction; `conflict` when any of its conditions failed (judge again from a fresh read). */
  write(w: ScanWrite, scan: Scan, now: Date): Promise<'ok' | 'conflict'>;
}

export interface CheckinResult {
  result: 'checked_in' | 'already_checked_in' | 're_entered' | 'checked_out';
  registration: ReturnType<typeof doorView>;
  checkedInAt: string | null;
  deviceId?: string | null;
  offlineDuplicate?: true;
}

/** The timeline's finest bucket; 15- and 60-minute buckets are sums of these. */
export const TIMELINE_BUCKET_MS = 5 * 60_000;
export const bucketOf = (at: string, size = TIMELINE_BUCKET_MS) => new Date(Math.floor(Date.parse(at) / size) * size).toISOString();

const asAdmission = (l: LoggedScan) => ({ deviceId: l.deviceId, scannedAt: l.at, uploadedAt: l.uploadedAt });

/** Time one more write needs; with less left, no write starts (503, nothing written). */
const WRITE_MARGIN_MS = 1500;
const ATTEMPTS = 8;

const statusOf = (result: CheckinResult['result']) => (result === 'already_checked_in' ? 200 : 201);
const reentryAllowed = (event: StoredEvent) => event.checkin?.reentry ?? true;

/** The change of presence transitions, per bucket and place, that adding `scan` makes. */
function timelineDelta(before: readonly PresenceScan[], after: readonly PresenceScan[]): TimelineDelta[] {
  const places = new Set<CheckinPlace>(['VENUE']);
  for (const s of after) places.add(s.place);
  const counts = new Map<string, TimelineDelta>();
  const add = (scans: readonly PresenceScan[], place: CheckinPlace, sign: number) => {
    for (const t of transitions(scans, place)) {
      const bucket = bucketOf(t.at);
      const k = `${bucket}|${place}`;
      const d = counts.get(k) ?? { bucket, place, in: 0, out: 0 };
      d[t.kind] += sign;
      counts.set(k, d);
    }
  };
  for (const place of places) {
    add(after, place, 1);
    add(before, place, -1);
  }
  return [...counts.values()].filter((d) => d.in !== 0 || d.out !== 0);
}

/**
 * Judges a scan from the person's record, purely: the answer (a result, or a refusal to record
 * and then throw), and what to write (nothing for a scan already recorded).
 */
export function planScan(
  event: StoredEvent,
  person: PersonRecord,
  scan: Scan,
  now: Date,
): { write?: ScanWrite; answer: CheckinResult | GatepassError } {
  const r = person.registration;
  const applied = person.log.filter((l) => l.applied);
  const asked: CheckinPlace = scan.sessionId === undefined ? 'VENUE' : `SESSION#${scan.sessionId}`;
  const position = { at: scan.scannedAt, key: scan.key };
  const firstAt = (place: CheckinPlace) => person.firsts[place]?.at ?? (place === 'VENUE' ? (r.checkedInAt ?? undefined) : undefined);
  const duplicateOf = (admits: readonly LoggedScan[]) => {
    if (!(scan.offline && scan.verdict === 'admitted' && scan.direction === 'in')) return false;
    const exits = applied.filter((l) => l.direction === 'out' && bearsOn(l, asked)).map((l) => l.at);
    return isOfflineDuplicate(admits.map(asAdmission), { deviceId: scan.deviceId, scannedAt: scan.scannedAt }, exits);
  };
  const admissionsAt = (log: readonly LoggedScan[]) => log.filter((l) => l.admits && l.place === asked && l.direction === 'in');

  // The same scan uploaded again: recorded once; answered as before (an entry: as a repeat). A
  // scanId names its scan alone: one uploaded without scannedAt gets the server's time afresh
  // on every upload, so its time cannot be part of what makes it the same scan.
  const repeat = person.log.find((l) => l.place === asked && l.key === scan.key && (scan.scanId !== null || l.at === scan.scannedAt));
  if (repeat) {
    if (repeat.status >= 400) return { answer: new GatepassError(repeat.status, repeat.answer) };
    const first = person.firsts[asked];
    if (repeat.direction === 'out')
      return { answer: { result: 'checked_out', registration: doorView(r), checkedInAt: firstAt(asked) ?? null } };
    const others = admissionsAt(person.log).filter((l) => l !== repeat);
    return {
      answer: {
        result: 'already_checked_in',
        registration: doorView(r),
        checkedInAt: first?.at ?? firstAt(asked) ?? null,
        deviceId: first?.deviceId ?? null,
        ...(duplicateOf(others) ? { offlineDuplicate: true as const } : {}),
      },
    };
  }

  let places: CheckinPlace[] = [asked];
  let judged: CheckinResult['result'][] = [];
  let refusal: GatepassError | undefined;
  try {
    if (scan.direction === 'out') {
      places = [exitPlace(event, scan.sessionId)];
      judged = [judgeExit(places[0]!, applied, position)];
    } else {
      places = placesOf(event, r, scan.sessionId);
      const options = { reentry: reentryAllowed(event), moveBack: scan.offline };
      judged = places.map((p) => judgeEntry(p, firstAt(p), applied, position, options));
    }
  } catch (error) {
    // Refusals at the door are recorded too; a malformed scan (422) is not a scan.
    if (!(error instanceof GatepassError) || error.status !== 409) throw error;
    refusal = error;
  }
  const result = judged.at(-1);
  const isApplied = scan.direction === 'out' || refusal === undefined;
  const admits =
    scan.direction === 'in' &&
    !refusal &&
    scan.verdict !== 'refused' &&
    (result !== 'already_checked_in' || (scan.offline && scan.verdict === 'admitted'));
  const logged: LoggedScan = {
    place: asked,
    direction: scan.direction,
    at: scan.scannedAt,
    key: scan.key,
    applied: isApplied,
    admits,
    deviceId: scan.deviceId,
    scanId: scan.scanId,
    offline: scan.offline,
    uploadedAt: now.toISOString(),
    answer: refusal?.code ?? result!,
    status: refusal?.status ?? statusOf(result!),
  };
  const after = isApplied ? [...applied, logged] : applied;
  const firsts = refusal
    ? []
    : places.flatMap((place, i) =>
        scan.direction === 'in' && judged[i] === 'checked_in'
          ? [
              {
                place,
                first: { at: scan.scannedAt, deviceId: scan.deviceId },
                ...(person.firsts[place] ? { previousAt: person.firsts[place].at } : {}),
              },
            ]
          : [],
      );
  const admissions = admissionsAt(person.log);
  const offlineDuplicate = admits && duplicateOf(admissions);
  const insideBefore = placesInside(applied);
  const insideAfter = placesInside(after);
  const timeline = timelineDelta(applied, after);
  const duplicateAt = admits && admittedByTwoDevices([...admissions.map(asAdmission), asAdmission(logged)]) ? asked : undefined;
  const write: ScanWrite = {
    registration: r,
    version: person.version,
    ...(scan.direction === 'in' && !refusal ? { entryGuard: asked } : {}),
    logged,
    firsts,
    insideBefore,
    insideAfter,
    timeline,
    ...(duplicateAt ? { duplicateAt } : {}),
    changes: firsts.length > 0 || timeline.length > 0 || duplicateAt !== undefined || insideBefore.join() !== insideAfter.join(),
  };
  if (refusal) return { write, answer: refusal };
  const first = firsts.find((f) => f.place === asked)?.first ?? person.firsts[asked];
  const answer: CheckinResult = {
    result: result!,
    registration: doorView(r),
    checkedInAt: first?.at ?? firstAt(asked) ?? null,
    ...(result === 'already_checked_in' ? { deviceId: first?.deviceId ?? null } : {}),
    ...(offlineDuplicate ? { offlineDuplicate: true as const } : {}),
  };
  // Webhooks: any entry answered 201, any exit; the check-in as the route answers it, with its place and time.
  const type = result === 'checked_out' ? 'checkout.created' : result === 'already_checked_in' ? undefined : 'checkin.created';
  if (type) {
    const data = {
      eventId: r.eventId,
      sessionId: scan.sessionId ?? null,
      scannedAt: scan.scannedAt,
      deviceId: scan.deviceId ?? null,
      ...answer,
    };
    write.messages = [{ type, data }];
  }
  return { write, answer };
}

export async function checkIn(
  ports: CheckinPorts,
  event: StoredEvent,
  scan: Scan,
  now = new Date(),
  deadline = Infinity,
  clock = Date.now,
): Promise<CheckinResult> {
  let begun = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const person = await ports.readPerson(event.id, scan.registrationId);
    if (!person) throw notFound('No such registration.');
    const { write, answer } = planScan(event, person, scan, now);
    if (write) {
      // Without time for its write a scan is not begun (503); once begun it is finished.
      if (!begun && clock() > deadline - WRITE_MARGIN_MS) throw serviceUnavailable();
      begun = true;
      // The one place a check-in or check-out is written (checkin.created / checkout.created hang here).
      if ((await ports.write(write, scan, now)) === 'conflict') {
        // Another scan of this person won the race: back off a little (jittered), then judge again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
        continue;
      }
    }
    if (answer instanceof GatepassError) throw answer;
    return answer;
  }
  // Contention, not absence: the registration exists but kept changing under the scan.
  throw serviceUnavailable();
}

/** The places a person is inside, in API.md's words. */
export const insideView = (places: readonly CheckinPlace[]) => places.map(apiPlace);
export { statusOf };
