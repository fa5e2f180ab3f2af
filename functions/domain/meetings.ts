/**
 * B2B matchmaking (API.md "B2B meetings"): the programme's slots, the planner that books the
 * earliest slot both people and a table are free, and the rules of a meeting's states. Pure.
 */
import { GatepassError } from '#domain/errors';

export interface MeetingSettings {
  blocks: { startsAt: string; endsAt: string }[];
  slotMinutes: number;
  tables: string[];
  maxPerParticipant: number;
  requestHours: number;
}

export type MeetingStatus = 'requested' | 'scheduled' | 'declined' | 'cancelled' | 'expired' | 'held' | 'no_show';
export const MEETING_STATUSES: readonly MeetingStatus[] = ['requested', 'scheduled', 'declined', 'cancelled', 'expired', 'held', 'no_show'];

export interface StoredMeeting {
  id: string;
  eventId: string;
  requester: string;
  invitee: string;
  status: MeetingStatus;
  message: string | null;
  createdAt: string;
  updatedAt: string;
  /** When an unanswered request expires (requestHours after it was made). */
  expiresAt: string;
  startsAt: string | null;
  endsAt: string | null;
  table: string | null;
  /** Sides checked in at the table. */
  present: string[];
  noShow: string[] | null;
  /** Who cancelled (a side's id, or `admin`). */
  cancelledBy: string | null;
}

export interface MeetingProfile {
  visible: boolean;
  headline: { ko: string; en: string } | null;
  sectors: string[];
  offers: string | null;
  seeks: string | null;
}

export interface Slot {
  /** ISO instant (UTC, milliseconds): also the key of the slot's items. */
  startsAt: string;
  endsAt: string;
}

/** A side absent this long after its slot began makes the meeting a no-show. */
export const NO_SHOW_AFTER_MS = 10 * 60_000;
/**
 * Plans that lost their slot or table to a concurrent booking, re-planned before answering
 * no_common_slot (each loss is a booking made meanwhile, so a fresh plan soon finds a slot or
 * none). Transactions cancelled by concurrent ones are not re-plans: the store retries those.
 */
export const MAX_BOOKING_TRIES = 12;
/** The programme's size is bounded so that one read of its slots stays small. */
export const MAX_SLOTS = 400;

export const isOpen = (s: MeetingStatus) => s === 'requested' || s === 'scheduled';
export const iso = (t: number) => new Date(t).toISOString();

/** The blocks cut into slots of `slotMinutes`, in time order (a remainder shorter than a slot is not a slot). */
export function slotsOf(settings: Pick<MeetingSettings, 'blocks' | 'slotMinutes'>): Slot[] {
  const step = settings.slotMinutes * 60_000;
  const slots: Slot[] = [];
  const blocks = [...settings.blocks].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  for (const b of blocks) {
    const end = Date.parse(b.endsAt);
    for (let t = Date.parse(b.startsAt); t + step <= end && slots.length <= MAX_SLOTS; t += step)
      slots.push({ startsAt: iso(t), endsAt: iso(t + step) });
  }
  return slots;
}

/** Problems of a meetings programme within its event: paths relative to the event body. */
export function settingsProblems(s: MeetingSettings, event: { startsAt: string; endsAt: string }): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const from = Date.parse(event.startsAt);
  const to = Date.parse(event.endsAt);
  s.blocks.forEach((b, i) => {
    const a = Date.parse(b.startsAt);
    const z = Date.parse(b.endsAt);
    if (a >= z) problems.push({ path: `meetings.blocks.${i}.endsAt`, message: 'endsAt must be after startsAt' });
    else if (a < from || z > to) problems.push({ path: `meetings.blocks.${i}`, message: 'a block must lie within the event' });
    else if (z - a < s.slotMinutes * 60_000)
      problems.push({ path: `meetings.blocks.${i}`, message: 'a block must hold at least one slot' });
  });
  const sorted = s.blocks.map((b, i) => ({ a: Date.parse(b.startsAt), z: Date.parse(b.endsAt), i })).sort((x, y) => x.a - y.a);
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k]!.a < sorted[k - 1]!.z) problems.push({ path: `meetings.blocks.${sorted[k]!.i}`, message: 'blocks must not overlap' });
  if (new Set(s.tables).size !== s.tables.length) problems.push({ path: 'meetings.tables', message: 'table names must be unique' });
  if (!problems.length && slotsOf(s).length > MAX_SLOTS) problems.push({ path: 'meetings.blocks', message: `at most ${MAX_SLOTS} slots` });
  return problems;
}

/**
 * Scheduled meetings a new programme would strand: their slot is no longer one of its slots
 * (same start and end), or their table is gone. Open requests too when the programme is removed.
 */
export function strandedMeetings(
  open: readonly Pick<StoredMeeting, 'id' | 'status' | 'startsAt' | 'endsAt' | 'table'>[],
  next: MeetingSettings | null,
): string[] {
  if (!next) return open.map((m) => m.id);
  const slots = new Set(slotsOf(next).map((s) => `${s.startsAt}/${s.endsAt}`));
  const tables = new Set(next.tables);
  return open
    .filter(
      (m) =>
        m.status === 'scheduled' && (!slots.has(`${iso(Date.parse(m.startsAt!))}/${iso(Date.parse(m.endsAt!))}`) || !tables.has(m.table!)),
    )
    .map((m) => m.id);
}

export interface PlanInput {
  /** Slot starts, in time order. */
  slots: readonly string[];
  tables: readonly string[];
  /** Slot starts where either person already has a meeting. */
  busy: ReadonlySet<string>;
  /** Tables taken in each slot. */
  taken: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The earliest (slot, table) where neither person is busy and a table is free; the first free
 * table in the programme's order. Undefined when there is none.
 */
export function planMeeting(input: PlanInput): { slot: string; table: string } | undefined {
  for (const slot of input.slots) {
    if (input.busy.has(slot)) continue;
    const taken = input.taken.get(slot);
    const table = input.tables.find((t) => !taken?.has(t));
    if (table !== undefined) return { slot, table };
  }
  return undefined;
}

/** Slots a new booking may take: those whose no-show grace has not yet passed. */
export const bookableSlots = (slots: readonly Slot[], now: Date) =>
  slots.filter((s) => Date.parse(s.startsAt) + NO_SHOW_AFTER_MS > now.getTime()).map((s) => s.startsAt);

/** What time alone makes of a meeting when it is read: an unanswered request expires, an absent side is a no-show. */
export function dueChange(m: StoredMeeting, now: Date): { status: 'expired' } | { status: 'no_show'; noShow: string[] } | undefined {
  if (m.status === 'requested' && now.getTime() >= Date.parse(m.expiresAt)) return { status: 'expired' };
  if (m.status === 'scheduled' && m.startsAt && now.getTime() > Date.parse(m.startsAt) + NO_SHOW_AFTER_MS) {
    const absent = [m.requester, m.invitee].filter((id) => !m.present.includes(id));
    if (absent.length) return { status: 'no_show', noShow: absent };
  }
  return undefined;
}

/** When the sweeper should look at an open meeting again (its time-ordered index). */
export function dueAt(m: Pick<StoredMeeting, 'status' | 'expiresAt' | 'startsAt'>): string | undefined {
  if (m.status === 'requested') return m.expiresAt;
  if (m.status === 'scheduled' && m.startsAt) return iso(Date.parse(m.startsAt) + NO_SHOW_AFTER_MS + 1);
  return undefined;
}

export const meetingNotOpen = (status: MeetingStatus) =>
  new GatepassError(409, 'meeting_not_open', { detail: `This meeting is ${status}.` });
export const meetingExists = () =>
  new GatepassError(409, 'meeting_exists', {
    detail: 'These two people already have an open request or meeting, or the invitee declined.',
  });
export const meetingLimitReached = () =>
  new GatepassError(409, 'meeting_limit_reached', { detail: 'A participant is already at the event’s meetings-per-person limit.' });
export const noCommonSlot = () =>
  new GatepassError(409, 'no_common_slot', { detail: 'No slot has both people and a table free; the request stays open.' });
export const notInMeeting = () =>
  new GatepassError(409, 'not_in_meeting', { detail: 'This badge belongs to neither side of the meeting.' });

/** The meeting as the API shows it. */
export function meetingView(m: StoredMeeting) {
  return {
    id: m.id,
    eventId: m.eventId,
    status: m.status,
    requester: m.requester,
    invitee: m.invitee,
    message: m.message,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    expiresAt: m.expiresAt,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    table: m.table,
    present: m.present,
    noShow: m.noShow,
  };
}

// — Directory search: names folded so Hangul matches however far it has been typed —

const L0 = 0x1100;
const V0 = 0x1161;
const T0 = 0x11a8;
/** Trailing consonants as leading ones (doubles split), so "김" is a prefix of "기미…" as a keyboard types it. */
const TRAILING: string[] = [
  'ᄀ',
  'ᄁ',
  'ᄀᄉ',
  'ᄂ',
  'ᄂᄌ',
  'ᄂᄒ',
  'ᄃ',
  'ᄅ',
  'ᄅᄀ',
  'ᄅᄆ',
  'ᄅᄇ',
  'ᄅᄉ',
  'ᄅᄐ',
  'ᄅᄑ',
  'ᄅᄒ',
  'ᄆ',
  'ᄇ',
  'ᄇᄉ',
  'ᄉ',
  'ᄊ',
  'ᄋ',
  'ᄌ',
  'ᄎ',
  'ᄏ',
  'ᄐ',
  'ᄑ',
  'ᄒ',
];
/** Compound vowels as their parts (typed one after the other). */
const VOWELS: Record<string, string> = { ᅪ: 'ᅩᅡ', ᅫ: 'ᅩᅢ', ᅬ: 'ᅩᅵ', ᅯ: 'ᅮᅥ', ᅰ: 'ᅮᅦ', ᅱ: 'ᅮᅵ', ᅴ: 'ᅳᅵ' };
/** Compatibility jamo (what a keyboard shows alone, ㄱ U+3131…) to conjoining ones. */
const COMPAT_CONSONANTS = 'ᄀᄁᆪᄂᆬᆭᄃᄄᄅᆰᆱᆲᆳᆴᆵᆶᄆᄇᄈᆹᄉᄊᄋᄌᄍᄎᄏᄐᄑᄒ';

function foldJamo(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c >= 0x3131 && c <= 0x314e) return foldJamo(COMPAT_CONSONANTS[c - 0x3131]!);
  if (c >= 0x314f && c <= 0x3163) return foldJamo(String.fromCodePoint(V0 + (c - 0x314f)));
  if (c >= T0 && c < T0 + TRAILING.length) return TRAILING[c - T0]!;
  return VOWELS[ch] ?? ch;
}

/**
 * The form names and prefixes are compared in: NFC, lower case, Hangul syllables decomposed
 * into jamo with trailing consonants as leading ones. A prefix of a folded name is what someone
 * typing the name (composed syllables, or still mid-syllable) has typed so far.
 */
export function foldForSearch(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').toLowerCase().normalize('NFD')) {
    const c = ch.codePointAt(0)!;
    out += c >= L0 && c < 0x1200 ? foldJamo(ch) : c >= 0x3131 && c <= 0x3163 ? foldJamo(ch) : ch;
  }
  return out;
}
