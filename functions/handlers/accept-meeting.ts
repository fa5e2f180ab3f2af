import { manageTokenKey } from '#adapters/secrets';
import { meetingView } from '#domain/meetings';
import { acceptMeeting } from '#domain/meeting-use-cases';
import { eventIdOf } from '#http/event-id';
import { callingParticipant, meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

export const handler = securedRoute(
  'accept-meeting',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const me = await callingParticipant(req, eventId);
    const meeting = await acceptMeeting(meetingPorts, eventId, req.params.meetingId ?? '', me.id, { deadline: req.deadline });
    return json(200, meetingView(meeting));
  },
  { manageTokenKey },
);
