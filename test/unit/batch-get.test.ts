/**
 * BatchGetItem may answer only part of its keys (`UnprocessedKeys`): every reader of several
 * items (attendance's check-in shards, line heads' registrations, the events list's counters)
 * must ask again for what is left, and refuse (503) rather than decide on a partial read.
 * DynamoDB Local never leaves keys unprocessed, so the fault is injected with aws-sdk-client-mock.
 */
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const TABLE = 'data-batch-get';
Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  DATA_TABLE: TABLE,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

let documents: typeof import('#adapters/clients').documents;
let ddb: ReturnType<typeof mockClient>;
beforeAll(async () => {
  ({ documents } = await import('#adapters/clients'));
});
afterEach(() => ddb?.restore());

type Keyed = Record<string, unknown> & { pk: string; sk: string };
/** A table that answers each BatchGet with at most `per` of the keys asked, the rest unprocessed, `rounds` times. */
function stingyTable(items: Keyed[], per: number, rounds = Infinity) {
  ddb = mockClient(documents);
  let calls = 0;
  ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Keyed[] }> }) => {
    const keys = input.RequestItems[TABLE]!.Keys;
    const stingy = calls++ < rounds;
    const served = stingy ? keys.slice(0, per) : keys;
    const left = stingy ? keys.slice(per) : [];
    return {
      Responses: { [TABLE]: served.flatMap((k) => items.filter((i) => i.pk === k.pk && i.sk === k.sk)) },
      ...(left.length ? { UnprocessedKeys: { [TABLE]: { Keys: left } } } : {}),
    };
  });
  return { calls: () => calls };
}

describe('attendance check-in counts', () => {
  it('counts every shard even when a call leaves keys unprocessed', async () => {
    // Prepare: ten shards, one check-in each; the table serves three keys a call, twice
    const { readCheckinCounts } = await import('#adapters/attendance-store');
    const { CHECKIN_SHARDS, keys } = await import('#adapters/keys');
    const shards = Array.from({ length: CHECKIN_SHARDS }, (_, n) => ({ ...keys.checkinShard('evt', n), venue: 1, s_bio: 1 }));
    const table = stingyTable(shards, 3, 2);
    // Act
    const counts = await readCheckinCounts('evt');
    // Assess
    expect(counts).toEqual({ venue: CHECKIN_SHARDS, sessions: { bio: CHECKIN_SHARDS } });
    expect(table.calls()).toBe(3);
  });

  it('keys that stay unprocessed → 503 with Retry-After, not a short count', async () => {
    const { readCheckinCounts } = await import('#adapters/attendance-store');
    const { CHECKIN_SHARDS, keys } = await import('#adapters/keys');
    stingyTable(
      Array.from({ length: CHECKIN_SHARDS }, (_, n) => ({ ...keys.checkinShard('evt', n), venue: 1 })),
      0,
    );
    const refused = await readCheckinCounts('evt').catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 503,
      code: 'service_unavailable',
      options: { headers: { 'Retry-After': expect.any(String) } },
    });
  });
});

describe('line heads', () => {
  it('finds the registration of every head although the first call served none of them', async () => {
    // Prepare: a line of three; the registrations' BatchGet serves nothing the first time
    const { seatStore } = await import('#adapters/seat-store');
    const { keys } = await import('#adapters/keys');
    const ids = ['a'.repeat(22), 'b'.repeat(22), 'c'.repeat(22)];
    const at = '2026-01-01T00:00:00.000Z';
    const registrations = ids.map((id) => ({
      ...keys.registration('evt', id),
      id,
      eventId: 'evt',
      status: 'waitlisted',
      sessions: [],
      createdAt: at,
      updatedAt: at,
    }));
    stingyTable(registrations, 0, 1);
    ddb.on(QueryCommand).resolves({ Items: ids.map((id) => ({ ...keys.eventLine('evt', at, id), registrationId: id })) });
    // Act
    const heads = await seatStore.heads('evt', new Map([['event', 3]]));
    // Assess
    expect(heads.get('event')!.map((h) => h.registration.id)).toEqual(ids);
  });
});

describe('the events list counters', () => {
  it('reads every counter (GET /events) through the same helper', async () => {
    const { eventStore } = await import('#adapters/event-store');
    const { keys } = await import('#adapters/keys');
    const event = { id: 'evt', capacity: 10, sessions: [{ id: 'bio', capacity: 5 }] } as never;
    stingyTable(
      [
        { ...keys.eventCounter('evt'), capacity: 10, confirmed: 7, waitlisted: 0, cancelled: 0, checkedIn: 0 },
        { ...keys.sessionCounter('evt', 'bio'), capacity: 5, confirmed: 4, waitlisted: 0, checkedIn: 0 },
      ],
      1,
      1,
    );
    const counters = (await eventStore.countersOf([event])).get('evt')!;
    expect([counters.event.confirmed, counters.sessions.bio!.confirmed]).toEqual([7, 4]);
  });
});
