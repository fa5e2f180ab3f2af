/**
 * The console's sign-in against the local issuer, over HTTP as a browser would run it: discovery
 * on the gateway's origin naming the tokens' `iss`, authorize with its sign-in page, the token
 * endpoint's PKCE and redirect checks, one-use codes, refresh, end session; and the API taking
 * the console client's access tokens as it takes the others.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
  error?: string;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
});
afterAll(() => stack?.stop());

const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
  redirect: 'manual' as const,
});

async function authorize(user: 'admin' | 'staff', overrides: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const params = {
    client_id: 'gatepass-console',
    redirect_uri: `${stack.url}/admin`,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const signInPage = await fetch(`${stack.url}/oauth2/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  const html = await signInPage.text();
  const chosen = await fetch(`${stack.url}/oauth2/authorize`, form({ ...params, user }));
  return {
    verifier,
    signInPage,
    html,
    chosen,
    location: chosen.headers.get('location') ?? '',
    cookie: chosen.headers.get('set-cookie') ?? '',
  };
}

const redeem = (code: string, verifier: string, redirect = `${stack.url}/admin`) =>
  fetch(
    `${stack.url}/oauth2/token`,
    form({ grant_type: 'authorization_code', client_id: 'gatepass-console', code, code_verifier: verifier, redirect_uri: redirect }),
  );

describe('the local issuer', () => {
  it('serves discovery on the gateway’s origin, its issuer the tokens’ iss (npm run token’s too)', async () => {
    const d = await (await fetch(`${stack.url}/.well-known/openid-configuration`)).json();
    expect(d).toMatchObject({
      issuer: stack.url,
      authorization_endpoint: `${stack.url}/oauth2/authorize`,
      token_endpoint: `${stack.url}/oauth2/token`,
      jwks_uri: `${stack.url}/.well-known/jwks.json`,
      end_session_endpoint: `${stack.url}/logout`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(decodeJwt(await stack.token('admin')).iss).toBe(stack.url);
    const config = await (await fetch(`${stack.url}/admin/config.json`)).json();
    expect(config).toEqual({ authority: stack.url, clientId: 'gatepass-console', endSessionEndpoint: `${stack.url}/logout` });
  });

  it('signs an admin in: the sign-in page offers both users, the code redeems with its verifier for tokens the API accepts', async () => {
    const a = await authorize('admin');
    expect(a.signInPage.status).toBe(200);
    expect(a.html).toContain('data-user="admin"');
    expect(a.html).toContain('data-user="staff"');
    expect(a.chosen.status).toBe(302);
    const back = new URL(a.location);
    expect(back.origin + back.pathname).toBe(`${stack.url}/admin`);
    expect(back.searchParams.get('state')).toBe('st');
    const r = await redeem(back.searchParams.get('code')!, a.verifier);
    expect(r.status).toBe(200);
    const tokens = (await r.json()) as Tokens;
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({ iss: stack.url, token_use: 'access', client_id: 'gatepass-console', 'cognito:groups': ['admin'] });
    expect(decodeJwt(tokens.id_token)).toMatchObject({ iss: stack.url, aud: 'gatepass-console', token_use: 'id' });
    expect((await stack.call('GET', '/events', { token: tokens.access_token })).status).toBe(200);
    // The code is spent.
    expect((await redeem(back.searchParams.get('code')!, a.verifier)).status).toBe(400);
    // Refresh: a new access token, still accepted.
    const renewed = await fetch(
      `${stack.url}/oauth2/token`,
      form({ grant_type: 'refresh_token', client_id: 'gatepass-console', refresh_token: tokens.refresh_token }),
    );
    expect(renewed.status).toBe(200);
    const again = (await renewed.json()) as Tokens;
    expect((await stack.call('GET', '/events', { token: again.access_token })).status).toBe(200);
  });

  it('a staff token from the console is refused admin routes (403) and accepted on staff routes', async () => {
    const a = await authorize('staff');
    const tokens = (await (await redeem(new URL(a.location).searchParams.get('code')!, a.verifier)).json()) as Tokens;
    expect((await stack.call('GET', '/events', { token: tokens.access_token })).status).toBe(403);
    expect((await stack.call('GET', '/events/gwangju-2023/badge-keys', { token: tokens.access_token })).status).not.toBe(401);
  });

  it('refuses a code with the wrong verifier or another redirect_uri, and spends it', async () => {
    const a = await authorize('admin');
    const code = new URL(a.location).searchParams.get('code')!;
    const wrong = await redeem(code, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Tokens).error).toBe('invalid_grant');
    expect((await redeem(code, a.verifier)).status).toBe(400);
    const b = await authorize('admin');
    expect((await redeem(new URL(b.location).searchParams.get('code')!, b.verifier, `${stack.url}/scan`)).status).toBe(400);
  });

  it('never sends a code to a callback that is not the console’s', async () => {
    const a = await authorize('admin', { redirect_uri: 'https://evil.example/admin' });
    expect(a.signInPage.status).toBe(400);
    expect(a.chosen.status).toBe(400);
    expect(a.location).toBe('');
  });

  it('keeps a session (signs in again without asking) until end session clears it', async () => {
    const a = await authorize('admin');
    const cookie = a.cookie.split(';')[0]!;
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      client_id: 'gatepass-console',
      redirect_uri: `${stack.url}/admin`,
      response_type: 'code',
      scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const silent = await fetch(`${stack.url}/oauth2/authorize?${query}`, { headers: { cookie }, redirect: 'manual' });
    expect(silent.status).toBe(302);
    const out = await fetch(
      `${stack.url}/logout?client_id=gatepass-console&post_logout_redirect_uri=${encodeURIComponent(`${stack.url}/admin`)}`,
      {
        headers: { cookie },
        redirect: 'manual',
      },
    );
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(`${stack.url}/admin`);
    const after = await fetch(`${stack.url}/oauth2/authorize?${query}`, { headers: { cookie }, redirect: 'manual' });
    expect(after.status).toBe(200); // the sign-in page again
  });
});
