import { readAttendance } from '#adapters/attendance-store';
import { meetingStore } from '#adapters/meeting-store';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { eventIdOf, found } from '#http/event-id';

/** Live counts of registrations (a person once), from counters: constant cost per event. */
export const handler = securedRoute('get-attendance', async (req) => {
  const eventId = eventIdOf(req.params);
  const [read, meetings] = await Promise.all([readAttendance(eventId), meetingStore.counts(eventId)]);
  const { page, checkins, inside } = found(read);
  const c = page.counters.event;
  return json(200, {
    eventId,
    capacity: page.event.capacity,
    // Every confirmed registration once (API.md: counts are of registrations); overCapacity says how many hold no seat.
    confirmed: c.confirmed + (c.overCapacity ?? 0),
    waitlisted: c.waitlisted,
    cancelled: c.cancelled,
    checkedIn: checkins.venue,
    pending: c.pending ?? 0,
    denied: c.denied ?? 0,
    overCapacity: c.overCapacity ?? 0,
    inside: inside.venue,
    sessions: page.event.sessions.map((s) => {
      const sc = page.counters.sessions[s.id];
      return {
        id: s.id,
        capacity: s.capacity,
        confirmed: (sc?.confirmed ?? 0) + (sc?.overCapacity ?? 0),
        waitlisted: sc?.waitlisted ?? 0,
        checkedIn: checkins.sessions[s.id] ?? 0,
        overCapacity: sc?.overCapacity ?? 0,
        inside: inside.sessions[s.id] ?? 0,
      };
    }),
    // B2B meetings: one counter item, moved by each meeting's own transactions.
    meetings: { requested: meetings.requested, scheduled: meetings.scheduled, held: meetings.held, noShow: meetings.noShow },
    asOf: new Date().toISOString(),
  });
});
