/**
 * `npm run bench`: every figure of the benchmark suite in one run, progress on stderr, a table of
 * figures with their targets on stdout, everything in bench/results.json (see bench/README.md).
 *
 *   npm run bench                         the whole suite (about 2–3 minutes on 2 cores)
 *   npm run bench -- --only burst,shards  some figures (printed, results.json left alone)
 *   npm run bench -- --runs 7             fresh node processes per bundle for import times (21)
 *   npm run bench -- --connections 32     the burst client's connection limit (128)
 *
 * Figures are ratios taken in one run; nothing here is a test and no timing is ever asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles, type BundlesResult } from './bundles.ts';
import { measureBurst, type BurstResult } from './burst.ts';
import { startBench, type BenchContext } from './context.ts';
import { measureDynamoWork, type DynamoWorkResult } from './dynamo-work.ts';
import { measureMeetings, type MeetingsResult } from './meetings.ts';
import { shardScenarios, type ShardOutcome } from './shards.ts';
import { progress, round } from './support.ts';
import { measureThroughput, type ThroughputResult } from './throughput.ts';
import { measureWeb, type WebResult } from './web.ts';

const FIGURES = ['bundles', 'dynamodb', 'throughput', 'burst', 'shards', 'web', 'meetings'] as const;
type Figure = (typeof FIGURES)[number];
const TOTAL_TARGET_SECONDS = 360;

const USAGE = `Usage: npm run bench [-- options]

Measures Gatepass's figures beside their targets (bench/README.md); about 2–3 minutes on 2 cores.
The whole suite writes bench/results.json; a part (--only) is printed and results.json left alone.

Options:
  --only <figures>       comma-separated, of: ${FIGURES.join(', ')}
  --runs <n>             fresh node processes per bundle for import times (default 21)
  --connections <n>      the burst client's connection limit (default 128)
  -h, --help             this text
`;

/** A wrong flag is the caller's mistake: say what is accepted, no stack trace. */
function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '21' },
      connections: { type: 'string', default: '128' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parseOptions();
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error));
}
const { values: args } = parsed;
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const only = new Set(
  (args.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? FIGURES) as Figure[],
);
for (const f of only) if (!FIGURES.includes(f)) usageError(`unknown figure ${f}`);
const full = only.size === FIGURES.length;
const runs = Number(args.runs);
for (const [name, value] of [
  ['--runs', args.runs],
  ['--connections', args.connections],
] as const) {
  if (!/^[1-9][0-9]*$/.test(value)) usageError(`${name} must be a positive whole number, got ${value}`);
}

interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

interface Results {
  generatedAt: string;
  machine: { node: string; cpus: number; cpuModel: string; memoryGb: number; platform: string };
  totalSeconds: number;
  /** "No application metrics to publish" warnings the handlers printed (suppressed). */
  metricsWarnings: number;
  bundles?: BundlesResult;
  dynamodb?: DynamoWorkResult;
  throughput?: ThroughputResult;
  burst?: BurstResult;
  shards?: { model: string; scenarios: ShardOutcome[] };
  web?: WebResult;
  meetings?: MeetingsResult;
  table: Row[];
}

// Powertools Metrics (functions/http/metrics.ts) warns on every invocation that counted nothing
// (repeat scans, refusals); in this process that is noise between the progress lines: count it.
let metricsWarnings = 0;
const warn = console.warn.bind(console);
console.warn = (...line: unknown[]) => {
  if (typeof line[0] === 'string' && line[0].startsWith('No application metrics to publish')) metricsWarnings++;
  else warn(...line);
};

const t0 = Date.now();
const results: Results = {
  generatedAt: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    platform: `${process.platform}-${process.arch}`,
  },
  totalSeconds: 0,
  metricsWarnings: 0,
  table: [],
};

let ctx: BenchContext | undefined;
const outDir = mkdtempSync(join(tmpdir(), 'gatepass-bench-bundles-'));
try {
  if (only.has('bundles')) results.bundles = await measureBundles({ outDir, runs });
  if (only.has('dynamodb') || only.has('throughput') || only.has('burst') || only.has('meetings')) {
    ctx = await startBench();
    if (only.has('dynamodb')) results.dynamodb = await measureDynamoWork(ctx);
    if (only.has('throughput')) results.throughput = await measureThroughput(ctx, { count: 1000, concurrency: 16, warmup: 800, rounds: 4 });
    if (only.has('burst'))
      results.burst = await measureBurst(ctx, { requests: 2000, seats: 500, doubleSubmits: 50, connections: Number(args.connections) });
    if (only.has('meetings')) results.meetings = await measureMeetings(ctx);
  }
  if (only.has('shards')) {
    progress('shards', 'simulating sharded seat counters (pure, seeded)');
    results.shards = {
      model:
        'Discrete-event simulation (bench/shards.ts): Poisson arrivals; each request reads every shard, writes to a random shard that looks non-empty; each counter item serves ≤ 500 transactional writes/s, FIFO; a write that finds its shard empty falls back after a fresh read; sold out when every shard is empty; a request that would wait > 8 s for its write answers 503.',
      scenarios: shardScenarios(),
    };
  }
  if (only.has('web')) results.web = await measureWeb();
} finally {
  progress('bench', 'stopping engines');
  await ctx?.stop().catch((e: unknown) => progress('bench', `stop failed: ${String(e)}`));
  rmSync(outDir, { recursive: true, force: true });
}
results.totalSeconds = round((Date.now() - t0) / 1000, 1);
results.metricsWarnings = metricsWarnings;
results.table = rows(results);

printTable(results);
if (full) {
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('\nwrote bench/results.json\n');
} else {
  const file = join(tmpdir(), 'gatepass-bench-partial.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n(partial run: bench/results.json left as it was; this run's figures are in ${file})\n`);
}
// The SDK's and undici's keep-alive sockets must not hold the process.
process.exit(0);

// ---------------------------------------------------------------------------------------------

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const b = r.bundles;
  if (b) {
    out.push({ figure: 'bare `node -e ""`', measured: `${b.bareMs} ms (median of ${b.runsPerBundle})`, target: '—', met: null });
    out.push({
      figure: 'floor bundle (DynamoDB client + 1 command)',
      measured: `${b.floor.kb} KB, ${b.floor.importMs} ms = ${b.floor.vsBare}× bare`,
      target: '—',
      met: null,
    });
    for (const x of b.bundles) {
      const ratio = x.target.includes('bare') ? `${x.vsBare}× bare` : `${x.vsFloor}× floor`;
      out.push({
        figure: `import ${x.id}`,
        measured: x.ok
          ? `${ratio} (${x.kb} KB, ${x.importMs} ms)${x.lazyFiles.map((l) => `; first use of ${l.specifier} loads ${l.kb} KB of ${l.file} (${l.withItMs} ms with it)`).join('')}`
          : `failed: ${x.error}`,
        target: x.target,
        met: x.met,
      });
    }
    for (const p of b.probes) {
      out.push({
        figure: `import probe: ${p.id}`,
        measured: p.error ? `failed: ${p.error}` : `+${p.overBaseMs} ms over ${p.base} (${p.vsBase}×, ${p.kb} KB)`,
        target: '(info)',
        met: null,
      });
    }
  }
  const d = r.dynamodb;
  if (d) {
    for (const o of d.operations) {
      const tables = Object.entries(o.byTable)
        .map(([t, cu]) => `${t} ${cu}`)
        .join(', ');
      const range = o.capacityRange[0] !== o.capacityRange[1] ? ` [${o.capacityRange[0]}–${o.capacityRange[1]}]` : '';
      out.push({
        figure: `DynamoDB: ${o.op}`,
        measured: `${o.roundTrips} round trips, ${o.capacity} CU${range} (${tables})`,
        target: '—',
        met: null,
      });
    }
    const a = d.attendance;
    out.push({
      figure: 'attendance work at 10,000 / at 100 registrations',
      measured: `${a.capacityRatio} (CU ${a.at10000.capacity}/${a.at100.capacity}), round trips ${a.roundTripRatio}`,
      target: '= 1.0',
      met: a.met,
    });
    const tl = d.timeline;
    out.push({
      figure: 'attendance timeline work at 10,000 / at 100 people',
      measured: `items ${tl.itemRatio} (${tl.at10000.itemsRead}/${tl.at100.itemsRead}), CU ${tl.capacityRatio} (${tl.at10000.capacity}/${tl.at100.capacity}), round trips ${tl.roundTripRatio}, latency ${tl.latencyRatio} (${tl.at10000.medianMs}/${tl.at100.medianMs} ms), ${tl.at100.points} point(s) a place`,
      target: tl.target,
      met: tl.met,
    });
  }
  const m = r.meetings;
  if (m) {
    out.push({
      figure: 'meeting accept at 2,000 / at 10 scheduled',
      measured: `round trips ${m.roundTripRatio} (${m.at2000.roundTrips}/${m.at10.roundTrips}), CU ${m.capacityRatio} (${m.at2000.capacity}/${m.at10.capacity})`,
      target: 'round trips = 1.0',
      met: m.roundTripRatio === 1,
    });
  }
  const t = r.throughput;
  if (t) {
    out.push({
      figure: 'raw TransactWriteItems (same items)',
      measured: `${t.raw.perSecond}/s (${t.count}, ${t.concurrency} in flight)`,
      target: '—',
      met: null,
    });
    out.push({
      figure: 'handler path (Idempotency-Key) / raw',
      measured: `${t.ratio} (${t.handler.perSecond}/s; rounds ${t.roundRatios.withKey.join(', ')})`,
      target: t.target,
      met: t.met,
    });
    out.push({
      figure: 'handler path (no Idempotency-Key) / raw',
      measured: `${t.ratioNoKey} (${t.handlerNoKey.perSecond}/s; rounds ${t.roundRatios.noKey.join(', ')})`,
      target: '(info)',
      met: null,
    });
  }
  const u = r.burst;
  if (u) {
    for (const c of u.checks) out.push({ figure: `burst: ${c.name}`, measured: String(c.value), target: c.target, met: c.met });
    out.push({
      figure: 'burst: waitlisted / sold out / other',
      measured: `${u.answered.waitlisted} / ${u.answered.soldOut} / ${JSON.stringify(u.answered.other)}`,
      target: '—',
      met: null,
    });
    out.push({
      figure: 'burst: latency p50 / p99 (on the wire)',
      measured: `${u.latencyMs.p50} / ${u.latencyMs.p99} ms`,
      target: '—',
      met: null,
    });
    out.push({
      figure: 'burst: latency p50 / p99 (from issue)',
      measured: `${u.latencyMs.p50Issued} / ${u.latencyMs.p99Issued} ms`,
      target: '—',
      met: null,
    });
    out.push({
      figure: 'burst: wall time',
      measured: `${u.wallSeconds} s (${u.perSecond} req/s, ${u.connections} connections)`,
      target: '—',
      met: null,
    });
  }
  for (const s of r.shards?.scenarios ?? []) {
    out.push({
      figure: `shards: N=${s.shards}, ${s.capacity.toLocaleString('en')} seats @ ${s.arrivalRate.toLocaleString('en')}/s`,
      measured: `sold ${s.sold}, oversold ${s.oversold}, 503 ${s.timeouts}, fallbacks ${s.fallbacks}, overtaken ${s.overtaken}, sell-out ${s.sellOutSeconds}s, wait p99 ${s.waitP99} ms`,
      target: '(simulation)',
      met: null,
    });
  }
  for (const p of r.web?.pages ?? []) {
    const budget = r.web!.budgets?.find((b) => b.page === p.page);
    out.push({
      figure: `web: first load of /${p.page === 'event' ? 'e/{eventId}' : p.page}`,
      measured: `${p.gzipKb} KB gzip (JS ${p.jsKb} + CSS ${p.cssKb}; ${p.rawKb} KB raw, ${p.files} files)`,
      target: budget ? `≤ ${budget.budgetKb} KB` : '(info)',
      met: budget ? budget.met : null,
    });
  }
  out.push({
    figure: 'whole bench run',
    measured: `${r.totalSeconds} s`,
    target: `< ${TOTAL_TARGET_SECONDS} s`,
    met: full ? r.totalSeconds < TOTAL_TARGET_SECONDS : null,
  });
  return out;
}

function printTable(r: Results): void {
  const mark = (m: boolean | null) => (m === null ? '' : m ? 'met' : 'MISSED');
  const w = [
    Math.max(6, ...r.table.map((x) => x.figure.length)),
    Math.max(8, ...r.table.map((x) => x.measured.length)),
    Math.max(6, ...r.table.map((x) => x.target.length)),
  ];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c.padEnd(w[2]!)}  ${d}`;
  const out = [
    '',
    `Gatepass bench — ${r.generatedAt}, Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}`,
    '',
    line('figure', 'measured', 'target', ''),
    line('-'.repeat(w[0]!), '-'.repeat(w[1]!), '-'.repeat(w[2]!), '------'),
    ...r.table.map((x) => line(x.figure, x.measured, x.target, mark(x.met))),
  ];
  const heavy = r.bundles?.bundles.filter((x) => !x.met) ?? [];
  if (heavy.length) {
    out.push('', 'What weighs in the bundles that miss (KB beyond the floor, by package; the import chain that pulls it in):');
    for (const x of heavy) {
      out.push(
        `  ${x.id} (${x.kb} KB${x.lazyFiles.map((l) => `, + ${l.kb} KB of ${l.file}`).join('')}${x.assetsKb ? `, + ${x.assetsKb} KB of assets beside it` : ''}):`,
      );
      for (const p of x.top.slice(0, 4))
        out.push(
          `    +${String(p.overFloorKb).padStart(6)} KB  ${p.name.padEnd(32)} via ${p.via.slice(0, 5).join(' → ')}${p.via.length > 5 ? ' → …' : ''}`,
        );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
