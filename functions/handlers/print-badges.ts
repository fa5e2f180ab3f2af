/**
 * GET /events/{eventId}/badges.pdf?sort=name|organization&sessionId=&part= (admin): the badge
 * print run, every confirmed badge (or only those with a confirmed seat in `sessionId`) in one
 * PDF, one A6 page each, sorted with the Korean collator (functions/domain/print-run.ts).
 *
 * A run is printed in parts of PRINT_RUN_PART badges, so that each renders well within the
 * function's time; `X-Print-Run-Parts` says how many there are and `Link: rel="next"` names the
 * next. A part of more than PRINT_RUN_INLINE badges (or over one response's size) is stored and
 * answered 303 with a short-lived download URL, as a large export is. The renderer is the badge
 * renderer's lazy file (`#badge-renderer`), loaded on the first run.
 */
import { badgeKeyRing } from '#adapters/badge-keys';
import { canStoreExports, storeExport } from '#adapters/export-store';
import { eventStore } from '#adapters/event-store';
import { everyRegistrationWithStatus, type ReadStats } from '#adapters/registration-query';
import { lazy } from '#badges/lazy';
import { signBadge } from '#domain/badge-token';
import { GatepassError, serviceUnavailable } from '#domain/errors';
import { PRINT_RUN_INLINE, PRINT_SORTS, printOrder, printPart, type PrintSort } from '#domain/print-run';
import type { StoredRegistration } from '#domain/registration';
import { eventIdOf, found } from '#http/event-id';
import { base64Bytes, exportTooLarge, MAX_RESPONSE_BYTES } from '#http/export-limits';
import { json } from '#http/respond';
import { logger } from '#http/route';
import { securedRoute } from '#http/secured-route';

const renderer = lazy(async () => import('#badge-renderer'));

/** Kept back from the function's time: the upload of the finished PDF and the answer. */
const MARGIN_MS = 2_500;

const invalid = (path: string, message: string) => new GatepassError(422, 'validation_failed', { errors: [{ path, message }] });

export const handler = securedRoute('print-badges', async (req) => {
  const eventId = eventIdOf(req.params);
  const sort = req.query.sort ?? 'name';
  if (!(PRINT_SORTS as readonly string[]).includes(sort)) throw invalid('sort', 'name or organization');
  const part = req.query.part === undefined ? 1 : Number(req.query.part);
  if (!Number.isSafeInteger(part) || part < 1 || !/^\d+$/.test(req.query.part ?? '1')) throw invalid('part', 'a whole number from 1');
  const page = found(await eventStore.read(eventId));
  const { event } = page;
  const sessionId = req.query.sessionId;
  if (sessionId !== undefined && !event.sessions.some((s) => s.id === sessionId)) throw invalid('sessionId', 'not a session of this event');

  const confirmed: StoredRegistration[] = [];
  const stats: ReadStats = { plan: 'gsi3', queries: 0, itemsRead: 0, capacityUnits: 0 };
  for await (const registrations of everyRegistrationWithStatus(eventId, 'confirmed', stats)) confirmed.push(...registrations);
  const ordered = printOrder(confirmed, sort as PrintSort, sessionId);
  if (ordered.length === 0) throw new GatepassError(409, 'nothing_to_print', { detail: 'No confirmed badge matches.' });
  const { items, parts } = printPart(ordered, part);
  if (items.length === 0) throw invalid('part', `this run has ${parts} part${parts === 1 ? '' : 's'}`);

  const keyRing = await badgeKeyRing();
  const sessionNames = new Map(event.sessions.map((s) => [s.id, s.name]));
  const badges = await Promise.all(
    items.map(async (r) => ({
      token: await signBadge(keyRing, { eventId, registrationId: r.id }),
      name: r.name,
      organization: r.organization,
      eventName: event.name,
      locale: r.locale,
      sessions: r.sessions
        .filter((s) => s.status === 'confirmed' && sessionNames.has(s.id))
        .map((s) => ({ id: s.id, name: sessionNames.get(s.id)! })),
    })),
  );
  const { badgesPdf } = await renderer();
  const pdf = await badgesPdf(badges, {
    title: `${event.name.ko} · ${event.name.en}`,
    locale: req.locale,
    shouldStop: () => Date.now() > req.deadline - MARGIN_MS,
  });
  // A part is sized to render in time; a machine slow enough to miss it is a fault, not the plan.
  if (!pdf) throw serviceUnavailable(5, 'The print run took longer than this function may; try again.');
  logger.info('printed badges', { ...stats, badges: items.length, part, parts, bytes: pdf.length });

  const filename = `badges-${eventId}${sessionId ? `-${sessionId}` : ''}${parts > 1 ? `-part${part}` : ''}.pdf`;
  const headers: Record<string, string> = { 'X-Print-Run-Parts': String(parts), 'X-Print-Run-Badges': String(items.length) };
  if (part < parts) {
    const next = new URLSearchParams({ sort, ...(sessionId ? { sessionId } : {}), part: String(part + 1) });
    headers.Link = `</events/${eventId}/badges.pdf?${next}>; rel="next"`;
  }
  if (items.length > PRINT_RUN_INLINE || base64Bytes(pdf.length) > MAX_RESPONSE_BYTES) {
    if (!canStoreExports()) {
      if (base64Bytes(pdf.length) > MAX_RESPONSE_BYTES) throw exportTooLarge(req.locale);
    } else {
      const { url, expiresAt } = await storeExport(eventId, pdf, filename, 'application/pdf');
      return json(303, { downloadUrl: url, expiresAt, badges: items.length, part, parts }, { ...headers, Location: url });
    }
  }
  return {
    statusCode: 200,
    headers: {
      ...headers,
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body: Buffer.from(pdf).toString('base64'),
    isBase64Encoded: true,
  };
});
