/**
 * GET /events/{eventId}/registrations (admin): one page of the event's registrations, oldest
 * first, filtered by `status`, `sessionId`, `checkedIn` and `q`. The cursor is signed and bound
 * to the event and the normalised filters: another list's cursor is 400 invalid_cursor.
 */
import * as z from 'zod/mini';
import { eventStore } from '#adapters/event-store';
import { isPosition, listRegistrations, orderKey, queryForms, type RegistrationFilters } from '#adapters/registration-query';
import { cursorKey } from '#adapters/secrets';
import { GatepassError, validationFailed, type FieldError } from '#domain/errors';
import type { Locale } from '#domain/messages';
import { registrationView } from '#domain/registration';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { validate } from '#http/validate';
import { logger } from '#http/route';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { identifier, once } from '#schemas/common';
import { eventIdOf, found } from '#http/event-id';

/** Built on first use: no zod schema is built at cold start. */
const filterQuery = once(() =>
  z.object({
    status: z.optional(z.enum(['confirmed', 'waitlisted', 'cancelled', 'pending', 'denied'])),
    sessionId: z.optional(identifier()),
    checkedIn: z.optional(z.enum(['true', 'false'])),
    q: z.optional(
      z.string().check(
        z.maxLength(200),
        z.refine((q) => queryForms(q).name !== '' && queryForms(q).email !== '', 'at least one character besides spaces'),
      ),
    ),
  }),
);

const unknownSession: Record<Locale, string> = { en: 'not a session of this event', ko: '이 행사의 세션이 아닙니다' };

/** Every failing parameter at once (filters and `limit`), each error on its parameter's name. */
function parseQuery(query: Readonly<Record<string, string>>, locale: Locale): { filters: RegistrationFilters; limit: number } {
  const errors: FieldError[] = [];
  let parsed: z.output<ReturnType<typeof filterQuery>> = {};
  try {
    parsed = validate(filterQuery(), query, locale);
  } catch (error) {
    if (!(error instanceof GatepassError)) throw error;
    errors.push(...(error.options.errors ?? []));
  }
  let limit = 50;
  try {
    limit = pageLimit(query.limit);
  } catch (error) {
    if (!(error instanceof GatepassError)) throw error;
    errors.push(...(error.options.errors ?? []));
  }
  if (errors.length) throw validationFailed(errors);
  const filters: RegistrationFilters = {};
  if (parsed.status !== undefined) filters.status = parsed.status;
  if (parsed.sessionId !== undefined) filters.sessionId = parsed.sessionId;
  if (parsed.checkedIn !== undefined) filters.checkedIn = parsed.checkedIn === 'true';
  if (parsed.q !== undefined) filters.q = parsed.q;
  return { filters, limit };
}

/** The list a cursor belongs to: the event and the filters in their compared forms. */
function scope(eventId: string, f: RegistrationFilters): string {
  const q = f.q === undefined ? null : queryForms(f.q);
  return `registrations:${eventId}:${JSON.stringify([f.status ?? null, f.sessionId ?? null, f.checkedIn ?? null, q?.name ?? null, q?.email ?? null])}`;
}

export const handler = securedRoute('list-registrations', async (req) => {
  const eventId = req.params.eventId ?? '';
  const { filters, limit } = parseQuery(req.query, req.locale);
  const key = await cursorKey();
  const listScope = scope(eventId, filters);
  const position = decodeCursor(key, listScope, req.query.cursor);
  if (position !== undefined && !isPosition(position.at)) throw new GatepassError(400, 'invalid_cursor');

  const page = found(await eventStore.read(eventIdOf(req.params)));
  if (filters.sessionId !== undefined && !page.event.sessions.some((s) => s.id === filters.sessionId)) {
    throw validationFailed([{ path: 'sessionId', message: unknownSession[req.locale] }]);
  }

  const result = await listRegistrations(eventId, filters, limit, position?.at as string | undefined);
  const { items, next } = withinResponseLimit(
    result.items.map((r) => registrationView(r)),
    result.next,
  );
  logger.info('listed registrations', { ...result.stats, returned: items.length });
  return json(200, { items, nextCursor: encodeCursor(key, listScope, next === undefined ? undefined : { at: next }) });
});

/**
 * Lambda answers at most 6 MB. A registration may hold up to 64 KiB of answers, so 100 of them can
 * pass that: a page is cut once its items pass MAX_PAGE_BYTES, and the next page starts after the
 * last item kept (always at least one, which is far below the limit).
 */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;

function withinResponseLimit<T extends { createdAt: string; id: string }>(
  views: T[],
  next: string | undefined,
): { items: T[]; next: string | undefined } {
  let bytes = 0;
  for (let i = 0; i < views.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(views[i]), 'utf8') + 1;
    if (bytes > MAX_PAGE_BYTES && i > 0) return { items: views.slice(0, i), next: orderKey(views[i - 1]!) };
  }
  return { items: views, next };
}
