/**
 * Webhook figures, on demand (not part of `npm run bench`: it starts engines of its own and takes
 * about a minute):
 *
 *   npx tsx bench/webhooks.ts            (npx tsx bench/webhooks.ts --work: the DynamoDB figure alone)
 *
 * On the local stack with its stream workers running and real HTTP receivers on 127.0.0.1:
 * - latency from the change (the registration's 201) to the receiver's request, p50 / p99;
 * - 1,000 messages to one healthy endpoint, alone and while another endpoint hangs (never answers):
 *   the healthy endpoint's p99 in both runs;
 * - DynamoDB work per registration with 0, 1 and 2 subscribed endpoints (round trips and capacity
 *   units, workers included), hence the extra work per subscribed endpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal, startSesEmulator } from '#local/engines';
import { signToken } from '#local/issuer';
import { startLocalStack } from '#local/stack';
import { startReceiver, type Receiver } from '../test/support/webhook-receiver.ts';
import { installMeter, openEvent, participant, pool, progress, quantile, round, uniqueName } from './support.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-bench-webhooks-'));
const dynamo = await startDynamoDbLocal(await freePort());
const ses = await startSesEmulator(await freePort());
const stack = await startLocalStack({
  port: await freePort(),
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: ses.endpoint,
  stateDir,
  tables: { data: uniqueName('bench-webhooks') },
  sweepSeconds: 3600,
});
const receivers: Receiver[] = [];
try {
  const admin = await signToken(stateDir, 'admin');
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(stack.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as any };
  };
  const newEvent = async () => (await call('POST', '/events', openEvent({ capacity: 100_000 }), admin)).json.id as string;
  const receiver = async (answer?: Receiver['answer']) => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };
  const hook = async (url: string, eventId: string) =>
    (await call('POST', '/webhooks', { url, types: ['registration.created'], eventId }, admin)).json.id as string;

  /** `n` registrations, `concurrency` at a time; the time each change was answered, by registration id. */
  async function register(eventId: string, n: number, concurrency: number, tag: string) {
    const answeredAt = new Map<string, number>();
    await pool(n, concurrency, async (i) => {
      const r = await call('POST', `/events/${eventId}/registrations`, participant(tag, i));
      if (r.status !== 201) throw new Error(`registration answered ${r.status}`);
      answeredAt.set(r.json.id, Date.now());
    });
    return answeredAt;
  }
  function latencies(rx: Receiver, answeredAt: Map<string, number>) {
    const ms: number[] = [];
    const seen = new Set<string>();
    for (const x of rx.received) {
      const b = JSON.parse(x.body) as { data: { id: string } };
      if (seen.has(b.data.id)) continue;
      seen.add(b.data.id);
      const at = answeredAt.get(b.data.id);
      if (at !== undefined) ms.push(Math.max(0, x.at - at));
    }
    return { p50: round(quantile(ms, 0.5), 1), p99: round(quantile(ms, 0.99), 1), n: ms.length };
  }

  // `--work`: the DynamoDB figure alone.
  const workOnly = process.argv.includes('--work');
  // ---- latency, one endpoint --------------------------------------------------------------
  if (!workOnly) progress('webhooks', 'latency: 200 registrations, 4 at a time, one endpoint');
  if (!workOnly) {
    const eventId = await newEvent();
    const rx = await receiver();
    const id = await hook(rx.url, eventId);
    const answered = await register(eventId, 200, 4, 'lat');
    await rx.waitFor(200, 60_000).catch(async (error) => {
      const d = (await call('GET', `/webhooks/${id}/deliveries?limit=100`, undefined, admin)).json.items;
      console.log(JSON.stringify(d.filter((x: any) => x.status !== 'delivered').slice(0, 5)));
      throw error;
    });
    const l = latencies(rx, answered);
    console.log(`change → receiver 2xx: p50 ${l.p50} ms, p99 ${l.p99} ms (${l.n} messages)`);
  }

  // ---- 1,000 messages to a healthy endpoint, with and without a hanging one ----------------
  const isolation: Record<string, { p50: number; p99: number; n: number; seconds: number }> = {};
  for (const scenario of workOnly ? [] : (['alone', 'beside a hanging endpoint'] as const)) {
    progress('webhooks', `1,000 messages to a healthy endpoint, ${scenario}`);
    const eventId = await newEvent();
    const healthy = await receiver();
    await hook(healthy.url, eventId);
    if (scenario !== 'alone') await hook((await receiver({ status: 200, hang: true })).url, eventId);
    const t0 = Date.now();
    const answered = await register(eventId, 1000, 8, `iso${scenario.length}`);
    await healthy.waitFor(1000, 120_000);
    isolation[scenario] = { ...latencies(healthy, answered), seconds: round((Date.now() - t0) / 1000, 1) };
    console.log(
      `healthy endpoint, ${scenario}: p50 ${isolation[scenario]!.p50} ms, p99 ${isolation[scenario]!.p99} ms, ${isolation[scenario]!.seconds} s for 1,000`,
    );
  }
  for (const r of receivers.splice(0)) await r.close();

  // ---- DynamoDB work per registration per subscribed endpoint ------------------------------
  progress('webhooks', 'DynamoDB work: 50 registrations with 0, 1 and 2 subscribed endpoints');
  const { dynamodb } = await import('#adapters/clients');
  const meter = installMeter(dynamodb);
  const work: Record<number, { roundTrips: number; capacity: number }> = {};
  for (const endpoints of [0, 1, 2]) {
    const eventId = await newEvent();
    const rxs = await Promise.all(Array.from({ length: endpoints }, () => receiver()));
    for (const rx of rxs) await hook(rx.url, eventId);
    await stack.workers.drain();
    meter.start();
    await register(eventId, 50, 1, `work${endpoints}`);
    await Promise.all(rxs.map((rx) => rx.waitFor(50, 60_000)));
    await stack.workers.drain();
    const t = meter.stop();
    work[endpoints] = { roundTrips: round(t.roundTrips / 50, 1), capacity: round(t.capacity / 50, 1) };
    console.log(
      `${endpoints} endpoint(s): ${work[endpoints]!.roundTrips} round trips, ${work[endpoints]!.capacity} CU per registration (stack and workers)`,
    );
  }
  console.log(
    `extra per subscribed endpoint per registration: ${round((work[2]!.roundTrips - work[0]!.roundTrips) / 2, 1)} round trips, ${round((work[2]!.capacity - work[0]!.capacity) / 2, 1)} CU`,
  );
} finally {
  for (const r of receivers) await r.close();
  await stack.stop();
  await ses.stop();
  await dynamo.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
