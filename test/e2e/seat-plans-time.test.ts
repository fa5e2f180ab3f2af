/**
 * A promotion larger than the function's time, end to end on a local stack whose functions get 3 s:
 * the capacity raise answers 200 for what it committed (the raise and the first steps), the rest
 * stays owed (a newcomer meanwhile waits), and the sweeper finishes it, first come first served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participant, startTestStack, type TestStack } from '../support/stack.ts';
import { seatHelpers, session, type Reg } from '../support/seats.ts';

describe('a promotion larger than the function time (function time 3 s)', () => {
  let stack: TestStack;
  let admin: string;
  beforeAll(async () => {
    stack = await startTestStack({ sweepSeconds: 3600, functionTimeoutMs: 3000 });
    admin = await stack.token('admin');
  });
  afterAll(() => stack?.stop());
  const h = seatHelpers(
    () => stack,
    () => admin,
  );

  it('a raise for 600 waiting answers 200 within the time, leaves the rest owed, and the sweeper finishes it in order', async () => {
    // Prepare: one confirmed; 600 wait for the event, every other one wanting bio (50 seats)
    const event = await h.eventWith({ capacity: 1, sessions: [session('bio', 50)] });
    await h.register(event.id, 0);
    const n = 600;
    let next = 1;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next <= n) {
          const i = next++;
          await h.register(event.id, i, i % 2 ? { sessions: ['bio'] } : {});
        }
      }),
    );
    // Act
    const started = Date.now();
    const raise = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 1 + n } });
    const took = Date.now() - started;
    // Assess: 200 for the committed raise, within the function's time; not all promoted yet
    expect(raise.status, raise.text).toBe(200);
    expect(raise.json.capacity).toBe(1 + n);
    expect(took).toBeLessThan(3000);
    const midway = (await stack.call('GET', `/events/${event.id}/attendance`, { token: admin })).json;
    expect(midway.confirmed).toBeGreaterThan(1);
    expect(midway.waitlisted).toBeGreaterThan(0);
    expect(midway.confirmed + midway.waitlisted).toBe(1 + n);
    // A newcomer meanwhile waits: the free seats are owed to the line.
    expect((await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(n + 1) })).json.status).toBe('waitlisted');
    // The sweeper (every minute, deployed) finishes what is owed.
    await stack.workers.tick();
    const { regs, attendance } = await h.expectSeatsTrue(event.id);
    expect(attendance).toMatchObject({ capacity: 1 + n, confirmed: 1 + n, waitlisted: 1 });
    // First come, first served: the newcomer is the one still waiting; bio went to the 50 earliest who chose it.
    expect(regs.find((r) => r.status === 'waitlisted')!.id).toBe(regs.at(-1)!.id);
    const line = (r: Reg) => `${r.createdAt}#${r.id}`;
    const chose = regs.filter((r) => r.sessions.length).sort((x, y) => (line(x) < line(y) ? -1 : 1));
    expect(chose.slice(0, 50).every((r) => r.sessions[0]!.status === 'confirmed')).toBe(true);
    expect(chose.slice(50).every((r) => r.sessions[0]!.status === 'waitlisted')).toBe(true);
  }, 300_000);
});
