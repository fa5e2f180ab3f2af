/**
 * The scanner's state and work, apart from its screen: pairing, the roster sync, judging each
 * scan (online first, offline by itself), the offline queue and its upload, and the wipe of a
 * revoked device. The screen (app.tsx) only reads these signals and calls these functions.
 */
import { batch, signal } from '@preact/signals';
import { checkinPlace, type CheckinPlace, type Direction, type PresenceScan } from '#domain/checkin-rules';
import { call, SCAN_TIMEOUT_MS } from './api.ts';
import { badgeVerifier, hasWebCryptoEd25519, type BadgeJwk, type BadgeVerifier, type VerifierKind } from './badge.ts';
import { openDb, wipeEverything, type Db } from './db.ts';
import { signal as feedback } from './feedback.ts';
import { judgeOffline, type Admission, type RosterPerson, type ScanInput, type Verdict } from './judge.ts';
import { rosterIndex, type RosterIndex } from './search.ts';

export interface Device {
  id: string;
  eventId: string;
  name: string;
  places?: string[] | null;
}

export interface ScannerEvent {
  id: string;
  name: { ko?: string; en?: string } | string;
  venue?: string;
  sessions: { id: string; name: { ko?: string; en?: string } | string }[];
  /** Door rules (absent from an event stored before them: re-entry allowed). */
  checkin?: { reentry: boolean };
  /** The B2B meetings programme: its tables are the scanner's table mode (absent or null without one). */
  meetings?: { tables: string[] } | null;
}

/** What one queued offline scan holds: the batch item, and what the volunteer was shown. */
export interface QueuedScan {
  scanId: string;
  badge?: string;
  registrationId?: string;
  sessionId?: string;
  scannedAt: string;
  /** Absent on scans queued before exits were kept: an entry. */
  direction?: Direction;
  verdict: 'admitted' | 'refused';
  shown: string;
  name: string | null;
}

export interface ShownVerdict extends Verdict {
  mode: 'online' | 'offline';
  /** Table mode: the meeting the badge was checked in to. */
  meeting?: { table: string | null; startsAt: string | null; endsAt: string | null };
  seq: number;
  /** When the decoded text (or the tap) reached the page (performance.now()). */
  startedAt: number;
  /** Milliseconds from then to the verdict being known (the screen adds its render: app.tsx). */
  tookMs: number;
}

export interface Difference {
  scanId: string;
  name: string | null;
  registrationId: string | null;
  shown: string;
  server: string;
  offlineDuplicate: boolean;
}

export type View = 'loading' | 'insecure' | 'pair' | 'setup' | 'scan';

/** The place a scan is for: `venue` or a session id (the API's `places` vocabulary). */
export type Place = string;

export const state = {
  view: signal<View>('loading'),
  pairError: signal<string | null>(null),
  setupError: signal<string | null>(null),
  revoked: signal(false),
  syncCount: signal(0),
  device: signal<Device | null>(null),
  event: signal<ScannerEvent | null>(null),
  place: signal<Place>('venue'),
  /** Table mode: the meeting table picked (null: the door). Online only: meetings are not in the roster. */
  table: signal<string | null>(null),
  /** Entry or exit, chosen per place (each door is one or the other, and may change). */
  direction: signal<Direction>('in'),
  verdict: signal<ShownVerdict | null>(null),
  mode: signal<'online' | 'offline'>('online'),
  queue: signal(0),
  lastSyncAt: signal<string | null>(null),
  people: signal(0),
  differences: signal<Difference[]>([]),
  verifier: signal<VerifierKind | null>(null),
  searchIndex: signal<RosterIndex<RosterPerson>>(rosterIndex([])),
};

const SYNC_EVERY_MS = 60_000;
const RETRY_UPLOAD_EVERY_MS = 5_000;
const BATCH_SIZE = 200;

let db: Db | undefined;
let token: string | undefined;
let verifier: BadgeVerifier | undefined;
const roster = new Map<string, RosterPerson>();
const admissions = new Map<string, Admission>();
/** This device's own accepted scans, per registration: with the roster's `inside`, the presence it judges exits by. */
const ownScans = new Map<string, PresenceScan[]>();
let syncToken: string | null = null;
let timers: ReturnType<typeof setInterval>[] = [];
let seq = 0;
let uploading: Promise<void> | undefined;
let locale = 'en';

export function setLocale(lang: string): void {
  locale = lang;
}

const admissionKey = (registrationId: string, place: CheckinPlace) => `${registrationId}|${place}`;
/** Own scans live in the admissions store under this prefix (no store added: no schema upgrade). */
const OWN_SCAN = 'presence|';

/**
 * The presence this device knows of: the roster's `inside` as of the person's `updatedAt` (an
 * entry at each place they were inside, an exit at every other), then its own scans since.
 */
function presenceOf(registrationId: string): PresenceScan[] {
  const p = roster.get(registrationId);
  const own = ownScans.get(registrationId) ?? [];
  if (!p?.inside) return own;
  const places: CheckinPlace[] = ['VENUE', ...(state.event.value?.sessions ?? []).map((s) => `SESSION#${s.id}` as CheckinPlace)];
  const synced = places.map((place) => ({
    place,
    direction: p.inside!.map(checkinPlace).includes(place) ? ('in' as const) : ('out' as const),
    at: p.updatedAt,
    key: 'roster',
  }));
  return [...synced, ...own];
}

function rememberScan(registrationId: string, scan: PresenceScan): Promise<unknown> {
  ownScans.set(registrationId, [...(ownScans.get(registrationId) ?? []), scan]);
  const key = `${OWN_SCAN}${scan.key}`;
  return db!.put('admissions', { ...scan, key, registrationId }, key);
}

/** Every place the device may scan at (API.md: `places` omitted means every place). */
export function devicePlaces(device: Device | null, event: ScannerEvent | null): Place[] {
  const all = ['venue', ...(event?.sessions.map((s) => s.id) ?? [])];
  if (!device?.places || device.places.length === 0) return all;
  return all.filter((p) => device.places!.includes(p));
}

function firstPlace(device: Device, event: ScannerEvent): Place {
  const places = devicePlaces(device, event);
  return places.includes('venue') ? 'venue' : (places[0] ?? 'venue');
}

/** Opens the device's storage and resumes where it was (paired or not). */
export async function start(): Promise<void> {
  const pairCode = takePairCodeFromUrl();
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia || !crypto?.subtle) {
    state.view.value = 'insecure';
    return;
  }
  db = await openDb();
  if (pairCode) {
    await pair(pairCode);
    return;
  }
  await resume();
}

/** The deep link's code (`#pair=…`), removed from the address bar and history at once. */
function takePairCodeFromUrl(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get('pair');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return code?.trim() ? code.trim() : null;
}

async function resume(): Promise<void> {
  const saved = await db!.get<{ token: string; device: Device }>('kv', 'device');
  if (!saved) {
    state.view.value = 'pair';
    return;
  }
  token = saved.token;
  state.device.value = saved.device;
  const complete = await db!.get<boolean>('kv', 'rosterComplete');
  if (!complete) {
    await setup();
    return;
  }
  await loadLocal();
  state.view.value = 'scan';
  startTimers();
  void refresh();
}

export async function pair(code: string): Promise<void> {
  state.pairError.value = null;
  state.revoked.value = false;
  state.view.value = 'setup';
  state.setupError.value = null;
  const r = await call<{ deviceToken: string; device: Device }>('POST', '/devices/pair', { body: { code: code.trim() }, locale });
  if (r.kind !== 'answer' || r.status !== 201) {
    batch(() => {
      state.view.value = 'pair';
      state.pairError.value =
        r.kind === 'answer' && r.code === 'invalid_pairing_code'
          ? 'invalidPairingCode'
          : r.kind === 'unreachable' && r.reason === 'HTTP 429'
            ? 'tooManyAttempts'
            : r.kind === 'answer'
              ? (r.code ?? `HTTP ${r.status}`)
              : 'unreachable';
    });
    return;
  }
  // Pairing anew replaces whatever an earlier pairing left on this phone.
  await clearLocal({ caches: false });
  token = r.body.deviceToken;
  state.device.value = r.body.device;
  await db!.put('kv', { token, device: r.body.device }, 'device');
  await setup();
}

/** After pairing: the event, its key set (and which verifier this browser has), the whole roster. */
export async function setup(): Promise<void> {
  const device = state.device.value!;
  state.view.value = 'setup';
  state.setupError.value = null;
  state.syncCount.value = 0;
  const event = await call<ScannerEvent>('GET', `/events/${device.eventId}`, { token, locale });
  if (event.kind === 'revoked') return revoke();
  if (event.kind !== 'answer' || event.status !== 200) {
    state.setupError.value = event.kind === 'answer' ? (event.code ?? `HTTP ${event.status}`) : 'unreachable';
    return;
  }
  await db!.put('kv', event.body, 'event');
  state.event.value = event.body;
  const kind: VerifierKind = (await hasWebCryptoEd25519()) ? 'webcrypto' : 'js';
  await db!.put('kv', kind, 'verifier');
  state.verifier.value = kind;
  if (!(await refreshKeys())) {
    state.setupError.value = 'unreachable';
    return;
  }
  const synced = await syncRoster(true, (n) => (state.syncCount.value = n));
  if (synced !== 'ok') {
    if (synced === 'unreachable') state.setupError.value = 'unreachable';
    return;
  }
  await db!.put('kv', true, 'rosterComplete');
  const place = firstPlace(device, event.body);
  await db!.put('kv', place, 'place');
  state.place.value = place;
  state.view.value = 'scan';
  startTimers();
}

async function loadLocal(): Promise<void> {
  const [event, keys, kind, place, lastSyncAt, savedToken, people, seen, table] = await Promise.all([
    db!.get<ScannerEvent>('kv', 'event'),
    db!.get<BadgeJwk[]>('kv', 'keys'),
    db!.get<VerifierKind>('kv', 'verifier'),
    db!.get<Place>('kv', 'place'),
    db!.get<string>('kv', 'lastSyncAt'),
    db!.get<string>('kv', 'syncToken'),
    db!.all<RosterPerson>('roster'),
    db!.all<{ key: string; at: string; deviceId: string | null; registrationId?: string } & Partial<PresenceScan>>('admissions'),
    db!.get<string | null>('kv', 'table'),
  ]);
  state.event.value = event ?? null;
  verifier = badgeVerifier(state.device.value!.eventId, keys ?? [], kind ?? 'js');
  state.verifier.value = kind ?? 'js';
  roster.clear();
  for (const p of people) roster.set(p.id, p);
  admissions.clear();
  ownScans.clear();
  for (const a of seen) {
    if (!a.key.startsWith(OWN_SCAN)) admissions.set(a.key, { at: a.at, deviceId: a.deviceId });
    else if (a.registrationId && a.place && a.direction) {
      const scan = { place: a.place, direction: a.direction, at: a.at, key: a.key.slice(OWN_SCAN.length) };
      ownScans.set(a.registrationId, [...(ownScans.get(a.registrationId) ?? []), scan]);
    }
  }
  syncToken = savedToken ?? null;
  state.direction.value = (await db!.get<Direction>('kv', `direction:${place ?? 'venue'}`)) ?? 'in';
  batch(() => {
    state.place.value = place ?? 'venue';
    state.table.value = table && event?.meetings?.tables.includes(table) ? table : null;
    state.lastSyncAt.value = lastSyncAt ?? null;
    state.people.value = roster.size;
    state.searchIndex.value = rosterIndex(roster.values());
  });
  state.queue.value = await db!.count('queue');
}

async function refreshKeys(): Promise<boolean> {
  const device = state.device.value!;
  const r = await call<{ keys: BadgeJwk[] }>('GET', `/events/${device.eventId}/badge-keys`, { token, locale });
  if (r.kind === 'revoked') {
    await revoke();
    return false;
  }
  if (r.kind !== 'answer' || r.status !== 200) return false;
  await db!.put('kv', r.body.keys, 'keys');
  verifier = badgeVerifier(device.eventId, r.body.keys, state.verifier.value ?? 'js');
  return true;
}

/**
 * Pulls the roster: everything the first time, then what changed since the last sync token.
 * A stale or refused token starts a full sync again.
 */
export async function syncRoster(full: boolean, progress?: (n: number) => void): Promise<'ok' | 'unreachable' | 'revoked' | 'refused'> {
  const device = state.device.value;
  if (!device || !db) return 'refused';
  let since = full ? null : syncToken;
  let cursor: string | null = null;
  let count = 0;
  let next: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '100' });
    if (since) q.set('since', since);
    if (cursor) q.set('cursor', cursor);
    const r = await call<{ items: RosterPerson[]; nextCursor: string | null; syncToken: string }>(
      'GET',
      `/events/${device.eventId}/roster?${q}`,
      { token, locale, timeoutMs: 20_000 },
    );
    if (r.kind === 'revoked') {
      await revoke();
      return 'revoked';
    }
    if (r.kind === 'unreachable') return 'unreachable';
    if (r.status !== 200) {
      if (since && r.code === 'invalid_cursor') {
        since = null;
        cursor = null;
        continue;
      }
      return 'refused';
    }
    await db.putMany('roster', r.body.items);
    for (const p of r.body.items) roster.set(p.id, p);
    count += r.body.items.length;
    progress?.(count);
    cursor = r.body.nextCursor;
    next = r.body.syncToken;
  } while (cursor);
  syncToken = next;
  const now = new Date().toISOString();
  await db.put('kv', next, 'syncToken');
  await db.put('kv', now, 'lastSyncAt');
  batch(() => {
    state.lastSyncAt.value = now;
    state.people.value = roster.size;
    state.searchIndex.value = rosterIndex(roster.values());
    state.mode.value = 'online';
  });
  return 'ok';
}

/** The periodic work: upload what waits, then the keys and an incremental roster sync. */
export async function refresh(): Promise<void> {
  if (state.view.value !== 'scan') return;
  await upload();
  if (state.view.value !== 'scan') return;
  if (await refreshKeys()) await syncRoster(false);
}

function startTimers(): void {
  stopTimers();
  timers.push(setInterval(() => void refresh(), SYNC_EVERY_MS));
  // While scans wait, keep knocking: the queue leaves as soon as the API answers again.
  timers.push(
    setInterval(() => {
      if (state.queue.value > 0) void upload();
    }, RETRY_UPLOAD_EVERY_MS),
  );
  addEventListener('online', onOnline);
}

function stopTimers(): void {
  for (const t of timers) clearInterval(t);
  timers = [];
  removeEventListener('online', onOnline);
}

function onOnline(): void {
  void upload();
}

export async function choosePlace(place: Place): Promise<void> {
  state.place.value = place;
  state.direction.value = (await db?.get<Direction>('kv', `direction:${place}`)) ?? 'in';
  await db?.put('kv', place, 'place');
}

/** A meeting table (table mode) or null (back to the door); kept across reloads. */
export async function chooseTable(table: string | null): Promise<void> {
  batch(() => {
    state.table.value = table;
    state.verdict.value = null;
  });
  await db?.put('kv', table, 'table');
}

/**
 * Table mode: a badge at the meeting table picked. The API finds the table's meeting now
 * (POST …/meetings/checkins); the verdict is the meeting's status (`scheduled`: this side is
 * here, `held`: both) or the API's error code. Online only: unreachable shows `offline`, queues nothing.
 */
export async function judgeTable(badge: string, startedAt = performance.now()): Promise<ShownVerdict | null> {
  const device = state.device.value;
  const table = state.table.value;
  if (!device || !verifier || !table) return null;
  const r = await call('POST', `/events/${device.eventId}/meetings/checkins`, { token, body: { badge, table }, timeoutMs: 5000, locale });
  if (r.kind === 'revoked') {
    await revoke();
    return null;
  }
  const known = await verifier.verify(badge).then(
    (c) => roster.get(c.registrationId),
    () => undefined,
  );
  const registration = known ? { id: known.id, name: known.name, organization: known.organization, sessions: [] } : undefined;
  let verdict: Verdict & { meeting?: ShownVerdict['meeting'] };
  if (r.kind === 'answer' && r.status === 200) {
    const m = r.body as { status: string; table: string | null; startsAt: string | null; endsAt: string | null };
    verdict = {
      code: m.status,
      admitted: true,
      ...(registration ? { registration } : {}),
      meeting: { table: m.table, startsAt: m.startsAt, endsAt: m.endsAt },
    };
  } else {
    const code = r.kind === 'answer' ? (r.code ?? `HTTP ${r.status}`) : 'offline';
    verdict = { code, admitted: false, ...(registration ? { registration } : {}) };
  }
  const mode = r.kind === 'answer' ? 'online' : 'offline';
  const shown: ShownVerdict = { ...verdict, mode, seq: ++seq, startedAt, tookMs: performance.now() - startedAt };
  batch(() => {
    state.verdict.value = shown;
    state.mode.value = mode;
  });
  feedback(shown.admitted ? 'green' : 'red');
  return shown;
}

/** Entry or exit at the place picked; kept per place. */
export async function chooseDirection(direction: Direction): Promise<void> {
  state.direction.value = direction;
  await db?.put('kv', direction, `direction:${state.place.value}`);
}

function sessionOf(place: Place): string | undefined {
  return place === 'venue' ? undefined : place;
}

const placesFor = (sessionId: string | undefined): CheckinPlace[] =>
  sessionId === undefined ? ['VENUE'] : ['VENUE', `SESSION#${sessionId}`];

/** Notes an admission at once (the next scan sees it) and returns the write that keeps it. */
function remember(registrationId: string, places: CheckinPlace[], first: Admission): Promise<unknown> {
  const writes: Promise<void>[] = [];
  for (const place of places) {
    const key = admissionKey(registrationId, place);
    if (admissions.has(key)) continue;
    admissions.set(key, first);
    writes.push(db!.put('admissions', { key, ...first }, key));
  }
  return Promise.all(writes);
}

const ACCEPTED = new Set(['checked_in', 're_entered', 'checked_out']);
const colour = (code: string) => (ACCEPTED.has(code) ? 'green' : code === 'already_checked_in' ? 'amber' : 'red');

/**
 * Judges one scan: online first, within 1.5 s; a time-out, a network error or a 5xx judges it
 * offline and queues it. Returns the verdict shown.
 */
export async function judge(input: ScanInput, startedAt = performance.now()): Promise<ShownVerdict | null> {
  const device = state.device.value;
  if (!device || !db || !verifier) return null;
  const sessionId = sessionOf(state.place.value);
  const direction = state.direction.value;
  const scanId = crypto.randomUUID();
  const scannedAt = new Date().toISOString();
  const body = { ...input, ...(sessionId !== undefined ? { sessionId } : {}), scannedAt, scanId, direction };
  const asked: CheckinPlace = sessionId === undefined ? 'VENUE' : `SESSION#${sessionId}`;
  const ownScan = { place: asked, direction, at: scannedAt, key: scanId };
  const r = await call('POST', `/events/${device.eventId}/checkins`, { token, body, timeoutMs: SCAN_TIMEOUT_MS, locale });
  if (r.kind === 'revoked') {
    await revoke();
    return null;
  }
  let verdict: Verdict;
  let mode: 'online' | 'offline';
  // IndexedDB writes wait until the verdict is on screen: the door should not wait for the disk.
  const writes: Promise<unknown>[] = [];
  let queuedOne = false;
  if (r.kind === 'answer') {
    mode = 'online';
    if (r.status === 200 || r.status === 201) {
      const b = r.body as { result: string; registration: Verdict['registration']; checkedInAt: string; deviceId?: string | null };
      verdict = {
        code: b.result,
        admitted: b.result === 'checked_in' || b.result === 're_entered',
        registration: b.registration,
        checkedInAt: b.checkedInAt,
        deviceId: b.result === 'checked_in' ? device.id : (b.deviceId ?? null),
        registrationId: b.registration?.id,
      };
      if (b.registration?.id && direction === 'in')
        writes.push(remember(b.registration.id, placesFor(sessionId), { at: b.checkedInAt, deviceId: verdict.deviceId ?? null }));
      if (b.registration?.id) writes.push(rememberScan(b.registration.id, ownScan));
    } else {
      // A refusal: show who it was when the roster knows the badge.
      const known =
        'registrationId' in input
          ? roster.get(input.registrationId)
          : await verifier.verify(input.badge).then(
              (c) => roster.get(c.registrationId),
              () => undefined,
            );
      verdict = {
        code: r.code ?? `HTTP ${r.status}`,
        admitted: false,
        ...(known ? { registration: { id: known.id, name: known.name, organization: known.organization, sessions: known.sessions } } : {}),
      };
    }
  } else {
    mode = 'offline';
    const offline = await judgeOffline(
      {
        eventId: device.eventId,
        event: state.event.value ?? { sessions: [] },
        verifier,
        person: async (id) => roster.get(id),
        admission: async (id, place) => admissions.get(admissionKey(id, place)),
        presence: async (id) => presenceOf(id),
        reentry: state.event.value?.checkin?.reentry ?? true,
      },
      { ...input, ...(sessionId !== undefined ? { sessionId } : {}), direction },
      new Date(),
    );
    verdict = offline;
    if (offline.code !== 'invalid_badge') {
      // Forged or foreign badges are not queued: the API would refuse them without a trace.
      const queued: QueuedScan = {
        scanId,
        ...input,
        ...(sessionId !== undefined ? { sessionId } : {}),
        scannedAt,
        direction,
        verdict: offline.admitted ? 'admitted' : 'refused',
        shown: offline.code,
        name: offline.registration?.name ?? null,
      };
      writes.push(db.put('queue', queued));
      queuedOne = true;
      if (offline.admitted && offline.registrationId && direction === 'in')
        writes.push(remember(offline.registrationId, offline.places, { at: scannedAt, deviceId: device.id }));
      // An exit is recorded whatever the door showed (API.md): it counts towards presence.
      if (offline.registrationId && (offline.admitted || direction === 'out')) writes.push(rememberScan(offline.registrationId, ownScan));
    }
  }
  const shown: ShownVerdict = { ...verdict, mode, seq: ++seq, startedAt, tookMs: performance.now() - startedAt };
  batch(() => {
    state.verdict.value = shown;
    state.mode.value = mode;
    if (queuedOne) state.queue.value += 1;
  });
  feedback(colour(shown.code));
  await Promise.all(writes);
  state.queue.value = await db.count('queue');
  if (mode === 'online' && state.queue.value > 0) void upload();
  return shown;
}

interface BatchResult {
  index: number;
  status: number;
  result?: string;
  code?: string;
  offlineDuplicate?: boolean;
}

/** Uploads the queue in batches, oldest first; each item leaves the queue once the API judged it. */
export function upload(): Promise<void> {
  uploading ??= (async () => {
    try {
      for (;;) {
        const device = state.device.value;
        if (!device || !db) return;
        const queued = (await db.all<QueuedScan>('queue')).sort((a, b) => a.scannedAt.localeCompare(b.scannedAt));
        if (queued.length === 0) return;
        const chunk = queued.slice(0, BATCH_SIZE);
        const scans = chunk.map(({ badge, registrationId, sessionId, scannedAt, scanId, direction, verdict }) => ({
          ...(badge !== undefined ? { badge } : { registrationId }),
          ...(sessionId !== undefined ? { sessionId } : {}),
          scannedAt,
          scanId,
          ...(direction !== undefined ? { direction } : {}),
          verdict,
        }));
        const r = await call<{ results: BatchResult[] }>('POST', `/events/${device.eventId}/checkins/batch`, {
          token,
          body: { scans },
          timeoutMs: 10_000,
          locale,
        });
        if (r.kind === 'revoked') {
          await revoke();
          return;
        }
        if (r.kind !== 'answer' || r.status !== 200) {
          if (r.kind === 'unreachable') state.mode.value = 'offline';
          return;
        }
        state.mode.value = 'online';
        const judged: string[] = [];
        const differences: Difference[] = [];
        for (const result of r.body.results) {
          const item = chunk[result.index];
          if (!item || result.status >= 500) continue;
          judged.push(item.scanId);
          const server = result.result ?? result.code ?? `HTTP ${result.status}`;
          if (server !== item.shown || result.offlineDuplicate) {
            differences.push({
              scanId: item.scanId,
              name: item.name,
              registrationId: item.registrationId ?? null,
              shown: item.shown,
              server,
              offlineDuplicate: result.offlineDuplicate === true,
            });
          }
        }
        await db.delete('queue', judged);
        const queueLength = await db.count('queue');
        batch(() => {
          state.queue.value = queueLength;
          if (differences.length) state.differences.value = [...differences, ...state.differences.value].slice(0, 50);
        });
        if (judged.length === 0) return;
      }
    } finally {
      uploading = undefined;
    }
  })();
  return uploading;
}

async function clearLocal(options: { caches: boolean }): Promise<void> {
  stopTimers();
  roster.clear();
  admissions.clear();
  ownScans.clear();
  syncToken = null;
  token = undefined;
  verifier = undefined;
  await wipeEverything(db, options);
  db = await openDb();
  batch(() => {
    state.device.value = null;
    state.event.value = null;
    state.verdict.value = null;
    state.queue.value = 0;
    state.people.value = 0;
    state.lastSyncAt.value = null;
    state.differences.value = [];
    state.searchIndex.value = rosterIndex([]);
  });
}

/** A revoked device forgets everything it stored and goes back to pairing. */
export async function revoke(): Promise<void> {
  await clearLocal({ caches: true });
  // The shell holds no data: the service worker fetches it again so the pairing screen still opens offline.
  navigator.serviceWorker?.controller?.postMessage('precache');
  batch(() => {
    state.revoked.value = true;
    state.view.value = 'pair';
  });
}

/** The roster entry of a registration id, for the manual check-in list. */
export function person(id: string): RosterPerson | undefined {
  return roster.get(id);
}
