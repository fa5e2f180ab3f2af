import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { meetingStore } from '#adapters/meeting-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { manageTokenKey } from '#adapters/secrets';
import { config } from '#config';
import { signBadge } from '#domain/badge-token';
import { holdsBadge, registrationView } from '#domain/registration';
import { walletOffer } from '#domain/wallet';
import { followRename } from '#domain/meeting-use-cases';
import { changeRegistration } from '#domain/seat-changes';
import { baseUrl } from '#http/base-url';
import { logger } from '#http/log';
import { findRegistrationWithEvent } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { registrationPatch } from '#schemas/registration';

const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };

export const handler = securedRoute(
  'update-registration',
  async (req) => {
    const { page, registration: existing } = await findRegistrationWithEvent(req.params);
    const { eventId, id: registrationId } = existing;
    assertCurrentManageToken(req, existing);
    const changes = validate(registrationPatch(page.event), req.body, req.locale);
    const updated = await changeRegistration(stores, eventId, registrationId, changes, {
      read: { page, registration: existing },
      deadline: req.deadline,
    });
    // The change is committed: a directory that could not follow it keeps the old entries, which
    // the directory drops as stale, until the profile is saved again; never an error for it.
    if (page.event.meetings && Date.now() < req.deadline - 1_500)
      await followRename(meetingStore, existing, updated, new Date()).catch((error: unknown) => {
        logger.warn('directory entries left under the old name', { errorName: error instanceof Error ? error.name : 'unknown' });
      });
    const badgeToken = holdsBadge(updated) ? await signBadge(await badgeKeyRing(), { eventId, registrationId }) : undefined;
    return json(200, registrationView(updated, { badgeToken, baseUrl: baseUrl(req.event), wallet: walletOffer(config()) }));
  },
  { manageTokenKey },
);
