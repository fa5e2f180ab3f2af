/**
 * Participant self-service and waitlist promotion, end to end on the local stack: change and
 * cancel with the manage token, freed seats going to the head of the line in the same request,
 * capacity raises promoting, attendance reading counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
});
afterAll(() => stack?.stop());

type Reg = { id: string; status: string; manageToken: string; sessions: { id: string; status: string }[] };

async function eventWith(overrides: Record<string, unknown> = {}) {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string };
}
const register = async (eventId: string, i: number, extra: Record<string, unknown> = {}) => {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra) });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
};
const asParticipant = (reg: Reg) => ({ 'x-manage-token': reg.manageToken });
const get = async (eventId: string, reg: Reg) =>
  (await stack.call('GET', `/events/${eventId}/registrations/${reg.id}`, { headers: asParticipant(reg) })).json as Reg;
const attendance = async (eventId: string) => (await stack.call('GET', `/events/${eventId}/attendance`, { token: admin })).json;

describe('participant self-service: the manage-link email', () => {
  // First in the file, and the workers stop after it: no other test reads an email, so the
  // mailer's badge PDFs neither compete with their requests nor hold up this test's drain.
  afterAll(() => stack.workers.stop());

  it('resend answers 202 whatever the email, and emails the link only to a registered one, rate-limited', async () => {
    const event = await eventWith();
    await register(event.id, 1, { email: 'resend-me@example.com' });
    const known = await stack.call('POST', `/events/${event.id}/registrations/resend`, { body: { email: 'Resend-Me@example.com' } });
    const unknown = await stack.call('POST', `/events/${event.id}/registrations/resend`, { body: { email: 'nobody@example.com' } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(unknown.json).toEqual(known.json);
    for (let i = 0; i < 5; i++)
      await stack.call('POST', `/events/${event.id}/registrations/resend`, { body: { email: 'resend-me@example.com' } });
    await stack.workers.drain();
    const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };
    const mine = store.emails.filter((e) => e.destination.to.includes('resend-me@example.com'));
    // One confirmation, then three manage-link emails: the rest were over the hourly limit.
    expect(mine.filter((e) => e.subject.includes('등록 관리 링크'))).toHaveLength(3);
    expect(mine).toHaveLength(4);
    expect(store.emails.some((e) => e.destination.to.includes('nobody@example.com'))).toBe(false);
  });
});

describe('waitlist promotion', () => {
  it('13 registrations for a 10-seat session: 3 wait; a cancellation promotes the first in line at once', async () => {
    // Prepare
    const event = await eventWith({ sessions: [{ ...openEvent().sessions[0], capacity: 10 }] });
    const regs: Reg[] = [];
    for (let i = 0; i < 13; i++) regs.push(await register(event.id, i, { sessions: ['bio'] }));
    expect(regs.filter((r) => r.sessions[0]!.status === 'waitlisted').map((r) => r.id)).toEqual(regs.slice(10).map((r) => r.id));
    // Act
    const cancelled = await stack.call('DELETE', `/events/${event.id}/registrations/${regs[0]!.id}`, { headers: asParticipant(regs[0]!) });
    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect((await get(event.id, regs[10]!)).sessions).toEqual([{ id: 'bio', status: 'confirmed' }]);
    expect((await get(event.id, regs[11]!)).sessions).toEqual([{ id: 'bio', status: 'waitlisted' }]);
    const a = await attendance(event.id);
    expect(a).toMatchObject({ confirmed: 12, waitlisted: 0, cancelled: 1 });
    expect(a.sessions[0]).toMatchObject({ id: 'bio', capacity: 10, confirmed: 10, waitlisted: 2 });
  });

  it('a full event: the cancellation promotes the head of the event line, who takes or queues for its sessions', async () => {
    const event = await eventWith({ capacity: 2, sessions: [{ ...openEvent().sessions[0], capacity: 1 }] });
    const a = await register(event.id, 1, { sessions: ['bio'] });
    const b = await register(event.id, 2);
    const c = await register(event.id, 3, { sessions: ['bio'] });
    const d = await register(event.id, 4);
    expect([a.status, b.status, c.status, d.status]).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
    // b leaves: c (first in the event line) gets b's seat; bio is still full (a), so c queues there.
    await stack.call('DELETE', `/events/${event.id}/registrations/${b.id}`, { token: admin });
    expect(await get(event.id, c)).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'waitlisted' }] });
    expect((await get(event.id, d)).status).toBe('waitlisted');
    // a leaves: d gets the event seat; c gets a's bio seat.
    await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { headers: asParticipant(a) });
    expect(await get(event.id, c)).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect((await get(event.id, d)).status).toBe('confirmed');
    expect(await attendance(event.id)).toMatchObject({ confirmed: 2, waitlisted: 0, cancelled: 2 });
  });

  it('nobody jumps the line: while someone waits, a newcomer waits too', async () => {
    const event = await eventWith({ capacity: 1 });
    const first = await register(event.id, 1);
    const waiting = await register(event.id, 2);
    await stack.call('DELETE', `/events/${event.id}/registrations/${first.id}`, { headers: asParticipant(first) });
    const newcomer = await register(event.id, 3);
    expect((await get(event.id, waiting)).status).toBe('confirmed');
    expect(newcomer.status).toBe('waitlisted');
  });

  it('20 concurrent cancellations never promote past capacity, nor anyone twice', async () => {
    const event = await eventWith({ capacity: 20, sessions: [{ ...openEvent().sessions[0], capacity: 5 }] });
    const regs: Reg[] = [];
    for (let i = 0; i < 40; i++) regs.push(await register(event.id, i, { sessions: ['bio'] }));
    // As a client does: a 503 (contention outlasted the function's time; nothing written) is sent again after Retry-After.
    const cancel = async (r: Reg) => {
      for (let attempt = 0; ; attempt++) {
        const answer = await stack.call('DELETE', `/events/${event.id}/registrations/${r.id}`, { headers: asParticipant(r) });
        if (answer.status !== 503 || attempt === 4) return answer;
        await new Promise((done) => setTimeout(done, Number(answer.headers.get('retry-after')) * 1000));
      }
    };
    const results = await Promise.all(regs.slice(0, 20).map(cancel));
    expect(results.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    const a = await attendance(event.id);
    expect(a).toMatchObject({ confirmed: 20, waitlisted: 0, cancelled: 20 });
    expect(a.sessions[0]).toMatchObject({ confirmed: 5 });
    const after = await Promise.all(regs.slice(20).map((r) => get(event.id, r)));
    expect(after.every((r) => r.status === 'confirmed')).toBe(true);
    expect(after.filter((r) => r.sessions[0]!.status === 'confirmed')).toHaveLength(5);
    // The promoted took bio seats in arrival order.
    expect(after.slice(0, 5).every((r) => r.sessions[0]!.status === 'confirmed')).toBe(true);
  }, 120_000);

  it('a capacity raise promotes as many as it frees, in order', async () => {
    const event = await eventWith({ capacity: 2 });
    const regs: Reg[] = [];
    for (let i = 0; i < 6; i++) regs.push(await register(event.id, i));
    const raised = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 5 } });
    expect(raised.status).toBe(200);
    const statuses = await Promise.all(regs.map(async (r) => (await get(event.id, r)).status));
    expect(statuses).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'waitlisted']);
    expect(await attendance(event.id)).toMatchObject({ capacity: 5, confirmed: 5, waitlisted: 1 });
  });
});

describe('session capacity', () => {
  it('raising a session capacity promotes its line in order; lowering it below the seats taken is refused', async () => {
    const bio = { ...openEvent().sessions[0], capacity: 1 };
    const event = await eventWith({ sessions: [bio] });
    const regs: Reg[] = [];
    for (let i = 0; i < 4; i++) regs.push(await register(event.id, i, { sessions: ['bio'] }));
    const raised = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [{ ...bio, capacity: 3 }] } });
    expect(raised.status, raised.text).toBe(200);
    const seats = await Promise.all(regs.map(async (r) => (await get(event.id, r)).sessions[0]!.status));
    expect(seats).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted']);
    const lowered = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [{ ...bio, capacity: 2 }] } });
    expect([lowered.status, lowered.json.code]).toEqual([422, 'capacity_below_confirmed']);
    expect((await attendance(event.id)).sessions[0]).toMatchObject({ capacity: 3, confirmed: 3, waitlisted: 1 });
  });
});

describe('participant self-service', () => {
  it('changes details and sessions with the manage token; a dropped seat goes to the line; email never changes', async () => {
    const event = await eventWith({ sessions: [{ ...openEvent().sessions[0], capacity: 1 }, openEvent().sessions[1]] });
    const a = await register(event.id, 1, { sessions: ['bio'] });
    const b = await register(event.id, 2, { sessions: ['bio'] });
    const changed = await stack.call('PATCH', `/events/${event.id}/registrations/${a.id}`, {
      headers: asParticipant(a),
      body: { name: '김민지 (Minji Kim)', sessions: ['energy'], jobTitle: 'CEO' },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ name: '김민지 (Minji Kim)', jobTitle: 'CEO', sessions: [{ id: 'energy', status: 'confirmed' }] });
    expect((await get(event.id, b)).sessions).toEqual([{ id: 'bio', status: 'confirmed' }]);
    const email = await stack.call('PATCH', `/events/${event.id}/registrations/${a.id}`, {
      headers: asParticipant(a),
      body: { email: 'new@example.com' },
    });
    expect(email.status).toBe(422);
    expect(email.json.errors[0].path).toBe('email');
  });

  it('choosing a full session waitlists it (or is sold_out with the waitlist off)', async () => {
    const event = await eventWith({ sessions: [{ ...openEvent().sessions[0], capacity: 1 }] });
    const a = await register(event.id, 1, { sessions: ['bio'] });
    const b = await register(event.id, 2);
    const r = await stack.call('PATCH', `/events/${event.id}/registrations/${b.id}`, {
      headers: asParticipant(b),
      body: { sessions: ['bio'] },
    });
    expect(r.json.sessions).toEqual([{ id: 'bio', status: 'waitlisted' }]);
    void a;
    const closed = await eventWith({
      registration: { ...openEvent().registration, waitlist: false },
      sessions: [{ ...openEvent().sessions[0], capacity: 1 }],
    });
    await register(closed.id, 1, { sessions: ['bio'] });
    const c = await register(closed.id, 2);
    const refused = await stack.call('PATCH', `/events/${closed.id}/registrations/${c.id}`, {
      headers: asParticipant(c),
      body: { sessions: ['bio'] },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('sold_out');
    expect((await get(closed.id, c)).sessions).toEqual([]);
  });

  it('cancelling frees the email (it may register again) and revokes the badge; a second cancel is 409', async () => {
    const event = await eventWith();
    const a = await register(event.id, 1);
    const cancelled = await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { headers: asParticipant(a) });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', badge: null });
    const again = await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { headers: asParticipant(a) });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('registration_cancelled');
    const change = await stack.call('PATCH', `/events/${event.id}/registrations/${a.id}`, {
      headers: asParticipant(a),
      body: { name: 'x' },
    });
    expect(change.json.code).toBe('registration_cancelled');
    const back = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) });
    expect(back.status).toBe(201);
  });

  it('a manage token opens only its own registration; staff may not change or cancel', async () => {
    const event = await eventWith();
    const a = await register(event.id, 1);
    const b = await register(event.id, 2);
    const staff = await stack.token('staff');
    expect((await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { headers: asParticipant(b) })).status).toBe(403);
    expect(
      (await stack.call('PATCH', `/events/${event.id}/registrations/${a.id}`, { headers: asParticipant(b), body: { name: 'x' } })).status,
    ).toBe(403);
    expect((await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`, { token: staff })).status).toBe(403);
    expect((await stack.call('DELETE', `/events/${event.id}/registrations/${a.id}`)).status).toBe(401);
    expect((await get(event.id, a)).status).toBe('confirmed');
  });
});

describe('attendance', () => {
  it('admins only; staff 403, anonymous 401', async () => {
    const event = await eventWith();
    expect((await stack.call('GET', `/events/${event.id}/attendance`, { token: await stack.token('staff') })).status).toBe(403);
    expect((await stack.call('GET', `/events/${event.id}/attendance`)).status).toBe(401);
  });
});
