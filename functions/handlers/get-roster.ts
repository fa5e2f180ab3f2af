import { eventStore } from '#adapters/event-store';
import { readRosterPage } from '#adapters/roster-store';
import { cursorKey } from '#adapters/secrets';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { eventIdOf, found } from '#http/event-id';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Index reads are eventually consistent: each sync re-reads this much before its last token. */
const OVERLAP_MS = 30_000;

/**
 * Offline-scanner sync: every registration changed since `since` (all without it), by update
 * time, paged. `syncToken` (the same on every page of one sync) is the next `since`.
 */
export const handler = securedRoute('get-roster', async (req) => {
  const eventId = eventIdOf(req.params);
  found(await eventStore.read(eventId));
  const key = await cursorKey();
  const since = decodeCursor(key, `roster-since:${eventId}`, req.query.since);
  const from = typeof since?.t === 'string' ? new Date(Date.parse(since.t) - OVERLAP_MS).toISOString() : '0';
  const scope = `roster:${eventId}:${from}`;
  const page = decodeCursor(key, scope, req.query.cursor);
  // One sync keeps the token its first page set, so the next sync starts from before it began.
  const started = typeof page?.started === 'string' ? page.started : new Date().toISOString();
  const out = await readRosterPage(eventId, from, pageLimit(req.query.limit), page?.last as Record<string, unknown> | undefined);
  const items = out.registrations.map((r) => ({
    id: r.id,
    name: r.name,
    organization: r.organization,
    status: r.status,
    sessions: r.sessions.map(({ id, status }) => ({ id, status })),
    checkedInAt: r.checkedInAt,
    updatedAt: r.updatedAt,
    inside: r.inside ?? [],
  }));
  return json(200, {
    items,
    nextCursor: out.last ? encodeCursor(key, scope, { last: out.last, started }) : null,
    syncToken: encodeCursor(key, `roster-since:${eventId}`, { t: started }),
  });
});
