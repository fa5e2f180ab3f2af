/**
 * Badge tokens: the QR text. A compact JWS (EdDSA / Ed25519, with `kid`) whose short payload
 * names the event and the registration, so a scanner holding the event's public keys verifies a
 * badge without the database. Keys come from a ring (newest signs, all verify until retired).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, type JWK } from 'jose';
import { GatepassError } from '#domain/errors';

export interface BadgeKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Newest first: the first key signs; every key verifies. */
export type BadgeKeyRing = readonly BadgeKey[];

// PKCS#8 prefix of an Ed25519 private key: the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Derives an Ed25519 key from a secret string (SHA-256 → 32-byte seed); `kid` from the public key. */
export function badgeKeyFromSecret(secret: string): BadgeKey {
  const seed = createHash('sha256').update(`gatepass:badge:${secret}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const kid = createHash('sha256').update(raw).digest('base64url').slice(0, 8);
  return { kid, privateKey, publicKey };
}

export interface BadgeClaim {
  eventId: string;
  registrationId: string;
}

const encoder = new TextEncoder();

/** Signs with the newest key, or with the key `kid` while the ring still holds it (a replayed answer). */
export async function signBadge(ring: BadgeKeyRing, claim: BadgeClaim, kid?: string): Promise<string> {
  const key = (kid !== undefined ? ring.find((k) => k.kid === kid) : undefined) ?? ring[0];
  if (!key) throw new Error('the badge key ring is empty');
  // Short keys keep the QR code sparse enough to scan from a printed badge.
  const payload = JSON.stringify({ e: claim.eventId, r: claim.registrationId });
  return new CompactSign(encoder.encode(payload)).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
}

export const invalidBadge = (detail?: string) => new GatepassError(422, 'invalid_badge', { detail });

/**
 * Verifies a badge for this event: signature by a key of the ring, EdDSA only, payload naming
 * this event. Anything else (malformed, forged, unknown key, other event) is 422 invalid_badge.
 */
export async function verifyBadge(ring: BadgeKeyRing, eventId: string, token: unknown): Promise<BadgeClaim> {
  if (typeof token !== 'string' || token.length > 1000 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    throw invalidBadge('Not a badge.');
  }
  // Canonical base64url only: a last character differing in its spare bits decodes to the same
  // bytes, and a badge that is not exactly the issued text must not verify.
  if (token.split('.').some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)) {
    throw invalidBadge('Not a badge.');
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(
      token,
      (header) => {
        const key = ring.find((k) => k.kid === header.kid);
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      { algorithms: ['EdDSA'] },
    ));
  } catch {
    throw invalidBadge('The badge signature does not verify.');
  }
  let claim: unknown;
  try {
    claim = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw invalidBadge('Not a badge.');
  }
  const { e, r } = (claim ?? {}) as { e?: unknown; r?: unknown };
  if (typeof e !== 'string' || typeof r !== 'string') throw invalidBadge('Not a badge.');
  if (e !== eventId) throw invalidBadge('This badge is for another event.');
  return { eventId: e, registrationId: r };
}

/** The JWKS a scanner caches to verify badges offline. */
export async function badgeJwks(ring: BadgeKeyRing): Promise<{ keys: JWK[] }> {
  return {
    keys: await Promise.all(ring.map(async (k) => ({ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'EdDSA', use: 'sig' }))),
  };
}
