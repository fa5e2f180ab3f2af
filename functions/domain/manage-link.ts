/**
 * Replacing a registration's manage link (API.md: `POST …/registrations/{id}/manage-token`).
 * The token is an HMAC over the registration and its `tokenVersion`, so bumping the version
 * revokes every earlier link at once; the new link is emailed (an outbox item in the bump's own
 * transaction), never answered, so whoever holds a leaked link cannot keep a working one.
 * Resending the link never rotates: a stranger who knows the email must not be able to kill it.
 */
import { serviceUnavailable, notFound } from '#domain/errors';
import type { StoredRegistration } from '#domain/registration';

export interface ManageLinkStore {
  read(eventId: string, registrationId: string): Promise<StoredRegistration | undefined>;
  /** Bumps the version the registration was read with and owes the manage-link email, in one transaction. */
  rotate(registration: StoredRegistration, now: Date): Promise<'ok' | 'stale'>;
}

const ATTEMPTS = 5;

/**
 * 1. Read the registration (404); `authorize` refuses a caller whose token is not the current one.
 * 2. Bump `tokenVersion` under the version read, with the email owed in the same transaction.
 * 3. Another change in between (stale) is retried from step 1; the new version is returned.
 */
export async function rotateManageLink(
  store: ManageLinkStore,
  eventId: string,
  registrationId: string,
  authorize: (registration: StoredRegistration) => void,
  now = new Date(),
): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const registration = await store.read(eventId, registrationId);
    if (!registration) throw notFound('No such registration.');
    authorize(registration);
    if ((await store.rotate(registration, now)) === 'ok') return registration.tokenVersion + 1;
  }
  throw serviceUnavailable();
}
