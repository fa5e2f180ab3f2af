/** The pure wallet rules: which passes are offered, their links, local times with their offsets. */
import { describe, expect, it } from 'vitest';
import { NO_WALLET, applePass, eventTimeText, walletLinks, walletOffer, zonedIso } from '#domain/wallet';

describe('walletOffer', () => {
  it('offers a kind only when all of its ids are set', () => {
    expect(walletOffer({})).toEqual(NO_WALLET);
    expect(walletOffer({ APPLE_PASS_TYPE_ID: 'pass.x' })).toEqual({ apple: false, google: false });
    expect(walletOffer({ APPLE_PASS_TYPE_ID: 'pass.x', APPLE_TEAM_ID: 'T' })).toEqual({ apple: true, google: false });
    expect(walletOffer({ GOOGLE_WALLET_ISSUER_ID: '1' })).toEqual({ apple: false, google: true });
  });
});

describe('walletLinks', () => {
  const r = { eventId: 'e/1', id: 'r1' };
  it('links to the offered kinds only, and is null when none is', () => {
    expect(walletLinks(r, NO_WALLET, 'https://api')).toBeNull();
    expect(walletLinks(r, { apple: true, google: false }, 'https://api')).toEqual({
      appleUrl: 'https://api/events/e%2F1/registrations/r1/wallet/apple',
      googleUrl: null,
    });
    expect(walletLinks(r, { apple: false, google: true })).toEqual({
      appleUrl: null,
      googleUrl: '/events/e%2F1/registrations/r1/wallet/google',
    });
  });
});

describe('zonedIso', () => {
  it("writes the instant as the zone's local time with its offset, daylight saving included", () => {
    expect(zonedIso('2027-09-14T00:30:00.000Z', 'Asia/Seoul')).toBe('2027-09-14T09:30:00+09:00');
    expect(zonedIso('2027-07-01T16:00:00Z', 'America/New_York')).toBe('2027-07-01T12:00:00-04:00');
    expect(zonedIso('2027-01-01T16:00:00Z', 'America/New_York')).toBe('2027-01-01T11:00:00-05:00');
    expect(zonedIso('2027-01-01T16:00:00Z', 'UTC')).toBe('2027-01-01T16:00:00+00:00');
    expect(zonedIso('2027-01-01T16:00:00Z', 'Asia/Kolkata')).toBe('2027-01-01T21:30:00+05:30');
  });
});

describe('applePass', () => {
  const event = {
    id: 'abcdefghijkl',
    name: { ko: '포럼', en: 'Forum' },
    venue: 'KDJ Center',
    timezone: 'Asia/Seoul',
    startsAt: '2027-09-14T00:30:00.000Z',
    endsAt: '2027-09-15T09:00:00.000Z',
    sessions: [
      { id: 'bio', name: { ko: '바이오', en: 'Bio' }, startsAt: '2027-09-14T02:00:00Z', endsAt: '2027-09-14T03:00:00Z', capacity: 5 },
    ],
  };
  const registration = {
    id: 'r'.repeat(22),
    eventId: event.id,
    name: 'Minji',
    organization: null,
    sessions: [{ id: 'bio', status: 'waitlisted' as const }],
  };

  it('leaves out the organisation when there is none and sessions without a confirmed seat', () => {
    const pass = applePass({ event, registration, badgeToken: 't' });
    expect(pass.fields.secondaryFields).toEqual([]);
    expect(pass.fields.backFields.map((f) => f.key)).not.toContain('sessions');
    expect(pass.strings.en['value.sessions']).toBeUndefined();
  });

  it('spells a two-day event in the event zone, both days named', () => {
    expect(eventTimeText(event, 'en')).toMatch(/14 .*September 2027.*09:30.*15 .*September 2027.*18:00 \(Asia\/Seoul\)/);
  });
});
