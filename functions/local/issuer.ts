/**
 * The local identity provider: stands in for the Cognito user pool and its managed login. Its
 * RS256 key lives under the state directory (independent of ports); its issuer is the gateway's
 * origin (written to the state directory when the stack starts, so `npm run -s token` signs what
 * that stack accepts); its tokens carry the claims of Cognito's. The gateway serves its OpenID
 * Connect endpoints (discovery, authorize with a small sign-in page, token, JWKS, end session),
 * so the console runs the same authorization-code + PKCE flow here as against Cognito.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** The client of `npm run -s token` and the tests' bearer tokens. */
export const localClientId = 'gatepass-local';
/** The admin console's client (a public client: PKCE, no secret), as the deployed app client. */
export const localConsoleClientId = 'gatepass-console';
export const jwksPath = '/.well-known/jwks.json';
export const discoveryPath = '/.well-known/openid-configuration';
export const authorizePath = '/oauth2/authorize';
export const tokenPath = '/oauth2/token';
export const endSessionPath = '/logout';

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

/** The stack records its origin as the issuer; before any stack ran: npm start's default port. */
export function rememberIssuer(stateDir: string, origin: string): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'issuer-url'), origin);
}

export function issuerUrl(stateDir: string): string {
  const file = join(stateDir, 'issuer-url');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  return `http://127.0.0.1:${process.env.GATEPASS_PORT ?? 3000}`;
}

export type TokenRole = 'admin' | 'staff' | 'none';

/** A Cognito-shaped access token for a role, valid for `hours`. */
export async function signToken(
  stateDir: string,
  role: TokenRole,
  options: { hours?: number; seconds?: number; issuer?: string; clientId?: string; claims?: Record<string, unknown> } = {},
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
    .setIssuer(options.issuer ?? issuerUrl(stateDir))
    .setSubject(`local-${role}`)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (options.seconds ?? Math.round((options.hours ?? 12) * 3600)))
    .sign(key);
}

async function signIdToken(stateDir: string, user: LocalUser, clientId: string, nonce: string | undefined): Promise<string> {
  const { privateJwk } = await issuerKey(stateDir);
  const key = await importJWK(privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    'cognito:groups': [user],
    'cognito:username': `local-${user}`,
    email: `${user}@gatepass.local`,
    name: user === 'admin' ? 'Local admin' : 'Local staff',
    token_use: 'id',
    auth_time: now,
    ...(nonce ? { nonce } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
    .setIssuer(issuerUrl(stateDir))
    .setAudience(clientId)
    .setSubject(`local-${user}`)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key);
}

// — the authorization-code flow —

export const localUsers = ['admin', 'staff'] as const;
export type LocalUser = (typeof localUsers)[number];

/** RFC 7636: only S256 (plain would let a stolen code be redeemed). */
export function pkceMatches(verifier: string, challenge: string, method: string): boolean {
  if (method !== 'S256' || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** The console's callback is `<origin>/admin` exactly: no other page, origin or query gets a code. */
export function redirectAllowed(redirectUri: string, allowed: readonly string[]): boolean {
  return allowed.includes(redirectUri);
}

interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  scope: string;
}

type AuthorizeCheck = { ok: true; request: AuthorizeRequest } | { ok: false; error: string; redirect: boolean };

/** Checks an authorization request; errors before the redirect URI is trusted are shown, never redirected. */
export function checkAuthorizeRequest(params: URLSearchParams, clients: Readonly<Record<string, readonly string[]>>): AuthorizeCheck {
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const allowed = clients[clientId];
  if (!allowed) return { ok: false, error: 'unknown client_id', redirect: false };
  if (!redirectAllowed(redirectUri, allowed))
    return { ok: false, error: 'redirect_uri is not registered for this client', redirect: false };
  if (params.get('response_type') !== 'code') return { ok: false, error: 'unsupported_response_type', redirect: true };
  const codeChallenge = params.get('code_challenge') ?? '';
  const codeChallengeMethod = params.get('code_challenge_method') ?? '';
  if (codeChallengeMethod !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge))
    return { ok: false, error: 'invalid_request', redirect: true };
  const scope = params.get('scope') ?? '';
  if (!scope.split(' ').includes('openid')) return { ok: false, error: 'invalid_scope', redirect: true };
  return {
    ok: true,
    request: {
      clientId,
      redirectUri,
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge,
      codeChallengeMethod,
      scope,
    },
  };
}

interface IssuedCode extends AuthorizeRequest {
  user: LocalUser;
  expires: number;
}

export interface IssuerOptions {
  stateDir: string;
  origin: string;
  /** Access-token lifetime (default an hour, as Cognito's). */
  accessTokenSeconds?: number;
}

const SESSION_COOKIE = 'gatepass_local_session';
const html = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gatepass local sign-in</title></head><body>${body}</body></html>`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The issuer's HTTP endpoints for the local gateway: answers its own paths and returns true,
 * leaves every other request to the gateway. Codes, sessions and refresh tokens live in memory.
 */
export function createIssuer(
  options: IssuerOptions,
): (req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>) => Promise<boolean> {
  const { stateDir, origin } = options;
  const clients: Record<string, readonly string[]> = { [localConsoleClientId]: [`${origin}/admin`] };
  const codes = new Map<string, IssuedCode>();
  const sessions = new Map<string, LocalUser>();
  const refreshTokens = new Map<string, { user: LocalUser; clientId: string }>();
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' })
      .end(JSON.stringify(body));
  const refuse = (res: ServerResponse, body: { error: string; error_description?: string }) => {
    json(res, 400, body);
    return true;
  };
  const page = (res: ServerResponse, status: number, body: string, headers: Record<string, string>, extra: Record<string, string> = {}) =>
    res
      .writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...extra })
      .end(html(body));
  const sessionOf = (req: IncomingMessage) => {
    const id = /(?:^|;\s*)gatepass_local_session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    return id ? { id, user: sessions.get(id) } : undefined;
  };
  const redirectWithCode = (res: ServerResponse, request: AuthorizeRequest, user: LocalUser, cookie?: string) => {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { ...request, user, expires: Date.now() + 60_000 });
    const to = new URL(request.redirectUri);
    to.searchParams.set('code', code);
    if (request.state) to.searchParams.set('state', request.state);
    res.writeHead(302, { location: to.toString(), 'cache-control': 'no-store', ...(cookie ? { 'set-cookie': cookie } : {}) }).end();
  };
  const tokens = async (user: LocalUser, clientId: string, nonce?: string) => {
    const refresh = randomBytes(32).toString('base64url');
    refreshTokens.set(refresh, { user, clientId });
    const expiresIn = options.accessTokenSeconds ?? 3600;
    return {
      access_token: await signToken(stateDir, user, {
        clientId,
        seconds: expiresIn,
        claims: { scope: 'openid email profile aws.cognito.signin.user.admin' },
      }),
      id_token: await signIdToken(stateDir, user, clientId, nonce),
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: expiresIn,
    };
  };

  return async (req, res, url, pageHeaders) => {
    const path = url.pathname;
    if (path === discoveryPath && req.method === 'GET') {
      json(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}${authorizePath}`,
        token_endpoint: `${origin}${tokenPath}`,
        jwks_uri: `${origin}${jwksPath}`,
        end_session_endpoint: `${origin}${endSessionPath}`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
        token_endpoint_auth_methods_supported: ['none'],
      });
      return true;
    }
    if (path === authorizePath && (req.method === 'GET' || req.method === 'POST')) {
      let params = url.searchParams;
      let chosen: string | null = null;
      if (req.method === 'POST') {
        params = new URLSearchParams(await readText(req));
        chosen = params.get('user');
      }
      const check = checkAuthorizeRequest(params, clients);
      if (!check.ok) {
        if (!check.redirect) {
          page(res, 400, `<main><h1>Sign-in refused</h1><p>${escapeHtml(check.error)}</p></main>`, pageHeaders);
          return true;
        }
        const to = new URL(params.get('redirect_uri') ?? '');
        to.searchParams.set('error', check.error);
        const state = params.get('state');
        if (state) to.searchParams.set('state', state);
        res.writeHead(302, { location: to.toString() }).end();
        return true;
      }
      if (chosen === 'admin' || chosen === 'staff') {
        const id = randomBytes(18).toString('base64url');
        sessions.set(id, chosen);
        redirectWithCode(res, check.request, chosen, `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
        return true;
      }
      // A provider session signs in again without asking, as Cognito's managed login does.
      const session = sessionOf(req);
      if (session?.user && req.method === 'GET') {
        redirectWithCode(res, check.request, session.user);
        return true;
      }
      const hidden = [...params]
        .filter(([k]) => k !== 'user')
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      const buttons = localUsers
        .map((u) => `<p><button type="submit" name="user" value="${u}" data-user="${u}">Sign in as local ${u}</button></p>`)
        .join('');
      page(
        res,
        200,
        `<main><h1>Gatepass local sign-in</h1><p>The local stack's users (no password).</p><form method="post" action="${authorizePath}">${hidden}${buttons}</form></main>`,
        pageHeaders,
      );
      return true;
    }
    if (path === tokenPath && req.method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      const grant = form.get('grant_type');
      if (grant === 'authorization_code') {
        const code = form.get('code') ?? '';
        const issued = codes.get(code);
        codes.delete(code); // one use, whatever the outcome
        if (!issued || issued.expires < Date.now()) return refuse(res, { error: 'invalid_grant' });
        if (form.get('client_id') !== issued.clientId || form.get('redirect_uri') !== issued.redirectUri)
          return refuse(res, { error: 'invalid_grant' });
        if (!pkceMatches(form.get('code_verifier') ?? '', issued.codeChallenge, issued.codeChallengeMethod))
          return refuse(res, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        json(res, 200, await tokens(issued.user, issued.clientId, issued.nonce));
        return true;
      }
      if (grant === 'refresh_token') {
        const held = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!held || held.clientId !== form.get('client_id')) return refuse(res, { error: 'invalid_grant' });
        const { refresh_token: _, ...renewed } = await tokens(held.user, held.clientId);
        json(res, 200, renewed);
        return true;
      }
      json(res, 400, { error: 'unsupported_grant_type' });
      return true;
    }
    if (path === endSessionPath && req.method === 'GET') {
      const session = sessionOf(req);
      if (session) sessions.delete(session.id);
      for (const [token, held] of refreshTokens) if (session?.user === held.user) refreshTokens.delete(token);
      const back = url.searchParams.get('post_logout_redirect_uri') ?? url.searchParams.get('logout_uri');
      const clientId = url.searchParams.get('client_id') ?? localConsoleClientId;
      const clear = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
      if (back && redirectAllowed(back, clients[clientId] ?? [])) {
        const to = new URL(back);
        const state = url.searchParams.get('state');
        if (state) to.searchParams.set('state', state);
        res.writeHead(302, { location: to.toString(), 'set-cookie': clear }).end();
      } else page(res, 200, '<main><h1>Signed out</h1></main>', pageHeaders, { 'set-cookie': clear });
      return true;
    }
    return false;
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16_384) break;
  }
  return text;
}
