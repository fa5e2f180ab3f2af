/** Webhook rules that need no engine: address classification, URL rules, backoff and signing. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  RETRY_WINDOW_MS,
  WEBHOOK_TYPES,
  afterFailure,
  checkWebhookUrl,
  deliveryId,
  isPublicAddress,
  nextWebhookAttempt,
  pickAddress,
  registrationTypes,
  subscribes,
} from '#domain/webhooks';
import { signedHeaders } from '#webhooks/deliver';

describe('public addresses only', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '169.254.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.10',
    '::',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:8.8.8.8',
    '0:0:0:0:0:ffff:a00:1',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'ff02::1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'not-an-ip',
    '',
  ])('%s is refused', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '169.253.255.255',
    '93.184.215.14',
    '2606:4700:4700::1111',
    '2a00:1450:4001:82b::200e',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('a host is refused when any address it resolves to is not public (no picking the good one)', () => {
    expect(
      pickAddress([
        { address: '8.8.8.8', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ]),
    ).toBeUndefined();
    expect(pickAddress([])).toBeUndefined();
    expect(
      pickAddress([
        { address: '2606:4700:4700::1111', family: 6 },
        { address: '1.1.1.1', family: 4 },
      ]),
    ).toEqual({
      address: '2606:4700:4700::1111',
      family: 6,
    });
  });
});

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.example.com/in', true, false],
    ['https://hooks.example.com:443/in', true, false],
    ['https://hooks.example.com:8443/in', false, false],
    ['http://hooks.example.com/in', false, false],
    ['ftp://hooks.example.com/in', false, false],
    ['https://u:p@hooks.example.com/in', false, false],
    ['http://127.0.0.1:8080/in', false, false],
    ['http://127.0.0.1:8080/in', true, true],
    ['http://127.0.0.1/in', false, true],
    ['http://localhost:8080/in', false, true],
    ['http://[::1]:8080/in', false, true],
    ['nonsense', false, true],
  ])('%s → %s (local http allowed: %s)', (url, ok, allowLocal) => {
    expect(checkWebhookUrl(url, allowLocal).ok).toBe(ok);
  });

  it('an IPv6 literal host is judged without its brackets', () => {
    const v = checkWebhookUrl('https://[fd00:ec2::254]/latest', false);
    expect(v.ok && v.hostname).toBe('fd00:ec2::254');
  });
});

describe('retries', () => {
  it('backs off 30 s, 1 min, 2 min … capped at an hour', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const waits = [1, 2, 3, 4, 8, 20].map((n) => (nextWebhookAttempt(n, now).getTime() - now.getTime()) / 1000);
    expect(waits).toEqual([30, 60, 120, 240, 3600, 3600]);
  });

  it('retries for at least 24 hours, then stops (failed)', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    let at = from;
    let attempts = 0;
    for (;;) {
      const next = afterFailure({ attempts, retryFrom: from.toISOString() }, at);
      attempts++;
      if (!next) break;
      at = next;
    }
    expect(at.getTime() - from.getTime()).toBeGreaterThanOrEqual(RETRY_WINDOW_MS - 3600_000);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});

describe('messages', () => {
  it('webhook-ids are stable per (change, message, endpoint) and differ otherwise', () => {
    expect(deliveryId('c1', 0, 'wh_a')).toBe(deliveryId('c1', 0, 'wh_a'));
    expect(
      new Set([deliveryId('c1', 0, 'wh_a'), deliveryId('c1', 1, 'wh_a'), deliveryId('c1', 0, 'wh_b'), deliveryId('c2', 0, 'wh_a')]).size,
    ).toBe(4);
  });

  it('types of a registration change', () => {
    expect(registrationTypes(undefined, { status: 'confirmed' }, false)).toEqual(['registration.created', 'registration.confirmed']);
    expect(registrationTypes(undefined, { status: 'waitlisted' }, false)).toEqual(['registration.created', 'registration.waitlisted']);
    expect(registrationTypes({ status: 'waitlisted' }, { status: 'confirmed' }, true)).toEqual(['registration.promoted']);
    expect(registrationTypes({ status: 'confirmed' }, { status: 'cancelled' }, false)).toEqual(['registration.cancelled']);
    expect(registrationTypes({ status: 'confirmed' }, { status: 'confirmed' }, false)).toEqual(['registration.updated']);
  });

  it('subscriptions: types, *, eventId, enabled', () => {
    const w = { id: 'wh', url: '', types: ['checkin.created'], eventId: 'E1', enabled: true, createdAt: '' };
    expect(subscribes(w, 'E1', 'checkin.created')).toBe(true);
    expect(subscribes(w, 'E2', 'checkin.created')).toBe(false);
    expect(subscribes(w, 'E1', 'registration.created')).toBe(false);
    expect(subscribes({ ...w, types: ['*'], eventId: null }, 'E9', 'meeting.held')).toBe(true);
    expect(subscribes({ ...w, enabled: false }, 'E1', 'checkin.created')).toBe(false);
    expect(WEBHOOK_TYPES).toHaveLength(18);
  });

  it('signatures verify with standardwebhooks under each live secret, and not under another', () => {
    const a = `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`;
    const b = `whsec_${Buffer.from('b'.repeat(24)).toString('base64')}`;
    const c = `whsec_${Buffer.from('c'.repeat(24)).toString('base64')}`;
    const body = JSON.stringify({ type: 'registration.created', timestamp: new Date().toISOString(), data: { 이름: '김민지' } });
    const headers = signedHeaders([a, b], 'msg_1', new Date(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(a).verify(body, headers)).toMatchObject({ type: 'registration.created' });
    expect(new Webhook(b).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(c).verify(body, headers)).toThrow();
    expect(() => new Webhook(a).verify(`${body} `, headers)).toThrow();
    // An old timestamp is refused by the receiver: each attempt is signed afresh.
    const old = signedHeaders([a], 'msg_1', new Date(Date.now() - 3600_000), body);
    expect(() => new Webhook(a).verify(body, old)).toThrow();
  });
});
