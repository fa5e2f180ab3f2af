/**
 * The one event-id guard of the handlers: a malformed id is an unknown one (404, API.md), so it
 * never reaches the table; `found` turns a read that found nothing into the same 404.
 */
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';

export function eventIdOf(params: Readonly<Record<string, string>>): string {
  const eventId = params.eventId ?? '';
  if (!isEventId(eventId)) throw notFound('No such event.');
  return eventId;
}

export function found<T>(value: T | undefined): T {
  if (value === undefined || value === null) throw notFound('No such event.');
  return value;
}
