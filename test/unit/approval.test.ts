/**
 * Approval's pure rules (API.md, Approval): approval decides seats as a newcomer's at that moment,
 * with its place in lines by approval time; denial keeps the reason; only pending may be decided;
 * the seat ledger cancels a pending registration without touching seats, and an over-capacity
 * one without freeing a seat; the approval emails say what happened, in the registration's locale.
 */
import { describe, expect, it } from 'vitest';
import { approvalOf, approveRegistration, denialOf } from '#domain/approval';
import { freshCounters, newEvent } from '#domain/event';
import { GatepassError } from '#domain/errors';
import { countsTowardsCap } from '#domain/outbox';
import type { EventPage, EventStore, RegistrationStore } from '#domain/ports';
import { registrationView, type StoredRegistration } from '#domain/registration';
import { SeatLedger } from '#domain/seat-ledger';
import { emailContent } from '#mail/content';
import { eventInput } from '#schemas/event';
import { openEvent } from '../support/fixtures.ts';

const event = newEvent('approval0001', eventInput().parse(openEvent({ capacity: 2 })), new Date('2026-01-01T00:00:00Z'));
const STAMP = '2026-06-01T00:00:00.000Z';

const pending = (over: Partial<StoredRegistration> = {}): StoredRegistration => ({
  id: 'Pend000000000000000001',
  eventId: event.id,
  status: 'pending',
  email: 'p@example.com',
  name: 'Pending Person',
  organization: null,
  jobTitle: null,
  locale: 'en',
  sessions: [{ id: 'bio', status: 'pending' }],
  answers: {},
  consent: { privacy: true },
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
  checkedInAt: null,
  tokenVersion: 1,
  ...over,
});

function page(adjust: (c: EventPage['counters']) => void = () => {}, waitlist = true): EventPage {
  const counters = freshCounters(event);
  adjust(counters);
  return { event: { ...event, registration: { ...event.registration, waitlist, approval: true } }, counters };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof GatepassError ? e.code : String(e);
  }
  return undefined;
};

describe('approvalOf', () => {
  it('confirms where seats are free, with the approval time as approvedAt', () => {
    const { after, decision } = approvalOf(page(), pending(), STAMP);
    expect(decision).toEqual({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect(after).toMatchObject({ status: 'confirmed', approvedAt: STAMP, updatedAt: STAMP, createdAt: '2026-02-01T00:00:00.000Z' });
  });

  it('waitlists a full session by approval time, not registration time', () => {
    const { after } = approvalOf(
      page((c) => {
        c.sessions.bio!.confirmed = c.sessions.bio!.capacity;
      }),
      pending(),
      STAMP,
    );
    expect(after.status).toBe('confirmed');
    expect(after.sessions).toEqual([{ id: 'bio', status: 'waitlisted', arrival: STAMP }]);
  });

  it('waitlists a full event, or someone waiting already (no line-jumping)', () => {
    const full = approvalOf(
      page((c) => {
        c.event.confirmed = 2;
      }),
      pending(),
      STAMP,
    );
    const queued = approvalOf(
      page((c) => {
        c.event.confirmed = 1;
        c.event.waitlisted = 1;
      }),
      pending(),
      STAMP,
    );
    expect(full.after.status).toBe('waitlisted');
    expect(queued.after.status).toBe('waitlisted');
  });

  it('is sold_out on a full event with the waitlist off', () => {
    const full = page((c) => {
      c.event.confirmed = 2;
    }, false);
    expect(codeOf(() => approvalOf(full, pending(), STAMP))).toBe('sold_out');
  });

  it('drops a chosen session the event no longer offers', () => {
    const { after } = approvalOf(
      page(),
      pending({
        sessions: [
          { id: 'gone', status: 'pending' },
          { id: 'bio', status: 'pending' },
        ],
      }),
      STAMP,
    );
    expect(after.sessions.map((s) => s.id)).toEqual(['bio']);
  });

  it('refuses anything not pending (not_pending)', () => {
    for (const status of ['confirmed', 'waitlisted', 'cancelled', 'denied'] as const) {
      expect(codeOf(() => approvalOf(page(), pending({ status }), STAMP))).toBe('not_pending');
      expect(codeOf(() => denialOf(pending({ status }), STAMP))).toBe('not_pending');
    }
  });
});

describe('denialOf', () => {
  it('denies, keeping the reason for the participant; the view shows it', () => {
    const denied = denialOf(pending(), STAMP, 'No press pass');
    expect(denied).toMatchObject({ status: 'denied', denialReason: 'No press pass', updatedAt: STAMP });
    expect(denied.sessions).toEqual([{ id: 'bio', status: 'denied' }]);
    expect(registrationView(denied)).toMatchObject({ status: 'denied', denialReason: 'No press pass', badge: null });
    expect(registrationView(denialOf(pending(), STAMP))).toMatchObject({ denialReason: null });
  });
});

describe('the seat ledger and approval', () => {
  it('cancels a pending registration: pending -1, cancelled +1, no seat, no line, the email freed', () => {
    const ledger = new SeatLedger({ ...page(), heads: new Map() }, STAMP);
    ledger.cancel(pending());
    const plan = ledger.settle();
    expect([...plan.counters.values()]).toEqual([
      expect.objectContaining({ place: 'event', confirmed: 0, waitlisted: 0, cancelled: 1, pending: -1 }),
    ]);
    expect(plan.lines).toEqual([]);
    expect(plan.releasedEmails).toHaveLength(1);
    expect(plan.emails).toEqual([{ kind: 'cancelled', registrationId: pending().id }]);
  });

  it('cancels an over-capacity registration without freeing a seat: nobody is promoted past the capacity', () => {
    const p = page((c) => {
      c.event.confirmed = 2;
      c.event.waitlisted = 1;
      c.event.overCapacity = 1;
      c.sessions.bio!.overCapacity = 1;
    });
    const head = pending({ id: 'Wait000000000000000001', status: 'waitlisted', sessions: [] });
    const vip = pending({ status: 'confirmed', overCapacity: true, sessions: [{ id: 'bio', status: 'confirmed', overCapacity: true }] });
    const ledger = new SeatLedger({ ...p, heads: new Map([['event', [{ registration: head, arrival: head.createdAt }]]]) }, STAMP);
    ledger.cancel(vip);
    const plan = ledger.settle();
    expect(plan.counters.get('event')).toMatchObject({ confirmed: 0, waitlisted: 0, overCapacity: -1, cancelled: 1 });
    expect(plan.counters.get('session:bio')).toMatchObject({ confirmed: 0, overCapacity: -1 });
    expect(plan.registrations.has(head.id)).toBe(false);
    expect(plan.emails.map((e) => e.kind)).toEqual(['cancelled']);
  });

  it('changes a pending registration’s sessions as wishes only; a denied one is over', () => {
    const ledger = new SeatLedger({ ...page(), heads: new Map() }, STAMP);
    ledger.changeSessions(pending(), ['energy'], true);
    const plan = ledger.settle();
    expect(plan.counters.size).toBe(0);
    expect(plan.registrations.get(pending().id)?.after.sessions).toEqual([{ id: 'energy', status: 'pending' }]);
    const denied = new SeatLedger({ ...page(), heads: new Map() }, STAMP);
    expect(codeOf(() => denied.cancel(pending({ status: 'denied' })))).toBe('registration_denied');
  });

  it('a waitlisted registration that was approved leaves the line at its approval time', () => {
    const approved = pending({ status: 'waitlisted', approvedAt: STAMP, sessions: [] });
    const ledger = new SeatLedger(
      {
        ...page((c) => {
          c.event.confirmed = 2;
          c.event.waitlisted = 1;
        }),
        heads: new Map(),
      },
      '2026-07-01T00:00:00.000Z',
    );
    ledger.cancel(approved);
    expect(ledger.settle().lines).toEqual([{ place: 'event', arrival: STAMP, registrationId: approved.id, op: 'delete' }]);
  });
});

describe('approval emails', () => {
  const links = { manage: 'https://x.example/manage#token=t' };

  it('received: awaits approval, in Korean and English, with the manage link and no badge', () => {
    const ko = emailContent({ kind: 'pending', event, registration: pending({ locale: 'ko' }), links });
    const en = emailContent({ kind: 'pending', event, registration: pending(), links });
    expect(ko.subject).toBe('[테스트 포럼] 등록 신청이 접수되었습니다 (승인 대기)');
    expect(ko.text).toContain('(승인 대기)');
    expect(en.subject).toBe('[Test Forum] Registration received, awaiting approval');
    expect(en.text).toContain(links.manage);
    expect(en.html).not.toContain('cid:');
  });

  it('denied: the reason when given (escaped in HTML), no links', () => {
    const r = denialOf(pending({ locale: 'ko' }), STAMP, '<정원> 초과');
    const c = emailContent({ kind: 'denied', event, registration: r, links });
    expect(c.subject).toBe('[테스트 포럼] 등록 신청이 승인되지 않았습니다');
    expect(c.text).toContain('사유: <정원> 초과');
    expect(c.html).toContain('&lt;정원&gt; 초과');
    expect(c.text).not.toContain(links.manage);
    expect(emailContent({ kind: 'denied', event, registration: denialOf(pending(), STAMP), links }).text).not.toContain('Reason');
  });

  it('the received email counts towards the per-address cap; the denial does not', () => {
    expect(countsTowardsCap('pending')).toBe(true);
    expect(countsTowardsCap('denied')).toBe(false);
  });
});

describe('approveRegistration under a burst (stores faked: the local engine serializes transactions)', () => {
  /** Stores whose approve answers `stale` `staleTimes` times, then ok; what each call was given is kept. */
  function stores(p: EventPage, staleTimes: number) {
    const deadlines: (number | undefined)[] = [];
    const events = { read: async () => p } as unknown as EventStore;
    const registrations = {
      read: async () => pending({ sessions: [] }),
      approve: async (_b: StoredRegistration, _a: StoredRegistration, _d: unknown, deadline?: number) => {
        deadlines.push(deadline);
        return deadlines.length > staleTimes ? 'ok' : 'stale';
      },
    } as unknown as RegistrationStore;
    return { stores: { events, registrations }, deadlines };
  }
  const noSleep = { sleep: async () => undefined };

  it('decides again past twelve stale decisions while the function has time, and hands the store its deadline', async () => {
    const { stores: s, deadlines } = stores(page(), 15);
    const deadline = Date.now() + 60_000;
    const approved = await approveRegistration(s, event.id, 'Pend000000000000000001', { deadline, ...noSleep });
    expect(approved.status).toBe('confirmed');
    expect(deadlines).toHaveLength(16);
    expect(deadlines.every((d) => d === deadline)).toBe(true);
  });

  it('with too little time left for a write: 503, nothing written', async () => {
    const { stores: s, deadlines } = stores(page(), 0);
    await expect(
      approveRegistration(s, event.id, 'Pend000000000000000001', { deadline: Date.now() + 1_000, ...noSleep }),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(deadlines).toHaveLength(0);
  });

  it('late, an answer that writes nothing is still given: sold_out, not 503', async () => {
    const full = page((c) => {
      c.event.confirmed = c.event.capacity;
    }, false);
    const { stores: s } = stores(full, 0);
    await expect(
      approveRegistration(s, event.id, 'Pend000000000000000001', { deadline: Date.now() + 1_000, ...noSleep }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'sold_out',
    });
  });
});
