import { eventStore } from '#adapters/event-store';
import { meetingStore } from '#adapters/meeting-store';
import { cursorKey, manageTokenKey } from '#adapters/secrets';
import { GatepassError } from '#domain/errors';
import { foldForSearch } from '#domain/meetings';
import { programmeOf } from '#domain/meeting-use-cases';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { eventIdOf, found } from '#http/event-id';
import { callingParticipant } from '#http/meetings';
import { json } from '#http/respond';
import { securedRoute } from '#http/secured-route';

/**
 * The meeting directory: visible profiles of confirmed registrations, by name (or, with `q`,
 * name or organisation prefix), one index page at a time. Never an email.
 */
export const handler = securedRoute(
  'list-meeting-profiles',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const page = found(await eventStore.read(eventId));
    programmeOf(page.event);
    if (req.principal.kind === 'participant') {
      const me = await callingParticipant(req, eventId);
      if (me.status !== 'confirmed')
        throw new GatepassError(403, 'forbidden', { detail: 'The directory is open to confirmed registrations.' });
    }
    const limit = pageLimit(req.query.limit);
    const q = req.query.q?.trim().normalize('NFC') || undefined;
    const sector = req.query.sector || undefined;
    if ((q?.length ?? 0) > 200 || (sector?.length ?? 0) > 40)
      throw new GatepassError(422, 'validation_failed', { errors: [{ path: q && q.length > 200 ? 'q' : 'sector', message: 'too long' }] });
    const key = await cursorKey();
    const scope = `meeting-profiles:${eventId}:${sector ?? ''}:${q ?? ''}`;
    const read = await meetingStore.directory(eventId, { q, sector, limit, after: decodeCursor(key, scope, req.query.cursor) });
    const folded = q ? foldForSearch(q) : undefined;
    const items = read.entries.flatMap((e) => {
      const r = read.registrations.get(e.registrationId);
      if (r?.status !== 'confirmed' || !e.profile.visible) return [];
      // An entry written under a name or organisation the person has since changed finds them no more.
      if (folded && !foldForSearch((e.entry === 'org' ? r.organization : r.name) ?? '').startsWith(folded)) return [];
      // A person whose name and organisation both match is listed once, by the name.
      if (e.entry === 'org' && folded && foldForSearch(r.name).startsWith(folded)) return [];
      return [{ registrationId: r.id, name: r.name, organization: r.organization, jobTitle: r.jobTitle, ...e.profile }];
    });
    return json(200, { items, nextCursor: encodeCursor(key, scope, read.next) });
  },
  { manageTokenKey },
);
