import { manageTokenKey } from '#adapters/secrets';
import { meetingView } from '#domain/meetings';
import { cancelMeeting, readSettled } from '#domain/meeting-use-cases';
import { eventIdOf } from '#http/event-id';
import { callingParticipant, meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/** Either side, or an admin, cancels an open request or meeting. */
export const handler = securedRoute(
  'cancel-meeting',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const meetingId = req.params.meetingId ?? '';
    let by = 'admin';
    if (req.principal.kind === 'participant') by = (await callingParticipant(req, eventId)).id;
    else await readSettled(meetingPorts, eventId, meetingId);
    const meeting = await cancelMeeting(meetingPorts, eventId, meetingId, by);
    return json(200, meetingView(meeting));
  },
  { manageTokenKey },
);
