/**
 * DynamoDB work per meeting accept, at 10 and at 2,000 meetings already scheduled in the event:
 * round trips and consumed capacity of POST …/meetings/{id}/accept (metered as dynamo-work.ts
 * does). The planner reads the two people's own partitions and one item per slot of the
 * programme, never the event's meetings, so neither should grow with them.
 */
import { meetingStore, newMeetingId } from '#adapters/meeting-store';
import { registrationStore } from '#adapters/registration-store';
import { acceptMeeting, requestMeeting, type MeetingPorts } from '#domain/meeting-use-cases';
import type { BenchContext } from './context.ts';
import { createEvent } from './context.ts';
import { median, openEvent, participant, progress, round } from './support.ts';

export interface MeetingsResult {
  method: string;
  at10: { scheduled: number; roundTrips: number; capacity: number };
  at2000: { scheduled: number; roundTrips: number; capacity: number; seedSeconds: number };
  roundTripRatio: number;
  capacityRatio: number;
}

const SLOTS = 20;
const TABLES = 120;
const PEOPLE = 240;

export async function measureMeetings(ctx: BenchContext): Promise<MeetingsResult> {
  await ctx.useTable('meetings');
  const admin = { authorization: `Bearer ${ctx.admin}` };
  const start = new Date(Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000);
  const eventBody = () =>
    openEvent({
      startsAt: new Date(start.getTime() - 3_600_000).toISOString(),
      endsAt: new Date(start.getTime() + (SLOTS + 2) * 30 * 60_000).toISOString(),
      registration: { opensAt: new Date(Date.now() - 86_400_000).toISOString(), closesAt: start.toISOString(), waitlist: true },
      capacity: 1000,
      sessions: [],
      meetings: {
        blocks: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + SLOTS * 30 * 60_000).toISOString() }],
        slotMinutes: 30,
        tables: Array.from({ length: TABLES }, (_, i) => `T${i + 1}`),
        maxPerParticipant: 100,
        requestHours: 48,
      },
    });
  const ports: MeetingPorts = {
    meetings: meetingStore,
    readRegistration: registrationStore.read,
    readEvent: async (id) => (await (await import('#adapters/event-store')).eventStore.read(id))?.event,
    now: () => new Date(),
    newId: newMeetingId,
  };

  /** An event with `scheduled` meetings booked, and 7 more requests to accept under the meter. */
  const setUp = async (scheduled: number) => {
    const eventId = await createEvent(ctx, eventBody());
    const event = (await ports.readEvent(eventId))!;
    const people: { id: string; token: string }[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const r = await ctx.http.call('POST', `/events/${eventId}/registrations`, { body: participant(`meet${scheduled}`, i) });
      const json = r.json as { id: string; manageToken: string };
      const reg = (await registrationStore.read(eventId, json.id))!;
      await meetingStore.putProfile(
        reg,
        { visible: true, headline: null, sectors: [], offers: null, seeks: null },
        new Date().toISOString(),
      );
      people.push({ id: json.id, token: json.manageToken });
    }
    const t0 = Date.now();
    // Pairs (i, i+k): each person is in at most one meeting per slot, as the planner decides.
    let booked = 0;
    for (let k = 1; booked < scheduled; k++) {
      for (let i = 0; i < PEOPLE && booked < scheduled; i += 2) {
        const a = people[i]!;
        const b = people[(i + 2 * k - 1) % PEOPLE]!;
        const m = await requestMeeting(ports, event, a.id, { with: b.id }).catch(() => undefined);
        if (!m) continue;
        if (await acceptMeeting(ports, eventId, m.id, b.id).catch(() => undefined)) booked++;
      }
    }
    const seedSeconds = round((Date.now() - t0) / 1000, 1);
    // Fresh people for the measured accepts (the 7 last, with free time of their own).
    const extra: { id: string; token: string }[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await ctx.http.call('POST', `/events/${eventId}/registrations`, { body: participant(`meetx${scheduled}`, i) });
      const json = r.json as { id: string; manageToken: string };
      const reg = (await registrationStore.read(eventId, json.id))!;
      await meetingStore.putProfile(
        reg,
        { visible: true, headline: null, sectors: [], offers: null, seeks: null },
        new Date().toISOString(),
      );
      extra.push({ id: json.id, token: json.manageToken });
    }
    const requests = [];
    for (let i = 0; i < 14; i += 2)
      requests.push({ m: await requestMeeting(ports, event, extra[i]!.id, { with: extra[i + 1]!.id }), invitee: extra[i + 1]! });
    return { eventId, requests, seedSeconds };
  };

  const measure = async (scheduled: number) => {
    progress('meetings', `an event with ${scheduled} meetings scheduled; 7 accepts metered`);
    const { eventId, requests, seedSeconds } = await setUp(scheduled);
    const tallies = [];
    for (const { m, invitee } of requests) {
      const { result, tally } = await ctx.meter.measure(() =>
        ctx.http.call('POST', `/events/${eventId}/meetings/${m.id}/accept`, { headers: { 'x-manage-token': invitee.token } }),
      );
      if (result.status !== 200) throw new Error(`accept: ${result.status} ${JSON.stringify(result.json)}`);
      tallies.push(tally);
    }
    const counts = await ctx.http.call('GET', `/events/${eventId}/attendance`, { headers: admin });
    return {
      scheduled: (counts.json as { meetings: { scheduled: number } }).meetings.scheduled - requests.length,
      roundTrips: median(tallies.map((t) => t.roundTrips)),
      capacity: round(median(tallies.map((t) => t.capacity)), 2),
      seedSeconds,
    };
  };

  const small = await measure(10);
  const large = await measure(2000);
  return {
    method: `POST …/accept through the local stack, metered as the dynamodb figure; programme ${SLOTS} slots × ${TABLES} tables, ${PEOPLE} people; median of 7 accepts`,
    at10: { scheduled: small.scheduled, roundTrips: small.roundTrips, capacity: small.capacity },
    at2000: { scheduled: large.scheduled, roundTrips: large.roundTrips, capacity: large.capacity, seedSeconds: large.seedSeconds },
    roundTripRatio: round(large.roundTrips / small.roundTrips, 3),
    capacityRatio: round(large.capacity / small.capacity, 3),
  };
}
