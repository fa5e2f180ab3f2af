import { meetingStore } from '#adapters/meeting-store';
import { manageTokenKey } from '#adapters/secrets';
import { GatepassError } from '#domain/errors';
import { programmeOf } from '#domain/meeting-use-cases';
import { findRegistrationWithEvent } from '#http/lookup';
import { meetingPorts } from '#http/meetings';
import { assertCurrentManageToken } from '#http/participant';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';
import { validate } from '#http/validate';
import { meetingProfileInput } from '#schemas/meetings';

/** A participant opts in to the meeting directory (visible: their own consent to be listed) or out of it. */
export const handler = securedRoute(
  'put-meeting-profile',
  async (req) => {
    const { page, registration } = await findRegistrationWithEvent(req.params);
    assertCurrentManageToken(req, registration);
    programmeOf(page.event);
    const input = validate(meetingProfileInput(), req.body, req.locale);
    if (registration.status === 'cancelled') throw new GatepassError(409, 'registration_cancelled');
    const profile = {
      visible: input.visible,
      headline: input.headline ?? null,
      sectors: [...new Set(input.sectors ?? [])],
      offers: input.offers || null,
      seeks: input.seeks || null,
    };
    await meetingStore.putProfile(registration, profile, meetingPorts.now().toISOString());
    return json(200, {
      registrationId: registration.id,
      name: registration.name,
      organization: registration.organization,
      jobTitle: registration.jobTitle,
      ...profile,
    });
  },
  { manageTokenKey },
);
