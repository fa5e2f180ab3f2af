/** Where the build puts the scanner's service worker (web/scan-sw-plugin.ts) and where the page registers it. */
export const scanServiceWorker = { name: 'scan-sw', file: 'scan-sw.js' } as const;
