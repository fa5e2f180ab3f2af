/** Helpers of the seat-plan e2e tests: registrations, and the check that counters equal the truth. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { openEvent, participant, type TestStack } from './stack.ts';

export type Reg = { id: string; status: string; manageToken: string; createdAt: string; sessions: { id: string; status: string }[] };

export const session = (id: string, capacity: number) => ({ ...openEvent().sessions[0], id, name: { ko: id, en: id }, capacity });

export function seatHelpers(stack: () => TestStack, admin: () => string) {
  const eventWith = async (overrides: Record<string, unknown>) => {
    const r = await stack().call('POST', '/events', { token: admin(), body: openEvent(overrides) });
    expect(r.status, r.text).toBe(201);
    return r.json as { id: string };
  };
  const register = async (eventId: string, i: number, extra: Record<string, unknown> = {}) => {
    // As a client does: under one Idempotency-Key, a 503 or a 409 request_in_progress is sent
    // again (a write cut off by the function's time limit may have committed: the key replays it).
    const headers = { 'idempotency-key': randomUUID() };
    const send = () => stack().call('POST', `/events/${eventId}/registrations`, { body: participant(i, extra), headers });
    let r = await send();
    for (let attempt = 0; (r.status === 503 || r.json?.code === 'request_in_progress') && attempt < 8; attempt++) {
      await new Promise((done) => setTimeout(done, 500));
      r = await send();
    }
    expect(r.status, r.text).toBe(201);
    return r.json as Reg;
  };
  const get = async (eventId: string, reg: Reg) =>
    (await stack().call('GET', `/events/${eventId}/registrations/${reg.id}`, { headers: { 'x-manage-token': reg.manageToken } }))
      .json as Reg;
  const all = async (eventId: string) => {
    const items: Reg[] = [];
    let cursor: string | null = null;
    do {
      const r = await stack().call(
        'GET',
        `/events/${eventId}/registrations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: admin() },
      );
      expect(r.status, r.text).toBe(200);
      items.push(...r.json.items);
      cursor = r.json.nextCursor;
    } while (cursor);
    return items;
  };
  /** The registrations are the truth: the counters must equal them, and no seat stands free while anyone waits. */
  const expectSeatsTrue = async (eventId: string) => {
    const regs = await all(eventId);
    const a = (await stack().call('GET', `/events/${eventId}/attendance`, { token: admin() })).json;
    const confirmed = regs.filter((r) => r.status === 'confirmed');
    const waiting = regs.filter((r) => r.status === 'waitlisted');
    expect({ confirmed: a.confirmed, waitlisted: a.waitlisted }).toEqual({ confirmed: confirmed.length, waitlisted: waiting.length });
    expect(a.confirmed).toBeLessThanOrEqual(a.capacity);
    if (a.confirmed < a.capacity) expect(a.waitlisted).toBe(0);
    for (const s of a.sessions as { id: string; capacity: number; confirmed: number; waitlisted: number }[]) {
      const seats = confirmed.flatMap((r) => r.sessions.filter((x) => x.id === s.id));
      expect({ id: s.id, confirmed: s.confirmed, waitlisted: s.waitlisted }).toEqual({
        id: s.id,
        confirmed: seats.filter((x) => x.status === 'confirmed').length,
        waitlisted: seats.filter((x) => x.status === 'waitlisted').length,
      });
      expect(s.confirmed).toBeLessThanOrEqual(s.capacity);
      if (s.confirmed < s.capacity) expect(s.waitlisted, `session ${s.id} has a free seat while people wait`).toBe(0);
    }
    return { regs, attendance: a };
  };
  return { eventWith, register, get, all, expectSeatsTrue };
}
