/**
 * DynamoDB work per operation, through the real routes (HTTP to the in-process local stack): the
 * shared SDK client is metered (support.ts installMeter) so every call carries
 * ReturnConsumedCapacity: INDEXES and its ConsumedCapacity and round trip are summed per request.
 * Requests run one at a time with the stream workers stopped, so each tally is one request's work.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchContext } from './context.ts';
import { createEvent } from './context.ts';
import { median, openEvent, participant, pool, progress, round, type Tally } from './support.ts';

export interface OperationWork {
  op: string;
  samples: number;
  /** Median over the samples; min–max beside it when they differ. */
  roundTrips: number;
  roundTripsRange: [number, number];
  capacity: number;
  capacityRange: [number, number];
  indexCapacity: number;
  /** Median capacity by table role. */
  byTable: Record<string, number>;
  /** Median round trips by DynamoDB operation. */
  calls: Record<string, number>;
  /** Median calls that failed (conditional failures, cancelled transactions): no capacity reported by DynamoDB Local. */
  failedCalls: number;
}

export interface DynamoWorkResult {
  method: string;
  operations: OperationWork[];
  attendance: {
    at100: { registrations: number; capacity: number; roundTrips: number };
    at10000: { registrations: number; capacity: number; roundTrips: number; seeded: string; seedSeconds: number };
    capacityRatio: number;
    roundTripRatio: number;
    target: string;
    met: boolean;
  };
  /** GET …/attendance/timeline?bucket=5m: the same buckets at both sizes, so the same work. */
  timeline: {
    at100: TimelineWork;
    at10000: TimelineWork & { seeded: string };
    capacityRatio: number;
    roundTripRatio: number;
    itemRatio: number;
    latencyRatio: number;
    target: string;
    met: boolean;
  };
}

interface TimelineWork {
  people: number;
  points: number;
  itemsRead: number;
  capacity: number;
  roundTrips: number;
  medianMs: number;
}

function summarise(op: string, tallies: Tally[], tables: Record<string, string>): OperationWork {
  const rts = tallies.map((t) => t.roundTrips);
  const cus = tallies.map((t) => t.capacity);
  const role = (table: string) => tables[table] ?? table;
  const byTable: Record<string, number> = {};
  for (const name of new Set(tallies.flatMap((t) => Object.keys(t.byTable))))
    byTable[role(name)] = median(tallies.map((t) => t.byTable[name] ?? 0));
  const calls: Record<string, number> = {};
  for (const name of new Set(tallies.flatMap((t) => Object.keys(t.calls)))) calls[name] = median(tallies.map((t) => t.calls[name] ?? 0));
  return {
    op,
    samples: tallies.length,
    roundTrips: median(rts),
    roundTripsRange: [Math.min(...rts), Math.max(...rts)],
    capacity: round(median(cus), 2),
    capacityRange: [Math.min(...cus), Math.max(...cus)],
    indexCapacity: round(median(tallies.map((t) => t.indexCapacity)), 2),
    byTable,
    calls,
    failedCalls: median(tallies.map((t) => t.failed)),
  };
}

interface Registered {
  id: string;
  status: string;
  manageToken: string;
  badge: string | undefined;
}

export async function measureDynamoWork(ctx: BenchContext): Promise<DynamoWorkResult> {
  const admin = { authorization: `Bearer ${ctx.admin}` };
  const staff = { authorization: `Bearer ${ctx.staff}` };
  const tallies = new Map<string, Tally[]>();
  const record = (op: string, t: Tally) => tallies.set(op, [...(tallies.get(op) ?? []), t]);

  const register = async (eventId: string, body: unknown, op: string | undefined, withKey = true): Promise<Registered> => {
    const { result: r, tally } = await ctx.meter.measure(() =>
      ctx.http.call('POST', `/events/${eventId}/registrations`, { body, headers: withKey ? { 'idempotency-key': randomUUID() } : {} }),
    );
    if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.json)}`);
    const out = r.json as { id: string; status: string; manageToken: string; badge: { token: string } | null };
    if (op) record(`${op} (${out.status})`, tally);
    return { id: out.id, status: out.status, manageToken: out.manageToken, badge: out.badge?.token };
  };
  const measured = async (
    op: string,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> },
    expect: number[],
  ) => {
    const { result: r, tally } = await ctx.meter.measure(() => ctx.http.call(method, path, options));
    if (!expect.includes(r.status)) throw new Error(`${op}: ${r.status} ${JSON.stringify(r.json)}`);
    record(op, tally);
    return r;
  };

  // ---- An event of 100 registrations: registration, check-in, attendance, cancellation ----
  const table = await ctx.useTable('work');
  const tables: Record<string, string> = { [table]: 'data' };
  const small = await createEvent(ctx, openEvent({ capacity: 200, sessions: openEvent().sessions.map((s) => ({ ...s, capacity: 200 })) }));
  progress('dynamodb', `registration: 100 through POST /events/{id}/registrations (one session each, Idempotency-Key), metered one by one`);
  const people: Registered[] = [];
  for (let i = 0; i < 100; i++)
    people.push(await register(small, participant('work', i, [i % 2 ? 'bio' : 'energy']), 'registration, Idempotency-Key'));
  for (let i = 100; i < 110; i++)
    people.push(await register(small, participant('work', i, [i % 2 ? 'bio' : 'energy']), 'registration, no Idempotency-Key', false));

  progress('dynamodb', 'check-in: 30 badge scans at the entrance; 10 repeated scans; attendance at 100');
  for (const p of people.slice(0, 30))
    await measured(
      'check-in (badge, venue)',
      'POST',
      `/events/${small}/checkins`,
      { body: { badge: p.badge, deviceId: 'door-1' }, headers: staff },
      [201],
    );
  for (const p of people.slice(0, 10))
    await measured(
      'check-in (repeat scan)',
      'POST',
      `/events/${small}/checkins`,
      { body: { badge: p.badge, deviceId: 'door-2' }, headers: staff },
      [200],
    );
  // Attendance reads every check-in count shard. DynamoDB bills a strongly consistent read of a
  // missing item 1 RCU, DynamoDB Local bills it nothing: check in until every shard exists, as
  // it does at 10,000, so both sizes read the same items.
  const { checkinShard } = await import('#adapters/checkin-store');
  const { CHECKIN_SHARDS } = await import('#adapters/keys');
  const shardsHit = new Set(people.slice(0, 30).map((p) => checkinShard(p.id)));
  for (const p of people.slice(30, 90)) {
    if (shardsHit.size === CHECKIN_SHARDS) break;
    if (shardsHit.has(checkinShard(p.id))) continue;
    const r = await ctx.http.call('POST', `/events/${small}/checkins`, { body: { badge: p.badge, deviceId: 'door-1' }, headers: staff });
    if (r.status !== 201) throw new Error(`check-in: ${r.status}`);
    shardsHit.add(checkinShard(p.id));
  }
  for (let i = 0; i < 7; i++)
    await measured('attendance (100 registrations)', 'GET', `/events/${small}/attendance`, { headers: admin }, [200]);

  progress('dynamodb', 'exits: 10 check-outs, 5 re-entries, 5 exits of people not inside; the timeline at 100');
  for (const p of people.slice(0, 10))
    await measured(
      'check-out (badge, venue)',
      'POST',
      `/events/${small}/checkins`,
      { body: { badge: p.badge, direction: 'out', deviceId: 'door-1' }, headers: staff },
      [201],
    );
  for (const p of people.slice(0, 5))
    await measured(
      're-entry (badge, venue)',
      'POST',
      `/events/${small}/checkins`,
      { body: { badge: p.badge, deviceId: 'door-1' }, headers: staff },
      [201],
    );
  for (const p of people.slice(100, 105))
    await measured(
      'check-out of someone not inside (409, recorded)',
      'POST',
      `/events/${small}/checkins`,
      { body: { badge: p.badge, direction: 'out', deviceId: 'door-1' }, headers: staff },
      [409],
    );
  const timelineAt100 = await measureTimeline(ctx, table, small, 100, staff, record);

  progress('dynamodb', 'cancellation: 10 with nobody waiting');
  for (const p of people.slice(90, 100))
    await measured(
      'cancellation (nobody waiting)',
      'DELETE',
      `/events/${small}/registrations/${p.id}`,
      { headers: { 'x-manage-token': p.manageToken } },
      [200],
    );

  // ---- A full event: a waitlisted registration, and a cancellation that promotes the head of the line ----
  progress('dynamodb', 'full event: 10 waitlisted registrations, 5 cancellations that promote the head of the line');
  const full = await createEvent(ctx, openEvent({ capacity: 10, sessions: [] }));
  const seated: Registered[] = [];
  for (let i = 0; i < 10; i++) seated.push(await register(full, participant('full', i), undefined));
  for (let i = 10; i < 20; i++) await register(full, participant('full', i), 'registration, Idempotency-Key');
  for (const p of seated.slice(0, 5))
    await measured(
      'cancellation (promotes the head of the line)',
      'DELETE',
      `/events/${full}/registrations/${p.id}`,
      { headers: { 'x-manage-token': p.manageToken } },
      [200],
    );

  // ---- Attendance at 10,000 registrations ----
  const big = await createEvent(
    ctx,
    openEvent({ capacity: 12_000, sessions: openEvent().sessions.map((s) => ({ ...s, capacity: 6_000 })) }),
  );
  const seed = await seedRegistrations(ctx, table, big, 10_000);
  for (let i = 0; i < 7; i++) {
    const r = await measured('attendance (10,000 registrations)', 'GET', `/events/${big}/attendance`, { headers: admin }, [200]);
    const a = r.json as { confirmed: number; checkedIn: number };
    if (a.confirmed !== 10_000) throw new Error(`attendance at 10,000 reads confirmed=${a.confirmed}`);
  }
  // The timeline of 10,000 people over the same buckets as the small event's: every shard of each.
  const timelineSeed = await seedTimeline(ctx, table, small, big);
  const timelineAt10k = await measureTimeline(ctx, table, big, 10_000, staff, record);
  const ratio = (a: number, b: number) => round(a / b, 3);

  const operations = [...tallies].map(([op, ts]) => summarise(op, ts, tables));
  const at100 = operations.find((o) => o.op === 'attendance (100 registrations)')!;
  const at10k = operations.find((o) => o.op === 'attendance (10,000 registrations)')!;
  const capacityRatio = round(at10k.capacity / at100.capacity, 3);
  const roundTripRatio = round(at10k.roundTrips / at100.roundTrips, 3);
  return {
    method:
      'HTTP to the in-process local stack, one request at a time; ReturnConsumedCapacity: INDEXES added to every call of the shared SDK client by a build-step middleware, ConsumedCapacity and round trips (retries included) summed by a deserialize-step middleware. Capacity units are as DynamoDB Local reports them (table + GSIs; transactional writes count double); failed conditional writes report none there.',
    operations,
    attendance: {
      at100: { registrations: 100, capacity: at100.capacity, roundTrips: at100.roundTrips },
      at10000: {
        registrations: 10_000,
        capacity: at10k.capacity,
        roundTrips: at10k.roundTrips,
        seeded: seed.how,
        seedSeconds: seed.seconds,
      },
      capacityRatio,
      roundTripRatio,
      target: '= 1.0 (capacity units and round trips)',
      met: capacityRatio === 1 && roundTripRatio === 1,
    },
    timeline: {
      at100: timelineAt100,
      at10000: { ...timelineAt10k, seeded: timelineSeed },
      capacityRatio: ratio(timelineAt10k.capacity, timelineAt100.capacity),
      roundTripRatio: ratio(timelineAt10k.roundTrips, timelineAt100.roundTrips),
      itemRatio: ratio(timelineAt10k.itemsRead, timelineAt100.itemsRead),
      latencyRatio: ratio(timelineAt10k.medianMs, timelineAt100.medianMs),
      target: '= 1.0 (items, capacity units, round trips); latency about 1',
      met:
        timelineAt10k.capacity === timelineAt100.capacity &&
        timelineAt10k.roundTrips === timelineAt100.roundTrips &&
        timelineAt10k.itemsRead === timelineAt100.itemsRead,
    },
  };
}

/** Seven timeline reads, metered, timed; and how many timeline items the event holds (what a read reads). */
async function measureTimeline(
  ctx: BenchContext,
  table: string,
  eventId: string,
  people: number,
  staff: Record<string, string>,
  record: (op: string, t: Tally) => void,
): Promise<TimelineWork> {
  const tallies: Tally[] = [];
  const ms: number[] = [];
  let points = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const { result: r, tally } = await ctx.meter.measure(() =>
      ctx.http.call('GET', `/events/${eventId}/attendance/timeline?bucket=5m`, { headers: staff }),
    );
    ms.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`timeline: ${r.status} ${JSON.stringify(r.json)}`);
    points = (r.json as { places: { points: unknown[] }[] }).places[0]!.points.length;
    tallies.push(tally);
    record(`attendance timeline (${people.toLocaleString('en')} people)`, tally);
  }
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { keys } = await import('#adapters/keys');
  const items = await ctx.docs.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timelineBucket(eventId, '', 0).pk },
      Select: 'COUNT',
    }),
  );
  return {
    people,
    points,
    itemsRead: items.Count ?? 0,
    capacity: round(median(tallies.map((t) => t.capacity)), 2),
    roundTrips: median(tallies.map((t) => t.roundTrips)),
    medianMs: round(median(ms), 2),
  };
}

/**
 * The 10,000-person event's timeline items: the small event's buckets, each on every count
 * shard, with the counts 3,000 entries and 1,000 exits would leave (the seeded check-ins).
 */
async function seedTimeline(ctx: BenchContext, table: string, small: string, big: string): Promise<string> {
  const { QueryCommand, PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const { keys, CHECKIN_SHARDS } = await import('#adapters/keys');
  const out = await ctx.docs.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timelineBucket(small, '', 0).pk },
    }),
  );
  // The same (bucket, shard) items as the small event's, with a 10,000-person event's counts.
  const sks = (out.Items ?? []).map((i) => String(i.sk));
  for (const sk of sks) {
    const bucket = sk.slice(0, sk.lastIndexOf('#'));
    const shard = Number(sk.slice(sk.lastIndexOf('#') + 1));
    const Item = { ...keys.timelineBucket(big, bucket, shard), in_venue: 300, out_venue: 100, in_s_bio: 50, out_s_bio: 20 };
    await ctx.docs.send(new PutCommand({ TableName: table, Item }));
  }
  const buckets = new Set(sks.map((sk) => sk.slice(0, sk.lastIndexOf('#'))));
  return `the small event's ${sks.length} timeline items (${buckets.size} 5-minute bucket(s) × up to ${CHECKIN_SHARDS} shards), each with the counts of 300 entries and 100 exits`;
}

/**
 * 10,000 confirmed registrations written directly (BatchWrite of registration items as the
 * registration store writes them, with their email guards), the counters bumped to match and
 * 3,000 venue check-ins spread over the check-in count shards.
 */
async function seedRegistrations(
  ctx: BenchContext,
  table: string,
  eventId: string,
  count: number,
): Promise<{ how: string; seconds: number }> {
  const t0 = Date.now();
  const { registrationItem } = await import('#adapters/registration-store');
  const { keys, CHECKIN_SHARDS } = await import('#adapters/keys');
  const { emailHash, newRegistrationId } = await import('#domain/registration');
  progress('dynamodb', `seeding ${count.toLocaleString('en')} registrations for attendance (BatchWrite, 25 items a call, 8 in flight)`);
  const perBatch = 12; // registration + email guard each: 24 items of BatchWrite's 25
  const batches = Math.ceil(count / perBatch);
  const stamp = new Date().toISOString();
  let sessionCounts = { bio: 0, energy: 0 };
  await pool(
    batches,
    8,
    async (b) => {
      const puts: Record<string, unknown>[] = [];
      for (let i = b * perBatch; i < Math.min(count, (b + 1) * perBatch); i++) {
        const p = participant('big', i, [i % 2 ? 'bio' : 'energy']);
        const id = newRegistrationId();
        const r = {
          id,
          eventId,
          status: 'confirmed' as const,
          email: p.email,
          name: p.name,
          organization: p.organization,
          jobTitle: null,
          locale: p.locale as 'ko' | 'en',
          sessions: p.sessions.map((s) => ({ id: s, status: 'confirmed' as const })),
          answers: p.answers,
          consent: { privacy: true as const },
          createdAt: stamp,
          updatedAt: stamp,
          checkedInAt: null,
          tokenVersion: 1,
        };
        if (i % 2) sessionCounts.bio++;
        else sessionCounts.energy++;
        puts.push(registrationItem(r), { ...keys.emailGuard(eventId, emailHash(p.email)), type: 'email-guard', registrationId: id });
      }
      let pending = { [table]: puts.map((Item) => ({ PutRequest: { Item } })) };
      while (Object.keys(pending).length && (pending[table]?.length ?? 0) > 0) {
        const out = await ctx.docs.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = (out.UnprocessedItems ?? {}) as typeof pending;
      }
    },
    (done) => {
      if (done % 100 === 0 || done === batches)
        progress('dynamodb', `  seeded ${Math.min(count, done * perBatch).toLocaleString('en')}/${count.toLocaleString('en')}`);
    },
  );
  const set = (Key: Record<string, string>, confirmed: number) =>
    ctx.docs.send(
      new UpdateCommand({ TableName: table, Key, UpdateExpression: 'SET confirmed = :c', ExpressionAttributeValues: { ':c': confirmed } }),
    );
  await set(keys.eventCounter(eventId), count);
  await set(keys.sessionCounter(eventId, 'bio'), sessionCounts.bio);
  await set(keys.sessionCounter(eventId, 'energy'), sessionCounts.energy);
  for (let n = 0; n < CHECKIN_SHARDS; n++) {
    await ctx.docs.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.checkinShard(eventId, n),
        UpdateExpression: 'ADD venue :v',
        ExpressionAttributeValues: { ':v': 300 },
      }),
    );
  }
  sessionCounts = { bio: 0, energy: 0 };
  const seconds = round((Date.now() - t0) / 1000, 1);
  progress('dynamodb', `seeded in ${seconds}s`);
  return {
    how: `${count.toLocaleString('en')} confirmed registration items (as the registration store writes them) and their email guards by BatchWrite, the event and session counters set to match, 3,000 venue check-ins over the ${CHECKIN_SHARDS} count shards`,
    seconds,
  };
}
