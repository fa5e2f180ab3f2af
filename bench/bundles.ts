/**
 * Bundle weight: every handler in functions/handlers bundled the way GatepassFunction has
 * NodejsFunction bundle it (the same esbuild options and externals from lib/bundling.ts, through
 * esbuild's JS API instead of a full `cdk synth`, then the same afterBundling commands), its
 * size, what weighs in it (esbuild metafile), and how long a fresh Node process takes to import
 * it, as a ratio to a floor bundle (the DynamoDB client and one command, built the same way) and
 * to a bare `node -e ''`. Files the afterBundling step puts beside index.mjs (the lazy modules,
 * e.g. get-badge's badge-renderer.mjs with its fonts and wasm, the mailer's mail-composer.mjs,
 * export-registrations' export-bucket.mjs) are reported apart: a cold start does not load them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { routes, workers, type Route, type Worker } from '#routes';
import { ASSET_DIR } from '#badges/assets';
import { ESBUILD_OPTIONS, afterBundlingCommands, externalModules, lazyModulesFor, type FunctionBundling } from '../lib/bundling.ts';
import { median, progress, quantile, round } from './support.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HANDLERS = join(ROOT, 'functions', 'handlers');

/** GatepassFunction's `bundling` block (lib/bundling.ts), as NodejsFunction turns it into esbuild arguments. */
export const gatepassEsbuildOptions = {
  ...ESBUILD_OPTIONS,
  mainFields: [...ESBUILD_OPTIONS.mainFields],
  banner: { js: ESBUILD_OPTIONS.banner },
};

/** The floor: what any function that touches the table carries at least. */
const FLOOR_SOURCE = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async () => client.send(new GetItemCommand({ TableName: process.env.DATA_TABLE, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
`;

/**
 * Probes: what one piece costs at import, built the same way, timed in the same rounds. Each is
 * measured over its base: `banner` (an ESM bundle holding nothing but GatepassFunction's
 * createRequire banner and a handler) for the functions that need no AWS client, the floor for
 * the others. The pieces are the ones the bundles' import chains show.
 */
const HANDLER = 'export const handler = async () => ({ statusCode: 200 });';
const PROBES: { id: string; base: 'bare' | 'banner' | 'floor'; what: string; source: string }[] = [
  { id: 'banner', base: 'bare', what: "ESM bundle with only the createRequire banner (import from 'module')", source: HANDLER },
  {
    id: 'node:crypto',
    base: 'banner',
    what: "import from 'node:crypto' (OpenSSL initialisation)",
    source: `import { createHmac } from 'node:crypto'; export const h = createHmac; ${HANDLER}`,
  },
  {
    id: 'logger',
    base: 'banner',
    what: 'Powertools Logger, imported and constructed at module scope (functions/http/log.ts now loads and builds it on first use)',
    source: `import { Logger } from '@aws-lambda-powertools/logger'; export const logger = new Logger({ serviceName: 'gatepass' }); ${HANDLER}`,
  },
  {
    id: 'jose',
    base: 'banner',
    what: "jose's jwtVerify + createRemoteJWKSet (functions/http/auth.ts)",
    source: `import { createRemoteJWKSet, jwtVerify } from 'jose'; export const j = [createRemoteJWKSet, jwtVerify]; ${HANDLER}`,
  },
  {
    id: 'config',
    base: 'banner',
    what: 'functions/config.ts (zod/mini; the schema is built by the first config() call)',
    source: `import { config } from '#config'; export const c = config; ${HANDLER}`,
  },
  {
    id: 'http-route',
    base: 'banner',
    what: 'functions/http/route.ts (publicRoute: http/chain.ts, Logger loaded on first use, problem+json; no auth)',
    source: `import { publicRoute } from '#http/route'; export const handler = publicRoute('health', async () => ({ statusCode: 200, headers: {}, body: '' }) as never);`,
  },
  {
    id: 'middy',
    base: 'banner',
    what: '@middy/core (imports node:stream, node:stream/promises, node:stream/web, node:timers at load; routes now run http/chain.ts instead)',
    source: `import middy from '@middy/core'; export const handler = middy().handler(async () => ({ statusCode: 200 }));`,
  },
  {
    id: 'secured-route',
    base: 'banner',
    what: 'functions/http/secured-route.ts (securedRoute: + auth → jose, manage tokens → node:crypto, config)',
    source: `import { securedRoute } from '#http/secured-route'; export const handler = securedRoute('list-events', async () => ({ statusCode: 200, headers: {}, body: '' }) as never);`,
  },
  {
    id: 'floor+documents',
    base: 'floor',
    what: 'functions/adapters/clients.ts (DynamoDBClient + DynamoDBDocumentClient)',
    source: `import { documents } from '#adapters/clients'; import { GetCommand } from '@aws-sdk/lib-dynamodb'; export const handler = async () => documents.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }));`,
  },
  {
    id: 'floor+logger',
    base: 'floor',
    what: 'the floor + Powertools Logger constructed at module scope',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import { Logger } from '@aws-lambda-powertools/logger'; export const logger = new Logger({ serviceName: 'gatepass' }); ${HANDLER}`,
  },
  {
    id: 'floor+http-route',
    base: 'floor',
    what: 'the floor + functions/http/route.ts',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import { securedRoute } from '#http/secured-route'; export const handler = securedRoute('list-events', async () => ({ statusCode: 200, headers: {}, body: '' }) as never);`,
  },
  {
    id: 'floor+secrets',
    base: 'floor',
    what: "the floor + Powertools Parameters' getSecret (Secrets Manager client)",
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import { getSecret } from '@aws-lambda-powertools/parameters/secrets'; export const g = getSecret; ${HANDLER}`,
  },
  {
    id: 'floor+ics',
    base: 'floor',
    what: 'the floor + the `ics` package (CommonJS, builds its yup schemas when loaded; functions/mail/compose.ts)',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import { createEvents } from 'ics'; export const c = createEvents; ${HANDLER}`,
  },
  {
    id: 'floor+mail-compose',
    base: 'floor',
    what: 'the floor + functions/mail/compose.ts inlined (nodemailer MailComposer, ics, qrcode; the mailer and sweeper now ship it as mail-composer.mjs, #mail-composer)',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import * as compose from '#mail/compose'; export const c = compose; ${HANDLER}`,
  },
  {
    id: 'floor+export-bucket',
    base: 'floor',
    what: 'the floor + functions/adapters/export-bucket.ts inlined (S3 client + presigner; export-registrations now ships it as export-bucket.mjs, #export-bucket)',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import * as bucket from '#export-bucket'; export const b = bucket; ${HANDLER}`,
  },
  {
    id: 'floor+badge-render',
    base: 'floor',
    what: 'the floor + functions/badges/render.ts inlined in one file (pdf-lib, fontkit, resvg behind dynamic imports): what the get-badge index.mjs carried before the renderer became badge-renderer.mjs',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import * as render from '#badges/render'; export const r = render; ${HANDLER}`,
  },
  {
    id: 'floor+metrics',
    base: 'floor',
    what: 'the floor + Powertools Metrics imported and constructed at module scope (functions/http/metrics.ts now loads and builds it on the first count)',
    source: `${FLOOR_SOURCE.replace('export const handler', 'export const h')} import { Metrics } from '@aws-lambda-powertools/metrics'; export const m = new Metrics({ namespace: 'Gatepass', serviceName: 'gatepass' }); ${HANDLER}`,
  },
];

export interface ProbeFigure {
  id: string;
  what: string;
  base: string;
  kb: number;
  importMs: number;
  /** ms over its base, and as a ratio to its base. */
  overBaseMs: number;
  vsBase: number;
  error?: string;
}

/** Functions that need no AWS client: held to bare Node, not to the floor. */
const NO_AWS = new Set(['health', 'openapi', 'not-found']);

export const IMPORT_TARGET_FLOOR = 1.1;
export const IMPORT_TARGET_BARE = 1.2;

export interface PackageWeight {
  name: string;
  kb: number;
  /** KB beyond what the floor bundle holds of the same package. */
  overFloorKb: number;
  /** Shortest import chain from the handler to the first file of the package. */
  via: string[];
}

export interface BundleFigure {
  id: string;
  kb: number;
  mapKb: number;
  assetsKb: number;
  /**
   * The lazy modules' files beside index.mjs (none for most functions): loaded on first use, not
   * at import. `withItMs`: importing index.mjs and then that file, as its first use does (median ms).
   */
  lazyFiles: { specifier: string; file: string; kb: number; withItMs?: number }[];
  importMs: number;
  /** Interquartile range of the import times (ms): the noise to read the ratio against. */
  importIqrMs: [number, number];
  vsFloor: number;
  vsBare: number;
  target: string;
  met: boolean;
  ok: boolean;
  error?: string;
  top: PackageWeight[];
}

export interface BundlesResult {
  method: string;
  runsPerBundle: number;
  bareMs: number;
  floor: { kb: number; importMs: number; importIqrMs: [number, number]; vsBare: number; packages: { name: string; kb: number }[] };
  bundles: BundleFigure[];
  probes: ProbeFigure[];
  buildSeconds: number;
  measureSeconds: number;
}

const kb = (bytes: number) => round(bytes / 1024, 1);

/** The package an input path belongs to (`@aws-sdk/client-dynamodb`, `zod`), or `gatepass` for our own code. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('functions/') || input.startsWith('lib/') ? 'gatepass (functions/)' : input;
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

function packageBytes(meta: Metafile, outFile: string): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[outFile]?.inputs ?? {})) {
    const p = packageOf(input);
    byPackage.set(p, (byPackage.get(p) ?? 0) + bytesInOutput);
  }
  return byPackage;
}

/**
 * What weighs in one output beyond the floor: packages by bytes over the floor's bytes of the same
 * package, heaviest first, with the import chain that pulls each in.
 */
function weigh(meta: Metafile, outFile: string, entry: string, floor: Map<string, number>): PackageWeight[] {
  const byPackage = packageBytes(meta, outFile);
  // Breadth-first over the import graph: the shortest chain to each package.
  const via = new Map<string, string[]>();
  const seen = new Set([entry]);
  const queue: string[][] = [[entry]];
  while (queue.length) {
    const chain = queue.shift()!;
    const file = chain.at(-1)!;
    const p = packageOf(file);
    if (!via.has(p)) via.set(p, chain);
    for (const imp of meta.inputs[file]?.imports ?? []) {
      if (imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push([...chain, imp.path]);
    }
  }
  return [...byPackage]
    .map(([name, bytes]) => [name, bytes, bytes - (floor.get(name) ?? 0)] as const)
    .filter(([, , over]) => over > 512)
    .sort((a, b) => b[2] - a[2])
    .slice(0, 6)
    .map(([name, bytes, over]) => ({
      name,
      kb: kb(bytes),
      overFloorKb: kb(over),
      // The chain up to the first file inside the package, shown by package for files outside ours.
      via: (via.get(name) ?? []).map((f) =>
        f.includes('node_modules/')
          ? `${packageOf(f)}:${f
              .slice(f.lastIndexOf('node_modules/') + 13)
              .split('/')
              .slice(packageOf(f).split('/').length)
              .join('/')}`
          : f,
      ),
    }));
}

async function bundleOne(
  entry: string | { source: string },
  outdir: string,
  f: FunctionBundling = {},
): Promise<{ file: string; meta: Metafile; kb: number; mapKb: number }> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    ...gatepassEsbuildOptions,
    mainFields: [...gatepassEsbuildOptions.mainFields],
    external: externalModules(f), // GatepassFunction's externalModules: the function's lazy modules (#badge-renderer, #mail-composer...)
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, sourcefile: 'probe.ts', loader: 'ts' as const } }),
    outfile,
    absWorkingDir: ROOT, // NodejsFunction bundles from the project root (where package-lock.json is)
    metafile: true,
    logLevel: 'error',
  });
  return { file: outfile, meta: result.metafile, kb: kb(statSync(outfile).size), mapKb: kb(statSync(`${outfile}.map`).size) };
}

/** The environment a deployed function starts with (module-scope code reads some of it). */
function lambdaEnv(id: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    AWS_REGION: 'ap-northeast-2',
    AWS_DEFAULT_REGION: 'ap-northeast-2',
    AWS_LAMBDA_FUNCTION_NAME: `gatepass-${id}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_SERVICE_NAME: 'gatepass',
    DATA_TABLE: 'gatepass-data',
    SERVER_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:server',
    BADGE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:badges',
    MAIL_FROM: 'Gatepass <no-reply@example.org>',
    JWT_ISSUER: 'https://cognito-idp.ap-northeast-2.amazonaws.com/pool',
    JWT_JWKS_URL: 'https://cognito-idp.ap-northeast-2.amazonaws.com/pool/.well-known/jwks.json',
    JWT_CLIENT_ID: 'client',
  };
}

/** Wall time of one fresh `node` process running `args` to its exit, in ms. */
function timeNode(args: string[], env: NodeJS.ProcessEnv): { ms: number; ok: boolean; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, ok: r.status === 0, stderr: r.stderr ?? '' };
}

export async function measureBundles(options: { outDir: string; runs: number }): Promise<BundlesResult> {
  const tBuild = Date.now();
  const handlerIds = readdirSync(HANDLERS)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
  // Each function's flags, from its route or worker, as the stack reads them (lib/gatepass-stack.ts).
  const flags = new Map<string, Partial<Route & Worker>>(
    [...(routes as readonly Route[]), ...(workers as readonly Worker[])].map((r) => [r.id, r]),
  );
  progress('bundles', `bundling ${handlerIds.length} handlers + the floor with GatepassFunction's esbuild options`);

  const floor = await bundleOne({ source: FLOOR_SOURCE }, join(options.outDir, 'floor'));
  const floorPackages = packageBytes(floor.meta, relative(ROOT, floor.file));

  const built = await Promise.all(
    handlerIds.map(async (id) => {
      const entry = join(HANDLERS, `${id}.ts`);
      const outdir = join(options.outDir, id);
      // As the stack does (lib/gatepass-stack.ts): lazy modules from the route's or worker's flags.
      const f: FunctionBundling = { lazyModules: lazyModulesFor(flags.get(id) ?? {}) };
      const b = await bundleOne(entry, outdir, f);
      // GatepassFunction's afterBundling hook, the same commands run the same way (bash, from the
      // project root, as NodejsFunction's local bundling does): lazy files, package.json, assets.
      for (const command of afterBundlingCommands(f, ROOT, outdir)) {
        const r = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`afterBundling for ${id} failed: ${command}\n${r.stderr}`);
      }
      const assetDir = join(outdir, ASSET_DIR);
      const assetsBytes = existsSync(assetDir)
        ? readdirSync(assetDir).reduce((sum, file) => sum + statSync(join(assetDir, file)).size, 0)
        : 0;
      const lazyFiles = (f.lazyModules ?? []).map((m) => {
        const path = join(outdir, m.file);
        if (!existsSync(path)) throw new Error(`afterBundling for ${id} made no ${m.file}`);
        return { specifier: m.specifier, file: m.file, path, kb: kb(statSync(path).size) };
      });
      const outKey = relative(ROOT, b.file);
      return {
        id,
        ...b,
        assetsKb: kb(assetsBytes),
        lazyFiles,
        top: weigh(b.meta, outKey, relative(ROOT, entry), floorPackages),
      };
    }),
  );
  const probes = await Promise.all(
    PROBES.map(async (p) => ({
      ...p,
      ...(await bundleOne({ source: p.source }, join(options.outDir, 'probes', p.id.replace(/[^\w-]/g, '_')))),
    })),
  );
  const buildSeconds = (Date.now() - tBuild) / 1000;
  progress('bundles', `built in ${buildSeconds.toFixed(1)}s; timing imports: ${options.runs} fresh node processes per bundle, interleaved`);

  // Interleave: each round runs bare node, the floor and every bundle once, in a shuffled order.
  const tMeasure = Date.now();
  const subjects = [
    { id: '(bare)', args: ['-e', ''] },
    { id: '(floor)', args: [floor.file] },
    ...built.map((b) => ({ id: b.id, args: [b.file] })),
    // What a lazy module's first use adds: index.mjs, then its file (not part of the import ratio).
    ...built.flatMap((b) =>
      b.lazyFiles.map((l) => ({
        id: `${b.id}+${l.file}`,
        args: ['--input-type=module', '-e', `await import(${JSON.stringify(b.file)}); await import(${JSON.stringify(l.path)});`],
      })),
    ),
    ...probes.map((p) => ({ id: `probe:${p.id}`, args: [p.file] })),
  ];
  const times = new Map<string, number[]>(subjects.map((s) => [s.id, []]));
  const errors = new Map<string, string>();
  // One untimed warm-up round: the page cache holds every file before anything is timed.
  for (const s of subjects) {
    const r = timeNode(s.args, lambdaEnv(s.id));
    if (!r.ok) errors.set(s.id, r.stderr.trim().split('\n').slice(-3).join(' | '));
  }
  for (let round = 0; round < options.runs; round++) {
    const order = [...subjects].sort(() => Math.random() - 0.5);
    for (const s of order) times.get(s.id)!.push(timeNode(s.args, lambdaEnv(s.id)).ms);
    progress('bundles', `import timing round ${round + 1}/${options.runs}`);
  }
  const measureSeconds = (Date.now() - tMeasure) / 1000;
  const bareMs = median(times.get('(bare)')!);
  const floorMs = median(times.get('(floor)')!);

  const bundles: BundleFigure[] = built.map((b) => {
    const importMs = median(times.get(b.id)!);
    const noAws = NO_AWS.has(b.id);
    const vsFloor = importMs / floorMs;
    const vsBare = importMs / bareMs;
    const met = !errors.has(b.id) && (noAws ? vsBare <= IMPORT_TARGET_BARE : vsFloor <= IMPORT_TARGET_FLOOR);
    return {
      id: b.id,
      kb: b.kb,
      mapKb: b.mapKb,
      assetsKb: b.assetsKb,
      lazyFiles: b.lazyFiles.map((l) => ({
        specifier: l.specifier,
        file: l.file,
        kb: l.kb,
        ...(times.has(`${b.id}+${l.file}`) ? { withItMs: round(median(times.get(`${b.id}+${l.file}`)!), 1) } : {}),
      })),
      importMs: round(importMs, 1),
      importIqrMs: [round(quantile(times.get(b.id)!, 0.25), 1), round(quantile(times.get(b.id)!, 0.75), 1)],
      vsFloor: round(vsFloor, 2),
      vsBare: round(vsBare, 2),
      target: noAws ? `≤ ${IMPORT_TARGET_BARE}× bare node` : `≤ ${IMPORT_TARGET_FLOOR}× floor`,
      met,
      ok: !errors.has(b.id),
      ...(errors.has(b.id) ? { error: errors.get(b.id) } : {}),
      top: b.top,
    };
  });
  const bannerMs = median(times.get('probe:banner')!);
  const baseMs = { bare: bareMs, banner: bannerMs, floor: floorMs };
  const probeFigures: ProbeFigure[] = probes.map((p) => {
    const ms = median(times.get(`probe:${p.id}`)!);
    return {
      id: p.id,
      what: p.what,
      base: p.base,
      kb: p.kb,
      importMs: round(ms, 1),
      overBaseMs: round(ms - baseMs[p.base], 1),
      vsBase: round(ms / baseMs[p.base], 2),
      ...(errors.has(`probe:${p.id}`) ? { error: errors.get(`probe:${p.id}`) } : {}),
    };
  });
  return {
    method:
      "esbuild JS API with GatepassFunction's bundling options from lib/bundling.ts (bundle, platform node, target node24, ESM, minify, linked source map, mainFields module,main, createRequire banner, nothing external but the function's lazy modules, chosen from its route's or worker's flags by lazyModulesFor as the stack does: #badge-renderer, #mail-composer, #export-bucket), one build per handler, from the project root, then GatepassFunction's afterBundling commands (each lazy module built to its own file, one package.json mapping them, assets); not a full cdk synth. Import time: median wall time of a fresh `node index.mjs` (module scope runs, the handler is not invoked), interleaved rounds after one untimed warm-up round; files beside index.mjs are not loaded by it and are reported apart (lazyFiles, with the time of index.mjs followed by each).",
    runsPerBundle: options.runs,
    bareMs: round(bareMs, 1),
    floor: {
      kb: floor.kb,
      importMs: round(floorMs, 1),
      importIqrMs: [round(quantile(times.get('(floor)')!, 0.25), 1), round(quantile(times.get('(floor)')!, 0.75), 1)],
      vsBare: round(floorMs / bareMs, 2),
      packages: [...floorPackages].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, kb: kb(bytes) })),
    },
    bundles,
    probes: probeFigures,
    buildSeconds: round(buildSeconds, 1),
    measureSeconds: round(measureSeconds, 1),
  };
}
