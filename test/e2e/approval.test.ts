/**
 * Approval (API.md, Approval) and admin registrations, through the local stack on DynamoDB Local
 * and the SES emulator: pending holds no seat, no line, no badge, but the email; approve takes
 * seats as a newcomer would then (lines by approval time); deny frees the email; attendance and
 * list filters count both; an admin registers outside the window and, when asked, over capacity.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html: string; text: string };
  attachments: unknown[];
}

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600, wallet: true });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
}, 60_000);
afterAll(() => stack?.stop());

const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

async function inbox(to: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(to)));
}

async function newEvent(overrides: Record<string, unknown> = {}, registration: Record<string, unknown> = {}) {
  const body = openEvent(overrides);
  const r = await stack.call('POST', '/events', {
    token: admin,
    body: { ...body, registration: { ...body.registration, approval: true, ...registration } },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

async function register(eventId: string, body: Record<string, unknown>, token?: string) {
  return stack.call('POST', `/events/${eventId}/registrations`, { body, ...(token ? { token } : {}) });
}

async function pending(eventId: string, i: number, overrides: Record<string, unknown> = {}) {
  const r = await register(eventId, participant(i, { email: email(`p${i}`), ...overrides }));
  expect(r.status, r.text).toBe(201);
  expect(r.json.status).toBe('pending');
  return r.json as { id: string; manageToken: string; email: string };
}

const approve = (eventId: string, id: string, token = admin) =>
  stack.call('POST', `/events/${eventId}/registrations/${id}/approve`, { token });
const deny = (eventId: string, id: string, body: unknown = {}, token = admin) =>
  stack.call('POST', `/events/${eventId}/registrations/${id}/deny`, { token, body });
const attendance = async (eventId: string) => (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;
const asParticipant = (token: string) => ({ headers: { 'x-manage-token': token } });

describe('the approval setting', () => {
  it('defaults to false and is shown on the event; PATCH turns it on', async () => {
    // Prepare
    const created = await stack.call('POST', '/events', { token: admin, body: openEvent() });
    // Act
    const patched = await stack.call('PATCH', `/events/${created.json.id}`, { token: admin, body: { registration: { approval: true } } });
    // Assess
    expect(created.json.registration.approval).toBe(false);
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.registration).toMatchObject({ approval: true, waitlist: true });
    expect((await stack.call('GET', `/events/${created.json.id}`)).json.registration.approval).toBe(true);
  });

  it('may not be turned off while anyone is pending (422 on registration.approval), and may once all are decided', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1);
    // Act
    const refused = await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { registration: { approval: false } } });
    await approve(eventId, p.id);
    const allowed = await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { registration: { approval: false } } });
    // Assess
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('validation_failed');
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'registration.approval' })]);
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.json.registration.approval).toBe(false);
    expect((await register(eventId, participant(2, { email: email('after') }))).json.status).toBe('confirmed');
  });

  it('is refused when not a boolean', async () => {
    const r = await stack.call('POST', '/events', {
      token: admin,
      body: openEvent({ registration: { waitlist: true, approval: 'yes' } }),
    });
    expect(r.status).toBe(422);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toContain('registration.approval');
  });
});

describe('a pending registration', () => {
  it('holds no seat, no line and no badge, holds the email, and is emailed "received" in its locale', async () => {
    // Prepare
    const eventId = await newEvent({ capacity: 1 });
    // Act
    const ko = await register(eventId, participant(1, { email: email('ko'), sessions: ['bio'] }));
    const en = await register(eventId, participant(2, { email: email('en') }));
    const again = await register(eventId, participant(3, { email: ko.json.email.toUpperCase() }));
    await stack.workers.drain();
    // Assess
    expect(ko.status, ko.text).toBe(201);
    expect(ko.json).toMatchObject({ status: 'pending', badge: null, wallet: null, sessions: [{ id: 'bio', status: 'pending' }] });
    expect(typeof ko.json.manageToken).toBe('string');
    expect(en.json.status).toBe('pending');
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('already_registered');
    const counts = await attendance(eventId);
    expect(counts).toMatchObject({ confirmed: 0, waitlisted: 0, pending: 2, denied: 0, overCapacity: 0 });
    expect(counts.sessions[0]).toMatchObject({ id: 'bio', confirmed: 0, waitlisted: 0 });
    expect((await stack.call('GET', `/events/${eventId}`)).json.seatsLeft).toBe(1);
    const [koMail] = await inbox(ko.json.email);
    expect(koMail!.subject).toBe('[테스트 포럼] 등록 신청이 접수되었습니다 (승인 대기)');
    expect(koMail!.body.text).toContain('승인을 기다리고');
    expect(koMail!.body.html).toContain('승인을 기다리고');
    expect(koMail!.body.text).toContain(`#token=${encodeURIComponent(ko.json.manageToken)}`);
    expect(koMail!.attachments).toEqual([]);
    const [enMail] = await inbox(en.json.email);
    expect(enMail!.subject).toBe('[Test Forum] Registration received, awaiting approval');
    expect(enMail!.body.html).toContain('awaits the organiser');
  });

  it('has no badge, PDF or wallet pass (409 badge_not_issued), and is no check-in', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1);
    const base = `/events/${eventId}/registrations/${p.id}`;
    // Act
    const svg = await stack.call('GET', `${base}/badge?format=svg`, asParticipant(p.manageToken));
    const pdf = await stack.call('GET', `${base}/badge?format=pdf`, { token: admin });
    const apple = await stack.call('GET', `${base}/wallet/apple`, asParticipant(p.manageToken));
    const google = await stack.call('GET', `${base}/wallet/google`, asParticipant(p.manageToken));
    const checkin = await stack.call('POST', `/events/${eventId}/checkins`, { token: staff, body: { registrationId: p.id } });
    // Assess
    for (const r of [svg, pdf, apple, google, checkin]) {
      expect(r.status, r.text).toBe(409);
      expect(r.json.code).toBe('badge_not_issued');
    }
  });

  it('may be viewed, changed and cancelled by its participant; cancelling frees the email and no seat', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1, { sessions: ['bio'] });
    const base = `/events/${eventId}/registrations/${p.id}`;
    // Act
    const viewed = await stack.call('GET', base, asParticipant(p.manageToken));
    const changed = await stack.call('PATCH', base, { ...asParticipant(p.manageToken), body: { jobTitle: 'CTO', sessions: ['energy'] } });
    const before = await attendance(eventId);
    const cancelled = await stack.call('DELETE', base, asParticipant(p.manageToken));
    const after = await attendance(eventId);
    const anew = await register(eventId, participant(1, { email: p.email }));
    // Assess
    expect(viewed.json).toMatchObject({ status: 'pending', badge: null });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({
      status: 'pending',
      jobTitle: 'CTO',
      sessions: [{ id: 'energy', status: 'pending' }],
      badge: null,
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect(before).toMatchObject({ pending: 1, confirmed: 0, cancelled: 0 });
    expect(after).toMatchObject({ pending: 0, confirmed: 0, waitlisted: 0, cancelled: 1 });
    expect(after.sessions.map((s: { confirmed: number; waitlisted: number }) => s.confirmed + s.waitlisted)).toEqual([0, 0]);
    expect(anew.status, anew.text).toBe(201);
    const approvedCancelled = await approve(eventId, p.id);
    expect(approvedCancelled.status).toBe(409);
    expect(approvedCancelled.json.code).toBe('not_pending');
  });
});

describe('approve', () => {
  it('confirms with seats and a badge, and emails the confirmation; anything not pending is 409 not_pending', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1, { sessions: ['bio'] });
    // Act
    const approved = await approve(eventId, p.id);
    const twice = await approve(eventId, p.id);
    const denyConfirmed = await deny(eventId, p.id);
    await stack.workers.drain();
    // Assess
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ id: p.id, status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect(Date.parse(approved.json.approvedAt)).toBeGreaterThanOrEqual(Date.parse(approved.json.createdAt));
    for (const r of [twice, denyConfirmed]) {
      expect(r.status).toBe(409);
      expect(r.json.code).toBe('not_pending');
    }
    expect(await attendance(eventId)).toMatchObject({ confirmed: 1, pending: 0 });
    const own = await stack.call('GET', `/events/${eventId}/registrations/${p.id}`, asParticipant(p.manageToken));
    expect(own.json.badge?.token).toEqual(expect.any(String));
    const svg = await stack.call('GET', `/events/${eventId}/registrations/${p.id}/badge?format=svg`, asParticipant(p.manageToken));
    expect(svg.status).toBe(200);
    const subjects = (await inbox(p.email)).map((m) => m.subject);
    expect(subjects).toEqual(['[테스트 포럼] 등록 신청이 접수되었습니다 (승인 대기)', '[테스트 포럼] 등록이 확정되었습니다']);
  });

  it('on a full event with the waitlist off answers 409 sold_out and leaves it pending', async () => {
    // Prepare
    const eventId = await newEvent({ capacity: 1 }, { waitlist: false });
    const a = await pending(eventId, 1);
    const b = await pending(eventId, 2);
    await approve(eventId, a.id);
    // Act
    const r = await approve(eventId, b.id);
    // Assess
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('sold_out');
    const still = await stack.call('GET', `/events/${eventId}/registrations/${b.id}`, { token: admin });
    expect(still.json.status).toBe('pending');
    expect(await attendance(eventId)).toMatchObject({ confirmed: 1, waitlisted: 0, pending: 1 });
  });

  it('waitlists where full, by approval time: the first approved is promoted first, whoever registered first', async () => {
    // Prepare: the seat is taken; early registers before late, but late is approved first.
    const eventId = await newEvent({ capacity: 1 });
    const holder = await pending(eventId, 1);
    const early = await pending(eventId, 2);
    const late = await pending(eventId, 3);
    await approve(eventId, holder.id);
    const lateApproved = await approve(eventId, late.id);
    const earlyApproved = await approve(eventId, early.id);
    // Act
    await stack.call('DELETE', `/events/${eventId}/registrations/${holder.id}`, { token: admin });
    // Assess
    expect([lateApproved.json.status, earlyApproved.json.status]).toEqual(['waitlisted', 'waitlisted']);
    const status = async (id: string) => (await stack.call('GET', `/events/${eventId}/registrations/${id}`, { token: admin })).json.status;
    expect(await status(late.id)).toBe('confirmed');
    expect(await status(early.id)).toBe('waitlisted');
    expect(await attendance(eventId)).toMatchObject({ confirmed: 1, waitlisted: 1, pending: 0, cancelled: 1 });
  });

  it('ignores the registration window', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1);
    const day = 86_400_000;
    const closed = {
      opensAt: new Date(Date.now() - 2 * day).toISOString(),
      closesAt: new Date(Date.now() - day).toISOString(),
    };
    expect((await stack.call('PATCH', `/events/${eventId}`, { token: admin, body: { registration: closed } })).status).toBe(200);
    // Act
    const r = await approve(eventId, p.id);
    // Assess
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('confirmed');
  });

  it('of an unknown or malformed registration is 404', async () => {
    const eventId = await newEvent();
    expect((await approve(eventId, 'A'.repeat(22))).status).toBe(404);
    expect((await approve(eventId, 'nope')).status).toBe(404);
    expect((await deny(eventId, 'A'.repeat(22))).status).toBe(404);
  });
});

describe('deny', () => {
  it('denies with the reason in an email in the locale, frees the email, and is 409 not_pending afterwards', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 2, { sessions: ['bio'] });
    const reason = 'Press accreditation only <b>this</b> year';
    // Act
    const denied = await deny(eventId, p.id, { reason });
    const again = await deny(eventId, p.id);
    const approveDenied = await approve(eventId, p.id);
    const change = await stack.call('PATCH', `/events/${eventId}/registrations/${p.id}`, {
      ...asParticipant(p.manageToken),
      body: { jobTitle: 'x' },
    });
    const anew = await register(eventId, participant(2, { email: p.email }));
    await stack.workers.drain();
    // Assess
    expect(denied.status, denied.text).toBe(200);
    expect(denied.json).toMatchObject({ status: 'denied', denialReason: reason, badge: null });
    for (const r of [again, approveDenied]) {
      expect(r.status).toBe(409);
      expect(r.json.code).toBe('not_pending');
    }
    expect(change.status).toBe(409);
    expect(change.json.code).toBe('registration_denied');
    expect(anew.status, anew.text).toBe(201);
    expect(await attendance(eventId)).toMatchObject({ pending: 1, denied: 1, confirmed: 0 });
    const mail = (await inbox(p.email)).find((m) => m.subject === '[Test Forum] Your registration was not approved');
    expect(mail).toBeDefined();
    expect(mail!.body.text).toContain(`Reason: ${reason}`);
    expect(mail!.body.html).toContain('Press accreditation only &lt;b&gt;this&lt;/b&gt; year');
    const own = await stack.call('GET', `/events/${eventId}/registrations/${p.id}`, asParticipant(p.manageToken));
    expect(own.json.status).toBe('denied');
  });

  it('without a reason sends the email without one', async () => {
    const eventId = await newEvent();
    const p = await pending(eventId, 1);
    const denied = await deny(eventId, p.id);
    await stack.workers.drain();
    expect(denied.json).toMatchObject({ status: 'denied', denialReason: null });
    const mail = (await inbox(p.email)).find((m) => m.subject === '[테스트 포럼] 등록 신청이 승인되지 않았습니다');
    expect(mail!.body.text).not.toContain('사유');
  });

  it('refuses a reason over 500 characters, with control characters, or unknown fields (422, nothing changed)', async () => {
    // Prepare
    const eventId = await newEvent();
    const p = await pending(eventId, 1);
    // Act
    const results = await Promise.all([
      deny(eventId, p.id, { reason: 'x'.repeat(501) }),
      deny(eventId, p.id, { reason: 'line\nbreak' }),
      deny(eventId, p.id, { reason: 'a\u202Eb' }),
      deny(eventId, p.id, { why: 'no' }),
      deny(eventId, p.id, { reason: 5 }),
    ]);
    // Assess
    for (const r of results) {
      expect(r.status, r.text).toBe(422);
      expect(r.json.code).toBe('validation_failed');
    }
    expect(results[0]!.json.errors[0].path).toBe('reason');
    expect((await stack.call('GET', `/events/${eventId}/registrations/${p.id}`, { token: admin })).json.status).toBe('pending');
    expect((await deny(eventId, p.id, { reason: 'x'.repeat(500) })).status).toBe(200);
  });
});

describe('list filters', () => {
  it('status=pending and status=denied list exactly those', async () => {
    // Prepare
    const eventId = await newEvent();
    const a = await pending(eventId, 1);
    const b = await pending(eventId, 2);
    const c = await pending(eventId, 3);
    await deny(eventId, b.id);
    await approve(eventId, c.id);
    // Act
    const list = async (status: string) =>
      (await stack.call('GET', `/events/${eventId}/registrations?status=${status}`, { token: admin })).json.items.map(
        (i: { id: string }) => i.id,
      );
    // Assess
    expect(await list('pending')).toEqual([a.id]);
    expect(await list('denied')).toEqual([b.id]);
    expect(await list('confirmed')).toEqual([c.id]);
  });
});

describe('admin registrations', () => {
  const closedWindow = () => {
    const day = 86_400_000;
    return { opensAt: new Date(Date.now() + day).toISOString(), closesAt: new Date(Date.now() + 2 * day).toISOString(), waitlist: true };
  };

  it('an admin registers outside the window; anyone else hears registration_closed', async () => {
    // Prepare
    const created = await stack.call('POST', '/events', { token: admin, body: openEvent({ registration: closedWindow() }) });
    const eventId = created.json.id;
    // Act
    const byAdmin = await register(eventId, participant(1, { email: email('vip') }), admin);
    const byAnyone = await register(eventId, participant(2, { email: email('late') }));
    const byStaff = await register(eventId, participant(3, { email: email('staff') }), staff);
    // Assess
    expect(byAdmin.status, byAdmin.text).toBe(201);
    expect(byAdmin.json.status).toBe('confirmed');
    expect(byAnyone.json.code).toBe('registration_closed');
    expect(byStaff.json.code).toBe('registration_closed');
  });

  it('an admin registration on an approval event is its own approval: confirmed', async () => {
    const eventId = await newEvent();
    const r = await register(eventId, participant(1, { email: email('press') }), admin);
    expect(r.status, r.text).toBe(201);
    expect(r.json.status).toBe('confirmed');
    expect(await attendance(eventId)).toMatchObject({ confirmed: 1, pending: 0 });
  });

  it('capacity holds for admins too, unless overCapacity: then confirmed apart, and its cancellation frees no seat', async () => {
    // Prepare: one seat, taken; someone waits.
    const created = await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 1 }) });
    const eventId = created.json.id;
    await register(eventId, participant(1, { email: email('seat') }));
    const waiting = await register(eventId, participant(2, { email: email('wait') }));
    // Act
    const plain = await register(eventId, participant(3, { email: email('vip-a'), sessions: ['bio'] }), admin);
    const over = await register(eventId, participant(4, { email: email('vip-b'), sessions: ['bio'], overCapacity: true }), admin);
    const counts = await attendance(eventId);
    const cancelled = await stack.call('DELETE', `/events/${eventId}/registrations/${over.json.id}`, { token: admin });
    // Assess
    expect(waiting.json.status).toBe('waitlisted');
    expect(plain.json.status).toBe('waitlisted');
    expect(over.status, over.text).toBe(201);
    expect(over.json).toMatchObject({ status: 'confirmed', overCapacity: true, sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect(over.json.badge?.token).toEqual(expect.any(String));
    // confirmed counts every confirmed registration; overCapacity those of them that hold no seat.
    expect(counts).toMatchObject({ capacity: 1, confirmed: 2, waitlisted: 2, overCapacity: 1 });
    expect(counts.sessions.find((s: { id: string }) => s.id === 'bio')).toMatchObject({ confirmed: 1, overCapacity: 1 });
    expect(cancelled.status).toBe(200);
    expect(await attendance(eventId)).toMatchObject({ confirmed: 1, waitlisted: 2, overCapacity: 0, cancelled: 1 });
    const w = await stack.call('GET', `/events/${eventId}/registrations/${waiting.json.id}`, { token: admin });
    expect(w.json.status).toBe('waitlisted');
  });

  it('overCapacity from anyone but an admin is 403 forbidden, and writes nothing', async () => {
    // Prepare
    const created = await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 1 }) });
    const eventId = created.json.id;
    const expired = await stack.token('admin', { hours: -1 });
    // Act
    const results = [
      await register(eventId, participant(1, { email: email('x1'), overCapacity: true })),
      await register(eventId, participant(2, { email: email('x2'), overCapacity: true }), staff),
      await register(eventId, participant(3, { email: email('x3'), overCapacity: true }), expired),
    ];
    // Assess
    for (const r of results) {
      expect(r.status, r.text).toBe(403);
      expect(r.json.code).toBe('forbidden');
    }
    expect(await attendance(eventId)).toMatchObject({ confirmed: 0, waitlisted: 0, overCapacity: 0 });
  });
});
