/**
 * B2B meetings through the local stack (API.md "B2B meetings"): the programme on the event, the
 * directory, request, accept at the earliest free slot and table, emails with an .ics in the SES
 * emulator, check-in (held), no-show (the local clock moved ahead), decline, limits, the
 * cancellation cascade, the schedule, its CSV and the attendance counts.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { INDEX_LAG_MS } from '#domain/meeting-use-cases';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html: string; text: string };
  attachments: { content: string; contentType: string; filename?: string }[];
}

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

const HOUR = 3_600_000;
/** A whole minute ahead, so slots have round starts. */
const minuteFrom = (ms: number) => new Date(Math.ceil((Date.now() + ms) / 60_000) * 60_000).toISOString();

function programme(overrides: Record<string, unknown> = {}) {
  const start = minuteFrom(HOUR);
  return {
    blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + HOUR).toISOString() }],
    slotMinutes: 30,
    tables: ['A1'],
    maxPerParticipant: 3,
    requestHours: 48,
    ...overrides,
  };
}

async function meetingEvent(meetings: Record<string, unknown> = programme()) {
  const body = openEvent({
    startsAt: minuteFrom(-HOUR),
    endsAt: minuteFrom(8 * HOUR),
    registration: { opensAt: minuteFrom(-24 * HOUR), closesAt: minuteFrom(7 * HOUR), waitlist: true },
    sessions: [],
    meetings,
  });
  const r = await stack.call('POST', '/events', { token: admin, body });
  expect(r.status).toBe(201);
  return r.json as { id: string; meetings: ReturnType<typeof programme> };
}

interface Person {
  id: string;
  token: string;
  badge: string;
  email: string;
}

let serial = 0;
async function person(
  eventId: string,
  overrides: Record<string, unknown> = {},
  profile: Record<string, unknown> | null = { visible: true },
) {
  const i = ++serial;
  const email = `meet${i}-${eventId.toLowerCase()}@example.com`;
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, { email, ...overrides }) });
  expect(r.status).toBe(201);
  const p: Person = { id: r.json.id, token: r.json.manageToken, badge: r.json.badge.token, email };
  if (profile) {
    const put = await asPerson(p, 'PUT', `/events/${eventId}/registrations/${p.id}/meeting-profile`, profile);
    expect(put.status).toBe(200);
  }
  return p;
}

const asPerson = (p: Person, method: string, path: string, body?: unknown) =>
  stack.call(method, path, { headers: { 'x-manage-token': p.token }, ...(body !== undefined ? { body } : {}) });

async function inbox(to: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(to)));
}

describe('the meetings programme on the event', () => {
  it('is validated: blocks inside the event, not overlapping, at least one table', async () => {
    const outside = programme({ blocks: [{ startsAt: minuteFrom(-3 * HOUR), endsAt: minuteFrom(-2 * HOUR) }] });
    const body = (meetings: unknown) =>
      openEvent({
        startsAt: minuteFrom(-HOUR),
        endsAt: minuteFrom(8 * HOUR),
        sessions: [],
        registration: { closesAt: minuteFrom(7 * HOUR) },
        meetings,
      });
    const a = await stack.call('POST', '/events', { token: admin, body: body(outside) });
    expect(a.status).toBe(422);
    expect(a.json.errors.map((e: { path: string }) => e.path)).toContain('meetings.blocks.0');
    const overlap = programme({
      blocks: [
        { startsAt: minuteFrom(HOUR), endsAt: minuteFrom(2 * HOUR) },
        { startsAt: minuteFrom(1.5 * HOUR), endsAt: minuteFrom(3 * HOUR) },
      ],
    });
    const b = await stack.call('POST', '/events', { token: admin, body: body(overlap) });
    expect(b.status).toBe(422);
    expect(b.json.errors.map((e: { message: string }) => e.message).join()).toContain('overlap');
    const c = await stack.call('POST', '/events', { token: admin, body: body(programme({ tables: [] })) });
    expect(c.status).toBe(422);
    expect(c.json.errors.map((e: { path: string }) => e.path)).toContain('meetings.tables');
  });

  it('a PATCH that would strand a scheduled meeting is refused, naming it; one that keeps it passes', async () => {
    const event = await meetingEvent();
    const [a, b] = [await person(event.id), await person(event.id)];
    const req = await asPerson(a, 'POST', `/events/${event.id}/meetings`, { with: b.id });
    const ok = await asPerson(b, 'POST', `/events/${event.id}/meetings/${req.json.id}/accept`);
    expect(ok.status).toBe(200);
    const gone = await stack.call('PATCH', `/events/${event.id}`, {
      token: admin,
      body: { meetings: { ...event.meetings, tables: ['B1'] } },
    });
    expect(gone.status).toBe(422);
    expect(JSON.stringify(gone.json)).toContain(req.json.id);
    const moved = await stack.call('PATCH', `/events/${event.id}`, {
      token: admin,
      body: { meetings: { ...event.meetings, slotMinutes: 20 } },
    });
    expect(moved.status).toBe(422);
    const kept = await stack.call('PATCH', `/events/${event.id}`, {
      token: admin,
      body: { meetings: { ...event.meetings, tables: ['A1', 'A2'] } },
    });
    expect(kept.status).toBe(200);
    expect(kept.json.meetings.tables).toEqual(['A1', 'A2']);
  });
  it('a meeting booked while a PATCH is being judged makes the PATCH decide again (never stranded)', async () => {
    const event = await meetingEvent();
    const [a, b] = [await person(event.id), await person(event.id)];
    const req = await asPerson(a, 'POST', `/events/${event.id}/meetings`, { with: b.id });
    const { updateEvent } = await import('#domain/use-cases');
    const { eventStore } = await import('#adapters/event-store');
    const { seatStore } = await import('#adapters/seat-store');
    const { guardMeetingsProgramme } = await import('#adapters/meeting-store');
    const { acceptMeeting } = await import('#domain/meeting-use-cases');
    const { meetingPorts } = await import('#http/meetings');
    let judged = 0;
    const patch = { meetings: { ...event.meetings, tables: ['B1'] } };
    const run = updateEvent({ events: eventStore, seats: seatStore }, event.id, patch, (merged) => merged, {
      meetingsGuard: async (_before, after) => {
        judged++;
        const seen = await guardMeetingsProgramme(event.id, after.meetings ?? null);
        // Between the judgement and the write, the invitee accepts (table A1, which the PATCH removes).
        if (judged === 1) await acceptMeeting(meetingPorts, event.id, req.json.id, b.id);
        return seen;
      },
    });
    await expect(run).rejects.toMatchObject({ status: 422, options: { detail: expect.stringContaining(req.json.id) } });
    expect(judged).toBe(2);
    const now = await stack.call('GET', `/events/${event.id}`);
    expect(now.json.meetings.tables).toEqual(['A1']);
  });
});

describe('directory, request, accept, emails, check-in', () => {
  it('runs the whole flow', async () => {
    const event = await meetingEvent(programme({ tables: ['A1', 'A2'] }));
    const e = event.id;
    const minji = await person(
      e,
      { name: '김민지', organization: '광주바이오', locale: 'ko' },
      {
        visible: true,
        headline: { ko: '바이오 투자', en: 'Bio investment' },
        sectors: ['bio'],
        offers: 'Capital',
      },
    );
    const hannah = await person(
      e,
      { name: 'Hannah Müller', organization: 'Berlin Energy GmbH', locale: 'en' },
      { visible: true, sectors: ['energy'] },
    );
    const hidden = await person(e, { name: '김하늘', organization: 'Hidden Co.' }, { visible: false });
    const stranger = await person(e, { name: 'Stranger' }, null);

    // The directory: visible profiles of confirmed registrations, never an email.
    const all = await asPerson(minji, 'GET', `/events/${e}/meeting-profiles`);
    expect(all.status).toBe(200);
    expect(all.json.items.map((p: { registrationId: string }) => p.registrationId).sort()).toEqual([minji.id, hannah.id].sort());
    expect(all.text).not.toContain('@example.com');
    expect(all.json.items.find((p: { registrationId: string }) => p.registrationId === minji.id)).toMatchObject({
      name: '김민지',
      organization: '광주바이오',
      headline: { ko: '바이오 투자', en: 'Bio investment' },
      sectors: ['bio'],
    });
    const bySector = await stack.call('GET', `/events/${e}/meeting-profiles?sector=energy`, { token: staff });
    expect(bySector.json.items.map((p: { registrationId: string }) => p.registrationId)).toEqual([hannah.id]);
    // Hangul typed either way: composed, or mid-syllable (김ㅁ, 기미 as a keyboard shows it), or an organisation.
    for (const q of ['김', '김민', '김ㅁ', 'ㄱ', '광주', '광ㅈ', 'hann', 'BERLIN']) {
      const r = await stack.call('GET', `/events/${e}/meeting-profiles?q=${encodeURIComponent(q)}`, { token: admin });
      expect(r.status).toBe(200);
      const ids = r.json.items.map((p: { registrationId: string }) => p.registrationId);
      expect(ids.length, q).toBe(1);
      expect(ids).not.toContain(hidden.id);
    }
    const paged = await stack.call('GET', `/events/${e}/meeting-profiles?limit=1`, { token: admin });
    expect(paged.json.items).toHaveLength(1);
    const tampered = await stack.call('GET', `/events/${e}/meeting-profiles?limit=1&cursor=${paged.json.nextCursor}x`, { token: admin });
    expect(tampered.status).toBe(400);
    // Not confirmed, not listed: a participant who cancelled is not shown and may not look.
    await asPerson(stranger, 'DELETE', `/events/${e}/registrations/${stranger.id}`);
    expect((await asPerson(stranger, 'GET', `/events/${e}/meeting-profiles`)).status).toBe(403);

    // Requests: only with visible profiles, not oneself, one open per pair.
    expect((await asPerson(minji, 'POST', `/events/${e}/meetings`, { with: hidden.id })).status).toBe(404);
    expect((await asPerson(minji, 'POST', `/events/${e}/meetings`, { with: minji.id })).status).toBe(422);
    expect((await asPerson(minji, 'POST', `/events/${e}/meetings`, { with: hannah.id, extra: 1 })).status).toBe(422);
    const req = await asPerson(minji, 'POST', `/events/${e}/meetings`, { with: hannah.id, message: '투자 미팅 부탁드립니다' });
    expect(req.status).toBe(201);
    expect(req.json).toMatchObject({ status: 'requested', requester: minji.id, invitee: hannah.id });
    expect(Date.parse(req.json.expiresAt) - Date.now()).toBeGreaterThan(47 * HOUR);
    const again = await asPerson(hannah, 'POST', `/events/${e}/meetings`, { with: minji.id });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('meeting_exists');
    // Only the invitee answers.
    expect((await asPerson(minji, 'POST', `/events/${e}/meetings/${req.json.id}/accept`)).status).toBe(403);

    const accepted = await asPerson(hannah, 'POST', `/events/${e}/meetings/${req.json.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({
      status: 'scheduled',
      table: 'A1',
      startsAt: event.meetings.blocks[0]!.startsAt.replace(/\.\d+Z$/, '.000Z'),
    });
    expect(Date.parse(accepted.json.endsAt) - Date.parse(accepted.json.startsAt)).toBe(30 * 60_000);
    const twice = await asPerson(hannah, 'POST', `/events/${e}/meetings/${req.json.id}/accept`);
    expect(twice.json.code).toBe('meeting_not_open');

    // Emails: each side, own locale; the scheduled one with an .ics naming the table and the other person.
    await stack.workers.drain();
    const minjiMail = await inbox(minji.email);
    expect(minjiMail.map((m) => m.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('미팅 요청'), expect.stringContaining('미팅이 확정되었습니다')]),
    );
    const scheduled = minjiMail.find((m) => m.subject.includes('미팅이 확정'))!;
    expect(scheduled.body.text).toContain('Hannah Müller (Berlin Energy GmbH)');
    const ics = scheduled.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
    expect(ics.filename).toBe('meeting.ics');
    const calendar = Buffer.from(ics.content, 'base64')
      .toString('utf8')
      .replace(/\r\n[ \t]/g, '');
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    expect(calendar).toContain(`DTSTART:${stamp(accepted.json.startsAt)}`);
    expect(calendar).toContain(`DTEND:${stamp(accepted.json.endsAt)}`);
    expect(calendar).toContain('테이블 A1');
    expect(calendar).toContain('Hannah Müller (Berlin Energy GmbH)');
    const hannahMail = await inbox(hannah.email);
    expect(hannahMail.map((m) => m.subject)).toEqual(
      expect.arrayContaining(['[Test Forum] Meeting request with 김민지', '[Test Forum] Your meeting with 김민지 is scheduled']),
    );
    expect(hannahMail.find((m) => m.subject.includes('Meeting request'))!.body.text).toContain('투자 미팅 부탁드립니다');

    // Check-in at the table: a badge of neither side, one side, both → held.
    const path = `/events/${e}/meetings/${req.json.id}/checkins`;
    const wrong = await stack.call('POST', path, { token: staff, body: { badge: hidden.badge } });
    expect(wrong.status).toBe(409);
    expect(wrong.json.code).toBe('not_in_meeting');
    const forged = await stack.call('POST', path, { token: staff, body: { badge: 'not-a-badge' } });
    expect(forged.json.code).toBe('invalid_badge');
    const first = await stack.call('POST', path, { token: staff, body: { badge: minji.badge } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'scheduled', present: [minji.id] });
    const both = await stack.call('POST', path, { token: staff, body: { badge: hannah.badge } });
    expect(both.json.status).toBe('held');

    // The person's own list, the schedule, the CSV, the attendance counts.
    const mine = await asPerson(minji, 'GET', `/events/${e}/registrations/${minji.id}/meetings`);
    expect(mine.json.items.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([[req.json.id, 'held']]);
    expect(mine.json.items[0].with).toEqual({
      registrationId: hannah.id,
      name: 'Hannah Müller',
      organization: 'Berlin Energy GmbH',
      jobTitle: null,
    });
    expect(mine.text).not.toContain('@example.com');
    const schedule = await stack.call('GET', `/events/${e}/meetings?table=A1`, { token: admin });
    expect(schedule.json.items.map((m: { id: string }) => m.id)).toEqual([req.json.id]);
    const held = await stack.call('GET', `/events/${e}/meetings?status=held`, { token: admin });
    expect(held.json.items).toHaveLength(1);
    expect((await stack.call('GET', `/events/${e}/meetings?status=bogus`, { token: admin })).status).toBe(422);
    const csv = await stack.call('GET', `/events/${e}/meetings/export.csv`, { token: admin });
    expect(csv.type).toContain('text/csv');
    const raw = Buffer.from(
      await (await fetch(`${stack.url}/events/${e}/meetings/export.csv`, { headers: { authorization: `Bearer ${admin}` } })).arrayBuffer(),
    );
    expect(raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.text.replace(/^\uFEFF/, '').startsWith('id,status,startsAt')).toBe(true);
    expect(csv.text).toContain(`${req.json.id},held,`);
    expect(csv.text).toContain('김민지,광주바이오');
    const attendance = await stack.call('GET', `/events/${e}/attendance`, { token: admin });
    expect(attendance.json.meetings).toEqual({ requested: 0, scheduled: 0, held: 1, noShow: 0 });
  });
});

describe('the directory follows a change of name or organisation', () => {
  it('a person who renames is found by the new name and organisation, no longer by the old', async () => {
    // Prepare
    const e = (await meetingEvent()).id;
    const looking = await person(e, { name: 'Looking Person', organization: 'Seeker Inc.' });
    const renamed = await person(e, { name: '박서준', organization: '광주모빌리티' }, { visible: true, sectors: ['mobility'] });
    const found = async (q: string) =>
      (await asPerson(looking, 'GET', `/events/${e}/meeting-profiles?q=${encodeURIComponent(q)}`)).json.items.map(
        (p: { registrationId: string }) => p.registrationId,
      );
    expect(await found('박서')).toEqual([renamed.id]);
    // Act: the participant changes both through their manage link
    const r = await asPerson(renamed, 'PATCH', `/events/${e}/registrations/${renamed.id}`, {
      name: '최서준',
      organization: 'Future Mobility Lab',
    });
    expect(r.status, r.text).toBe(200);
    // Assess
    expect(await found('박서')).toEqual([]);
    expect(await found('광주모')).toEqual([]);
    expect(await found('최서')).toEqual([renamed.id]);
    expect(await found('future mob')).toEqual([renamed.id]);
    const listed = await asPerson(looking, 'GET', `/events/${e}/meeting-profiles`);
    expect(listed.json.items.find((p: { registrationId: string }) => p.registrationId === renamed.id)).toMatchObject({
      name: '최서준',
      organization: 'Future Mobility Lab',
      sectors: ['mobility'],
    });
  });
});

describe('decline, limits, no-show and the cancellation cascade', () => {
  it('a declined request cannot be asked again; requests sent plus meetings scheduled stay within the limit', async () => {
    const event = await meetingEvent(programme({ maxPerParticipant: 2 }));
    const e = event.id;
    const [a, b, c, d] = [await person(e), await person(e), await person(e), await person(e)];
    const r1 = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    const declined = await asPerson(b, 'POST', `/events/${e}/meetings/${r1.json.id}/decline`);
    expect(declined.json.status).toBe('declined');
    await stack.workers.drain();
    expect((await inbox(a.email)).some((m) => /declined|거절/.test(m.subject))).toBe(true);
    expect((await inbox(b.email)).some((m) => /declined|거절/.test(m.subject))).toBe(true);
    expect((await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id })).json.code).toBe('meeting_exists');
    expect((await asPerson(a, 'POST', `/events/${e}/meetings`, { with: c.id })).status).toBe(201);
    expect((await asPerson(a, 'POST', `/events/${e}/meetings`, { with: d.id })).status).toBe(201);
    const third = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id === c.id ? d.id : (await person(e)).id });
    expect(third.status).toBe(409);
    expect(third.json.code).toBe('meeting_limit_reached');
  });

  it('the earliest slot both people and a table are free; none → no_common_slot and the request stays', async () => {
    const event = await meetingEvent(); // one table, two slots
    const e = event.id;
    const [a, b, c, d, f, g] = [await person(e), await person(e), await person(e), await person(e), await person(e), await person(e)];
    const book = async (x: Person, y: Person) => {
      const r = await asPerson(x, 'POST', `/events/${e}/meetings`, { with: y.id });
      return { id: r.json.id as string, accept: await asPerson(y, 'POST', `/events/${e}/meetings/${r.json.id}/accept`) };
    };
    const m1 = await book(a, b);
    const m2 = await book(c, d);
    expect(Date.parse(m2.accept.json.startsAt) - Date.parse(m1.accept.json.startsAt)).toBe(30 * 60_000);
    const m3 = await book(f, g);
    expect(m3.accept.status).toBe(409);
    expect(m3.accept.json.code).toBe('no_common_slot');
    const list = await asPerson(f, 'GET', `/events/${e}/registrations/${f.id}/meetings`);
    expect(list.json.items[0].status).toBe('requested');
    // A cancellation frees its slot and table: the waiting request now fits there.
    const cancelled = await asPerson(a, 'POST', `/events/${e}/meetings/${m1.id}/cancel`);
    expect(cancelled.json.status).toBe('cancelled');
    const retry = await asPerson(g, 'POST', `/events/${e}/meetings/${m3.id}/accept`);
    expect(retry.json).toMatchObject({ status: 'scheduled', startsAt: m1.accept.json.startsAt, table: 'A1' });
  });

  it('a side absent ten minutes into the slot makes a no-show, naming who, and frees the table', async () => {
    const event = await meetingEvent();
    const e = event.id;
    const [a, b] = [await person(e), await person(e)];
    const r = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    const ok = await asPerson(b, 'POST', `/events/${e}/meetings/${r.json.id}/accept`);
    const path = `/events/${e}/meetings/${r.json.id}/checkins`;
    try {
      stack.moveMeetingClock(Date.parse(ok.json.startsAt) - Date.now() + 5 * 60_000);
      expect((await stack.call('POST', path, { token: staff, body: { badge: a.badge } })).json.present).toEqual([a.id]);
      stack.moveMeetingClock(Date.parse(ok.json.startsAt) - Date.now() + 11 * 60_000);
      const seen = await stack.call('GET', `/events/${e}/meetings`, { token: admin });
      expect(seen.json.items[0]).toMatchObject({ id: r.json.id, status: 'no_show', noShow: [b.id] });
      // The table is free for the rest of the slot; the people's time stays theirs.
      const { meetingStore } = await import('#adapters/meeting-store');
      expect([...((await meetingStore.occupancy(e)).get(ok.json.startsAt) ?? [])]).toEqual([]);
      expect([...(await meetingStore.busySlots(e, a.id))]).toEqual([ok.json.startsAt]);
      const late = await stack.call('POST', path, { token: staff, body: { badge: b.badge } });
      expect(late.json.code).toBe('meeting_not_open');
      const attendance = await stack.call('GET', `/events/${e}/attendance`, { token: admin });
      expect(attendance.json.meetings).toEqual({ requested: 0, scheduled: 0, held: 0, noShow: 1 });
    } finally {
      stack.moveMeetingClock(0);
    }
  });

  it('an unanswered request expires after requestHours (judged when read) and both sides are told', async () => {
    const event = await meetingEvent(programme({ requestHours: 1 }));
    const e = event.id;
    const [a, b] = [await person(e), await person(e)];
    const r = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    try {
      stack.moveMeetingClock(HOUR + 1000);
      const list = await asPerson(b, 'GET', `/events/${e}/registrations/${b.id}/meetings`);
      expect(list.json.items[0]).toMatchObject({ id: r.json.id, status: 'expired' });
      expect((await asPerson(b, 'POST', `/events/${e}/meetings/${r.json.id}/accept`)).json.code).toBe('meeting_not_open');
      // No longer open: the pair may ask again.
      expect((await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id })).status).toBe(201);
    } finally {
      stack.moveMeetingClock(0);
    }
    await stack.workers.drain();
    expect((await inbox(a.email)).some((m) => /expired|만료/.test(m.subject))).toBe(true);
  });

  it('cancelling a registration cancels its meetings and emails the other side; none can be checked in', async () => {
    const event = await meetingEvent(programme({ tables: ['A1', 'A2'] }));
    const e = event.id;
    const [a, b, c] = [await person(e), await person(e), await person(e)];
    const r1 = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    await asPerson(b, 'POST', `/events/${e}/meetings/${r1.json.id}/accept`);
    const r2 = await asPerson(c, 'POST', `/events/${e}/meetings`, { with: a.id });
    const gone = await stack.call('DELETE', `/events/${e}/registrations/${a.id}`, { token: admin });
    expect(gone.json.status).toBe('cancelled');
    const bList = await asPerson(b, 'GET', `/events/${e}/registrations/${b.id}/meetings`);
    expect(bList.json.items[0]).toMatchObject({ id: r1.json.id, status: 'cancelled' });
    const cList = await asPerson(c, 'GET', `/events/${e}/registrations/${c.id}/meetings`);
    expect(cList.json.items[0]).toMatchObject({ id: r2.json.id, status: 'cancelled' });
    const scan = await stack.call('POST', `/events/${e}/meetings/${r1.json.id}/checkins`, { token: staff, body: { badge: b.badge } });
    expect(scan.json.code).toBe('meeting_not_open');
    await stack.workers.drain();
    expect((await inbox(b.email)).some((m) => /cancelled|취소/.test(m.subject) && /meeting|미팅/i.test(m.subject))).toBe(true);
    const attendance = await stack.call('GET', `/events/${e}/attendance`, { token: admin });
    expect(attendance.json.meetings).toEqual({ requested: 0, scheduled: 0, held: 0, noShow: 0 });
  });

  it('until the cascade has run, a cancelled side can neither book nor be booked nor checked in', async () => {
    const event = await meetingEvent(programme({ tables: ['A1', 'A2'] }));
    const e = event.id;
    const [a, b, c, d] = [await person(e), await person(e), await person(e), await person(e)];
    const toA = await asPerson(b, 'POST', `/events/${e}/meetings`, { with: a.id });
    const fromA = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: c.id });
    const withD = await asPerson(d, 'POST', `/events/${e}/meetings`, { with: b.id });
    await asPerson(b, 'POST', `/events/${e}/meetings/${withD.json.id}/accept`);
    // The cancellations' own transactions, without the requests' follow-up (the cascade not yet run).
    const { cancelRegistration } = await import('#domain/seat-changes');
    const { eventStore } = await import('#adapters/event-store');
    const { registrationStore } = await import('#adapters/registration-store');
    const { seatStore } = await import('#adapters/seat-store');
    const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };
    await cancelRegistration(stores, e, a.id);
    // The cancelled invitee accepts: refused, and nothing is booked.
    const own = await asPerson(a, 'POST', `/events/${e}/meetings/${toA.json.id}/accept`);
    expect(own.status).toBe(409);
    expect(own.json.code).toBe('registration_cancelled');
    // The other side accepts a request from the cancelled requester: refused too.
    const theirs = await asPerson(c, 'POST', `/events/${e}/meetings/${fromA.json.id}/accept`);
    expect(theirs.status).toBe(409);
    expect(theirs.json.code).toBe('meeting_not_open');
    for (const p of [a, b, c]) {
      const list = await asPerson(p, 'GET', `/events/${e}/registrations/${p.id}/meetings`);
      for (const m of list.json.items) if (m.id !== withD.json.id) expect(m).toMatchObject({ status: 'requested', startsAt: null });
    }
    const { meetingStore } = await import('#adapters/meeting-store');
    expect([...(await meetingStore.busySlots(e, a.id))]).toEqual([]);
    expect((await meetingStore.counts(e)).scheduled).toBe(1);
    // A scheduled meeting whose side cancelled cannot be checked in either.
    await cancelRegistration(stores, e, d.id);
    const scan = await stack.call('POST', `/events/${e}/meetings/${withD.json.id}/checkins`, { token: staff, body: { badge: b.badge } });
    expect(scan.json.code).toBe('meeting_not_open');
  });

  it('a request whose invitee cancels between its read and its write is refused, leaving nothing', async () => {
    const event = await meetingEvent();
    const e = event.id;
    const [a, b] = [await person(e), await person(e)];
    const { meetingPorts } = await import('#http/meetings');
    const { requestMeeting } = await import('#domain/meeting-use-cases');
    const { registrationStore } = await import('#adapters/registration-store');
    const { meetingStore } = await import('#adapters/meeting-store');
    // The invitee as the request read it, still confirmed; its cancellation commits (and its
    // cascade finds nothing) before the request's transaction.
    const seen = await registrationStore.read(e, b.id);
    expect((await stack.call('DELETE', `/events/${e}/registrations/${b.id}`, { token: admin })).json.status).toBe('cancelled');
    const stale = {
      ...meetingPorts,
      readRegistration: async (ev: string, id: string) => (id === b.id ? seen : meetingPorts.readRegistration(ev, id)),
    };
    const page = await stack.call('GET', `/events/${e}`);
    await expect(requestMeeting(stale, { ...page.json, version: 1 }, a.id, { with: b.id })).rejects.toMatchObject({ code: 'not_found' });
    expect(await meetingStore.openMeetingOfPair(e, a.id, b.id)).toBeUndefined();
    expect(await meetingStore.loadOf(e, a.id)).toBe(0);
    expect(await meetingStore.ofPerson(e, b.id)).toEqual([]);
  });

  it('the request cancels the meetings at once but leaves the work owed: a later sweep, past index lag, clears it', async () => {
    const event = await meetingEvent();
    const e = event.id;
    const [a, b] = [await person(e), await person(e)];
    const r = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    expect((await stack.call('DELETE', `/events/${e}/registrations/${a.id}`, { token: admin })).json.status).toBe('cancelled');
    expect((await asPerson(b, 'GET', `/events/${e}/registrations/${b.id}/meetings`)).json.items[0]).toMatchObject({
      id: r.json.id,
      status: 'cancelled',
    });
    const { meetingKeys } = await import('#adapters/meeting-store');
    const ddb = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
    const owed = () => ddb.send(new GetCommand({ TableName: stack.tables.data, Key: meetingKeys.owed(e, a.id) })).then((o) => o.Item);
    // A meeting committed just before the cancellation may not be in the indexes yet: still owed.
    expect(await owed()).toMatchObject({ registrationId: a.id });
    await stack.workers.tick();
    expect(await owed()).toMatchObject({ registrationId: a.id });
    try {
      stack.moveMeetingClock(INDEX_LAG_MS + 1000);
      await stack.workers.tick();
    } finally {
      stack.moveMeetingClock(0);
    }
    expect(await owed()).toBeUndefined();
    ddb.destroy();
  });

  it('the cascade is owed by the cancellation itself: left undone by the request, the sweeper finishes it', async () => {
    const event = await meetingEvent();
    const e = event.id;
    const [a, b] = [await person(e), await person(e)];
    const r = await asPerson(a, 'POST', `/events/${e}/meetings`, { with: b.id });
    await asPerson(b, 'POST', `/events/${e}/meetings/${r.json.id}/accept`);
    // The cancellation's own transaction, without the request's follow-up (as if it died right after).
    const { cancelRegistration } = await import('#domain/seat-changes');
    const { eventStore } = await import('#adapters/event-store');
    const { registrationStore } = await import('#adapters/registration-store');
    const { seatStore } = await import('#adapters/seat-store');
    const { meetingKeys } = await import('#adapters/meeting-store');
    await cancelRegistration({ events: eventStore, registrations: registrationStore, seats: seatStore }, e, a.id);
    const ddb = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
    const owed = await ddb.send(new GetCommand({ TableName: stack.tables.data, Key: meetingKeys.owed(e, a.id) }));
    expect(owed.Item).toMatchObject({ registrationId: a.id });
    // Until it is done, the meeting cannot be checked in.
    const scan = await stack.call('POST', `/events/${e}/meetings/${r.json.id}/checkins`, { token: staff, body: { badge: b.badge } });
    expect(scan.json.code).toBe('meeting_not_open');
    // A pass soon after the cancellation does the work but keeps it owed (the indexes may lag);
    // one later clears it.
    await stack.workers.tick();
    try {
      stack.moveMeetingClock(INDEX_LAG_MS + 1000);
      await stack.workers.tick();
    } finally {
      stack.moveMeetingClock(0);
    }
    const list = await asPerson(b, 'GET', `/events/${e}/registrations/${b.id}/meetings`);
    expect(list.json.items[0]).toMatchObject({ id: r.json.id, status: 'cancelled' });
    expect((await ddb.send(new GetCommand({ TableName: stack.tables.data, Key: meetingKeys.owed(e, a.id) }))).Item).toBeUndefined();
    await stack.workers.drain();
    expect((await inbox(b.email)).some((m) => /Meeting .*cancelled|미팅이 취소/.test(m.subject))).toBe(true);
    // Its slot and table are free again: another pair gets that very slot.
    const [c, d] = [await person(e), await person(e)];
    const again = await asPerson(c, 'POST', `/events/${e}/meetings`, { with: d.id });
    const ok = await asPerson(d, 'POST', `/events/${e}/meetings/${again.json.id}/accept`);
    expect(ok.json.startsAt).toBe(list.json.items[0].startsAt);
    ddb.destroy();
  });
});
