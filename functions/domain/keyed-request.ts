/**
 * A request sent with an `Idempotency-Key` (API.md): the key, scoped to the event, and a
 * fingerprint of the body. Its record is written in the registration's own transaction, with the
 * answer given, so a registration never exists without its key's record nor the other way round.
 */
import { createHash } from 'node:crypto';
import { GatepassError } from '#domain/errors';

/** API.md: a repeat within 24 hours gets the first answer. */
export const KEYED_REQUEST_SECONDS = 24 * 3600;

export interface KeyedRequest {
  readonly key: string;
  /** SHA-256 of the body as canonical JSON: bodies equal as JSON match. */
  readonly fingerprint: string;
}

/** What the first request was answered: the 201's body (less the credentials the route derives again) and its Location. */
export interface KeyedAnswer {
  readonly body: string;
  readonly location: string;
}

export interface KeyedRequestRecord extends KeyedRequest, KeyedAnswer {
  /** Epoch seconds; the record no longer counts after it (the table's TTL removes it later). */
  readonly expiresAt: number;
}

/** JSON with keys sorted, so bodies equal as JSON serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const fingerprintOf = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('base64url');

/** The key is taken by a request whose record this transaction could not see yet. */
export const keyInUse = () => new GatepassError(409, 'request_in_progress', { headers: { 'Retry-After': '1' } });

export const keyReused = () =>
  new GatepassError(422, 'idempotency_key_reused', {
    detail: 'This Idempotency-Key was first sent with another body.',
  });

/** A repeat of the first request gets its answer; another body under the same key is refused. */
export function replayOrRefuse(record: KeyedRequestRecord, request: KeyedRequest): KeyedAnswer {
  if (record.fingerprint !== request.fingerprint) throw keyReused();
  return { body: record.body, location: record.location };
}
