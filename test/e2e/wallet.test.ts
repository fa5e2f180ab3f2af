/**
 * Wallet passes end to end, read by independent tools: the .pkpass unzipped by JSZip, every
 * manifest SHA-1 recomputed with node:crypto, the PKCS#7 signature verified by `openssl cms`
 * against the local stack's throwaway root, and the Google Save link's JWT verified by jose with
 * the service account's public key.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_GOOGLE_ISSUER_ID, LOCAL_PASS_TYPE_ID, LOCAL_SERVICE_ACCOUNT, LOCAL_TEAM_ID, localWalletKeys } from '#local/wallet-keys';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);

let stack: TestStack;
let admin: string;
let staff: string;
let eventId: string;
let work: string;
const event = openEvent({
  name: { ko: '2027 "국제" 투자유치포럼', en: '2027 "International" Investment Forum' },
  venue: 'Kim Dae-jung Convention Center, Gwangju',
  startsAt: '2027-09-14T09:30:00+09:00',
  endsAt: '2027-09-14T18:00:00+09:00',
  registration: { opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: '2027-09-13T00:00:00Z', waitlist: true },
  capacity: 2,
});

const pkpass = async (path: string, headers: Record<string, string>) => {
  const r = await fetch(`${stack.url}${path}`, { headers });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: Buffer.from(await r.arrayBuffer()) };
};

beforeAll(async () => {
  // openssl is the independent verifier (TOOLCHAIN.md); CI machines have it too.
  await run('openssl', ['version']);
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
  const created = await stack.call('POST', '/events', { token: admin, body: event });
  expect(created.status, created.text).toBe(201);
  eventId = created.json.id;
  work = mkdtempSync(join(tmpdir(), 'gatepass-wallet-'));
});
afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Apple Wallet pass', () => {
  it('is a signed event ticket: every manifest SHA-1 holds, openssl verifies the signature, the barcode is badge.token', async () => {
    // Prepare
    const reg = (
      await stack.call('POST', `/events/${eventId}/registrations`, {
        body: participant(1, { name: '김민지 (Minji Kim)', sessions: ['bio'] }),
      })
    ).json;
    expect(reg.status).toBe('confirmed');
    // Act: the link the registration answer gives, with the participant's own token
    expect(reg.wallet.appleUrl).toBe(`${stack.url}/events/${eventId}/registrations/${reg.id}/wallet/apple`);
    const r = await fetch(reg.wallet.appleUrl, { headers: { 'x-manage-token': reg.manageToken } });
    // Assess: the zip
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.apple.pkpass');
    const zip = await JSZip.loadAsync(Buffer.from(await r.arrayBuffer()));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
    const read = (name: string) => zip.file(name)!.async('nodebuffer');
    expect(names).toEqual(
      expect.arrayContaining(['pass.json', 'manifest.json', 'signature', 'icon.png', 'ko.lproj/pass.strings', 'en.lproj/pass.strings']),
    );
    const manifest = JSON.parse((await read('manifest.json')).toString('utf8')) as Record<string, string>;
    expect(Object.keys(manifest).sort()).toEqual(names.filter((n) => n !== 'manifest.json' && n !== 'signature').sort());
    for (const name of Object.keys(manifest))
      expect(manifest[name], name).toBe(
        createHash('sha1')
          .update(await read(name))
          .digest('hex'),
      );
    // Assess: the signature, by openssl against the local root (and refused over a changed manifest)
    const { caFile } = localWalletKeys(stack.stateDir);
    writeFileSync(join(work, 'manifest.json'), await read('manifest.json'));
    writeFileSync(join(work, 'signature'), await read('signature'));
    const verify = (content: string) =>
      run('openssl', [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        join(work, 'signature'),
        '-content',
        content,
        '-CAfile',
        caFile,
        '-purpose',
        'any',
        '-binary',
        '-out',
        '/dev/null',
      ]);
    await expect(verify(join(work, 'manifest.json'))).resolves.toMatchObject({
      stderr: expect.stringContaining('Verification successful'),
    });
    writeFileSync(
      join(work, 'changed.json'),
      readFileSync(join(work, 'manifest.json'), 'utf8').replace(/"pass\.json":"[0-9a-f]/, '"pass.json":"x'),
    );
    await expect(verify(join(work, 'changed.json'))).rejects.toThrow();
    // Assess: what the pass says
    const pass = JSON.parse((await read('pass.json')).toString('utf8'));
    expect(pass).toMatchObject({ formatVersion: 1, passTypeIdentifier: LOCAL_PASS_TYPE_ID, teamIdentifier: LOCAL_TEAM_ID });
    expect(pass.barcodes).toEqual([{ format: 'PKBarcodeFormatQR', message: reg.badge.token, messageEncoding: 'iso-8859-1' }]);
    expect(new Date(pass.relevantDate).toISOString()).toBe(new Date(event.startsAt).toISOString());
    const fields = Object.values(pass.eventTicket).flat() as { key: string; label: string; value: string }[];
    expect(fields.map((f) => f.value)).toEqual(expect.arrayContaining(['김민지 (Minji Kim)', 'Gwangju Bio Co.', event.venue]));
    expect(pass.backgroundColor).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    // Assess: Korean and English strings, the time in the event's own zone (09:30 in Seoul)
    const strings = async (lang: string) => (await read(`${lang}.lproj/pass.strings`)).toString('utf8');
    const ko = await strings('ko');
    const en = await strings('en');
    expect(ko).toContain('"value.event" = "2027 \\"국제\\" 투자유치포럼";');
    expect(en).toContain('"value.event" = "2027 \\"International\\" Investment Forum";');
    expect(ko).toMatch(/"value\.when" = "2027년 9월 14일 .*오전 9:30.*\(Asia\/Seoul\)";/);
    expect(en).toMatch(/"value\.when" = ".*14 September 2027, 09:30.*18:00 \(Asia\/Seoul\)";/);
    expect(ko).toContain('"label.attendee" = "참가자";');
    expect(en).toContain('"value.sessions" = "Bio";');
    // Every localized key a field uses has its string in both languages.
    for (const key of new Set(fields.flatMap((f) => [f.label, f.value]).filter((k) => /^(label|value)\./.test(k)))) {
      expect(ko, key).toContain(`"${key}" = `);
      expect(en, key).toContain(`"${key}" = `);
    }
  });

  it('is handed to staff and admins too, and refused to the anonymous and to another participant', async () => {
    const reg = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(2) })).json;
    const other = (await stack.call('GET', `/events/${eventId}/registrations/${reg.id}`, { token: admin })).json;
    expect(other.wallet).toEqual({
      appleUrl: expect.stringMatching(/\/wallet\/apple$/),
      googleUrl: expect.stringMatching(/\/wallet\/google$/),
    });
    const path = `/events/${eventId}/registrations/${reg.id}/wallet/apple`;
    expect((await pkpass(path, { authorization: `Bearer ${staff}` })).status).toBe(200);
    expect((await pkpass(path, { authorization: `Bearer ${admin}` })).status).toBe(200);
    expect((await stack.call('GET', path)).status).toBe(401);
    const stranger = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(3) });
    expect(stranger.json.status).toBe('waitlisted');
    const forbidden = await stack.call('GET', path, { headers: { 'x-manage-token': stranger.json.manageToken } });
    expect([forbidden.status, forbidden.json.code]).toEqual([403, 'forbidden']);
  });
});

describe('Google Wallet Save link', () => {
  it('holds an RS256 JWT that verifies with the service account key: claims, ticket class and object, the same barcode', async () => {
    // Prepare
    const reg = (await stack.call('GET', `/events/${eventId}/registrations?status=confirmed`, { token: admin })).json.items[0];
    const badge = (await stack.call('GET', `/events/${eventId}/registrations/${reg.id}`, { token: staff })).json.badge.token as string;
    // Act
    const r = await stack.call('GET', `/events/${eventId}/registrations/${reg.id}/wallet/google`, { token: staff });
    // Assess
    expect(r.status, r.text).toBe(200);
    const prefix = 'https://pay.google.com/gp/v/save/';
    expect(r.json.saveUrl.startsWith(prefix)).toBe(true);
    const jwt = r.json.saveUrl.slice(prefix.length) as string;
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256');
    const publicKey = await importSPKI(readFileSync(localWalletKeys(stack.stateDir).googlePublicKeyFile, 'utf8'), 'RS256');
    const { payload: claims } = await jwtVerify(jwt, publicKey, {
      algorithms: ['RS256'],
      audience: 'google',
      issuer: LOCAL_SERVICE_ACCOUNT,
    });
    expect(claims).toMatchObject({ typ: 'savetowallet', origins: [stack.url] });
    const {
      eventTicketClasses: [ticketClass],
      eventTicketObjects: [ticket],
    } = claims.payload as { eventTicketClasses: any[]; eventTicketObjects: any[] };
    expect(ticketClass.id).toBe(`${LOCAL_GOOGLE_ISSUER_ID}.gatepass-${eventId}`);
    expect(ticketClass.eventName).toEqual({
      defaultValue: { language: 'en', value: event.name.en },
      translatedValues: [{ language: 'ko', value: event.name.ko }],
    });
    expect(ticketClass.dateTime).toEqual({ start: '2027-09-14T09:30:00+09:00', end: '2027-09-14T18:00:00+09:00' });
    expect(ticket).toMatchObject({
      id: `${LOCAL_GOOGLE_ISSUER_ID}.${eventId}-${reg.id}`,
      classId: ticketClass.id,
      state: 'ACTIVE',
      ticketHolderName: reg.name,
      barcode: { type: 'QR_CODE', value: badge },
    });
    // A JWT signed by another key is not this one.
    const forged = `${jwt.slice(0, jwt.lastIndexOf('.'))}.${Buffer.from('x'.repeat(256)).toString('base64url')}`;
    await expect(jwtVerify(forged, publicKey)).rejects.toThrow();
  });
});

describe('no pass without a badge', () => {
  it('waitlisted → 409 badge_not_issued (and no wallet links); cancelled → 409 registration_cancelled, for both kinds', async () => {
    const waiting = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(4) })).json;
    expect([waiting.status, waiting.badge, waiting.wallet]).toEqual(['waitlisted', null, null]);
    const headers = { 'x-manage-token': waiting.manageToken };
    for (const kind of ['apple', 'google']) {
      const r = await stack.call('GET', `/events/${eventId}/registrations/${waiting.id}/wallet/${kind}`, {
        headers: { ...headers, 'accept-language': 'ko' },
      });
      expect([r.status, r.json.code, r.type], kind).toEqual([
        409,
        'badge_not_issued',
        expect.stringMatching(/^application\/problem\+json/),
      ]);
    }
    await stack.call('DELETE', `/events/${eventId}/registrations/${waiting.id}`, { headers });
    for (const kind of ['apple', 'google']) {
      const r = await stack.call('GET', `/events/${eventId}/registrations/${waiting.id}/wallet/${kind}`, { token: admin });
      expect([r.status, r.json.code], kind).toEqual([409, 'registration_cancelled']);
    }
  });
});
