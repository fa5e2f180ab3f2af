import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { config } from '#config';
import { signBadge } from '#domain/badge-token';
import { notFound } from '#domain/errors';
import type { KeyedAnswer } from '#domain/keyed-request';
import { issueManageToken } from '#domain/manage-token';
import { FIRST_TOKEN_VERSION, holdsBadge, isEventId, registrationView, type StoredRegistration } from '#domain/registration';
import { register } from '#domain/use-cases';
import { walletOffer } from '#domain/wallet';
import { baseUrl } from '#http/base-url';
import { idempotentRequests, keyedRequest } from '#http/idempotency';
import { count, publishMetrics } from '#http/metrics';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { registrationInput } from '#schemas/registration';

type View = ReturnType<typeof registrationView>;
type Sealed = Omit<View, 'manageToken' | 'badge'> & { badge: Omit<NonNullable<View['badge']>, 'token'> | null; badgeKid?: string };

/** The credentials of a new registration's 201, derived (HMAC, deterministic Ed25519), never stored. */
async function credentials(eventId: string, registrationId: string, badge: boolean, badgeKid?: string) {
  const manageToken = issueManageToken(await manageTokenKey(), eventId, registrationId, FIRST_TOKEN_VERSION);
  const badgeToken = badge ? await signBadge(await badgeKeyRing(), { eventId, registrationId }, badgeKid) : undefined;
  return { manageToken, badgeToken };
}

/**
 * The 201 as a key's record keeps it: without the manage token and the badge token, but with the
 * badge key's id, so that a replay after a key rotation signs with the same key (Ed25519 is
 * deterministic: the same token) for as long as the ring holds it.
 */
function seal(view: View): string {
  const { manageToken: _m, badge, ...rest } = view;
  const badgeKid = badge ? (JSON.parse(Buffer.from(badge.token.split('.')[0]!, 'base64url').toString('utf8')) as { kid?: string }).kid : undefined;
  const sealed: Sealed = { ...rest, badge: badge && { svgUrl: badge.svgUrl, pngUrl: badge.pngUrl, pdfUrl: badge.pdfUrl }, ...(badgeKid ? { badgeKid } : {}) };
  return JSON.stringify(sealed);
}

/** A replayed 201: the sealed body with its credentials derived again, fields in their first order. */
async function unseal(answer: KeyedAnswer): Promise<KeyedAnswer> {
  const { badge, badgeKid, wallet, ...rest } = JSON.parse(answer.body) as Sealed;
  const { manageToken, badgeToken } = await credentials(rest.eventId, rest.id, badge !== null, badgeKid);
  // `wallet` after `badge`, as first answered (records sealed before wallet links have none).
  const view = { ...rest, manageToken, badge: badge && { token: badgeToken, ...badge }, ...(wallet !== undefined ? { wallet } : {}) };
  return { ...answer, body: JSON.stringify(view) };
}

export const handler = publicRoute(
  'create-registration',
  async (req) => {
    const eventId = req.params.eventId ?? '';
    if (!isEventId(eventId)) throw notFound('No such event.');
    const viewOf = async (registration: StoredRegistration): Promise<View> =>
      registrationView(registration, { ...(await credentials(eventId, registration.id, holdsBadge(registration))), baseUrl: baseUrl(req.event), wallet: walletOffer(config()) });
    const keyed = keyedRequest(req);
    let view: View | undefined;
    const registration = await register(eventStore, registrationStore, eventId, (event) => validate(registrationInput(event), req.body, req.locale), {
      deadline: req.deadline,
      // Rendered before the write, so that the key's record holds the answer the caller gets.
      keyed: keyed && {
        ...keyed,
        answer: async (r) => ({ body: seal((view = await viewOf(r))), location: `/events/${eventId}/registrations/${r.id}` }),
      },
    });
    count(registration.status === 'confirmed' ? 'RegistrationsConfirmed' : 'RegistrationsWaitlisted');
    return json(201, view ?? (await viewOf(registration)), { Location: `/events/${eventId}/registrations/${registration.id}` });
  },
  { use: [publishMetrics(), idempotentRequests(registrationStore.keyedRequest, unseal)] },
);
