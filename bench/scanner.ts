/**
 * The door scanner's figures (issue 13), on a local stack of its own that serves the built app:
 *   - first-load JS + CSS of /scan, gzip (goal ≤ 150 KB); the fallback verifier reported apart;
 *   - decoded QR → verdict in the page, p95, online and offline (goal ≤ 150 ms / ≤ 30 ms), in the
 *     system Chromium with the canvas camera of the browser tests (`data-shown-ms` of each verdict);
 *   - first sync of a 10,000-person roster: time from opening the pairing link to the scanner
 *     ready (everyone in IndexedDB), and the roster's bytes per person, raw and gzip (goal
 *     ≤ 20 s, ≤ 200 B per person compressed).
 *
 *   npx tsx bench/scanner.ts [--people 10000] [--scans 40]
 *
 * Figures only: nothing is asserted. Writes bench/scanner-results.json (not committed).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, freePort, startDynamoDbLocal, startSesEmulator } from '#local/engines';
import { signToken } from '#local/issuer';
import { defaultSiteDir, ensureSiteBuilt } from '#local/site';
import { startLocalStack } from '#local/stack';
import { openEvent, participant } from '../test/support/fixtures.ts';
import { qrDataUrl, useCanvasCamera } from '../test/web/scanner-support.ts';

const { values: args } = parseArgs({ options: { people: { type: 'string', default: '10000' }, scans: { type: 'string', default: '40' } } });
const PEOPLE = Number(args.people);
const SCANS = Number(args.scans);
const log = (line: string) => process.stderr.write(`[scanner-bench] ${line}\n`);
const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** What /scan loads before its first verdict: the page's scripts and styles, then the decoder worker. */
function firstLoad() {
  const html = readFileSync(join(defaultSiteDir, 'scan.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const entry = files.find((f) => /assets\/scan-.*\.js$/.test(f))!;
  const worker = /assets\/decoder\.worker-[\w-]+\.js/.exec(readFileSync(join(defaultSiteDir, entry), 'utf8'))?.[0];
  const fallback = /ed25519-[\w-]+\.js/.exec(readFileSync(join(defaultSiteDir, entry), 'utf8'))?.[0];
  const size = (f: string) => {
    const body = readFileSync(join(defaultSiteDir, f));
    return { file: f, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  };
  const loaded = [...files, ...(worker ? [worker] : [])].map(size);
  return {
    files: loaded,
    gzipTotal: loaded.reduce((n, f) => n + f.gzip, 0),
    fallbackVerifier: fallback ? size(`assets/${fallback}`) : null,
  };
}

async function pool<T>(n: number, count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

await ensureSiteBuilt(log);
const load = firstLoad();
log(`first load: ${kb(load.gzipTotal)} KB gzip over ${load.files.length} files`);

const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-scanner-bench-'));
const [dynamo, ses] = await Promise.all([freePort().then((p) => startDynamoDbLocal(p)), freePort().then((p) => startSesEmulator(p))]);
const table = `scanner-bench-${Date.now()}`;
const stack = await startLocalStack({
  port: await freePort(),
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: ses.endpoint,
  stateDir,
  siteDir: defaultSiteDir,
  sweepSeconds: 3600,
  tables: { data: table },
});
// The mailer would compete for the two cores: the bench measures the scanner's paths alone.
await stack.workers.stop();
const admin = await signToken(stateDir, 'admin', { hours: 6 });
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(stack.url + path, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, bytes: Buffer.byteLength(text) };
};
const register = (eventId: string, i: number) =>
  api('POST', `/events/${eventId}/registrations`, participant(i, { email: `p${i}-${eventId}@example.com` })).then(
    (r) => r.json as { id: string; badge: { token: string } },
  );

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--mute-audio'],
});

async function pairedPage(eventId: string): Promise<{ page: Page; readyMs: number; close(): Promise<void> }> {
  const device = (await api('POST', `/events/${eventId}/devices`, { name: 'Bench door' })).json as { pairing: { url: string } };
  const link = new URL(device.pairing.url);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await useCanvasCamera(context);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${stack.url}${link.pathname}${link.hash}`);
  await page.locator('[data-queue]').waitFor({ timeout: 300_000 });
  return { page, readyMs: Date.now() - started, close: () => context.close() };
}

/**
 * The roster's people written straight into the table as the registration store writes them
 * (registering 10,000 through the API takes minutes on this machine and is not what is measured).
 */
async function seedRoster(eventId: string, count: number): Promise<void> {
  const { registrationItem } = await import('#adapters/registration-store');
  const { newRegistrationId } = await import('#domain/registration');
  const docs = DynamoDBDocumentClient.from(dynamoClient(dynamo.endpoint), { marshallOptions: { removeUndefinedValues: true } });
  const stamp = new Date().toISOString();
  await pool(8, Math.ceil(count / 25), async (b) => {
    const items = [];
    for (let i = b * 25; i < Math.min(count, (b + 1) * 25); i++) {
      const p = participant(i, { email: `r${i}@example.com` });
      items.push(
        registrationItem({
          id: newRegistrationId(),
          eventId,
          status: i % 50 === 0 ? 'cancelled' : 'confirmed',
          email: p.email,
          name: p.name,
          organization: p.organization,
          jobTitle: null,
          locale: p.locale as 'ko' | 'en',
          sessions: [{ id: i % 3 ? 'bio' : 'energy', status: 'confirmed' }],
          answers: p.answers,
          consent: { privacy: true },
          createdAt: stamp,
          updatedAt: stamp,
          checkedInAt: null,
          tokenVersion: 1,
        }),
      );
    }
    let pending: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {
      [table]: items.map((Item) => ({ PutRequest: { Item } })),
    };
    while ((pending[table]?.length ?? 0) > 0) {
      const out = await docs.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = (out.UnprocessedItems ?? {}) as typeof pending;
    }
  });
}

async function scanTimes(page: Page, badges: string[]): Promise<{ shown: number[]; verdicts: Record<string, number> }> {
  const shown: number[] = [];
  const verdicts: Record<string, number> = {};
  for (const badge of badges) {
    const before = await page.evaluate(() => Number((globalThis as any).document.querySelector('[data-verdict]')?.dataset.seq ?? 0));
    await page.evaluate(
      (url) => (globalThis as unknown as { __showBadge(u: string): Promise<void> }).__showBadge(url),
      await qrDataUrl(badge),
    );
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-verdict]')?.dataset.seq ?? 0) > n, before, {
      timeout: 15_000,
    });
    const panel = page.locator('[data-verdict]');
    shown.push(Number(await panel.getAttribute('data-shown-ms')));
    const v = (await panel.getAttribute('data-verdict'))!;
    verdicts[v] = (verdicts[v] ?? 0) + 1;
    await page.evaluate(() => (globalThis as unknown as { __showBadge(u: null): Promise<void> }).__showBadge(null));
  }
  return { shown, verdicts };
}

try {
  // Verdict latency: a small event, one badge per scan.
  const small = (await api('POST', '/events', openEvent({ capacity: 1000 }))).json as { id: string };
  const people = await pool(4, 3 * SCANS, (i) => register(small.id, i));
  const scanner = await pairedPage(small.id);
  log(`latency: ${SCANS} online scans …`);
  const online = await scanTimes(
    scanner.page,
    people.slice(0, SCANS).map((p) => p.badge.token),
  );
  // Where an online verdict's time goes: the browser's own timing of each check-in request.
  const fetchTiming = (await scanner.page.evaluate(() =>
    (globalThis as any).performance
      .getEntriesByType('resource')
      .filter((e: any) => e.name.endsWith('/checkins'))
      .map((e: any) => ({
        total: e.duration,
        beforeRequest: e.requestStart - e.startTime,
        worker: e.workerStart ? e.fetchStart - e.workerStart : 0,
        waiting: e.responseStart - e.requestStart,
        body: e.responseEnd - e.responseStart,
      })),
  )) as { total: number; beforeRequest: number; worker: number; waiting: number; body: number }[];
  const timing = Object.fromEntries(
    (['total', 'beforeRequest', 'worker', 'waiting', 'body'] as const).map((k) => [
      k,
      { median: median(fetchTiming.map((t) => t[k])), p95: p95(fetchTiming.map((t) => t[k])) },
    ]),
  );
  await scanner.page.context().setOffline(true);
  log(`latency: ${SCANS} offline scans …`);
  const offline = await scanTimes(
    scanner.page,
    people.slice(SCANS, 2 * SCANS).map((p) => p.badge.token),
  );
  await scanner.close();
  // The API's own share of an online verdict: the same first check-ins from Node, with a device token of their own.
  const nodeDevice = (await api('POST', `/events/${small.id}/devices`, { name: 'Bench node' })).json as { pairing: { code: string } };
  const deviceToken = ((await api('POST', '/devices/pair', { code: nodeDevice.pairing.code })).json as { deviceToken: string }).deviceToken;
  const serverMs: number[] = [];
  for (const p of people.slice(2 * SCANS)) {
    const t = performance.now();
    const r = await fetch(`${stack.url}/events/${small.id}/checkins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ badge: p.badge.token }),
    });
    await r.text();
    serverMs.push(performance.now() - t);
  }

  // The first sync of a large roster.
  const big = (
    await api(
      'POST',
      '/events',
      openEvent({ capacity: PEOPLE + 10, sessions: openEvent().sessions.map((s) => ({ ...s, capacity: PEOPLE })) }),
    )
  ).json as { id: string };
  log(`roster: seeding ${PEOPLE} registrations (BatchWrite of the registration store's items) …`);
  const seeded = Date.now();
  await seedRoster(big.id, PEOPLE);
  const seedSeconds = (Date.now() - seeded) / 1000;
  let raw = 0;
  let gzip = 0;
  let items = 0;
  let pages = 0;
  let cursor: string | null = null;
  do {
    const r = await api('GET', `/events/${big.id}/roster?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const text = JSON.stringify(r.json);
    raw += r.bytes;
    gzip += gzipSync(text).length;
    items += r.json.items.length;
    pages++;
    cursor = r.json.nextCursor;
  } while (cursor);
  log(`roster: first sync in the browser …`);
  const syncing = await pairedPage(big.id);
  const known = Number(await syncing.page.locator('[data-people]').getAttribute('data-people'));
  await syncing.close();

  const results = {
    generatedAt: new Date().toISOString(),
    firstLoad: { ...load, gzipKB: kb(load.gzipTotal), goalKB: 150 },
    verdictMs: {
      online: { p95: p95(online.shown), median: median(online.shown), n: online.shown.length, verdicts: online.verdicts, goal: 150 },
      apiRoundTripFromNode: { p95: p95(serverMs), median: median(serverMs), n: serverMs.length },
      onlineFetchTiming: timing,
      offline: { p95: p95(offline.shown), median: median(offline.shown), n: offline.shown.length, verdicts: offline.verdicts, goal: 30 },
    },
    firstSync: {
      people: items,
      known,
      pages,
      seconds: syncing.readyMs / 1000,
      goalSeconds: 20,
      bytesPerPerson: { raw: Math.round(raw / items), gzip: Math.round(gzip / items), goalCompressed: 200 },
      seedSeconds,
    },
  };
  writeFileSync(new URL('./scanner-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await stack.stop();
  await ses.stop();
  await dynamo.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
