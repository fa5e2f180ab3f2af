/** The print run's order and parts, and which event changes owe a change notice (pure domain). */
import { describe, expect, it } from 'vitest';
import { noticeOutboxId, scheduleChanged } from '#domain/change-notice';
import type { StoredEvent } from '#domain/event';
import { PRINT_RUN_PART, printOrder, printPart } from '#domain/print-run';
import type { StoredRegistration } from '#domain/registration';

const person = (id: string, name: string, organization: string | null, extra: Partial<StoredRegistration> = {}) =>
  ({ id, name, organization, status: 'confirmed', sessions: [], ...extra }) as unknown as StoredRegistration;

describe('printOrder', () => {
  const people = [
    person('1', '최유나', '한빛'),
    person('2', 'alice', 'Zeta'),
    person('3', '김민지', null),
    person('4', 'Bob', '광주', { sessions: [{ id: 'bio', status: 'confirmed' }] }),
    person('5', '강하늘', 'Acme', { sessions: [{ id: 'bio', status: 'waitlisted' }] }),
    person('6', '가나', 'Acme', { status: 'waitlisted' }),
    person('7', 'Room 10', null),
    person('8', 'Room 2', null),
  ];

  it('sorts by name with the Korean collator: 가나다 first, then Latin, case-blind, numbers as numbers; only the confirmed', () => {
    expect(printOrder(people, 'name').map((r) => r.name)).toEqual(['강하늘', '김민지', '최유나', 'alice', 'Bob', 'Room 2', 'Room 10']);
  });

  it('sorts by organisation, those without one last (by name), ties by name', () => {
    expect(printOrder(people, 'organization').map((r) => r.id)).toEqual(['4', '1', '5', '2', '3', '8', '7']);
  });

  it('with a session, only those holding a confirmed seat there', () => {
    expect(printOrder(people, 'name', 'bio').map((r) => r.id)).toEqual(['4']);
  });

  it('cuts the run into parts of PRINT_RUN_PART, at least one', () => {
    const many = Array.from({ length: PRINT_RUN_PART * 2 + 1 }, (_, i) => i);
    expect(printPart(many, 1)).toMatchObject({ parts: 3 });
    expect(printPart(many, 3).items).toEqual([PRINT_RUN_PART * 2]);
    expect(printPart([], 1)).toEqual({ items: [], parts: 1 });
  });
});

describe('scheduleChanged', () => {
  const event = {
    startsAt: '2027-09-01T00:00:00.000Z',
    endsAt: '2027-09-01T08:00:00.000Z',
    venue: 'Gwangju',
    sessions: [{ id: 'bio', startsAt: '2027-09-01T01:00:00.000Z', endsAt: '2027-09-01T02:00:00.000Z' }],
  } as unknown as StoredEvent;
  const withSession = (s: Record<string, string>) => ({ ...event, sessions: [{ ...event.sessions[0]!, ...s }] }) as StoredEvent;

  it.each([
    ['the start', { ...event, startsAt: '2027-09-02T00:00:00.000Z' }],
    ['the end', { ...event, endsAt: '2027-09-01T09:00:00.000Z' }],
    ['the venue', { ...event, venue: 'Seoul' }],
    ["a session's start", withSession({ startsAt: '2027-09-01T01:30:00.000Z' })],
    ["a session's end", withSession({ endsAt: '2027-09-01T03:00:00.000Z' })],
  ])('owes a notice when %s moves', (_, after) => {
    expect(scheduleChanged(event, after as StoredEvent)).toBe(true);
  });

  it('owes none for a name, capacity, a new or a removed session', () => {
    expect(scheduleChanged(event, { ...event, capacity: 9, name: { ko: 'x', en: 'x' } } as StoredEvent)).toBe(false);
    expect(scheduleChanged(event, { ...event, sessions: [] } as StoredEvent)).toBe(false);
    const added = { ...event, sessions: [...event.sessions, { id: 'new', startsAt: event.startsAt, endsAt: event.endsAt }] } as StoredEvent;
    expect(scheduleChanged(event, added)).toBe(false);
  });

  it('names each registrant’s notice of each change by one hex id (the same on a retry, another for the next change)', () => {
    const id = noticeOutboxId('E', 1, 'R');
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(noticeOutboxId('E', 1, 'R')).toBe(id);
    expect(noticeOutboxId('E', 2, 'R')).not.toBe(id);
    expect(noticeOutboxId('E', 1, 'S')).not.toBe(id);
  });
});
