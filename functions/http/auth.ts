/**
 * Who is calling: a Cognito access token (verified here against the issuer's JWKS, cached per
 * container), a paired scanner's device token (device-auth.ts), a participant's manage token, or nobody. Every refusal is a GatepassError, so it
 * leaves as problem+json (401 without valid credentials, 403 with the wrong ones).
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { config } from '#config';
import { GatepassError } from '#domain/errors';
import { verifyManageToken } from '#domain/manage-token';
import type { SecretKeyRing } from '#domain/secret-keys';
import { authenticateDevice, isDeviceToken, type DevicePrincipal } from '#http/device-auth';
import type { Role } from '#routes';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; subject: string; roles: ReadonlySet<'admin' | 'staff'> }
  | { kind: 'participant'; registrationId: string; tokenVersion: number }
  | DevicePrincipal;

export interface Credentials {
  authorization?: string;
  manageToken?: string;
  eventId?: string;
  registrationId?: string;
}

const unauthorized = (detail?: string) => new GatepassError(401, 'unauthorized', { detail, headers: { 'WWW-Authenticate': 'Bearer' } });
const forbidden = (detail?: string) => new GatepassError(403, 'forbidden', { detail });

let jwks: JWTVerifyGetKey | undefined;

async function verifyAccessToken(token: string): Promise<Principal> {
  const { JWT_ISSUER, JWT_JWKS_URL, JWT_CLIENT_ID } = config();
  if (!JWT_ISSUER || !JWT_JWKS_URL || !JWT_CLIENT_ID) throw new Error('JWT_ISSUER, JWT_JWKS_URL and JWT_CLIENT_ID are required');
  jwks ??= createRemoteJWKSet(new URL(JWT_JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 3_600_000 });
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks, { issuer: JWT_ISSUER, algorithms: ['RS256', 'ES256'], requiredClaims: ['exp', 'sub'] }));
  } catch {
    throw unauthorized('The access token is invalid or expired.');
  }
  if (payload.token_use !== 'access' || payload.client_id !== JWT_CLIENT_ID) throw unauthorized('Not an access token of this service.');
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  const roles = new Set<'admin' | 'staff'>();
  if (groups.includes('admin')) roles.add('admin').add('staff');
  if (groups.includes('staff')) roles.add('staff');
  return { kind: 'user', subject: String(payload.sub), roles };
}

/** Decides whether these credentials may call a route open to `who`. */
export async function authenticate(
  who: readonly Role[],
  credentials: Credentials,
  manageTokenKey?: () => Promise<SecretKeyRing>,
): Promise<Principal> {
  if (who.includes('anyone')) return { kind: 'anonymous' };
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  if (credentials.authorization !== undefined || bearer) {
    if (!bearer) throw unauthorized('Use Authorization: Bearer <access token>.');
    if (isDeviceToken(bearer)) return authenticateDevice(bearer, { allowed: who.includes('device'), eventId: credentials.eventId });
    const user = await verifyAccessToken(bearer);
    if (user.kind === 'user' && who.some((role) => (role === 'admin' || role === 'staff') && user.roles.has(role))) return user;
    throw forbidden('This account lacks the role this route needs.');
  }
  if (who.includes('participant') && credentials.manageToken && manageTokenKey && credentials.eventId) {
    const claim = verifyManageToken(await manageTokenKey(), credentials.eventId, credentials.manageToken);
    if (!claim) throw unauthorized('The manage token is not valid.');
    // On a route with no registration in its path (the meeting routes), the token's own
    // registration is the caller; the handler decides what it may do there.
    if (credentials.registrationId !== undefined && claim.registrationId !== credentials.registrationId)
      throw forbidden('A manage token opens its own registration only.');
    return { kind: 'participant', registrationId: claim.registrationId, tokenVersion: claim.version };
  }
  throw unauthorized();
}

/** Tests rotate issuers between stacks in one process. */
export function resetJwks(): void {
  jwks = undefined;
}
