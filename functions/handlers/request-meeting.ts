import { eventStore } from '#adapters/event-store';
import { manageTokenKey } from '#adapters/secrets';
import { meetingView } from '#domain/meetings';
import { requestMeeting } from '#domain/meeting-use-cases';
import { eventIdOf, found } from '#http/event-id';
import { callingParticipant, meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';
import { validate } from '#http/validate';
import { meetingRequestInput } from '#schemas/meetings';

export const handler = securedRoute(
  'request-meeting',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const page = found(await eventStore.read(eventId));
    const me = await callingParticipant(req, eventId);
    const body = validate(meetingRequestInput(), req.body, req.locale);
    const meeting = await requestMeeting(meetingPorts, page.event, me.id, body);
    return json(201, meetingView(meeting), { Location: `/events/${eventId}/meetings/${meeting.id}` });
  },
  { manageTokenKey },
);
