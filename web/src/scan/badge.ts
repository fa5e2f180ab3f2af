/**
 * Offline badge verification: the compact JWS the QR holds (EdDSA, Ed25519, with `kid`), checked
 * as the API checks it (functions/domain/badge-token.ts): canonical base64url, EdDSA only, a key
 * of the cached JWKS, a payload `{ e, r }` naming this event. WebCrypto's Ed25519 where the
 * browser has it; a small JavaScript verifier, loaded only when needed, where it does not.
 */

export interface BadgeJwk {
  kty: string;
  crv: string;
  kid: string;
  x: string;
}

export interface BadgeClaim {
  eventId: string;
  registrationId: string;
}

/** Thrown for every way a badge can fail: the API's single answer is `invalid_badge`. */
export class InvalidBadge extends Error {
  readonly code = 'invalid_badge';
}

export type VerifierKind = 'webcrypto' | 'js';

const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether this browser verifies Ed25519 itself (checked once, at pairing). */
export async function hasWebCryptoEd25519(): Promise<boolean> {
  try {
    // RFC 8032's first test vector: a real verification, not just an import.
    const pub = fromBase64url('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo');
    const sig = fromBase64url('5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw');
    const key = await crypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, new Uint8Array(0));
  } catch {
    return false;
  }
}

type Verify = (
  signature: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
  publicKey: Uint8Array<ArrayBuffer>,
) => Promise<boolean>;

const imported = new WeakMap<Uint8Array, ReturnType<typeof crypto.subtle.importKey>>();
const webcryptoVerify: Verify = async (signature, message, publicKey) => {
  // One import per key, not per scan.
  let key = imported.get(publicKey);
  if (!key) imported.set(publicKey, (key = crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])));
  return crypto.subtle.verify({ name: 'Ed25519' }, await key, signature, message);
};

let jsVerify: Promise<Verify> | undefined;
/** The fallback verifier, its own chunk: only browsers without WebCrypto Ed25519 download it. */
function loadJsVerify(): Promise<Verify> {
  jsVerify ??= import('@noble/ed25519').then(
    // RFC 8032 rules (not ZIP 215), as WebCrypto and the API's node:crypto apply them.
    (ed) => (signature, message, publicKey) => ed.verifyAsync(signature, message, publicKey, { zip215: false }),
  );
  return jsVerify;
}

export interface BadgeVerifier {
  kind: VerifierKind;
  verify(token: string): Promise<BadgeClaim>;
}

/** A verifier for one event's badges with the cached key set. */
export function badgeVerifier(eventId: string, keys: readonly BadgeJwk[], kind: VerifierKind): BadgeVerifier {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const encoder = new TextEncoder();
  const publicKeys = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const k of keys) if (k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string') publicKeys.set(k.kid, fromBase64url(k.x));
  return {
    kind,
    async verify(token) {
      if (typeof token !== 'string' || token.length > 1000 || !TOKEN.test(token)) throw new InvalidBadge('not a badge');
      const parts = token.split('.') as [string, string, string];
      // A badge that is not exactly the issued text must not verify (spare bits of the last character).
      const bytes = parts.map(fromBase64url) as [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>];
      if (bytes.some((b, i) => toBase64url(b) !== parts[i])) throw new InvalidBadge('not a badge');
      let header: { alg?: unknown; kid?: unknown; crit?: unknown; b64?: unknown };
      let claim: { e?: unknown; r?: unknown };
      try {
        header = JSON.parse(decoder.decode(bytes[0]));
      } catch {
        throw new InvalidBadge('not a badge');
      }
      if (!header || typeof header !== 'object' || header.alg !== 'EdDSA' || header.crit !== undefined || header.b64 !== undefined) {
        throw new InvalidBadge('not an EdDSA badge');
      }
      const publicKey = typeof header.kid === 'string' ? publicKeys.get(header.kid) : undefined;
      if (!publicKey || bytes[2].length !== 64) throw new InvalidBadge('unknown key');
      const verify = kind === 'webcrypto' ? webcryptoVerify : await loadJsVerify();
      let ok = false;
      try {
        ok = await verify(bytes[2], encoder.encode(`${parts[0]}.${parts[1]}`), publicKey);
      } catch {
        ok = false;
      }
      if (!ok) throw new InvalidBadge('signature does not verify');
      try {
        claim = JSON.parse(decoder.decode(bytes[1]));
      } catch {
        throw new InvalidBadge('not a badge');
      }
      if (!claim || typeof claim.e !== 'string' || typeof claim.r !== 'string') throw new InvalidBadge('not a badge');
      if (claim.e !== eventId) throw new InvalidBadge('another event');
      return { eventId: claim.e, registrationId: claim.r };
    },
  };
}
