/**
 * Builds the scanner's service worker: web/src/scan/sw.ts becomes /scan-sw.js (a fixed name, so
 * that a phone finds its update), with the list of the scanner's own files to keep (its page,
 * the chunks and styles its entry reaches, the decoder worker) and a version that changes with them.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChunkMetadata, Plugin, Rolldown } from 'vite';
import { scanServiceWorker } from './src/scan/sw-name.ts';

const source = fileURLToPath(new URL('./src/scan/sw.ts', import.meta.url));

export function scanServiceWorkerPlugin(): Plugin {
  return {
    name: 'gatepass-scan-sw',
    apply: 'build',
    generateBundle: {
      order: 'post',
      async handler(_options, bundle: Rolldown.OutputBundle) {
        const entry = Object.values(bundle).find((c): c is Rolldown.OutputChunk => c.type === 'chunk' && c.isEntry && c.name === 'scan');
        if (!entry) return;
        const files = new Set<string>();
        const visit = (fileName: string) => {
          if (files.has(fileName)) return;
          files.add(fileName);
          const chunk = bundle[fileName];
          if (chunk?.type !== 'chunk') return;
          for (const f of [...chunk.imports, ...chunk.dynamicImports]) visit(f);
          const meta = (chunk as Rolldown.OutputChunk & { viteMetadata?: ChunkMetadata }).viteMetadata;
          for (const f of [...(meta?.importedCss ?? []), ...(meta?.importedAssets ?? [])]) files.add(f);
        };
        visit(entry.fileName);
        // The decoder worker is emitted as an asset that the entry points at with new URL(…).
        for (const f of Object.keys(bundle)) if (/decoder\.worker/.test(f)) files.add(f);
        const list = ['/scan', ...[...files].sort().map((f) => `/${f}`)];
        const version = createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 12);
        const out = await build({
          entryPoints: [source],
          bundle: true,
          write: false,
          minify: true,
          format: 'iife',
          target: 'es2022',
          define: { __SCAN_PRECACHE__: JSON.stringify(list), __SCAN_VERSION__: JSON.stringify(version) },
        });
        this.emitFile({ type: 'asset', fileName: scanServiceWorker.file, source: out.outputFiles[0]!.text });
      },
    },
  };
}
