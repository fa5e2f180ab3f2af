/**
 * Change notices (issue #14, API.md Emails): a PATCH that moves the event's dates, venue or a
 * session's times emails every active registrant once, in their locale, with a fresh .ics (same
 * UID as the confirmation's, a higher SEQUENCE). The PATCH owes one notice; the sweeper fans it
 * out in pages, resumably, under deterministic outbox ids. The .ics is read by ical.js, an
 * independent reader (the writer is `ics`).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html: string; text: string };
  attachments: { content: string; contentType: string; filename?: string }[];
}

let stack: TestStack;
let admin: string;
let db: DynamoDBDocumentClient;
const run = randomUUID().slice(0, 8);
const address = (who: string) => `notice-${run}-${who}@example.com`;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  db = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
});
afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

/** Every email the SES emulator holds (badge PDFs and all: read once when judging many addresses). */
const stored = async () => ((await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] }).emails;
const sentTo = (emails: StoredEmail[], recipient: string) => emails.filter((e) => e.destination.to.some((t) => t.includes(recipient)));
const isNotice = (m: StoredEmail) => /변경되었습니다|has changed/.test(m.subject);
const inbox = async (recipient: string) => sentTo(await stored(), recipient);
const notices = async (recipient: string) => (await inbox(recipient)).filter(isNotice);

/** The sweeper as its schedule runs it; `remainingMs` small: one page per walk. */
async function sweep(remainingMs = 30_000) {
  const { handler } = (await import('../../functions/handlers/outbox-sweeper.ts')) as unknown as {
    handler: (event: unknown, context: unknown) => Promise<{ noticesOwed: number }>;
  };
  const out = await handler({}, { getRemainingTimeInMillis: () => remainingMs });
  await stack.workers.drain();
  return out;
}

async function register(eventId: string, body: unknown) {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; status: string };
}

/** Every VEVENT of a calendar attachment, as ical.js reads it. */
function calendarOf(mail: StoredEmail) {
  const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(ics, 'an .ics attachment').toBeDefined();
  const component = new ICAL.Component(ICAL.parse(Buffer.from(ics!.content, 'base64').toString('utf8')));
  return component.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      location: e.location,
    };
  });
}

describe('PATCH of the dates emails every active registrant one change notice', () => {
  let eventId: string;
  const day = 86_400_000;
  const newStart = new Date(Math.ceil((Date.now() + 30 * day) / 60_000) * 60_000).toISOString();
  const newEnd = new Date(Date.parse(newStart) + 6 * 3600_000).toISOString();

  beforeAll(async () => {
    // Prepare: capacity 2: a Korean and an English registrant confirmed, one waitlisted, one cancelled.
    eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 2 }) })).json.id;
    await register(eventId, participant(1, { email: address('ko'), locale: 'ko', name: '김민지', sessions: ['bio'] }));
    await register(eventId, participant(2, { email: address('en'), locale: 'en', name: 'Hannah Müller' }));
    expect((await register(eventId, participant(3, { email: address('wait'), locale: 'en' }))).status).toBe('waitlisted');
    const gone = await register(eventId, participant(4, { email: address('gone'), locale: 'ko' }));
    // The fourth waits too; cancelling it promotes nobody.
    expect((await stack.call('DELETE', `/events/${eventId}/registrations/${gone.id}`, { token: admin })).status).toBe(200);
    await stack.workers.drain();
  });

  it('the PATCH itself sends nothing; the sweep owes one notice per active registrant, each mailed once', async () => {
    // Prepare: the confirmations carry SEQUENCE 0
    const [confirmation] = (await inbox(address('ko'))).filter((m) => m.subject.includes('확정'));
    const before = calendarOf(confirmation!);
    expect(before[0]).toMatchObject({ uid: `${eventId}@gatepass`, sequence: 0 });
    // Act
    const patch = await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { startsAt: newStart, endsAt: newEnd } });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.json).not.toHaveProperty('calendarSequence');
    await stack.workers.drain();
    expect(await notices(address('ko'))).toHaveLength(0);
    const swept = await sweep();
    // Assess: three active registrants (two confirmed, one waitlisted); the cancelled one is not told
    expect(swept.noticesOwed).toBe(3);
    const emails = await stored();
    for (const who of ['ko', 'en', 'wait']) expect(sentTo(emails, address(who)).filter(isNotice), who).toHaveLength(1);
    expect(await notices(address('gone'))).toHaveLength(0);
    // A later sweep owes nothing more.
    expect((await sweep()).noticesOwed).toBe(0);
    expect(await notices(address('en'))).toHaveLength(1);
  });

  it('each notice is in the registrant’s locale, HTML and text, with an .ics of the new times: same UID, higher SEQUENCE', async () => {
    const [ko] = await notices(address('ko'));
    const [en] = await notices(address('en'));
    expect(ko!.subject).toBe('[테스트 포럼] 행사 일정 또는 장소가 변경되었습니다');
    expect(ko!.body.text).toContain('김민지 님');
    expect(ko!.body.html).toContain('<html lang="ko">');
    expect(en!.subject).toBe('[Test Forum] The schedule or venue has changed');
    expect(en!.body.text).toContain('Dear Hannah Müller');
    expect(en!.body.html).toContain('<html lang="en">');
    // The new time, as Seoul reads it, in the text.
    const seoul = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'Asia/Seoul' }).format(new Date(newStart));
    expect(en!.body.text).toContain(seoul);
    for (const mail of [ko!, en!]) {
      const [event] = calendarOf(mail);
      expect(event).toMatchObject({ uid: `${eventId}@gatepass`, sequence: 1, start: newStart, end: newEnd, location: 'Gwangju' });
    }
    // The Korean registrant's session is in the calendar with the same UID as before, SEQUENCE 1 too.
    expect(calendarOf(ko!).find((e) => e.uid === `${eventId}.bio@gatepass`)).toMatchObject({ sequence: 1 });
  });

  it('a PATCH that changes neither dates, venue nor session times owes no notice', async () => {
    const patch = await stack.call('PATCH', `/events/${eventId}`, {
      token: admin,
      body: { name: { ko: '테스트 포럼', en: 'Test Forum' }, capacity: 5 },
    });
    expect(patch.status, patch.text).toBe(200);
    expect((await sweep()).noticesOwed).toBe(0);
  });

  it('a session’s new times owe a notice too, with SEQUENCE 2', async () => {
    const event = (await stack.call('GET', `/events/${eventId}`)).json;
    const sessions = event.sessions.map((s: Record<string, unknown>) => ({
      id: s.id,
      name: s.name,
      capacity: s.capacity,
      startsAt: s.id === 'bio' ? newStart : s.startsAt,
      endsAt: s.id === 'bio' ? new Date(Date.parse(newStart) + 3600_000).toISOString() : s.endsAt,
    }));
    expect((await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { sessions } })).status).toBe(200);
    await sweep();
    const latest = (await notices(address('ko'))).at(-1)!;
    expect(await notices(address('ko'))).toHaveLength(2);
    expect(calendarOf(latest).find((e) => e.uid === `${eventId}.bio@gatepass`)).toMatchObject({ sequence: 2, start: newStart });
  });
});

describe('the fan-out', () => {
  it('goes in pages that resume where they stopped, and a replayed step emails nobody twice', async () => {
    // Prepare: 30 registrants (more than one page of 25)
    const eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id as string;
    for (let start = 0; start < 30; start += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => register(eventId, participant(500 + start + k, { email: address(`p${start + k}`) }))),
      );
    }
    await stack.workers.drain();
    expect((await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { venue: '김대중컨벤션센터' } })).status).toBe(200);
    // Act: a sweep with almost no time left writes one page and keeps its cursor
    const first = await sweep(3_000);
    expect(first.noticesOwed).toBe(25);
    const owed = await db.send(new GetCommand({ TableName: stack.tables.data, Key: { pk: `NOTICE#${eventId}`, sk: 'NOTICE' } }));
    expect(owed.Item?.cursor).toBeDefined();
    const second = await sweep(3_000);
    expect(second.noticesOwed).toBe(5);
    // A replay of the whole walk (the cursor lost, as after a crash before its save) writes nothing new.
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.data,
        Key: { pk: `NOTICE#${eventId}`, sk: 'NOTICE' },
        UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk REMOVE #cursor, doneAt',
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: { ':pk': 'NOTICE#PENDING', ':sk': `${owed.Item!.startedAt}#${eventId}` },
      }),
    );
    expect((await sweep()).noticesOwed).toBe(0);
    // Assess: each of the 30 got exactly one notice, naming the new venue
    const emails = await stored();
    for (let i = 0; i < 30; i++) {
      const mails = sentTo(emails, address(`p${i}`)).filter(isNotice);
      expect(mails, `p${i}`).toHaveLength(1);
      expect(calendarOf(mails[0]!)[0]!.location).toBe('김대중컨벤션센터');
    }
  }, 120_000);

  it('is not held back by the per-address cap (EMAILS_PER_ADDRESS)', async () => {
    // Prepare: one address registers and cancels three times (6 counted emails); its fourth
    // registration's confirmation is held back as suppressed.
    const eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id as string;
    const email = address('capped');
    let last = '';
    for (let i = 0; i < 4; i++) {
      last = (await register(eventId, participant(900, { email }))).id;
      if (i < 3) expect((await stack.call('DELETE', `/events/${eventId}/registrations/${last}`, { token: admin })).status).toBe(200);
      await stack.workers.drain();
    }
    expect(await inbox(email)).toHaveLength(6);
    // Act
    expect((await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { venue: 'Seoul' } })).status).toBe(200);
    await sweep();
    // Assess: the notice goes out over the cap
    expect(await notices(email)).toHaveLength(1);
    expect(await inbox(email)).toHaveLength(7);
  }, 60_000);
});

describe('change notices on an approval event', () => {
  it('a pending registrant is told without a calendar; one denied after the notice was owed is not emailed', async () => {
    // Prepare: two pending registrations; one is denied.
    const eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent({ registration: { approval: true } }) })).json.id;
    const waiting = await register(eventId, participant(11, { email: address('pending'), locale: 'en' }));
    const denied = await register(eventId, participant(12, { email: address('denied'), locale: 'en' }));
    expect([waiting.status, denied.status]).toEqual(['pending', 'pending']);
    const deny = await stack.call('POST', `/events/${eventId}/registrations/${denied.id}/deny`, { token: admin, body: {} });
    expect(deny.status).toBe(200);
    await stack.workers.drain();
    // Act: the venue moves; a notice owed to the denied one too (as a fan-out done before the denial would have left it).
    const patch = await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { venue: 'Gwangju, Hall B' } });
    expect(patch.status, patch.text).toBe(200);
    const { newOutboxItem } = await import('#adapters/outbox-store');
    await db.send(
      new PutCommand({
        TableName: stack.tables.data,
        Item: newOutboxItem('schedule_changed', eventId, denied.id, new Date().toISOString()),
      }),
    );
    await sweep();
    // Assess
    const [toPending] = await notices(address('pending'));
    expect(toPending, 'the pending registrant hears of the change').toBeDefined();
    expect(toPending!.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(false);
    expect(await notices(address('denied'))).toEqual([]);
  });
});
