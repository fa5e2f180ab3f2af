/**
 * The web app: one static build, one entry (bundle) per page kind, so a page never loads another's
 * code. `npm run build:web` writes web/dist, which the local gateway and CloudFront serve;
 * `npm run dev:web` runs Vite's dev server, proxying the API's paths to a running local stack.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { apiPrefixes, isApiPath, pages, notFoundPage } from './site-routes.ts';
import { scanServiceWorkerPlugin } from './scan-sw-plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.GATEPASS_API ?? `http://127.0.0.1:${process.env.GATEPASS_PORT ?? 3000}`;

/** The dev server answers page routes (/e/{eventId}, /manage) with their page, as the gateway and CloudFront do. */
const pageRoutes: Plugin = {
  name: 'gatepass-page-routes',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      const [path, query] = (req.url ?? '/').split('?');
      const page = path && !isApiPath(path) ? pages.find((p) => p.pattern.test(path)) : undefined;
      if (page) req.url = `/${page.file}${query ? `?${query}` : ''}`;
      next();
    });
  },
};

export default defineConfig({
  root,
  plugins: [pageRoutes, scanServiceWorkerPlugin()],
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // The bench (bench/web.ts) reads each page's first-load files from it.
    manifest: true,
    rollupOptions: {
      input: Object.fromEntries([...pages.map((p) => p.file), notFoundPage].map((file) => [file.replace(/\.html$/, ''), `${root}${file}`])),
    },
  },
  server: {
    port: Number(process.env.GATEPASS_WEB_PORT ?? 5173),
    proxy: Object.fromEntries(apiPrefixes.map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
