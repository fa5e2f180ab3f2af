/**
 * The scanner's calls to the API, each with a time limit. An answer is either the API's (status
 * and JSON, problem+json included) or `unreachable` (time-out, network error, 5xx, 429): the
 * caller then judges offline. A 401 `device_revoked` is reported as such wherever it comes from.
 */

export type ApiOutcome<T = unknown> =
  | { kind: 'answer'; status: number; body: T; code?: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'revoked' };

export interface ApiOptions {
  token?: string | undefined;
  body?: unknown;
  timeoutMs?: number;
  locale?: string;
}

/** The check-in limit: an API slower than this is treated as offline (API.md). */
export const SCAN_TIMEOUT_MS = 1500;

export async function call<T = unknown>(method: string, path: string, options: ApiOptions = {}): Promise<ApiOutcome<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.locale) headers['accept-language'] = options.locale;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const r = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
    if (r.status >= 500 || r.status === 429) return { kind: 'unreachable', reason: `HTTP ${r.status}` };
    const type = r.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await r.json() : await r.text();
    const code = body && typeof body === 'object' && typeof body.code === 'string' ? body.code : undefined;
    if (r.status === 401 && code === 'device_revoked') return { kind: 'revoked' };
    return { kind: 'answer', status: r.status, body, ...(code ? { code } : {}) };
  } catch (e) {
    return { kind: 'unreachable', reason: controller.signal.aborted ? 'timeout' : String((e as Error)?.message ?? e) };
  } finally {
    clearTimeout(timer);
  }
}
