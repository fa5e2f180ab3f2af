import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { meetingAtTable } from '#adapters/meeting-store';
import { verifyBadge } from '#domain/badge-token';
import { meetingView } from '#domain/meetings';
import { checkInAtTable } from '#domain/meeting-table-checkin';
import { eventIdOf, found } from '#http/event-id';
import { meetingPorts } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';
import { validate } from '#http/validate';
import { meetingTableCheckinInput } from '#schemas/meetings';

const ports = { ...meetingPorts, meetingAtTable };

/** The scanner's table mode (staff or a paired device): a badge at a table; the API finds the table's meeting now. */
export const handler = securedRoute('check-in-meeting-table', async (req) => {
  const eventId = eventIdOf(req.params);
  const badge = req.body && typeof req.body === 'object' ? (req.body as { badge?: unknown }).badge : undefined;
  const claim = await verifyBadge(await badgeKeyRing(), eventId, badge);
  const body = validate(meetingTableCheckinInput(), req.body, req.locale);
  const { event } = found(await eventStore.read(eventId));
  const meeting = await checkInAtTable(ports, event, body.table, claim.registrationId);
  return json(200, meetingView(meeting));
});
