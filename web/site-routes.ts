/**
 * The site's page routes and security headers: one pure module read by the local gateway (which
 * serves web/dist beside the API) and by the CDK stack (the CloudFront Function that resolves page
 * routes, the response-headers policy), so that local and deployed pages resolve and are guarded alike.
 */

/** Path prefixes that belong to the HTTP API; everything else is the site. */
export const apiPrefixes = ['/events', '/devices', '/webhooks', '/outbox', '/health', '/openapi.json'] as const;

export function isApiPath(path: string): boolean {
  return apiPrefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Built page files (web/dist/<name>.html) and the routes that open them. */
export const pages = [
  { file: 'event.html', pattern: /^\/e\/[^/]+\/?$/ },
  { file: 'resend.html', pattern: /^\/e\/[^/]+\/resend\/?$/ },
  { file: 'manage.html', pattern: /^\/manage\/?$/ },
  { file: 'scan.html', pattern: /^\/scan\/?$/ },
  { file: 'admin.html', pattern: /^\/admin\/?$/ },
] as const;

/** The console's sign-in settings (authority, client id, end-session endpoint): generated at deploy, and by the local gateway. */
export const consoleConfigPath = '/admin/config.json';

export const notFoundPage = 'not-found.html';

/** Built files served as they are: Vite's hashed files under /assets/, and a few fixed files at the root. */
export const assetPatterns: readonly RegExp[] = [
  /^\/assets\/[\w.-]+$/,
  /^\/[\w-]+\.(?:js|css|svg|png|ico|webmanifest|txt)$/,
  // The console's sign-in settings (consoleConfigPath), written at deploy.
  /^\/admin\/config\.json$/,
];

/**
 * Which file answers a site path: a page, a built asset as it is, or the not-found page (404).
 * Assets are Vite's hashed files under /assets/ and a few fixed files at the root.
 */
export function resolveSitePath(path: string): { file: string; status: 200 | 404 } {
  for (const page of pages) if (page.pattern.test(path)) return { file: page.file, status: 200 };
  if (assetPatterns.some((pattern) => pattern.test(path))) return { file: path.slice(1), status: 200 };
  return { file: notFoundPage, status: 404 };
}

/**
 * Strict CSP: no inline script or style, nothing from other origins, never framed. `connect`
 * names the other origins the console fetches (deployed: Cognito's discovery, its managed-login
 * domain's token endpoint, the large-export bucket); locally all of these are this origin.
 */
export function contentSecurityPolicyFor(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...connect].join(' '),
    "worker-src 'self' blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const contentSecurityPolicy = contentSecurityPolicyFor();

/** Sent with every page and asset, locally by the gateway and deployed by CloudFront's response-headers policy. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

/** The same headers, the CSP letting the console reach those origins (`contentSecurityPolicyFor`). */
export function securityHeadersFor(connect: readonly string[] = []): Readonly<Record<string, string>> {
  return { ...securityHeaders, 'content-security-policy': contentSecurityPolicyFor(connect) };
}
