/**
 * Capacity under concurrency, on DynamoDB Local through the real use case and adapters: no
 * amount of simultaneous registration oversells the event or a session, and one email wins once.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTables, openEvent, participant } from '../support/stack.ts';

type Modules = {
  eventStore: typeof import('#adapters/event-store').eventStore;
  registrationStore: typeof import('#adapters/registration-store').registrationStore;
  createEvent: typeof import('#domain/use-cases').createEvent;
  register: typeof import('#domain/use-cases').register;
  documents: typeof import('#adapters/clients').documents;
  eventInput: typeof import('#schemas/event').eventInput;
  registrationInput: typeof import('#schemas/registration').registrationInput;
  validate: typeof import('#http/validate').validate;
};
let m: Modules;
let table: string;

beforeAll(async () => {
  const { tables } = await useTables();
  table = tables.data;
  // Imported after the environment points at this file's tables.
  m = {
    ...(await import('#adapters/event-store')),
    ...(await import('#adapters/registration-store')),
    ...(await import('#domain/use-cases')),
    ...(await import('#adapters/clients')),
    ...(await import('#schemas/event')),
    ...(await import('#schemas/registration')),
    ...(await import('#http/validate')),
  } as Modules;
});

const registerOne = (eventId: string, body: unknown) =>
  m.register(m.eventStore, m.registrationStore, eventId, (e) => m.validate(m.registrationInput(e), body, 'en'));

async function itemsOf(eventId: string) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await m.documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(page.Items ?? []).filter((i) => String(i.pk).startsWith(`EVENT#${eventId}`)));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

describe('registration under concurrency (DynamoDB Local)', () => {
  it('500 simultaneous registrations for 100 seats and a 20-seat session: exactly 100 and 20 confirmed', async () => {
    // Prepare
    const event = await m.createEvent(m.eventStore, m.eventInput().parse(openEvent({ capacity: 100 })));
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => registerOne(event.id, participant(i, { sessions: ['bio'] }))),
    );
    // Assess
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
    const regs = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof registerOne>>>).value);
    const confirmed = regs.filter((r) => r.status === 'confirmed');
    expect(confirmed).toHaveLength(100);
    expect(regs.filter((r) => r.status === 'waitlisted')).toHaveLength(400);
    expect(confirmed.filter((r) => r.sessions[0]!.status === 'confirmed')).toHaveLength(20);
    expect(confirmed.filter((r) => r.sessions[0]!.status === 'waitlisted')).toHaveLength(80);

    const page = await m.eventStore.read(event.id);
    expect(page!.counters.event).toMatchObject({ confirmed: 100, waitlisted: 400 });
    expect(page!.counters.sessions.bio).toMatchObject({ confirmed: 20, waitlisted: 80 });
    // The counters agree with the registrations actually stored, and every waiter stands in line.
    const items = await itemsOf(event.id);
    const stored = items.filter((i) => i.type === 'registration');
    expect(stored).toHaveLength(500);
    expect(stored.filter((i) => i.status === 'confirmed')).toHaveLength(100);
    expect(items.filter((i) => String(i.pk).endsWith('#LINE#EVENT'))).toHaveLength(400);
    expect(items.filter((i) => String(i.pk).endsWith('#LINE#SESSION#bio'))).toHaveLength(80);
    expect(items.filter((i) => i.type === 'email-guard')).toHaveLength(500);
  }, 300_000);

  it('concurrent submissions of one email: exactly one registration, the rest already_registered', async () => {
    const event = await m.createEvent(m.eventStore, m.eventInput().parse(openEvent({ capacity: 100 })));
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        registerOne(event.id, participant(7, { email: i % 2 ? 'Same@Example.com' : ' same@example.com' })),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost.every((r) => r.reason.code === 'already_registered')).toBe(true);
    const page = await m.eventStore.read(event.id);
    expect(page!.counters.event.confirmed).toBe(1);
    expect((await itemsOf(event.id)).filter((i) => i.type === 'registration')).toHaveLength(1);
  });

  it('a refused registration leaves no trace in the table', async () => {
    const event = await m.createEvent(
      m.eventStore,
      m.eventInput().parse(openEvent({ capacity: 1, registration: { ...openEvent().registration, waitlist: false } })),
    );
    await registerOne(event.id, participant(1));
    const before = await itemsOf(event.id);
    await expect(registerOne(event.id, participant(2))).rejects.toMatchObject({ code: 'sold_out' });
    await expect(registerOne(event.id, participant(1))).rejects.toMatchObject({ code: 'already_registered' });
    await expect(registerOne(event.id, { ...participant(3), consent: { privacy: false } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const after = await itemsOf(event.id);
    expect(after).toEqual(before);
  });

  it('personal data carries its expiry: the event end plus the organiser’s retention (DynamoDB TTL)', async () => {
    const input = m.eventInput().parse(openEvent({ retentionDays: 30 }));
    const event = await m.createEvent(m.eventStore, input);
    await registerOne(event.id, participant(1));
    const expected = Math.floor(Date.parse(input.endsAt) / 1000) + 30 * 86_400;
    const items = await itemsOf(event.id);
    const personal = items.filter((i) => i.type === 'registration' || i.type === 'email-guard');
    expect(personal).toHaveLength(2);
    expect(personal.map((i) => i.expiresAt)).toEqual([expected, expected]);
    // Counters and the event itself hold no personal data and do not expire.
    expect(items.filter((i) => i.type === 'counter' || i.type === 'event').every((i) => i.expiresAt === undefined)).toBe(true);
  });
});
