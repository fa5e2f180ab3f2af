/** What the meeting handlers share: the use cases' ports wired to the adapters, and who the participant is. */
import { eventStore } from '#adapters/event-store';
import { meetingStore, newMeetingId } from '#adapters/meeting-store';
import { registrationStore } from '#adapters/registration-store';
import { meetingClock } from '#adapters/clock';
import { GatepassError } from '#domain/errors';
import type { MeetingPorts } from '#domain/meeting-use-cases';
import type { StoredRegistration } from '#domain/registration';
import { assertCurrentManageToken } from '#http/participant';
import type { RouteRequest } from '#http/route';

export const meetingPorts: MeetingPorts = {
  meetings: meetingStore,
  readRegistration: registrationStore.read,
  readEvent: async (eventId) => (await eventStore.read(eventId))?.event,
  now: meetingClock.now,
  newId: newMeetingId,
};

/** The participant calling (their manage token's registration), current token and not cancelled. */
export async function callingParticipant(req: RouteRequest, eventId: string): Promise<StoredRegistration> {
  if (req.principal.kind !== 'participant') throw new GatepassError(403, 'forbidden');
  const r = await registrationStore.read(eventId, req.principal.registrationId);
  if (!r) throw new GatepassError(401, 'unauthorized', { detail: 'The manage token is not valid.' });
  assertCurrentManageToken(req, r);
  return r;
}
