/**
 * Manage tokens: `<registrationId>.<version>.<mac>`, the mac an HMAC-SHA256 over the event,
 * the registration and the version under a server secret. Nothing stores the token; bumping the
 * registration's version rotates it. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ringOf, signingKey, type SecretKeyRing } from '#domain/secret-keys';

const mac = (key: Uint8Array, eventId: string, registrationId: string, version: number) =>
  createHmac('sha256', key).update(`manage:${eventId}:${registrationId}:${version}`).digest();

/** Signed with the current secret's key. */
export function issueManageToken(keys: Uint8Array | SecretKeyRing, eventId: string, registrationId: string, version: number): string {
  return `${registrationId}.${version}.${mac(signingKey(keys), eventId, registrationId, version).toString('base64url')}`;
}

export interface ManageClaim {
  registrationId: string;
  version: number;
}

/** The claim a token proves for this event under any key of the ring, or undefined when it proves nothing. */
export function verifyManageToken(keys: Uint8Array | SecretKeyRing, eventId: string, token: string): ManageClaim | undefined {
  const m = /^([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const [, registrationId, v, given] = m as unknown as [string, string, string, string];
  const version = Number(v);
  // Compare the text, not decoded bytes: base64url's last character has spare bits, and a
  // token that differs only there must not verify.
  let valid = false;
  for (const key of ringOf(keys)) {
    const expected = Buffer.from(mac(key, eventId, registrationId, version).toString('base64url'));
    // Every key is tried, so the time does not say which one matched.
    valid = timingSafeEqual(Buffer.from(given), expected) || valid;
  }
  return valid ? { registrationId, version } : undefined;
}
