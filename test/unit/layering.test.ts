/**
 * The project's layering (DESIGN.md, the standards): handlers parse, authenticate, authorize,
 * call the domain and map to HTTP; only adapters talk to AWS. Read from the sources themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const functions = new URL('../../functions/', import.meta.url).pathname;
const sources = (dir: string) =>
  readdirSync(join(functions, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(functions, dir, f), 'utf8') }));

describe('layering', () => {
  it('no handler, domain module or HTTP helper imports the AWS SDK (adapters only)', () => {
    const offenders = [...sources('handlers'), ...sources('domain'), ...sources('http')]
      .filter((s) => /from '@aws-sdk\//.test(s.text))
      .map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('no handler decodes a JWS header by hand (jose decodes it, in the domain)', () => {
    const offenders = sources('handlers')
      .filter((s) => /split\('\.'\)\[0\]/.test(s.text) || /base64url'\)\.toString/.test(s.text))
      .map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it("one event-id guard: handlers call eventIdOf, none checks an event id itself (resend's 202-either-way excepted)", () => {
    const offenders = sources('handlers')
      .filter((s) => s.text.includes('isEventId(') && !s.file.endsWith('resend-manage-link.ts'))
      .map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('every 503 comes from the one factory, so every one carries Retry-After', async () => {
    const offenders = [...sources('handlers'), ...sources('domain'), ...sources('http'), ...sources('adapters')]
      .filter((s) => /GatepassError\(503/.test(s.text) && !s.file.endsWith('domain/errors.ts'))
      .map((s) => s.file);
    expect(offenders).toEqual([]);
    const { serviceUnavailable } = await import('#domain/errors');
    expect(serviceUnavailable(60, 'why').options).toMatchObject({ headers: { 'Retry-After': '60' }, detail: 'why' });
  });
});
