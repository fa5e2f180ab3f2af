import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { config } from '#config';
import { signBadge } from '#domain/badge-token';
import { issueManageToken } from '#domain/manage-token';
import { FIRST_TOKEN_VERSION, holdsBadge, registrationView, type StoredRegistration } from '#domain/registration';
import { sealAnswer, unsealAnswer } from '#domain/registration-replay';
import { register } from '#domain/use-cases';
import { walletOffer } from '#domain/wallet';
import { baseUrl } from '#http/base-url';
import { idempotentRequests, keyedRequest } from '#http/idempotency';
import { count, publishMetrics } from '#http/metrics';
import { publicRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { registrationInput } from '#schemas/registration';
import { eventIdOf } from '#http/event-id';
import { isAdminBearer } from '#http/auth';

type View = ReturnType<typeof registrationView>;

/** The credentials of a new registration's 201, derived (HMAC, deterministic Ed25519), never stored. */
async function credentials(eventId: string, registrationId: string, badge: boolean, badgeKid?: string) {
  const manageToken = issueManageToken(await manageTokenKey(), eventId, registrationId, FIRST_TOKEN_VERSION);
  const badgeToken = badge ? await signBadge(await badgeKeyRing(), { eventId, registrationId }, badgeKid) : undefined;
  return { manageToken, badgeToken };
}

export const handler = publicRoute(
  'create-registration',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const viewOf = async (registration: StoredRegistration): Promise<View> =>
      registrationView(registration, {
        ...(await credentials(eventId, registration.id, holdsBadge(registration))),
        baseUrl: baseUrl(req.event),
        wallet: walletOffer(config()),
      });
    const keyed = keyedRequest(req);
    // An admin (press, VIP) registers outside the window, and is the approval itself: confirmed.
    const admin = await isAdminBearer(req.event.headers?.authorization);
    let view: View | undefined;
    const registration = await register(
      eventStore,
      registrationStore,
      eventId,
      (event) => validate(registrationInput(event), req.body, req.locale),
      {
        deadline: req.deadline,
        admin,
        // Rendered before the write, so that the key's record holds the answer the caller gets.
        keyed: keyed && {
          ...keyed,
          answer: async (r) => ({ body: sealAnswer((view = await viewOf(r))), location: `/events/${eventId}/registrations/${r.id}` }),
        },
      },
    );
    count(
      registration.status === 'confirmed'
        ? 'RegistrationsConfirmed'
        : registration.status === 'pending'
          ? 'RegistrationsPending'
          : 'RegistrationsWaitlisted',
    );
    return json(201, view ?? (await viewOf(registration)), { Location: `/events/${eventId}/registrations/${registration.id}` });
  },
  {
    use: [
      publishMetrics(),
      idempotentRequests(registrationStore.keyedRequest, (answer, keyed) => unsealAnswer(answer, keyed.key, credentials)),
    ],
  },
);
