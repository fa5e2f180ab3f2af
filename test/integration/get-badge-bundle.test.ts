/**
 * The deployed shape of get-badge, run for real: the Gatepass stack synthesized with bundling
 * (NodejsFunction + GatepassFunction's afterBundling, locally, as `cdk synth` does), then the
 * function's asset directory (index.mjs, badge-renderer.mjs, package.json, assets/) imported in a
 * fresh Node process and invoked against the run's DynamoDB Local, with a registration made
 * through the local stack. index.mjs must not load the renderer at import; the first render must
 * load it from badge-renderer.mjs beside it, through the asset's package.json "imports".
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BADGE_RENDERER } from '../../lib/bundling.ts';
import { GatepassStack } from '../../lib/gatepass-stack.ts';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let outdir: string;
let assetDir: string;
let stack: TestStack;
let registration: { id: string; manageToken: string; badge: { token: string } };
let eventId: string;

beforeAll(async () => {
  // Prepare: the stack as `cdk synth` bundles it (no bundling-stacks override)
  outdir = mkdtempSync(path.join(tmpdir(), 'gatepass-get-badge-'));
  const app = new App({ outdir });
  const gatepass = new GatepassStack(app, 'Gatepass');
  const assembly = app.synth();
  const template = assembly.getStackByName('Gatepass').template as { Resources: Record<string, any> };
  const getBadge = gatepass.node.findAll().find((c) => c.node.path === 'Gatepass/Fn-get-badge/Function');
  if (!getBadge) throw new Error('no get-badge function in the stack');
  const s3Key = template.Resources[gatepass.getLogicalId(getBadge.node.defaultChild as never)].Properties.Code.S3Key as string;
  assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  // ...and a confirmed registration in a local stack's tables
  stack = await startTestStack({ sweepSeconds: 3600 });
  const admin = await stack.token('admin');
  eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id;
  registration = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(1, { name: '최예린 (Yerin Choi)' }) })).json;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

interface Invocation {
  /** Resolved URLs of badge-renderer.mjs once index.mjs was imported, before any call. */
  rendererAtImport: string[];
  /** ... and after the calls. */
  rendererAfter: string[];
  responses: Record<string, { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean }>;
}

/** Imports `dir`/index.mjs in a fresh Node process (module hooks record what it resolves) and calls its handler once per format. */
function invokeBundle(dir: string, formats: string[], env: NodeJS.ProcessEnv = {}): Invocation {
  const scriptDir = mkdtempSync(path.join(tmpdir(), 'gatepass-invoke-'));
  try {
    const script = path.join(scriptDir, 'invoke.mjs');
    writeFileSync(
      script,
      `import { registerHooks } from 'node:module';
const resolved = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
const renderer = () => resolved.filter((u) => u.endsWith('/${BADGE_RENDERER.file}'));
const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'index.mjs')).href)});
const rendererAtImport = renderer();
const responses = {};
for (const format of ${JSON.stringify(formats)}) {
  const now = new Date();
  const event = {
    version: '2.0', routeKey: 'GET /events/{eventId}/registrations/{registrationId}/badge',
    rawPath: '/events/${eventId}/registrations/${registration.id}/badge', rawQueryString: 'format=' + format,
    headers: { 'x-manage-token': ${JSON.stringify(registration.manageToken)}, host: 'api.example.org', 'x-forwarded-proto': 'https' },
    queryStringParameters: { format },
    pathParameters: { eventId: ${JSON.stringify(eventId)}, registrationId: ${JSON.stringify(registration.id)} },
    requestContext: { accountId: '000000000000', apiId: 'api', domainName: 'api.example.org', domainPrefix: 'api',
      http: { method: 'GET', path: '/badge', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-' + format, routeKey: 'GET /events/{eventId}/registrations/{registrationId}/badge', stage: '$default', time: now.toUTCString(), timeEpoch: now.getTime() },
    isBase64Encoded: false,
  };
  const context = { callbackWaitsForEmptyEventLoop: false, functionName: 'gatepass-get-badge', functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:gatepass-get-badge', memoryLimitInMB: '1024',
    awsRequestId: 'req-' + format, logGroupName: '/aws/lambda/gatepass-get-badge', logStreamName: 'test', getRemainingTimeInMillis: () => 10000 };
  responses[format] = await handler(event, context);
}
process.stdout.write(JSON.stringify({ rendererAtImport, rendererAfter: renderer(), responses }));
process.exit(0); // the SDK's keep-alive sockets must not hold the process
`,
    );
    // The environment the local stack set (tables, DynamoDB Local endpoint, secrets), as a deployed function gets its own.
    const out = execFileSync(process.execPath, [script], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out) as Invocation;
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

describe('the synthesized get-badge bundle', () => {
  it('ships index.mjs, badge-renderer.mjs, the package.json mapping #badge-renderer, and the assets', () => {
    for (const file of ['index.mjs', BADGE_RENDERER.file, 'package.json', 'assets/Pretendard-Regular.ttf', 'assets/resvg.wasm']) {
      expect(existsSync(path.join(assetDir, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(assetDir, 'package.json'), 'utf8')).imports).toEqual({ '#badge-renderer': './badge-renderer.mjs' });
  });

  it('does not load the renderer at import, then renders a PNG and a PDF through badge-renderer.mjs', () => {
    // Act
    const run = invokeBundle(assetDir, ['png', 'pdf']);
    // Assess: the renderer came from the file beside index.mjs, on the first render only
    expect(run.rendererAtImport).toEqual([]);
    expect(new Set(run.rendererAfter)).toEqual(new Set([pathToFileURL(path.join(assetDir, BADGE_RENDERER.file)).href]));
    const { png, pdf } = run.responses;
    expect(png!.statusCode).toBe(200);
    expect(png!.headers['Content-Type']).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(png!.body, 'base64'));
    expect([image.width, image.height]).toEqual([840, 1184]);
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(registration.badge.token);
    expect(pdf!.statusCode).toBe(200);
    expect(pdf!.headers['Content-Type']).toBe('application/pdf');
    const bytes = Buffer.from(pdf!.body, 'base64');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeLessThan(150 * 1024);
    expect(bytes.length).toBeGreaterThan(5_000); // an embedded Pretendard subset, not a blank page
  }, 60_000);

  it.each([BADGE_RENDERER.file, 'package.json'])('answers 500 instead of a badge when %s is missing', (missing) => {
    // Prepare: the same bundle, one file short
    const copy = mkdtempSync(path.join(tmpdir(), 'gatepass-get-badge-short-'));
    try {
      cpSync(assetDir, copy, { recursive: true });
      rmSync(path.join(copy, missing));
      // Act
      const run = invokeBundle(copy, ['png'], { POWERTOOLS_LOG_LEVEL: 'SILENT' }); // the error it logs is expected
      // Assess
      expect(run.responses.png!.statusCode).toBe(500);
      expect(run.rendererAfter.filter((u) => u.startsWith(pathToFileURL(copy).href))).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
