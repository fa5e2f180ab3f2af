/** The local issuer's checks of an authorization request: PKCE S256 only, the console's exact callback only. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkAuthorizeRequest, pkceMatches, redirectAllowed } from '#local/issuer';

const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = createHash('sha256').update(verifier).digest('base64url');
const clients = { 'gatepass-console': ['http://127.0.0.1:3000/admin'] };
const request = (overrides: Record<string, string | null> = {}) => {
  const p = new URLSearchParams({
    client_id: 'gatepass-console',
    redirect_uri: 'http://127.0.0.1:3000/admin',
    response_type: 'code',
    scope: 'openid email profile',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [k, v] of Object.entries(overrides)) v === null ? p.delete(k) : p.set(k, v);
  return p;
};

describe('PKCE', () => {
  it('accepts the verifier whose SHA-256 is the challenge (RFC 7636 appendix B)', () => {
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(pkceMatches(verifier, challenge, 'S256')).toBe(true);
  });
  it('refuses another verifier, the plain method, and verifiers outside 43–128 unreserved characters', () => {
    expect(pkceMatches(`${verifier.slice(0, -1)}A`, challenge, 'S256')).toBe(false);
    expect(pkceMatches(challenge, challenge, 'plain')).toBe(false);
    const short = 'abc';
    expect(pkceMatches(short, createHash('sha256').update(short).digest('base64url'), 'S256')).toBe(false);
    const odd = `${'a'.repeat(43)}!`;
    expect(pkceMatches(odd, createHash('sha256').update(odd).digest('base64url'), 'S256')).toBe(false);
  });
});

describe('authorization request', () => {
  it('accepts the console’s request', () => {
    const r = checkAuthorizeRequest(request(), clients);
    expect(r).toMatchObject({ ok: true, request: { clientId: 'gatepass-console', state: 's1', codeChallenge: challenge } });
  });
  it.each([
    ['another origin', 'http://evil.example/admin'],
    ['another page', 'http://127.0.0.1:3000/scan'],
    ['a query added', 'http://127.0.0.1:3000/admin?x=1'],
    ['a trailing slash', 'http://127.0.0.1:3000/admin/'],
    ['another port', 'http://127.0.0.1:3001/admin'],
  ])('never redirects to a callback that is not the console’s (%s)', (_, uri) => {
    expect(redirectAllowed(uri, clients['gatepass-console'])).toBe(false);
    expect(checkAuthorizeRequest(request({ redirect_uri: uri }), clients)).toEqual({
      ok: false,
      error: expect.any(String),
      redirect: false,
    });
  });
  it('refuses an unknown client without redirecting', () => {
    expect(checkAuthorizeRequest(request({ client_id: 'other' }), clients)).toMatchObject({ ok: false, redirect: false });
  });
  it.each([
    ['no PKCE', { code_challenge: null, code_challenge_method: null }],
    ['plain PKCE', { code_challenge_method: 'plain' }],
    ['a malformed challenge', { code_challenge: 'short' }],
    ['the implicit flow', { response_type: 'token' }],
    ['no openid scope', { scope: 'email' }],
  ])('refuses %s, answering at the (registered) callback', (_, overrides) => {
    expect(checkAuthorizeRequest(request(overrides), clients)).toMatchObject({ ok: false, redirect: true });
  });
});
