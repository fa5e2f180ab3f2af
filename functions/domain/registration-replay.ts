/**
 * What a registration's Idempotency-Key record keeps of its 201, and what a replay hands back
 * (API.md, Registration, Idempotency-Key). The record holds no credential: the manage token and
 * the badge token are derived again on a replay, and only for a key the caller could not have
 * guessed. A short or predictable key (`form-1`) with a known body must never yield a stranger
 * the manage token or the badge: such a replay answers with both null (the participant has them
 * by email).
 */
import { decodeProtectedHeader } from 'jose';
import type { KeyedAnswer } from '#domain/keyed-request';
import type { registrationView } from '#domain/registration';

type View = ReturnType<typeof registrationView>;
type BadgeUrls = Omit<NonNullable<View['badge']>, 'token'>;
/** The 201 as the record keeps it: no manage token, no badge token, the badge key's id. */
type Sealed = Omit<View, 'manageToken' | 'badge'> & { badge: BadgeUrls | null; badgeKid?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_RANDOM = /^[A-Za-z0-9_-]{22,}$/;

/** A key in UUID syntax, or of at least 22 base64url characters (~128 bits): its replay is in full. */
export const replaysCredentials = (key: string): boolean => UUID.test(key) || LONG_RANDOM.test(key);

/**
 * Keeps the badge key's id, so that a replay after a key rotation signs with the same key
 * (Ed25519 is deterministic: the same token) for as long as the ring holds it.
 */
export function sealAnswer(view: View): string {
  const { manageToken: _m, badge, ...rest } = view;
  const badgeKid = badge ? decodeProtectedHeader(badge.token).kid : undefined;
  const sealed: Sealed = {
    ...rest,
    badge: badge && { svgUrl: badge.svgUrl, pngUrl: badge.pngUrl, pdfUrl: badge.pdfUrl },
    ...(badgeKid ? { badgeKid } : {}),
  };
  return JSON.stringify(sealed);
}

export interface Credentials {
  readonly manageToken: string;
  readonly badgeToken: string | undefined;
}

/** Derives a registration's credentials again (HMAC, deterministic Ed25519). */
export type DeriveCredentials = (eventId: string, registrationId: string, badge: boolean, badgeKid?: string) => Promise<Credentials>;

/** A replayed 201: the sealed body, fields in their first order, with credentials only for a key that earns them. */
export async function unsealAnswer(answer: KeyedAnswer, key: string, derive: DeriveCredentials): Promise<KeyedAnswer> {
  const { badge, badgeKid, wallet, ...rest } = JSON.parse(answer.body) as Sealed;
  // `wallet` after `badge`, as first answered (records sealed before wallet links have none).
  const links = wallet !== undefined ? { wallet } : {};
  if (!replaysCredentials(key)) {
    return { ...answer, body: JSON.stringify({ ...rest, manageToken: null, badge: null, ...links }) };
  }
  const { manageToken, badgeToken } = await derive(rest.eventId, rest.id, badge !== null, badgeKid);
  const view = { ...rest, manageToken, badge: badge && { token: badgeToken, ...badge }, ...links };
  return { ...answer, body: JSON.stringify(view) };
}
