/** The pure rules of devices: pairing codes, token shape, places, offline duplicates, client addresses. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  assertPlaceAllowed,
  checkPlaces,
  isDeviceToken,
  isOfflineDuplicate,
  admittedByTwoDevices,
  newDeviceToken,
  newPairingCode,
  normalisePairingCode,
} from '#domain/device';
import { clientAddress } from '#http/client-address';

describe('pairing codes', () => {
  it('are 16 characters of 32 unambiguous ones (80 bits) in four groups, and every character occurs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newPairingCode();
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);
      for (const c of code.replaceAll('-', '')) seen.add(c);
    }
    expect(seen.size).toBe(32);
    expect([...seen].filter((c) => '01OI'.includes(c))).toEqual([]);
  });

  it('are read as typed: any case, spaces or dashes; anything else is no code', () => {
    const code = newPairingCode();
    const bare = code.replaceAll('-', '');
    expect(normalisePairingCode(code)).toBe(bare);
    expect(normalisePairingCode(` ${code.toLowerCase().replaceAll('-', ' ')} `)).toBe(bare);
    for (const bad of ['', bare.slice(1), `${bare}A`, `${bare.slice(0, 15)}0`, `${bare.slice(0, 15)}O`, `${bare.slice(0, 15)}가`])
      expect(normalisePairingCode(bad), bad).toBeUndefined();
  });
});

describe('device tokens', () => {
  it('hold 192 random bits and are told from a JWT by their shape', () => {
    const token = newDeviceToken();
    expect(isDeviceToken(token)).toBe(true);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(24);
    expect(newDeviceToken()).not.toBe(token);
    expect(isDeviceToken('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(false);
    expect(isDeviceToken(`${token}x`)).toBe(false);
  });
});

describe('places', () => {
  it('omitted: every place; listed: only those, "venue" for the entrance', () => {
    expect(() => assertPlaceAllowed(null, 'bio')).not.toThrow();
    expect(() => assertPlaceAllowed(['venue'], undefined)).not.toThrow();
    expect(() => assertPlaceAllowed(['bio'], undefined)).toThrow(expect.objectContaining({ status: 403, code: 'place_not_allowed' }));
    expect(() => assertPlaceAllowed(['venue'], 'bio')).toThrow(expect.objectContaining({ code: 'place_not_allowed' }));
  });

  it('a new device names "venue" or the event\'s sessions, each once', () => {
    expect(checkPlaces(undefined, ['bio'])).toBeNull();
    expect(checkPlaces(['venue', 'bio'], ['bio'])).toEqual(['venue', 'bio']);
    expect(() => checkPlaces(['bio', 'x', 'bio'], ['bio'])).toThrow(
      expect.objectContaining({
        options: {
          errors: [
            { path: 'places.1', message: expect.any(String) },
            { path: 'places.2', message: expect.any(String) },
          ],
        },
      }),
    );
  });
});

describe('offline duplicates', () => {
  const scan = (deviceId: string | null, scannedAt: string) => ({ deviceId, scannedAt, uploadedAt: scannedAt });
  it('another device admitted the person at or before this scan; the same device twice is no duplicate', () => {
    const log = [scan('a', '2027-09-14T01:00:00.000Z'), scan('b', '2027-09-14T01:05:00.000Z')];
    expect(isOfflineDuplicate(log, { deviceId: 'b', scannedAt: '2027-09-14T01:05:00.000Z' })).toBe(true);
    expect(isOfflineDuplicate(log, { deviceId: 'a', scannedAt: '2027-09-14T01:00:00.000Z' })).toBe(false);
    expect(isOfflineDuplicate(log, { deviceId: 'c', scannedAt: '2027-09-14T01:00:00.000Z' })).toBe(true);
    expect(admittedByTwoDevices(log)).toBe(true);
    expect(admittedByTwoDevices([scan('a', '2027-09-14T01:00:00.000Z'), scan('a', '2027-09-14T02:00:00.000Z')])).toBe(false);
  });
});

describe('client addresses', () => {
  const event = (sourceIp: string, viewer?: string) =>
    ({
      headers: viewer ? { 'cloudfront-viewer-address': viewer } : {},
      requestContext: { http: { sourceIp } },
    }) as unknown as APIGatewayProxyEventV2;
  it("CloudFront's viewer address (without its port) over the edge's source address; IPv6 by its /64", () => {
    expect(clientAddress(event('130.176.1.1', '198.51.100.7:46532'))).toBe('198.51.100.7');
    expect(clientAddress(event('130.176.1.1'))).toBe('130.176.1.1');
    expect(clientAddress(event('1.1.1.1', '2001:db8:7:8:1:2:3:4:443'))).toBe('2001:0db8:0007:0008::/64');
    expect(clientAddress(event('1.1.1.1', '2001:DB8:7:8::9:443'))).toBe('2001:0db8:0007:0008::/64');
    expect(clientAddress(event('2001:db8:7:8::1'))).toBe('2001:0db8:0007:0008::/64');
  });
});

describe('the OpenAPI document', () => {
  it('names the device token on the scanner routes, optional on the public event page', async () => {
    const { buildOpenApi } = await import('#schemas/openapi-build');
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { security: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.deviceToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/events/{eventId}/checkins']!.post!.security).toEqual([{ cognito: [] }, { deviceToken: [] }]);
    expect(doc.paths['/events/{eventId}']!.get!.security).toEqual([{}, { deviceToken: [] }]);
    expect(doc.paths['/events/{eventId}/devices']!.post!.security).toEqual([{ cognito: [] }]);
    expect(doc.paths['/devices/pair']!.post!.security).toEqual([]);
  });
});
