/**
 * Opaque list cursors: the last key read, bound to its list (event and filters) and signed, so
 * a changed cursor is refused (400 invalid_cursor) and never reads another list's data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GatepassError } from '#domain/errors';
import { ringOf, signingKey, type SecretKeyRing } from '#domain/secret-keys';

const invalid = () => new GatepassError(400, 'invalid_cursor');
const sign = (key: Uint8Array, scope: string, data: string) =>
  createHmac('sha256', key).update(`cursor:${scope}:${data}`).digest().subarray(0, 16);

/** Signed with the current secret's key. */
export function encodeCursor(keys: Uint8Array | SecretKeyRing, scope: string, last: Record<string, unknown> | undefined): string | null {
  if (!last) return null;
  const data = Buffer.from(JSON.stringify(last)).toString('base64url');
  return `${data}.${sign(signingKey(keys), scope, data).toString('base64url')}`;
}

/** Verified under any key of the ring (a cursor issued before a secret rotation still pages on). */
export function decodeCursor(
  keys: Uint8Array | SecretKeyRing,
  scope: string,
  cursor: string | undefined,
): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const m = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!m) throw invalid();
  // Compared as text: base64url's last character has spare bits that decoding would ignore.
  const given = Buffer.from(m[2]!);
  if (!ringOf(keys).some((key) => timingSafeEqual(given, Buffer.from(sign(key, scope, m[1]!).toString('base64url'))))) throw invalid();
  try {
    const last: unknown = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    if (!last || typeof last !== 'object' || Array.isArray(last)) throw invalid();
    return last as Record<string, unknown>;
  } catch {
    throw invalid();
  }
}

/** `?limit=`: 1–100, default 50. */
export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!/^[0-9]{1,3}$/.test(raw) || n < 1 || n > 100) {
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'limit', message: 'an integer from 1 to 100' }] });
  }
  return n;
}
