/**
 * Accepting under a burst (ports faked: DynamoDB Local serializes transactions, so neither a
 * cancelled transaction nor the function's time running out mid-burst can be produced there):
 * the store is handed the function's deadline (it waits out cancelled transactions until then),
 * only a lost slot or table spends a re-plan, and time running out is 503, never no_common_slot
 * while a slot is free.
 */
import { describe, expect, it } from 'vitest';
import { acceptMeeting, type MeetingPorts } from '#domain/meeting-use-cases';
import type { ChangeOutcome } from '#adapters/meeting-store';
import type { StoredEvent } from '#domain/event';
import type { StoredMeeting } from '#domain/meetings';
import type { StoredRegistration } from '#domain/registration';

const NOW = new Date('2026-06-01T08:00:00.000Z');
const event = {
  id: 'evt',
  version: 1,
  meetings: {
    blocks: [{ startsAt: '2026-06-01T10:00:00.000Z', endsAt: '2026-06-01T11:00:00.000Z' }],
    slotMinutes: 30,
    tables: ['T1', 'T2'],
    maxPerParticipant: 4,
    requestHours: 48,
  },
} as unknown as StoredEvent;
const request: StoredMeeting = {
  id: 'Meet000000000001',
  eventId: 'evt',
  requester: 'req',
  invitee: 'inv',
  status: 'requested',
  message: null,
  createdAt: '2026-06-01T07:00:00.000Z',
  updatedAt: '2026-06-01T07:00:00.000Z',
  expiresAt: '2026-06-03T07:00:00.000Z',
  startsAt: null,
  endsAt: null,
  table: null,
  present: [],
  noShow: null,
  cancelledBy: null,
};

/** Ports whose `change` answers from `outcomes` in turn (then ok); every call's deadline is kept. */
function ports(outcomes: ChangeOutcome[]) {
  const deadlines: (number | undefined)[] = [];
  const p = {
    meetings: {
      read: async () => request,
      busySlots: async () => new Set<string>(),
      occupancy: async () => new Map<string, Set<string>>(),
      change: async (_b: unknown, _a: unknown, _e: unknown, _x: unknown, deadline?: number) => {
        deadlines.push(deadline);
        return outcomes[deadlines.length - 1] ?? 'ok';
      },
    },
    readRegistration: async (_e: string, id: string) => ({ id, status: 'confirmed' }) as StoredRegistration,
    readEvent: async () => event,
    now: () => NOW,
    newId: () => 'x',
  } as unknown as MeetingPorts;
  return { ports: p, deadlines };
}
const noSleep = { sleep: async () => undefined };

describe('acceptMeeting under a burst', () => {
  it('hands the store the function’s deadline, so a cancelled transaction is waited out, not re-planned', async () => {
    const { ports: p, deadlines } = ports([]);
    const deadline = Date.now() + 60_000;
    const m = await acceptMeeting(p, 'evt', request.id, 'inv', { deadline, ...noSleep });
    expect(m.status).toBe('scheduled');
    expect(deadlines).toEqual([deadline]);
  });

  it('a change that found the meeting or a side changed (stale) spends no re-plan', async () => {
    // Twelve lost slots spend the budget; the stale answers among them do not.
    const { ports: p, deadlines } = ports([...Array(11).fill('slot_taken'), 'stale', 'stale', 'not_confirmed']);
    const m = await acceptMeeting(p, 'evt', request.id, 'inv', { deadline: Date.now() + 60_000, ...noSleep });
    expect(m.status).toBe('scheduled');
    expect(deadlines).toHaveLength(15);
  });

  it('time running out between re-plans is 503 (nothing written), not no_common_slot', async () => {
    const { ports: p } = ports(Array(20).fill('slot_taken'));
    let slept = 0;
    const sleep = async () => {
      slept++;
      await new Promise((r) => setTimeout(r, 1_100));
    };
    // 2.5 s left: one write fits (the margin is 1.5 s); after a lost slot and a 1.1 s pause, none does.
    await expect(acceptMeeting(p, 'evt', request.id, 'inv', { deadline: Date.now() + 2_500, sleep })).rejects.toMatchObject({
      status: 503,
      code: 'service_unavailable',
    });
    expect(slept).toBe(1);
  });
});
