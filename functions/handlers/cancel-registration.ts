import { eventStore } from '#adapters/event-store';
import { registrationStore } from '#adapters/registration-store';
import { seatStore } from '#adapters/seat-store';
import { manageTokenKey } from '#adapters/secrets';
import { registrationView } from '#domain/registration';
import { cancelRegistration } from '#domain/seat-changes';
import { cancelMeetingsOf } from '#domain/meeting-use-cases';
import { meetingPorts } from '#http/meetings';
import { findRegistrationWithEvent } from '#http/lookup';
import { assertCurrentManageToken } from '#http/participant';
import { count, publishMetrics } from '#http/metrics';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { logger } from '#http/log';

const stores = { events: eventStore, registrations: registrationStore, seats: seatStore };

export const handler = securedRoute(
  'cancel-registration',
  async (req) => {
    const read = await findRegistrationWithEvent(req.params);
    const existing = read.registration;
    assertCurrentManageToken(req, existing);
    const cancelled = await cancelRegistration(stores, existing.eventId, existing.id, { read, deadline: req.deadline });
    count('RegistrationsCancelled');
    // Its meetings, owed by the cancellation's own transaction: cancelled now while time is
    // left (the other side emailed); the owed item stays for the sweeper, whose later pass sees
    // what the indexes may not show yet (meeting-use-cases.ts INDEX_LAG_MS).
    if (read.page.event.meetings)
      await cancelMeetingsOf(meetingPorts, existing.eventId, existing.id, { keepOwed: true, until: req.deadline - 2_000 }).catch(
        (error: unknown) => {
          logger.warn('meeting cascade left to the sweeper', { errorName: error instanceof Error ? error.name : 'unknown' });
        },
      );
    return json(200, registrationView(cancelled));
  },
  { manageTokenKey, use: [publishMetrics()] },
);
