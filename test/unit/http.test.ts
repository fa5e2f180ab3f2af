import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { negotiateLocale, problemTitles } from '#domain/messages';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { canonicalJson } from '#domain/keyed-request';
import { problem } from '#http/respond';

describe('Accept-Language', () => {
  it.each([
    [undefined, 'en'],
    ['ko', 'ko'],
    ['ko-KR,ko;q=0.9,en-US;q=0.8', 'ko'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['fr-FR, ko;q=0.5', 'ko'],
    ['de', 'en'],
    ['ko;q=0, en;q=0.1', 'en'],
  ])('%s → %s', (header, locale) => expect(negotiateLocale(header)).toBe(locale));
});

describe('problem responses', () => {
  it('carry type, title in the locale, status and code, as application/problem+json', () => {
    const r = problem(409, 'already_registered', 'ko', { detail: 'x' });
    expect(r.headers?.['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(r.body as string)).toEqual({
      type: 'https://gatepass.dev/problems/already-registered',
      title: problemTitles.already_registered!.ko,
      status: 409,
      code: 'already_registered',
      detail: 'x',
    });
  });

  it('every code has both languages', () => {
    for (const [code, t] of Object.entries(problemTitles)) expect([code, t.ko.length > 0, t.en.length > 0]).toEqual([code, true, true]);
  });
});

describe('cursors', () => {
  const key = randomBytes(32);
  const last = { pk: 'EVENT#a', sk: 'REG' };

  it('round-trip within their scope', () => {
    const c = encodeCursor(key, 'events', last)!;
    expect(decodeCursor(key, 'events', c)).toEqual(last);
    expect(encodeCursor(key, 'events', undefined)).toBeNull();
  });

  it('refuse another scope, another key and any edit', () => {
    const c = encodeCursor(key, 'events', last)!;
    const invalid = expect.objectContaining({ status: 400, code: 'invalid_cursor' });
    expect(() => decodeCursor(key, 'registrations:e1', c)).toThrow(invalid);
    expect(() => decodeCursor(randomBytes(32), 'events', c)).toThrow(invalid);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < c.length; i++) {
      // The next character of the alphabet: for the last one, that differs only in spare bits.
      const next = c[i] === '.' ? 'A' : alphabet[(alphabet.indexOf(c[i]!) + 1) % alphabet.length]!;
      const changed = c.slice(0, i) + next + c.slice(i + 1);
      expect(() => decodeCursor(key, 'events', changed), `position ${i}`).toThrow(invalid);
    }
    expect(() => decodeCursor(key, 'events', '')).toThrow(invalid);
  });

  it('limits are 1–100, default 50', () => {
    expect(pageLimit(undefined)).toBe(50);
    expect(pageLimit('100')).toBe(100);
    for (const bad of ['0', '101', '-1', '1.5', 'abc', '', '1e2'])
      expect(() => pageLimit(bad)).toThrow(expect.objectContaining({ status: 422 }));
  });
});

describe('canonicalJson', () => {
  it('is equal for bodies equal as JSON, whatever the key order, and differs otherwise', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' } })).toBe(
      canonicalJson({ a: { c: 'é', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });
});

describe('directRoute (health, openapi, not-found) answers as the middy routes do', () => {
  const event = (headers: Record<string, string> = {}) =>
    ({
      rawPath: '/nope',
      headers,
      pathParameters: {},
      queryStringParameters: { a: '1' },
      requestContext: { http: { method: 'GET' } },
    }) as never;
  const context = {} as never;

  it('gives the handler the request context, and maps a refusal to problem+json in the asked language', async () => {
    // Prepare
    const { directRoute } = await import('#http/direct-route');
    const { GatepassError } = await import('#domain/errors');
    const seen: unknown[] = [];
    const handler = directRoute('not-found', async (req) => {
      seen.push([req.route.id, req.locale, req.query]);
      throw new GatepassError(404, 'not_found');
    });
    // Act
    const r = await handler(event({ 'accept-language': 'ko' }), context);
    // Assess
    expect(seen).toEqual([['not-found', 'ko', { a: '1' }]]);
    expect([r.statusCode, r.headers?.['Content-Type'], JSON.parse(r.body as string).title]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
      problemTitles.not_found!.ko,
    ]);
  });

  it('an unexpected error is a 500 problem+json, not a thrown error', async () => {
    // Prepare
    const { directRoute } = await import('#http/direct-route');
    const handler = directRoute('health', async () => {
      throw new TypeError('boom');
    });
    // Act
    const r = await handler(event(), context);
    // Assess
    expect([r.statusCode, JSON.parse(r.body as string).code]).toEqual([500, 'internal_error']);
  });

  it('refuses a route that reads a body, a credential or the table', async () => {
    const { directRoute } = await import('#http/direct-route');
    for (const id of ['create-registration', 'list-events', 'get-event'])
      expect(() => directRoute(id, async () => ({ statusCode: 200 }))).toThrow(/publicRoute or securedRoute/);
  });
});
