/**
 * The web app's first-load weight: builds web/dist (Vite, the project's config) and, from Vite's
 * manifest, adds up what each page's first load transfers: its entry script, every chunk it
 * imports statically, and their CSS, each gzipped (level 9, as a CDN compresses). Dynamic
 * imports are not first load and are listed apart. Budgets: the event page ≤ 60 KB, the admin
 * console (/admin) ≤ 250 KB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { progress, round } from './support.ts';

const web = fileURLToPath(new URL('../web/', import.meta.url));
export const EVENT_PAGE_BUDGET_KB = 60;
export const CONSOLE_BUDGET_KB = 250;
/** Pages with a first-load budget (KB gzip, JS + CSS). */
export const pageBudgetsKb: Readonly<Record<string, number>> = { event: EVENT_PAGE_BUDGET_KB, admin: CONSOLE_BUDGET_KB };

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface PageWeight {
  page: string;
  files: number;
  jsKb: number;
  cssKb: number;
  /** gzip of JS + CSS of the first load */
  gzipKb: number;
  rawKb: number;
  lazyGzipKb: number;
}

export interface WebResult {
  method: string;
  pages: PageWeight[];
  budgetKb: number;
  met: boolean;
  /** Every budgeted page's verdict (pageBudgetsKb). */
  budgets: { page: string; budgetKb: number; met: boolean }[];
}

export async function measureWeb(options: { build?: boolean } = {}): Promise<WebResult> {
  if (options.build !== false) {
    progress('web', 'building web/dist with Vite');
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  }
  const dist = join(web, 'dist');
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const gz = new Map<string, { raw: number; gzip: number }>();
  const size = (file: string) => {
    let s = gz.get(file);
    if (!s) {
      const bytes = readFileSync(join(dist, file));
      s = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
      gz.set(file, s);
    }
    return s;
  };
  const pages: PageWeight[] = [];
  for (const [key, entry] of Object.entries(manifest)) {
    if (!entry.isEntry) continue;
    const first = new Set<string>();
    const lazy = new Set<string>();
    const walk = (k: string) => {
      const c = manifest[k]!;
      if (first.has(c.file)) return;
      first.add(c.file);
      for (const css of c.css ?? []) first.add(css);
      for (const i of c.imports ?? []) walk(i);
      for (const d of c.dynamicImports ?? []) lazy.add(manifest[d]!.file);
    };
    walk(key);
    const files = [...first];
    const sum = (pred: (f: string) => boolean, pick: 'raw' | 'gzip') => files.filter(pred).reduce((t, f) => t + size(f)[pick], 0);
    pages.push({
      page: key.replace(/\.html$/, ''),
      files: files.length,
      jsKb: round(sum((f) => f.endsWith('.js'), 'gzip') / 1024, 1),
      cssKb: round(sum((f) => f.endsWith('.css'), 'gzip') / 1024, 1),
      gzipKb: round(sum(() => true, 'gzip') / 1024, 1),
      rawKb: round(sum(() => true, 'raw') / 1024, 1),
      lazyGzipKb: round([...lazy].filter((f) => !first.has(f)).reduce((t, f) => t + size(f).gzip, 0) / 1024, 1),
    });
  }
  pages.sort((a, b) => a.page.localeCompare(b.page));
  const event = pages.find((p) => p.page === 'event');
  return {
    method:
      'vite build (web/vite.config.ts); per entry in dist/.vite/manifest.json: the entry, its static imports (transitively) and their CSS, each file gzipped at level 9 and added up; dynamic imports listed apart',
    pages,
    budgetKb: EVENT_PAGE_BUDGET_KB,
    met: !!event && event.gzipKb <= EVENT_PAGE_BUDGET_KB,
    budgets: Object.entries(pageBudgetsKb).map(([page, budgetKb]) => {
      const p = pages.find((x) => x.page === page);
      return { page, budgetKb, met: !!p && p.gzipKb <= budgetKb };
    }),
  };
}

function budgetNote(r: WebResult, page: string): string {
  const b = r.budgets.find((x) => x.page === page);
  return b ? `   target ≤ ${b.budgetKb} KB: ${b.met ? 'met' : 'MISSED'}` : '';
}

// `npx tsx bench/web.ts`: this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureWeb();
  for (const p of r.pages)
    console.log(
      `${p.page.padEnd(10)} ${String(p.gzipKb).padStart(6)} KB gzip (JS ${p.jsKb} + CSS ${p.cssKb}; ${p.rawKb} KB raw, ${p.files} files)${budgetNote(r, p.page)}`,
    );
}
