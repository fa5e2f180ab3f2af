/**
 * The scanner's offline judge (web/src/scan/judge.ts) and the API agree: one table of cases,
 * each judged by the judge from what a paired scanner holds (the JWKS, the event and the roster
 * fetched with its device token, with either verifier) and then by the real API's POST /checkins
 * with the same token.
 */
import { CompactSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeVerifier, hasWebCryptoEd25519, type BadgeJwk, type VerifierKind } from '../../web/src/scan/badge.ts';
import { judgeOffline, type RosterPerson, type ScanInput } from '../../web/src/scan/judge.ts';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;
/** A paired scanner's token, for the event under test. */
let device: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

type Reg = { id: string; manageToken: string; badge: { token: string } };

const b64 = (s: string) => Buffer.from(s).toString('base64url');

async function roster(eventId: string): Promise<Map<string, RosterPerson>> {
  const people = new Map<string, RosterPerson>();
  let cursor: string | null = null;
  do {
    const r = await stack.call('GET', `/events/${eventId}/roster?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: device,
    });
    expect(r.status).toBe(200);
    for (const p of r.json.items) people.set(p.id, p);
    cursor = r.json.nextCursor;
  } while (cursor);
  return people;
}

describe('offline judge vs the API', () => {
  it('WebCrypto Ed25519 is detected where the runtime has it', async () => {
    expect(await hasWebCryptoEd25519()).toBe(true);
  });

  it('one table of cases, judged alike by both verifiers and by the API', async () => {
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json as {
      id: string;
      sessions: { id: string }[];
    };
    const other = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json as { id: string };
    const register = async (id: string, i: number, extra: Record<string, unknown> = {}) =>
      (await stack.call('POST', `/events/${id}/registrations`, { body: participant(i, extra) })).json as Reg;

    const fresh = await register(event.id, 1, { sessions: ['bio'] });
    const repeat = await register(event.id, 2);
    const cancelled = await register(event.id, 3);
    const noSeat = await register(event.id, 4, { sessions: ['energy'] });
    const freshSession = await register(event.id, 5, { sessions: ['bio'] });
    const foreign = await register(other.id, 6);
    const created = await stack.call('POST', `/events/${event.id}/devices`, { token: admin, body: { name: 'Judge door' } });
    device = (await stack.call('POST', '/devices/pair', { body: { code: created.json.pairing.code } })).json.deviceToken;

    // Before the scanner's sync: one earlier scan (another door) and one cancellation.
    expect((await stack.call('POST', `/events/${event.id}/checkins`, { token: staff, body: { badge: repeat.badge.token } })).status).toBe(
      201,
    );
    await stack.call('DELETE', `/events/${event.id}/registrations/${cancelled.id}`, {
      headers: { 'x-manage-token': cancelled.manageToken },
    });

    // A badge signed by a key the event's JWKS does not hold, and one whose payload was changed.
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const unknownKey = await new CompactSign(new TextEncoder().encode(JSON.stringify({ e: event.id, r: fresh.id })))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'stranger' })
      .sign(stranger.privateKey);
    const [header, , signature] = fresh.badge.token.split('.');
    const forged = `${header}.${b64(JSON.stringify({ e: event.id, r: repeat.id }))}.${signature}`;
    const { keys } = (await stack.call('GET', `/events/${event.id}/badge-keys`, { token: device })).json as { keys: BadgeJwk[] };
    // The same kid with another key's signature.
    const knownKidWrongKey = await new CompactSign(new TextEncoder().encode(JSON.stringify({ e: event.id, r: fresh.id })))
      .setProtectedHeader({ alg: 'EdDSA', kid: keys[0]!.kid })
      .sign(stranger.privateKey);

    const cases: { name: string; scan: ScanInput; expected: string }[] = [
      { name: 'fresh', scan: { badge: fresh.badge.token }, expected: 'checked_in' },
      { name: 'fresh at a session door with a seat', scan: { badge: freshSession.badge.token, sessionId: 'bio' }, expected: 'checked_in' },
      { name: 'repeat', scan: { badge: repeat.badge.token }, expected: 'already_checked_in' },
      { name: 'cancelled', scan: { badge: cancelled.badge.token }, expected: 'registration_cancelled' },
      { name: 'session without a seat', scan: { badge: noSeat.badge.token, sessionId: 'bio' }, expected: 'not_registered_for_session' },
      { name: 'foreign event', scan: { badge: foreign.badge.token }, expected: 'invalid_badge' },
      { name: 'unknown key', scan: { badge: unknownKey }, expected: 'invalid_badge' },
      { name: 'forged payload', scan: { badge: forged }, expected: 'invalid_badge' },
      { name: 'known kid, wrong key', scan: { badge: knownKidWrongKey }, expected: 'invalid_badge' },
      { name: 'not a badge', scan: { badge: 'hello' }, expected: 'invalid_badge' },
      { name: 'manual check-in of a cancelled registration', scan: { registrationId: cancelled.id }, expected: 'registration_cancelled' },
    ];

    const people = await roster(event.id);
    const eventRead = (await stack.call('GET', `/events/${event.id}`, { token: device })).json as { sessions: { id: string }[] };
    const offline = async (kind: VerifierKind, scan: ScanInput) =>
      (
        await judgeOffline(
          {
            eventId: event.id,
            event: eventRead,
            verifier: badgeVerifier(event.id, keys, kind),
            person: async (id) => people.get(id),
            admission: async () => undefined,
          },
          scan,
          new Date(),
        )
      ).code;

    const table: [string, string, string, string][] = [];
    for (const c of cases) {
      const webcrypto = await offline('webcrypto', c.scan);
      const js = await offline('js', c.scan);
      const online = await stack.call('POST', `/events/${event.id}/checkins`, { token: device, body: c.scan });
      table.push([c.name, webcrypto, js, online.json.result ?? online.json.code]);
    }
    expect(table).toEqual(cases.map((c) => [c.name, c.expected, c.expected, c.expected]));
  });
});
