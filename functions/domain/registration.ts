/** Registrations: identity rules and the participant-facing view. Pure (node:crypto only). */
import { createHash, randomBytes } from 'node:crypto';
import { GatepassError } from '#domain/errors';
import type { SeatStatus } from '#domain/seats';
import { walletLinks, type WalletLinks, type WalletOffer } from '#domain/wallet';

export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled' | 'pending' | 'denied';
/** A session of a registration awaiting approval (or denied) holds no seat and stands in no line: `pending`, `denied`. */
export type SessionStatus = SeatStatus | 'pending' | 'denied';

export interface StoredRegistration {
  id: string;
  eventId: string;
  status: RegistrationStatus;
  email: string;
  name: string;
  organization: string | null;
  jobTitle: string | null;
  locale: 'ko' | 'en';
  /**
   * `arrival`: when a waitlisted seat joined that session's line (its place in the line).
   * `overCapacity`: confirmed there by an admin over the capacity (counted apart, holds no seat).
   */
  sessions: { id: string; status: SessionStatus; arrival?: string; overCapacity?: boolean }[];
  answers: Record<string, unknown>;
  consent: { privacy: true; marketing?: boolean };
  createdAt: string;
  updatedAt: string;
  checkedInAt: string | null;
  /** Bumped to rotate the manage token (the token itself is never stored). */
  tokenVersion: number;
  /** When an admin approved it (approval events): its place in any line, instead of createdAt. */
  approvedAt?: string;
  /** The reason an admin gave when denying it (shown to the participant and in the email). */
  denialReason?: string;
  /** Confirmed by an admin over the event's capacity: counted apart (`overCapacity`), holds no seat. */
  overCapacity?: boolean;
  /** Rises with every change (webhook receivers order messages by it); absent means 1 (written before it existed). */
  version?: number;
  /** When DynamoDB's TTL removes this personal data (epoch seconds): the event's end plus its retention. */
  expiresAt?: number;
  /** The places the person is inside now ("venue", session ids), kept by every scan. */
  inside?: string[];
  /** Bumped by every recorded scan of the person (check-in-store's condition). */
  presenceVersion?: number;
}

/** 128 random bits, URL-safe: unguessable (API.md asks for at least 96). */
export function newRegistrationId(): string {
  // Never starting with - or _: such ids read as flags in a shell and as formulas in a spreadsheet.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}
export const isRegistrationId = (id: string) => /^[A-Za-z0-9_-]{22}$/.test(id);
export const newEventId = () => randomBytes(9).toString('base64url');
export const isEventId = (id: string) => /^[A-Za-z0-9_-]{12}$/.test(id);

/** One registration per email per event: trimmed, NFC, case-insensitive. */
export const normaliseEmail = (email: string) => email.trim().normalize('NFC').toLowerCase();
/** Search form of a name: NFC, case-folded, inner whitespace collapsed (Hangul and Latin alike). */
export const searchForm = (text: string) => text.normalize('NFC').toLocaleLowerCase('en-US').replace(/\s+/g, ' ').trim();
export const emailHash = (email: string) => createHash('sha256').update(normaliseEmail(email)).digest('base64url');

/** What the participant, staff and admins see; `manageToken` only where API.md allows it. */
export interface ViewExtras {
  manageToken?: string;
  /** The signed badge token (only a confirmed registration has a badge). */
  badgeToken?: string;
  /** Base URL of the API, for the badge image URLs. */
  baseUrl?: string;
  /** Which wallet passes the deployment offers (links only where a badge is held). */
  wallet?: WalletOffer;
}

/** Every registration's manage token starts at this version (POST …/manage-token bumps it; resend never does). */
export const FIRST_TOKEN_VERSION = 1;

/** A confirmed registration holds a badge; a waitlisted one not yet, a cancelled one no longer. */
export const holdsBadge = (r: StoredRegistration) => r.status === 'confirmed';

/** What the badge route refuses, for anything that carries the badge (wallet passes): cancelled, or not confirmed. */
/** Where a registration stands in the event's line: its approval time once approved, else its registration time. */
export const lineArrival = (r: Pick<StoredRegistration, 'approvedAt' | 'createdAt'>) => r.approvedAt ?? r.createdAt;

export function assertBadgeIssued(r: StoredRegistration): void {
  if (r.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
  if (!holdsBadge(r)) throw new GatepassError(409, 'badge_not_issued');
}

export function registrationView(r: StoredRegistration, extras: ViewExtras = {}) {
  const badgeUrl = (format: string) =>
    `${extras.baseUrl ?? ''}/events/${encodeURIComponent(r.eventId)}/registrations/${encodeURIComponent(r.id)}/badge?format=${format}`;
  return {
    id: r.id,
    eventId: r.eventId,
    status: r.status,
    email: r.email,
    name: r.name,
    organization: r.organization,
    jobTitle: r.jobTitle,
    locale: r.locale,
    sessions: r.sessions.map(({ id, status }) => ({ id, status })),
    answers: r.answers,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    checkedInAt: r.checkedInAt,
    ...(r.approvedAt ? { approvedAt: r.approvedAt } : {}),
    ...(r.status === 'denied' ? { denialReason: r.denialReason ?? null } : {}),
    ...(r.overCapacity ? { overCapacity: true } : {}),
    version: r.version ?? 1,
    ...(extras.manageToken ? { manageToken: extras.manageToken } : {}),
    badge:
      holdsBadge(r) && extras.badgeToken
        ? { token: extras.badgeToken, svgUrl: badgeUrl('svg'), pngUrl: badgeUrl('png'), pdfUrl: badgeUrl('pdf') }
        : null,
    wallet: holdsBadge(r) && extras.badgeToken && extras.wallet ? walletLinks(r, extras.wallet, extras.baseUrl) : (null as WalletLinks),
  };
}
