/**
 * The deployed shape of the functions with lazy modules, run for real: the Gatepass stack
 * synthesized once with bundling (NodejsFunction + GatepassFunction's afterBundling, locally, as
 * `cdk synth` does), then each function's asset directory imported in a fresh Node process and
 * invoked against the run's DynamoDB Local and SES emulator, with data made through a local stack
 * (its workers stopped, so the bundles deliver the emails).
 * - get-badge: index.mjs, badge-renderer.mjs, package.json, assets/;
 * - get-wallet-apple: index.mjs, apple-pass.mjs, package.json: one signed .pkpass;
 * - mailer and outbox-sweeper: index.mjs, mail-composer.mjs, package.json: one email each;
 * - export-registrations: index.mjs, export-bucket.mjs, package.json: a > 5 MB export answered
 *   303, once through the local export dir and once through S3 (a fake S3 endpoint here).
 * index.mjs must not load a lazy file at import; its first use must load it from the file beside
 * index.mjs, through the asset's package.json "imports".
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { App } from 'aws-cdk-lib';
import jsQR from 'jsqr';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRegistration } from '#domain/registration';
import { LAZY_MODULES, PROJECT_ROOT, type LazyModule } from '../../lib/bundling.ts';
import { GatepassStack } from '../../lib/gatepass-stack.ts';
import { siteFixtureDir } from '../infra/template-helpers.ts';
import { parseCsv } from '../support/csv.ts';
import { withLocalBins } from '../support/local-bins.ts';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

const { badgeRenderer, mailComposer, exportBucket, applePass, xlsxWriter } = LAZY_MODULES;

let outdir: string;
const assetDirs: Record<string, string> = {};
let stack: TestStack;
let admin: string;
let eventId: string;
let registration: { id: string; manageToken: string; badge: { token: string } };

beforeAll(async () => {
  // Prepare: the stack as `cdk synth` bundles it (no bundling-stacks override), once for every function here
  outdir = mkdtempSync(path.join(tmpdir(), 'gatepass-bundles-'));
  // The site fixture stands in for web/dist: only the functions' bundles are under test here.
  const app = new App({ outdir, context: { siteDir: siteFixtureDir } });
  const gatepass = new GatepassStack(app, 'Gatepass');
  // The bundles as `cdk synth` builds them; esbuild launched without npm's start-up (local-bins.ts).
  const assembly = withLocalBins(PROJECT_ROOT, () => app.synth());
  const template = assembly.getStackByName('Gatepass').template as { Resources: Record<string, any> };
  for (const id of [
    'get-badge',
    'get-wallet-apple',
    'mailer',
    'outbox-sweeper',
    'export-registrations',
    'export-registrations-xlsx',
    'print-badges',
  ]) {
    const fn = gatepass.functions.get(id)?.fn;
    if (!fn) throw new Error(`no ${id} function in the stack`);
    const s3Key = template.Resources[gatepass.getLogicalId(fn.node.defaultChild as never)].Properties.Code.S3Key as string;
    assetDirs[id] = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  }
  // ...and a local stack's tables, its workers stopped: emails stay owed for the bundles to send
  stack = await startTestStack({ sweepSeconds: 3600 });
  await stack.workers.stop();
  admin = await stack.token('admin');
  eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id;
  registration = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(1, { name: '최예린 (Yerin Choi)' }) }))
    .json;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

type Response = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };

interface Invocation<T = Response> {
  /** Every URL resolved once index.mjs was imported, before any call... */
  atImport: string[];
  /** ...and after the calls. */
  after: string[];
  results: T[];
}

/**
 * Imports `dir`/index.mjs in a fresh Node process (module hooks record what it resolves) and calls
 * its handler with each event in turn. Asynchronous: the child may call back into this process
 * (the local stack's JWKS, a fake S3 endpoint).
 */
async function invokeBundle<T = Response>(dir: string, events: unknown[], env: NodeJS.ProcessEnv = {}): Promise<Invocation<T>> {
  const scriptDir = mkdtempSync(path.join(tmpdir(), 'gatepass-invoke-'));
  try {
    const script = path.join(scriptDir, 'invoke.mjs');
    writeFileSync(
      script,
      `import { registerHooks } from 'node:module';
const resolved = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
const atImport = [...resolved];
const results = [];
for (const event of ${JSON.stringify(events)}) {
  const context = { callbackWaitsForEmptyEventLoop: false, functionName: 'gatepass-test', functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:gatepass-test', memoryLimitInMB: '256',
    awsRequestId: 'req-' + results.length, logGroupName: '/aws/lambda/gatepass-test', logStreamName: 'test', getRemainingTimeInMillis: () => 10000 };
  results.push(await handler(event, context));
}
process.stdout.write(JSON.stringify({ atImport, after: resolved, results }));
process.exit(0); // the SDK's keep-alive sockets must not hold the process
`,
    );
    // The environment the local stack set (tables, engine endpoints, secrets), as a deployed function gets its own.
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(stdout) as Invocation<T>;
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

/** The file URLs of `lazy` among resolved URLs. */
const loaded = (urls: string[], lazy: LazyModule) => [...new Set(urls.filter((u) => u.endsWith(`/${lazy.file}`)))];
const fileUrl = (dir: string, lazy: LazyModule) => pathToFileURL(path.join(dir, lazy.file)).href;

/** An API Gateway HTTP API (payload 2.0) event. */
function httpEvent(o: {
  route: string;
  rawPath: string;
  pathParameters: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}) {
  const now = new Date();
  const [method] = o.route.split(' ');
  return {
    version: '2.0',
    routeKey: o.route,
    rawPath: o.rawPath,
    rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
    headers: { host: 'api.example.org', 'x-forwarded-proto': 'https', ...o.headers },
    ...(o.query ? { queryStringParameters: o.query } : {}),
    pathParameters: o.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path: o.rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${randomBytes(4).toString('hex')}`,
      routeKey: o.route,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

const badgeEvent = (format: string) =>
  httpEvent({
    route: 'GET /events/{eventId}/registrations/{registrationId}/badge',
    rawPath: `/events/${eventId}/registrations/${registration.id}/badge`,
    pathParameters: { eventId, registrationId: registration.id },
    query: { format },
    headers: { 'x-manage-token': registration.manageToken },
  });

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('the synthesized get-badge bundle', () => {
  it('ships index.mjs, badge-renderer.mjs, the package.json mapping #badge-renderer, and the assets', () => {
    const dir = assetDirs['get-badge']!;
    for (const file of ['index.mjs', badgeRenderer.file, 'package.json', 'assets/Pretendard-Regular.ttf', 'assets/resvg.wasm']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).imports).toEqual({ '#badge-renderer': './badge-renderer.mjs' });
  });

  it('does not load the renderer at import, then renders a PNG and a PDF through badge-renderer.mjs', async () => {
    // Act
    const dir = assetDirs['get-badge']!;
    const run = await invokeBundle(dir, [badgeEvent('png'), badgeEvent('pdf')]);
    // Assess: the renderer came from the file beside index.mjs, on the first render only
    expect(loaded(run.atImport, badgeRenderer)).toEqual([]);
    expect(loaded(run.after, badgeRenderer)).toEqual([fileUrl(dir, badgeRenderer)]);
    const [png, pdf] = run.results;
    expect(png!.statusCode).toBe(200);
    expect(png!.headers['Content-Type']).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(png!.body, 'base64'));
    expect([image.width, image.height]).toEqual([840, 1184]);
    expect(decodeQr(Buffer.from(png!.body, 'base64'))).toBe(registration.badge.token);
    expect(pdf!.statusCode).toBe(200);
    expect(pdf!.headers['Content-Type']).toBe('application/pdf');
    const bytes = Buffer.from(pdf!.body, 'base64');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeLessThan(150 * 1024);
    expect(bytes.length).toBeGreaterThan(5_000); // an embedded Pretendard subset, not a blank page
  }, 60_000);

  it.each([badgeRenderer.file, 'package.json'])(
    'answers 500 instead of a badge when %s is missing',
    async (missing) => {
      // Prepare: the same bundle, one file short
      const copy = mkdtempSync(path.join(tmpdir(), 'gatepass-get-badge-short-'));
      try {
        cpSync(assetDirs['get-badge']!, copy, { recursive: true });
        rmSync(path.join(copy, missing));
        // Act
        const run = await invokeBundle(copy, [badgeEvent('png')], { POWERTOOLS_LOG_LEVEL: 'SILENT' }); // the error it logs is expected
        // Assess
        expect(run.results[0]!.statusCode).toBe(500);
        expect(loaded(run.after, badgeRenderer)).toEqual([]);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe('the synthesized get-wallet-apple bundle', () => {
  it('does not load the pass packager at import, then builds a .pkpass through apple-pass.mjs whose barcode is the badge', async () => {
    // Prepare
    const dir = assetDirs['get-wallet-apple']!;
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).imports).toEqual({ '#apple-pass': './apple-pass.mjs' });
    const event = httpEvent({
      route: 'GET /events/{eventId}/registrations/{registrationId}/wallet/apple',
      rawPath: `/events/${eventId}/registrations/${registration.id}/wallet/apple`,
      pathParameters: { eventId, registrationId: registration.id },
      headers: { 'x-manage-token': registration.manageToken },
    });
    // Act
    const run = await invokeBundle(dir, [event]);
    // Assess
    expect(loaded(run.atImport, applePass)).toEqual([]);
    expect(loaded(run.after, applePass)).toEqual([fileUrl(dir, applePass)]);
    const [answer] = run.results;
    expect(answer!.statusCode).toBe(200);
    expect(answer!.headers['Content-Type']).toBe('application/vnd.apple.pkpass');
    const zip = await JSZip.loadAsync(Buffer.from(answer!.body, 'base64'));
    const pass = JSON.parse(await zip.file('pass.json')!.async('string'));
    expect(pass.barcodes[0].message).toBe(registration.badge.token);
    expect(zip.file('signature')).not.toBeNull();
  }, 60_000);
});

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; contentId?: string }[];
}

async function inbox(to: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(to)));
}

/** A confirmed registration whose confirmation email is owed (the local workers are stopped). */
async function registered(email: string) {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(2, { email, sessions: ['bio'] }) });
  expect(r.status).toBe(201);
  const { outboxStore } = await import('#adapters/outbox-store');
  const owed = (await outboxStore.due(new Date(Date.now() + 1000))).find((o) => o.registrationId === r.json.id);
  if (!owed) throw new Error('no outbox item for the registration');
  return { registration: r.json as { id: string; badge: { token: string } }, outboxId: owed.id };
}

/** The confirmation email: in the registration's locale, the QR inline (decoding to the badge token) and the calendar. */
function expectConfirmation(mails: StoredEmail[], badgeToken: string) {
  expect(mails).toHaveLength(1);
  const [mail] = mails;
  expect(mail!.subject).toBe('[Test Forum] Your registration is confirmed');
  const qr = mail!.attachments.find((a) => a.contentType === 'image/png');
  expect(qr?.contentId).toContain('badge-qr@gatepass');
  expect(decodeQr(Buffer.from(qr!.content, 'base64'))).toBe(badgeToken);
  const ics = mail!.attachments.find((a) => a.filename === 'event.ics');
  expect(Buffer.from(ics!.content, 'base64').toString('utf8')).toContain('BEGIN:VEVENT');
}

describe('the synthesized mailer and outbox-sweeper bundles', () => {
  it.each(['mailer', 'outbox-sweeper'])('%s ships index.mjs, mail-composer.mjs and the package.json mapping #mail-composer', (id) => {
    const dir = assetDirs[id]!;
    for (const file of ['index.mjs', mailComposer.file, `${mailComposer.file}.map`, 'package.json'])
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).imports).toEqual({ '#mail-composer': './mail-composer.mjs' });
    expect(existsSync(path.join(dir, 'assets'))).toBe(false);
  });

  it('the mailer, given the outbox stream record, sends the email to the SES emulator, loading the composer on first use', async () => {
    // Prepare
    const email = `bundle-mailer-${randomBytes(3).toString('hex')}@example.com`;
    const { registration: r, outboxId } = await registered(email);
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        Keys: { pk: { S: `OUTBOX#x` } },
        NewImage: { type: { S: 'outbox' }, status: { S: 'pending' }, id: { S: outboxId } },
        SequenceNumber: '1',
      },
    };
    const dir = assetDirs.mailer!;
    // Act
    const run = await invokeBundle<{ batchItemFailures: unknown[] }>(dir, [{ Records: [record] }]);
    // Assess
    expect(run.results[0]).toEqual({ batchItemFailures: [] });
    expect(loaded(run.atImport, mailComposer)).toEqual([]);
    expect(loaded(run.after, mailComposer)).toEqual([fileUrl(dir, mailComposer)]);
    expectConfirmation(await inbox(email), r.badge.token);
  }, 60_000);

  it('the sweeper sends what is due, through mail-composer.mjs too', async () => {
    // Prepare
    const email = `bundle-sweeper-${randomBytes(3).toString('hex')}@example.com`;
    const { registration: r } = await registered(email);
    const dir = assetDirs['outbox-sweeper']!;
    // Act
    const run = await invokeBundle<{ attempted: number; sent: number; failed: number }>(dir, [{}]);
    // Assess
    expect(run.results[0]!.sent).toBeGreaterThanOrEqual(1);
    expect(run.results[0]!.failed).toBe(0);
    expect(loaded(run.atImport, mailComposer)).toEqual([]);
    expect(loaded(run.after, mailComposer)).toEqual([fileUrl(dir, mailComposer)]);
    expectConfirmation(await inbox(email), r.badge.token);
  }, 60_000);

  it('without mail-composer.mjs the mailer sends nothing and keeps the email owed (a retry, not a loss)', async () => {
    // Prepare: the same bundle, one file short
    const email = `bundle-short-${randomBytes(3).toString('hex')}@example.com`;
    const { outboxId } = await registered(email);
    const copy = mkdtempSync(path.join(tmpdir(), 'gatepass-mailer-short-'));
    try {
      cpSync(assetDirs.mailer!, copy, { recursive: true });
      rmSync(path.join(copy, mailComposer.file));
      const record = {
        eventName: 'INSERT',
        dynamodb: { NewImage: { type: { S: 'outbox' }, status: { S: 'pending' }, id: { S: outboxId } }, SequenceNumber: '1' },
      };
      // Act
      const run = await invokeBundle<{ batchItemFailures: unknown[] }>(copy, [{ Records: [record] }], { POWERTOOLS_LOG_LEVEL: 'SILENT' });
      // Assess
      expect(run.results[0]).toEqual({ batchItemFailures: [] }); // handled: the attempt is recorded as failed
      expect(await inbox(email)).toEqual([]);
      const { outboxStore } = await import('#adapters/outbox-store');
      const later = await outboxStore.due(new Date(Date.now() + 24 * 3600_000));
      expect(later.find((o) => o.id === outboxId)).toMatchObject({ status: 'pending', attempts: 1 });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the synthesized export-registrations-xlsx and print-badges bundles', () => {
  const adminEvent = (route: string, rawPath: string) =>
    httpEvent({ route, rawPath, pathParameters: { eventId }, headers: { authorization: `Bearer ${admin}` } });

  it('export.xlsx: exceljs ships as xlsx-writer.mjs, not in index.mjs, loads only when asked, and writes the workbook', async () => {
    // Prepare
    const dir = assetDirs['export-registrations-xlsx']!;
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).imports).toEqual({
      '#export-bucket': './export-bucket.mjs',
      '#xlsx-writer': './xlsx-writer.mjs',
    });
    expect(statSync(path.join(dir, 'index.mjs')).size).toBeLessThan(statSync(path.join(dir, xlsxWriter.file)).size / 1.5);
    // Act
    const run = await invokeBundle(dir, [
      adminEvent('GET /events/{eventId}/registrations/export.xlsx', `/events/${eventId}/registrations/export.xlsx`),
    ]);
    // Assess
    expect(loaded(run.atImport, xlsxWriter)).toEqual([]);
    expect(loaded(run.after, xlsxWriter)).toEqual([fileUrl(dir, xlsxWriter)]);
    const [r] = run.results;
    expect(r!.statusCode).toBe(200);
    const { readFirstSheet } = await import('../support/xlsx-reader.ts');
    const sheet = await readFirstSheet(Buffer.from(r!.body, 'base64'));
    expect(sheet.rows.get(2)?.get('D')).toEqual({ type: 'string', value: '최예린 (Yerin Choi)' });
  }, 60_000);

  it('badges.pdf: renders through badge-renderer.mjs with its assets, never loaded at import', async () => {
    const dir = assetDirs['print-badges']!;
    for (const file of [badgeRenderer.file, 'assets/Pretendard-Regular.ttf']) expect(existsSync(path.join(dir, file)), file).toBe(true);
    const run = await invokeBundle(dir, [adminEvent('GET /events/{eventId}/badges.pdf', `/events/${eventId}/badges.pdf`)]);
    expect(loaded(run.atImport, badgeRenderer)).toEqual([]);
    const [r] = run.results;
    expect(r!.statusCode).toBe(200);
    const { readPdf } = await import('../support/pdf-reader.ts');
    const pages = await readPdf(Buffer.from(r!.body, 'base64'));
    // The event's confirmed registrations (the mail tests above add some): one page each.
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.some((p) => p.text.includes('최예린'))).toBe(true);
  }, 60_000);
});

describe('the synthesized export-registrations bundle', () => {
  let bigEvent: string;
  const ROWS = 45;

  beforeAll(async () => {
    // Prepare: 45 registrations of ~135 KB of answers each (~6 MB of CSV), written straight to the table
    const textareas = ['about', 'needs', 'offer'].map((id) => ({ id, type: 'textarea', label: { ko: id, en: id } }));
    bigEvent = (await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 500, fields: textareas }) })).json.id;
    const { registrationItem } = await import('#adapters/registration-store');
    const { documents } = await import('#adapters/clients');
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const items = Array.from(
      { length: ROWS },
      (_, i): StoredRegistration => ({
        id: `Reg${String(i).padStart(19, '0')}`,
        eventId: bigEvent,
        status: 'confirmed',
        email: `big${i}@example.com`,
        name: `큰 등록 ${i}`,
        organization: null,
        jobTitle: null,
        locale: 'ko',
        sessions: [],
        answers: Object.fromEntries(textareas.map((f) => [f.id, '광주'.repeat(7500)])),
        consent: { privacy: true },
        createdAt: at(i),
        updatedAt: at(i),
        checkedInAt: null,
        tokenVersion: 1,
      }),
    );
    for (let i = 0; i < items.length; i += 25) {
      await documents.send(
        new BatchWriteCommand({
          RequestItems: { [stack.tables.data]: items.slice(i, i + 25).map((r) => ({ PutRequest: { Item: registrationItem(r) } })) },
        }),
      );
    }
  }, 60_000);

  const exportEvent = () =>
    httpEvent({
      route: 'GET /events/{eventId}/registrations/export.csv',
      rawPath: `/events/${bigEvent}/registrations/export.csv`,
      pathParameters: { eventId: bigEvent },
      headers: { authorization: `Bearer ${admin}` },
    });

  const expectAllRows = (csv: string) => {
    expect(Buffer.byteLength(csv)).toBeGreaterThan(5 * 1024 * 1024);
    const [, ...rows] = parseCsv(csv.slice(1));
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: ROWS }, (_, i) => `Reg${String(i).padStart(19, '0')}`));
  };

  it('ships index.mjs, export-bucket.mjs and the package.json mapping #export-bucket; index.mjs holds no S3 client', () => {
    const dir = assetDirs['export-registrations']!;
    for (const file of ['index.mjs', exportBucket.file, `${exportBucket.file}.map`, 'package.json'])
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).imports).toEqual({ '#export-bucket': './export-bucket.mjs' });
    expect(readFileSync(path.join(dir, 'index.mjs'), 'utf8')).not.toContain('PutObject');
    expect(readFileSync(path.join(dir, exportBucket.file), 'utf8')).toContain('PutObject');
  });

  it('answers a large export 303 through the local export dir (EXPORT_DIR), never loading export-bucket.mjs', async () => {
    // Act
    const dir = assetDirs['export-registrations']!;
    const run = await invokeBundle(dir, [exportEvent()]);
    // Assess
    const [r] = run.results;
    expect(r!.statusCode).toBe(303);
    const location = r!.headers.Location!;
    expect(location.startsWith(`${stack.url}/.local/exports/`)).toBe(true);
    expect(JSON.parse(r!.body)).toMatchObject({ downloadUrl: location, rows: ROWS });
    expect(loaded(run.after, exportBucket)).toEqual([]);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expectAllRows(await download.text());
  }, 60_000);

  describe('through S3 (EXPORT_BUCKET, a fake S3 endpoint in this process)', () => {
    let s3: Server;
    let s3Url: string;
    const puts: { method: string; url: string; body: Buffer; contentType?: string }[] = [];

    beforeAll(async () => {
      s3 = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          puts.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks), contentType: req.headers['content-type'] });
          res.writeHead(200, { ETag: '"fake"' }).end();
        });
      });
      await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
      s3Url = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => s3?.close(resolve));
    });

    it('stores the export with PutObject and answers 303 with a presigned GET, loading export-bucket.mjs on that first use only', async () => {
      // Act
      const dir = assetDirs['export-registrations']!;
      const run = await invokeBundle(dir, [exportEvent()], {
        EXPORT_BUCKET: 'gatepass-exports',
        EXPORT_DIR: undefined,
        AWS_ENDPOINT_URL_S3: s3Url,
      });
      // Assess
      expect(loaded(run.atImport, exportBucket)).toEqual([]);
      expect(loaded(run.after, exportBucket)).toEqual([fileUrl(dir, exportBucket)]);
      const [r] = run.results;
      expect(r!.statusCode).toBe(303);
      const location = new URL(r!.headers.Location!);
      expect(location.origin).toBe(s3Url);
      expect(location.pathname).toMatch(new RegExp(`^/gatepass-exports/exports/${bigEvent}/[0-9a-f-]{36}\\.csv$`));
      expect(location.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(puts).toHaveLength(1);
      expect(puts[0]).toMatchObject({ method: 'PUT', contentType: 'text/csv; charset=utf-8' });
      expect(puts[0]!.url.split('?')[0]).toBe(location.pathname);
      expectAllRows(puts[0]!.body.toString('utf8'));
    }, 60_000);
  });
});
