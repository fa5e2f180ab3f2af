/** Path ids to stored items: a malformed id is an unknown one (404), as API.md has it. */
import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { notFound } from '#domain/errors';
import type { EventPage } from '#domain/ports';
import { isEventId, isRegistrationId, type StoredRegistration } from '#domain/registration';

export async function findRegistration(params: Readonly<Record<string, string>>): Promise<StoredRegistration> {
  const { eventId = '', registrationId = '' } = params;
  const registration =
    isEventId(eventId) && isRegistrationId(registrationId) ? await registrationStore.read(eventId, registrationId) : undefined;
  if (!registration) throw notFound('No such registration.');
  return registration;
}

export async function findRegistrationWithEvent(
  params: Readonly<Record<string, string>>,
): Promise<{ page: EventPage; registration: StoredRegistration }> {
  const { eventId = '' } = params;
  const [page, registration] = await Promise.all([isEventId(eventId) ? eventStore.read(eventId) : undefined, findRegistration(params)]);
  if (!page) throw notFound('No such registration.');
  return { page, registration };
}
