/**
 * Devices: door scanners paired to one event. An admin creates a device with a one-time pairing
 * code; the scanner trades the code for a device token, which is the `device` role. Codes and
 * tokens are stored only as hashes. Pure: the adapter (device-store.ts) makes each rule a condition.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GatepassError } from '#domain/errors';

/** `"venue"` or a session id; null on a device means every place of its event. */
export type DevicePlaces = readonly string[] | null;

export interface StoredDevice {
  id: string;
  eventId: string;
  name: string;
  places: DevicePlaces;
  createdAt: string;
  pairedAt: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

/** What the auth middleware reads by the token's hash, in one strongly consistent read. */
export interface DeviceTokenRecord {
  deviceId: string;
  eventId: string;
  name: string;
  places: DevicePlaces;
  /** When the token stops opening anything: a day after the event ends (fixed at pairing). */
  validUntil: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export const VENUE = 'venue';
export const PAIRING_VALID_MS = 15 * 60_000;
export const TOKEN_AFTER_EVENT_MS = 86_400_000;
/** lastSeenAt moves at most this often: a conditional update, not a write per request. */
export const LAST_SEEN_EVERY_MS = 60_000;

/**
 * Pairing codes: 16 characters of a 32-letter alphabet (80 bits), typed in groups of four. No 0,
 * O, 1 or I, which look alike on a phone keyboard and on paper.
 */
const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CODE_LENGTH = 16;

export function newPairingCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is a multiple of 32: each byte's low five bits are uniform.
  const chars = [...bytes].map((b) => CODE_ALPHABET[b & 31]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** The code as typed (any case, spaces or dashes anywhere) → its canonical form, or undefined. */
export function normalisePairingCode(typed: string): string | undefined {
  const bare = typed.toUpperCase().replace(/[\s-]/g, '');
  if (bare.length !== CODE_LENGTH || [...bare].some((c) => !CODE_ALPHABET.includes(c))) return undefined;
  return bare;
}

/** Device tokens: a prefix no JWT has (JWTs start `eyJ` and hold two dots), then 192 random bits. */
const TOKEN_PREFIX = 'gpd_';
export const newDeviceToken = () => `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
export const isDeviceToken = (bearer: string) => /^gpd_[A-Za-z0-9_-]{32}$/.test(bearer);

/** Codes and tokens are kept only as these: a lookup key that cannot be turned back into a credential. */
export const secretHash = (purpose: 'pairing' | 'device-token', secret: string) =>
  createHash('sha256').update(`gatepass:${purpose}:`).update(secret).digest('base64url');

/** Device ids sort by creation (the list shows the oldest first); they grant nothing by themselves. */
export const newDeviceId = () => `${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('base64url')}`;
export const isDeviceId = (id: string) => /^[0-9a-z]{9}[A-Za-z0-9_-]{11}$/.test(id);

export const tokenValidUntil = (eventEndsAt: string) => new Date(Date.parse(eventEndsAt) + TOKEN_AFTER_EVENT_MS).toISOString();

/** The place a scan is made at, in the words of `places`. */
export const placeOfScan = (sessionId: string | undefined) => sessionId ?? VENUE;

/** A device scans only at its own places (all of them when it was given none). */
export function assertPlaceAllowed(places: DevicePlaces, sessionId: string | undefined): void {
  if (places !== null && !places.includes(placeOfScan(sessionId))) {
    throw new GatepassError(403, 'place_not_allowed', { detail: 'This device was not given this place.' });
  }
}

/** The places of a new device, checked against its event: unknown sessions are named by index. */
export function checkPlaces(places: readonly string[] | undefined, sessionIds: readonly string[]): DevicePlaces {
  if (places === undefined) return null;
  const errors = places.flatMap((p, i) => {
    if (p !== VENUE && !sessionIds.includes(p)) return [{ path: `places.${i}`, message: 'neither "venue" nor a session of this event' }];
    if (places.indexOf(p) !== i) return [{ path: `places.${i}`, message: 'listed twice' }];
    return [];
  });
  if (errors.length) throw new GatepassError(422, 'validation_failed', { errors });
  return [...places];
}

export function deviceView(d: StoredDevice) {
  return {
    id: d.id,
    eventId: d.eventId,
    name: d.name,
    places: d.places,
    createdAt: d.createdAt,
    pairedAt: d.pairedAt,
    lastSeenAt: d.lastSeenAt,
    revokedAt: d.revokedAt,
  };
}

export const pairingUrl = (siteUrl: string, code: string) => `${siteUrl.replace(/\/+$/, '')}/scan#pair=${encodeURIComponent(code)}`;

/** One admitting scan of a badge at a place, as the duplicates list shows it. */
export interface Admission {
  deviceId: string | null;
  scannedAt: string;
  uploadedAt: string;
}

/**
 * Offline duplicates. A person is inside a place from an admission until an exit, so an
 * admission is a duplicate when another device had admitted them there at or before its time
 * with no exit between (a lawful re-entry after an exit is not one). A place is listed once any
 * two devices admitted the same badge (one of them was offline: online, the second is answered
 * already_checked_in and admits nobody).
 */
export function isOfflineDuplicate(
  admissions: readonly Admission[],
  own: { deviceId: string | null; scannedAt: string },
  exits: readonly string[] = [],
): boolean {
  return admissions.some(
    (a) => a.deviceId !== own.deviceId && a.scannedAt <= own.scannedAt && !exits.some((e) => a.scannedAt < e && e <= own.scannedAt),
  );
}

export const admittedByTwoDevices = (admissions: readonly Admission[]) => new Set(admissions.map((a) => a.deviceId)).size > 1;
