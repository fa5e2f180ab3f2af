/** A fresh pairing code: what the admin is shown once (code, deep link, expiry) and the hash that is kept. */
import { config } from '#config';
import { newPairingCode, normalisePairingCode, pairingUrl, PAIRING_VALID_MS, secretHash } from '#domain/device';

export function newPairing(now: Date): { hash: string; view: { code: string; url: string; expiresAt: string } } {
  // The site's URL comes from configuration, never from the request's host (DESIGN.md).
  const site = config().SITE_URL;
  if (!site) throw new Error('SITE_URL is required to write pairing links');
  const code = newPairingCode();
  return {
    hash: secretHash('pairing', normalisePairingCode(code)!),
    view: { code, url: pairingUrl(site, code), expiresAt: new Date(now.getTime() + PAIRING_VALID_MS).toISOString() },
  };
}
