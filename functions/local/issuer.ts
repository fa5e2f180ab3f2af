/**
 * The local JWT issuer: stands in for the Cognito user pool. Its RS256 key lives under the
 * state directory (independent of ports), its JWKS is served by the local gateway, and its
 * tokens carry the claims of a Cognito access token, so the same auth middleware verifies them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export const localIssuer = 'https://gatepass.local/issuer';
export const localClientId = 'gatepass-local';
export const jwksPath = '/.well-known/jwks.json';

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function issuerKey(stateDir: string): Promise<StoredKey> {
  const file = join(stateDir, 'issuer-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const stored: StoredKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

export type TokenRole = 'admin' | 'staff' | 'none';

/** A Cognito-shaped access token for a role, valid for `hours`. */
export async function signToken(
  stateDir: string,
  role: TokenRole,
  options: { hours?: number; issuer?: string; clientId?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const { privateJwk } = await issuerKey(stateDir);
  const key = await importJWK(privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const groups = role === 'none' ? [] : [role];
  return new SignJWT({
    'cognito:groups': groups,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    client_id: options.clientId ?? localClientId,
    username: `local-${role}`,
    auth_time: now,
    ...options.claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
    .setIssuer(options.issuer ?? localIssuer)
    .setSubject(`local-${role}`)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + Math.round((options.hours ?? 12) * 3600))
    .sign(key);
}
