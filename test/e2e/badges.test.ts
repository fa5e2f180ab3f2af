/** Badges end to end: rendering routes, who may fetch them, and offline verification with badge-keys. */
import { compactVerify, createLocalJWKSet } from 'jose';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;
let eventId: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
  eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent({ capacity: 1 }) })).json.id;
});
afterAll(() => stack?.stop());

describe('badges', () => {
  it('render as SVG, PNG (whose QR decodes to badge.token) and PDF for the participant and staff', async () => {
    const reg = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(1, { name: '최예린 (Yerin Choi)' }) }))
      .json;
    const path = `/events/${eventId}/registrations/${reg.id}/badge`;
    const svg = await stack.call('GET', `${path}?format=svg`, { headers: { 'x-manage-token': reg.manageToken } });
    const png = await fetch(`${stack.url}${path}?format=png`, { headers: { authorization: `Bearer ${staff}` } });
    const pdf = await fetch(`${stack.url}${path}?format=pdf`, { headers: { authorization: `Bearer ${admin}` } });
    expect(svg.type).toContain('image/svg+xml');
    expect(svg.text).toContain('최예린 (Yerin Choi)');
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(reg.badge.token);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('verify offline against GET badge-keys (staff), and name their event and registration', async () => {
    const roomy = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id as string;
    const reg = (await stack.call('POST', `/events/${roomy}/registrations`, { body: participant(2) })).json;
    const keys = await stack.call('GET', `/events/${roomy}/badge-keys`, { token: staff });
    expect(keys.status).toBe(200);
    expect(keys.json.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String), x: expect.any(String) });
    expect(keys.json.keys[0].d).toBeUndefined();
    const { payload } = await compactVerify(reg.badge.token, createLocalJWKSet(keys.json));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ e: roomy, r: reg.id });
  });

  it('are refused while waitlisted (badge_not_issued), after cancelling (registration_cancelled), and without credentials', async () => {
    const waiting = (await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(3) })).json;
    expect(waiting.status).toBe('waitlisted');
    const path = (id: string) => `/events/${eventId}/registrations/${id}/badge?format=svg`;
    const notIssued = await stack.call('GET', path(waiting.id), { headers: { 'x-manage-token': waiting.manageToken } });
    expect([notIssued.status, notIssued.json.code]).toEqual([409, 'badge_not_issued']);
    expect((await stack.call('GET', path(waiting.id))).status).toBe(401);
    expect((await stack.call('GET', `/events/${eventId}/badge-keys`)).status).toBe(401);
    await stack.call('DELETE', `/events/${eventId}/registrations/${waiting.id}`, { headers: { 'x-manage-token': waiting.manageToken } });
    const cancelled = await stack.call('GET', path(waiting.id), { token: staff });
    expect([cancelled.status, cancelled.json.code]).toEqual([409, 'registration_cancelled']);
    const badFormat = await stack.call('GET', `/events/${eventId}/registrations/${waiting.id}/badge?format=gif`, { token: staff });
    expect(badFormat.status).toBe(422);
  });
});
