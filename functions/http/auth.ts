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
  // JWT_CLIENT_ID lists the app clients whose access tokens this service takes (the API's and the console's).
  if (payload.token_use !== 'access' || typeof payload.client_id !== 'string' || !JWT_CLIENT_ID.split(',').includes(payload.client_id))
    throw unauthorized('Not an access token of this service.');
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

/**
 * On a route open to anyone that gives admins more (POST …/registrations: outside the window,
 * over capacity): whether the bearer is a valid admin access token. Anything else, an invalid
 * token included, is judged as anyone's (the route checks no credential for what anyone may do).
 */
export async function isAdminBearer(authorization: string | undefined): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!bearer || isDeviceToken(bearer)) return false;
  const user = await verifyAccessToken(bearer).catch(() => undefined);
  return user?.kind === 'user' && user.roles.has('admin');
}

/** Tests rotate issuers between stacks in one process. */
export function resetJwks(): void {
  jwks = undefined;
}
