import { meetingStore } from '#adapters/meeting-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { meetingView } from '#domain/meetings';
import { settle } from '#domain/meeting-use-cases';
import { findRegistration } from '#http/lookup';
import { meetingPorts } from '#http/meetings';
import { assertCurrentManageToken } from '#http/participant';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** A participant's meetings and requests, in and out, each judged as read (expired, no-show). */
export const handler = securedRoute(
  'list-registration-meetings',
  async (req) => {
    const registration = await findRegistration(req.params);
    assertCurrentManageToken(req, registration);
    const meetings = await meetingStore.ofPerson(registration.eventId, registration.id);
    const items = await Promise.all(meetings.map((m) => settle(meetingPorts, m)));
    // Who each meeting is with (name and organisation, never an email), for the manage page.
    const others = await Promise.all(
      items.map((m) => registrationStore.read(registration.eventId, m.requester === registration.id ? m.invitee : m.requester)),
    );
    return json(200, {
      items: items.map((m, i) => {
        const o = others[i];
        return {
          ...meetingView(m),
          with: o ? { registrationId: o.id, name: o.name, organization: o.organization, jobTitle: o.jobTitle } : null,
        };
      }),
      nextCursor: null,
    });
  },
  { manageTokenKey },
);
