/**
 * The API client every page uses: same origin, JSON in and out, problem+json errors parsed into
 * one shape, and a network failure told apart from an answer (so a page can offer a retry).
 */
import { lang } from './i18n.ts';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
}

/** An answer that is not 2xx; `problem` as the API sent it (or made up for a non-problem body). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
}

/** The API could not be reached (offline, dropped connection): nothing is known about the request. */
export class NetworkError extends Error {}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A participant's manage token: sent as the X-Manage-Token header, never in the URL. */
  manageToken?: string;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** A staff or admin access token: sent as `Authorization: Bearer`. */
  accessToken?: string;
}

async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, 'accept-language': lang.value };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.manageToken) headers['x-manage-token'] = options.manageToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new NetworkError(String(error));
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  return response;
}

async function problemOf(response: Response): Promise<Problem> {
  const fallback: Problem = {
    status: response.status,
    code: `http_${response.status}`,
    title: response.statusText || `HTTP ${response.status}`,
  };
  try {
    const body = (await response.json()) as Partial<Problem>;
    if (typeof body?.code === 'string') return { ...fallback, ...body, status: response.status };
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return fallback;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options, 'application/json');
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** A file the API renders (badge SVG/PDF), as a Blob. */
export async function apiBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  return (await send(path, options, '*/*')).blob();
}

/** Errors for one input path: exact, or nested under it (`sessions.1` shows at `sessions`). */
export function errorsAt(errors: readonly FieldError[], path: string, nested = false): FieldError[] {
  return errors.filter((e) => e.path === path || (nested && e.path.startsWith(`${path}.`)));
}
