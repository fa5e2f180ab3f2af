/**
 * A badge scanned at a meeting table (the scanner's table mode): the table's meeting now is found
 * from the table-slot items of the slot under way and of the next one (people come a little
 * early), never from a list of the event's meetings; then it is the usual meeting check-in.
 */
import { GatepassError } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import { checkInAtMeeting, programmeOf, type MeetingPorts } from '#domain/meeting-use-cases';
import { slotsOf, type StoredMeeting } from '#domain/meetings';

/** How long before its slot a meeting's table accepts its people. */
export const TABLE_EARLY_MS = 10 * 60_000;

export interface TableCheckinPorts extends MeetingPorts {
  meetingAtTable(eventId: string, slot: string, table: string): Promise<string | undefined>;
}

/** The slots whose meeting a scan at the table may be for, now: the one under way, then the next if it is about to start. */
export function tableSlotsAt(slots: readonly { startsAt: string; endsAt: string }[], now: Date): string[] {
  const t = now.getTime();
  return slots
    .filter((s) => Date.parse(s.startsAt) - TABLE_EARLY_MS <= t && t < Date.parse(s.endsAt))
    .sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1))
    .map((s) => s.startsAt);
}

/**
 * 1. The table must be the programme's (else 422 validation_failed on `table`).
 * 2. For each candidate slot with a meeting at this table, check the badge in; a badge of
 *    neither side there tries the next; none → 409 not_in_meeting.
 */
export async function checkInAtTable(
  ports: TableCheckinPorts,
  event: StoredEvent,
  table: string,
  registrationId: string,
): Promise<StoredMeeting> {
  const settings = programmeOf(event);
  if (!settings.tables.includes(table))
    throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'table', message: 'not one of the programme’s tables' }] });
  for (const slot of tableSlotsAt(slotsOf(settings), ports.now())) {
    const meetingId = await ports.meetingAtTable(event.id, slot, table);
    if (!meetingId) continue;
    try {
      return await checkInAtMeeting(ports, event.id, meetingId, registrationId);
    } catch (error) {
      if (!(error instanceof GatepassError && error.code === 'not_in_meeting')) throw error;
    }
  }
  throw new GatepassError(409, 'not_in_meeting', { detail: 'No meeting at this table, now or about to start, has this badge.' });
}
