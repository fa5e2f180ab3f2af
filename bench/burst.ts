/**
 * Burst: 2,000 concurrent registrations for 500 seats, over HTTP on loopback to the local
 * gateway (the in-process local stack), through a connection-limited client. Counts what the
 * participants were told, then checks what the table holds: exactly the seats, nobody twice.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { BenchContext } from './context.ts';
import { createEvent } from './context.ts';
import { cpuShares, httpClient, openEvent, participant, progress, quantile, round, type HttpResult } from './support.ts';

export interface BurstResult {
  method: string;
  requests: number;
  distinctPeople: number;
  doubleSubmits: number;
  seats: number;
  connections: number;
  answered: {
    confirmed: number;
    waitlisted: number;
    alreadyRegistered: number;
    soldOut: number;
    serverErrors: number;
    other: Record<string, number>;
  };
  stored: {
    confirmed: number;
    waitlisted: number;
    counterConfirmed: number;
    counterWaitlisted: number;
    emailsHeldTwice: number;
    sessions: Record<string, { capacity: number; confirmed: number; waitlisted: number }>;
  };
  latencyMs: { p50: number; p99: number; max: number; p50Issued: number; p99Issued: number };
  wallSeconds: number;
  perSecond: number;
  /** DynamoDB round trips per request, by operation (TransactWriteItems above 1: stale decisions taken again). */
  perRequest: Record<string, number>;
  cpu: { node: number; dynamoDbLocal: number };
  checks: { name: string; value: number; target: string; met: boolean }[];
  met: boolean;
}

async function countIndex(ctx: BenchContext, table: string, pk: string): Promise<number> {
  let count = 0;
  let start: Record<string, any> | undefined;
  do {
    const out = await ctx.raw.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

async function emailsHeldTwice(ctx: BenchContext, table: string, eventId: string): Promise<number> {
  const perEmail = new Map<string, number>();
  let start: Record<string, any> | undefined;
  do {
    const out = await ctx.raw.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EVENT#${eventId}#REGS` } },
        ProjectionExpression: 'email, #s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      if (item.status?.S === 'cancelled') continue;
      const email = (item.email?.S ?? '').toLowerCase();
      perEmail.set(email, (perEmail.get(email) ?? 0) + 1);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return [...perEmail.values()].filter((n) => n > 1).length;
}

export async function measureBurst(
  ctx: BenchContext,
  options: { requests: number; seats: number; doubleSubmits: number; connections: number },
): Promise<BurstResult> {
  const { requests, seats, doubleSubmits, connections } = options;
  const table = await ctx.useTable('burst');
  const sessionCapacity = Math.round(seats * 0.4);
  const eventId = await createEvent(
    ctx,
    openEvent({ capacity: seats, sessions: openEvent().sessions.map((s) => ({ ...s, capacity: sessionCapacity })) }),
  );
  const distinct = requests - doubleSubmits;
  // Half the people pick a session (each session holds 40% of the seats); some submit twice
  // (two tabs: another Idempotency-Key, the same email), in the same burst.
  const sessionsOf = (i: number) => (i % 4 === 0 ? ['bio'] : i % 4 === 1 ? ['energy'] : []);
  const bodies = Array.from({ length: requests }, (_, i) => {
    const person = i < distinct ? i : Math.floor(((i - distinct) * distinct) / doubleSubmits);
    return participant('burst', person, sessionsOf(person));
  });
  const order = bodies.map((_, i) => i).sort(() => Math.random() - 0.5);

  const client = httpClient(ctx.stack.url, connections);
  // Open the connections first (a warm pool, as a busy API Gateway has), then fire everything at once.
  await Promise.all(Array.from({ length: connections }, () => client.call('GET', '/health')));
  progress(
    'burst',
    `${requests} registrations (${distinct} people, ${doubleSubmits} double submits) for ${seats} seats, all at once, ${connections} connections`,
  );
  const results: (HttpResult & { code?: string; status: number; regStatus?: string })[] = new Array(requests);
  let done = 0;
  ctx.meter.start({ capacity: false });
  const cpu = cpuShares(ctx.dynamoPid);
  const t0 = performance.now();
  await Promise.all(
    order.map(async (i) => {
      const r = await client.call('POST', `/events/${eventId}/registrations`, {
        body: bodies[i],
        headers: { 'idempotency-key': randomUUID(), 'accept-language': i % 2 ? 'ko' : 'en' },
      });
      const json = r.json as { status?: string; code?: string } | null;
      results[i] = { ...r, code: json?.code, regStatus: r.status === 201 ? json?.status : undefined };
      if (++done % 250 === 0) progress('burst', `  ${done}/${requests} answered`);
    }),
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuUsed = cpu();
  const tally = ctx.meter.stop();
  client.close();
  const perRequest: Record<string, number> = {};
  for (const [op, n] of Object.entries(tally.calls)) perRequest[op] = round(n / requests, 2);

  const answered = { confirmed: 0, waitlisted: 0, alreadyRegistered: 0, soldOut: 0, serverErrors: 0, other: {} as Record<string, number> };
  for (const r of results) {
    if (r.status === 201 && r.regStatus === 'confirmed') answered.confirmed++;
    else if (r.status === 201 && r.regStatus === 'waitlisted') answered.waitlisted++;
    else if (r.status === 409 && r.code === 'already_registered') answered.alreadyRegistered++;
    else if (r.status === 409 && r.code === 'sold_out') answered.soldOut++;
    else if (r.status >= 500) answered.serverErrors++;
    else answered.other[`${r.status} ${r.code ?? ''}`.trim()] = (answered.other[`${r.status} ${r.code ?? ''}`.trim()] ?? 0) + 1;
  }
  if (answered.serverErrors) {
    const codes = results.filter((r) => r.status >= 500).map((r) => `${r.status} ${r.code ?? ''}`);
    progress('burst', `  server errors: ${[...new Set(codes)].join(', ')}`);
  }

  progress('burst', 'checking what the table holds (status index, counters, emails)');
  const partition = await ctx.partition(table, `EVENT#${eventId}`);
  const num = (item: Record<string, any> | undefined, k: string) => Number(item?.[k]?.N ?? 0);
  const counter = partition.find((i: any) => i.sk?.S === 'COUNTER#EVENT') as Record<string, any> | undefined;
  const sessions: BurstResult['stored']['sessions'] = {};
  for (const item of partition as Record<string, any>[]) {
    const sk = String(item.sk?.S ?? '');
    if (sk.startsWith('COUNTER#SESSION#'))
      sessions[sk.slice(16)] = { capacity: num(item, 'capacity'), confirmed: num(item, 'confirmed'), waitlisted: num(item, 'waitlisted') };
  }
  const stored = {
    confirmed: await countIndex(ctx, table, `EVENT#${eventId}#STATUS#confirmed`),
    waitlisted: await countIndex(ctx, table, `EVENT#${eventId}#STATUS#waitlisted`),
    counterConfirmed: num(counter, 'confirmed'),
    counterWaitlisted: num(counter, 'waitlisted'),
    emailsHeldTwice: await emailsHeldTwice(ctx, table, eventId),
    sessions,
  };
  const onWire = results.map((r) => r.onWire);
  const issued = results.map((r) => r.total);
  const checks = [
    { name: 'confirmed (answered)', value: answered.confirmed, target: `= ${seats}`, met: answered.confirmed === seats },
    { name: 'confirmed (stored, status index)', value: stored.confirmed, target: `= ${seats}`, met: stored.confirmed === seats },
    { name: 'event counter confirmed', value: stored.counterConfirmed, target: `= ${seats}`, met: stored.counterConfirmed === seats },
    {
      name: 'waitlisted (answered)',
      value: answered.waitlisted,
      target: `= ${distinct - seats}`,
      met: answered.waitlisted === distinct - seats,
    },
    { name: '5xx', value: answered.serverErrors, target: '= 0', met: answered.serverErrors === 0 },
    {
      name: 'double submits answered 409 already_registered',
      value: answered.alreadyRegistered,
      target: `= ${doubleSubmits}`,
      met: answered.alreadyRegistered === doubleSubmits,
    },
    { name: 'emails holding two registrations', value: stored.emailsHeldTwice, target: '= 0', met: stored.emailsHeldTwice === 0 },
    ...Object.entries(sessions).map(([id, s]) => ({
      name: `session ${id} confirmed`,
      value: s.confirmed,
      target: `≤ ${s.capacity}`,
      met: s.confirmed <= s.capacity,
    })),
  ];
  return {
    method: `HTTP/1.1 over loopback to the local gateway of a stack started in-process (startLocalStack, free port, the bench's DynamoDB Local, its own tables), client in the same process: node:http Agent, keep-alive, ${connections} connections (opened before the burst); all ${requests} requests issued at once, in random order, each with its own Idempotency-Key. Latency "on the wire" runs from the moment a request got a connection to its last byte; "issued" from the moment it was issued (includes waiting for one of the ${connections} connections).`,
    requests,
    distinctPeople: distinct,
    doubleSubmits,
    seats,
    connections,
    answered,
    stored,
    latencyMs: {
      p50: round(quantile(onWire, 0.5), 1),
      p99: round(quantile(onWire, 0.99), 1),
      max: round(Math.max(...onWire), 1),
      p50Issued: round(quantile(issued, 0.5), 1),
      p99Issued: round(quantile(issued, 0.99), 1),
    },
    wallSeconds: round(wallSeconds, 2),
    perSecond: round(requests / wallSeconds, 1),
    perRequest,
    cpu: cpuUsed,
    checks,
    met: checks.every((c) => c.met),
  };
}
