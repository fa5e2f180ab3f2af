/**
 * Before `cdk synth` packs web/dist into the template's assets, and before `npm start` serves it:
 * build the app when web/dist is missing or older than its sources, or stop with one line saying why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const webDir = path.join(root, 'web');
const distDir = path.join(webDir, 'dist');

function files(dir: string, skip: (p: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip(full)) return [];
    return entry.isDirectory() ? files(full, skip) : [full];
  });
}

/** Sources the pages import from outside web/: the schemas and the pure rules the handlers judge with. */
const sharedSources = [path.join(root, 'functions', 'schemas'), path.join(root, 'functions', 'domain')];

/** `missing`, `stale` (a source, the lockfile included, is newer than the oldest built file) or `fresh`. */
export function siteBuildState(
  web = webDir,
  lockfile = path.join(root, 'package-lock.json'),
  shared: readonly string[] = sharedSources,
): 'missing' | 'stale' | 'fresh' {
  const dist = path.join(web, 'dist');
  const built = files(dist);
  if (!built.some((f) => f.endsWith('.html')) || !existsSync(path.join(dist, 'assets'))) return 'missing';
  const oldestBuilt = Math.min(...built.map((f) => statSync(f).mtimeMs));
  const sources = [...files(web, (p) => p === dist || p.endsWith(`${path.sep}node_modules`)), ...shared.flatMap((d) => files(d)), lockfile];
  return sources.some((f) => existsSync(f) && statSync(f).mtimeMs > oldestBuilt) ? 'stale' : 'fresh';
}

/** Builds web/dist when it needs it (`npm run build:web`); on failure prints one line and exits 1. */
export function ensureSiteBuilt(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const state = siteBuildState();
  if (state === 'fresh') return distDir;
  log(`Gatepass: web/dist is ${state}; building the web app (npm run build:web)`);
  try {
    // A production build whoever asks: test runners set NODE_ENV=test, which would make Vite's
    // import.meta.env.PROD false (the scanner registers its service worker only in production).
    execFileSync('npm', ['run', '--silent', 'build:web'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } catch (error) {
    const output = `${(error as { stderr?: Buffer }).stderr ?? ''}${(error as { stdout?: Buffer }).stdout ?? ''}`;
    // Vite says "error during build:", "Build failed with 1 error:", then the cause: the first error line that is not a heading.
    const lines = output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const reason =
      lines.find((l) => /error/i.test(l) && !l.endsWith(':')) ??
      lines.find((l) => /error/i.test(l)) ??
      (error instanceof Error ? error.message.split('\n')[0] : String(error));
    log(`Gatepass: building the web app failed (${reason}); run npm run build:web to see why`);
    process.exit(1);
  }
  return distDir;
}
