import { badgeKeyRing } from '#adapters/badge-keys';
import { verifyBadge } from '#domain/badge-token';
import { meetingView } from '#domain/meetings';
import { checkInAtMeeting } from '#domain/meeting-use-cases';
import { eventIdOf } from '#http/event-id';
import { meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';
import { validate } from '#http/validate';
import { meetingCheckinInput } from '#schemas/meetings';

/** A badge scanned at a meeting's table (staff or a paired device): verified first, then that side is present. */
export const handler = securedRoute('check-in-meeting', async (req) => {
  const eventId = eventIdOf(req.params);
  const badge = req.body && typeof req.body === 'object' ? (req.body as { badge?: unknown }).badge : undefined;
  const claim = await verifyBadge(await badgeKeyRing(), eventId, badge);
  validate(meetingCheckinInput(), req.body, req.locale);
  const meeting = await checkInAtMeeting(meetingPorts, eventId, req.params.meetingId ?? '', claim.registrationId);
  return json(200, meetingView(meeting));
});
