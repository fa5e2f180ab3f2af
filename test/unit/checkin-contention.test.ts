/** Check-in under contention and near the function's time limit (domain/checkin-use-case.ts). */
import { describe, expect, it } from 'vitest';
import { checkIn, type CheckinPorts } from '#domain/checkin-use-case';
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';

const at = '2026-01-01T00:00:00.000Z';
const event = { id: 'evt', sessions: [] } as unknown as StoredEvent;
const registration: StoredRegistration = {
  id: 'r'.repeat(22),
  eventId: 'evt',
  status: 'confirmed',
  email: 'a@example.com',
  name: '김민지',
  organization: null,
  jobTitle: null,
  locale: 'ko',
  sessions: [],
  answers: {},
  consent: { privacy: true },
  createdAt: at,
  updatedAt: at,
  checkedInAt: null,
  tokenVersion: 1,
};
const scan = {
  registrationId: registration.id,
  scannedAt: at,
  deviceId: null,
  scanId: null,
  manual: false,
  offline: false,
  direction: 'in' as const,
  key: 'k',
};
const person = { registration, firsts: {}, log: [], version: { changed: 0, scans: 0 } };

describe('check-in', () => {
  it('a registration that keeps changing under the scan → 503 with Retry-After (it exists: never 404)', async () => {
    // Prepare: every write finds the registration changed
    let writes = 0;
    const ports: CheckinPorts = {
      readPerson: async () => person,
      write: async () => (writes++, 'conflict'),
    };
    // Act
    const refused = await checkIn(ports, event, scan).catch((e: unknown) => e);
    // Assess
    expect(refused).toMatchObject({
      status: 503,
      code: 'service_unavailable',
      options: { headers: { 'Retry-After': expect.any(String) } },
    });
    expect(writes).toBeGreaterThan(1);
  });

  it('with no time left for its write, the scan is not begun: 503, nothing recorded', async () => {
    let writes = 0;
    const ports: CheckinPorts = {
      readPerson: async () => person,
      write: async () => (writes++, 'ok'),
    };
    const refused = await checkIn(ports, event, scan, new Date(), Date.now() + 1000).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(writes).toBe(0);
    // With time left it goes through.
    expect((await checkIn(ports, event, scan, new Date(), Date.now() + 60_000)).result).toBe('checked_in');
  });
});
