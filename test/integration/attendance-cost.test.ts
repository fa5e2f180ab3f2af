/**
 * Attendance reads counters, never registrations: its DynamoDB cost (consumed capacity and round
 * trips, measured with ReturnConsumedCapacity on DynamoDB Local) is the same at 100 and at 5,000.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, useTables } from '../support/stack.ts';

type Mods = {
  documents: typeof import('#adapters/clients').documents;
  dynamodb: typeof import('#adapters/clients').dynamodb;
  readAttendance: typeof import('#adapters/attendance-store').readAttendance;
  eventStore: typeof import('#adapters/event-store').eventStore;
  registrationItem: typeof import('#adapters/registration-store').registrationItem;
  createEvent: typeof import('#domain/use-cases').createEvent;
  eventInput: typeof import('#schemas/event').eventInput;
  newRegistrationId: typeof import('#domain/registration').newRegistrationId;
  keys: typeof import('#adapters/keys').keys;
};
let m: Mods;
let table: string;
const meter = { units: 0, calls: 0 };

beforeAll(async () => {
  ({
    tables: { data: table },
  } = await useTables());
  m = {
    ...(await import('#adapters/clients')),
    ...(await import('#adapters/attendance-store')),
    ...(await import('#adapters/event-store')),
    ...(await import('#adapters/registration-store')),
    ...(await import('#domain/use-cases')),
    ...(await import('#schemas/event')),
    ...(await import('#domain/registration')),
    ...(await import('#adapters/keys')),
  } as Mods;
  // Ask every call for its consumed capacity, and add it up.
  m.dynamodb.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      meter.calls += 1;
      for (const c of [consumed ?? []].flat()) meter.units += c.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'consumedCapacityMeter' },
  );
});

/** An event holding `count` registrations (written in batches, counters to match). */
async function eventWith(count: number): Promise<string> {
  const event = await m.createEvent(m.eventStore, m.eventInput().parse(openEvent({ capacity: 10_000 })));
  const now = new Date().toISOString();
  const items = Array.from({ length: count }, (_, i) =>
    m.registrationItem({
      ...participant(i),
      id: m.newRegistrationId(),
      eventId: event.id,
      status: 'confirmed',
      organization: 'Gwangju Bio Co.',
      jobTitle: null,
      locale: 'ko',
      sessions: [{ id: 'bio', status: 'confirmed' }],
      answers: {},
      consent: { privacy: true },
      createdAt: now,
      updatedAt: now,
      checkedInAt: null,
      tokenVersion: 1,
    }),
  );
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 20) {
    await Promise.all(
      batches
        .slice(i, i + 20)
        .map((b) => m.documents.send(new BatchWriteCommand({ RequestItems: { [table]: b.map((Item) => ({ PutRequest: { Item } })) } }))),
    );
  }
  await m.documents.send(
    new BatchWriteCommand({
      RequestItems: {
        [table]: [
          {
            PutRequest: {
              Item: {
                ...m.keys.eventCounter(event.id),
                type: 'counter',
                capacity: 10_000,
                confirmed: count,
                waitlisted: 0,
                cancelled: 0,
                checkedIn: 0,
              },
            },
          },
          { PutRequest: { Item: { ...m.keys.checkinShard(event.id, 3), type: 'counter', venue: Math.floor(count / 2), s_bio: 7 } } },
        ],
      },
    }),
  );
  return event.id;
}

async function measuredAttendance(eventId: string) {
  meter.units = 0;
  meter.calls = 0;
  const result = await m.readAttendance(eventId);
  return { result, units: meter.units, calls: meter.calls };
}

describe('attendance cost', () => {
  it('is the same at 100 and at 5,000 registrations', async () => {
    // Prepare
    const small = await eventWith(100);
    const large = await eventWith(5000);
    // Act
    const a = await measuredAttendance(small);
    const b = await measuredAttendance(large);
    // Assess: the right numbers, at the same cost
    expect(a.result!.page.counters.event.confirmed).toBe(100);
    expect(b.result!.page.counters.event.confirmed).toBe(5000);
    expect(b.result!.checkins.venue).toBe(2500);
    expect(b.result!.checkins.sessions.bio).toBe(7);
    expect(a.units).toBeGreaterThan(0);
    expect(b.units / a.units).toBe(1);
    expect(b.calls).toBe(a.calls);
  }, 120_000);
});
