/**
 * Seat plans end to end on the local stack (gateway → handlers → DynamoDB Local): changes that
 * would strand someone are refused, and plans larger than one transaction (100 writes) finish
 * in steps (seat-plans-time.test.ts: larger than the function's time). After each: no seat left
 * free while someone waits, nobody past capacity, counters equal to the registrations themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, seatHelpers, type Reg } from '../support/seats.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('seat plans (function time as deployed)', () => {
  let stack: TestStack;
  let admin: string;
  beforeAll(async () => {
    stack = await startTestStack({ sweepSeconds: 3600 });
    admin = await stack.token('admin');
  });
  afterAll(() => stack?.stop());
  const h = seatHelpers(
    () => stack,
    () => admin,
  );

  it('removing a session that someone in the event line chose is 409 session_in_use; promotions then work', async () => {
    // Prepare: capacity 1; R1 confirmed; R2 waits for the event, wanting energy
    const event = await h.eventWith({ capacity: 1, sessions: [session('bio', 5), session('energy', 5)] });
    const r1 = await h.register(event.id, 1);
    const r2 = await h.register(event.id, 2, { sessions: ['energy'] });
    expect(r2.status).toBe('waitlisted');
    // Act
    const removal = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session('bio', 5)] } });
    // Assess: refused, nothing changed; R1's cancel promotes R2 into energy; a raise works
    expect([removal.status, removal.json.code]).toEqual([409, 'session_in_use']);
    expect((await stack.call('GET', `/events/${event.id}`)).json.sessions.map((s: { id: string }) => s.id)).toEqual(['bio', 'energy']);
    const cancel = await stack.call('DELETE', `/events/${event.id}/registrations/${r1.id}`, { token: admin });
    expect(cancel.status, cancel.text).toBe(200);
    expect(await h.get(event.id, r2)).toMatchObject({ status: 'confirmed', sessions: [{ id: 'energy', status: 'confirmed' }] });
    const raise = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 3 } });
    expect(raise.status, raise.text).toBe(200);
    // Held now: still refused; once nobody holds or wants it, the removal goes through.
    expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session('bio', 5)] } })).json.code).toBe(
      'session_in_use',
    );
    expect(
      (
        await stack.call('PATCH', `/events/${event.id}/registrations/${r2.id}`, {
          headers: { 'x-manage-token': r2.manageToken },
          body: { sessions: [] },
        })
      ).status,
    ).toBe(200);
    const removed = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session('bio', 5)] } });
    expect(removed.status, removed.text).toBe(200);
    await h.expectSeatsTrue(event.id);
  }, 60_000);

  it('a wish given up in the event line no longer holds the session; a wish taken up does', async () => {
    const event = await h.eventWith({ capacity: 1, sessions: [session('bio', 5), session('energy', 5)] });
    await h.register(event.id, 1);
    const waiting = await h.register(event.id, 2, { sessions: ['bio'] });
    const moved = await stack.call('PATCH', `/events/${event.id}/registrations/${waiting.id}`, {
      headers: { 'x-manage-token': waiting.manageToken },
      body: { sessions: ['energy'] },
    });
    expect(moved.status, moved.text).toBe(200);
    expect((await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session('bio', 5)] } })).json.code).toBe(
      'session_in_use',
    );
    const dropBio = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session('energy', 5)] } });
    expect(dropBio.status, dropBio.text).toBe(200);
  }, 60_000);

  it('cancelling a registration that holds 25 full sessions, one person waiting in each (104 writes): 200, each promoted', async () => {
    // Prepare
    const ids = Array.from({ length: 25 }, (_, i) => `s${i}`);
    const event = await h.eventWith({ capacity: 100, sessions: ids.map((id) => session(id, 1)) });
    const holder = await h.register(event.id, 0, { sessions: ids });
    const waiting: Reg[] = [];
    for (const [i, id] of ids.entries()) waiting.push(await h.register(event.id, i + 1, { sessions: [id] }));
    expect(waiting.every((r) => r.sessions[0]!.status === 'waitlisted')).toBe(true);
    // Act
    const cancel = await stack.call('DELETE', `/events/${event.id}/registrations/${holder.id}`, {
      headers: { 'x-manage-token': holder.manageToken },
    });
    // Assess
    expect(cancel.status, cancel.text).toBe(200);
    expect(cancel.json.status).toBe('cancelled');
    const after = await Promise.all(waiting.map((r) => h.get(event.id, r)));
    expect(after.map((r) => r.sessions[0]!.status)).toEqual(ids.map(() => 'confirmed'));
    await h.expectSeatsTrue(event.id);
  }, 120_000);

  it('a capacity raise promoting 8 people who each want 9 full sessions (106 writes): 200, each queued in order', async () => {
    // Prepare: the holder fills the event (capacity 1) and each session; 8 wait for the event
    const ids = Array.from({ length: 9 }, (_, i) => `t${i}`);
    const event = await h.eventWith({ capacity: 1, sessions: ids.map((id) => session(id, 1)) });
    await h.register(event.id, 0, { sessions: ids });
    const waiting: Reg[] = [];
    for (let i = 1; i <= 8; i++) waiting.push(await h.register(event.id, i, { sessions: ids }));
    // Act
    const raise = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 9 } });
    // Assess
    expect(raise.status, raise.text).toBe(200);
    const after = await Promise.all(waiting.map((r) => h.get(event.id, r)));
    expect(after.every((r) => r.status === 'confirmed' && r.sessions.every((s) => s.status === 'waitlisted'))).toBe(true);
    await h.expectSeatsTrue(event.id);
    // Each session's line keeps the original order: a seat more goes to the first who registered.
    const more = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: ids.map((id) => session(id, 2)) } });
    expect(more.status, more.text).toBe(200);
    const first = await h.get(event.id, waiting[0]!);
    expect(first.sessions.every((s) => s.status === 'confirmed')).toBe(true);
    expect((await h.get(event.id, waiting[1]!)).sessions.every((s) => s.status === 'waitlisted')).toBe(true);
    await h.expectSeatsTrue(event.id);
  }, 120_000);
});
