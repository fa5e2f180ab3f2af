/**
 * The badge print run (GET /events/{eventId}/badges.pdf): which confirmed badges, in what order,
 * cut into parts. Pure.
 *
 * Sorted with Intl.Collator('ko'): Hangul in 가나다 order, Latin names among them as a Korean
 * organiser expects, case and width ignored, numbers read as numbers ("Room 2" before "Room 10").
 * By organisation, people without one come last; ties go by name, then by id, so a run printed
 * twice comes out in the same order.
 */
import type { StoredRegistration } from '#domain/registration';

export const PRINT_SORTS = ['name', 'organization'] as const;
export type PrintSort = (typeof PRINT_SORTS)[number];

/** Badges in one PDF at most: about 30 ms a page here, so a part renders well within the function's time. */
export const PRINT_RUN_PART = 100;
/** Runs of more badges than this are handed over as a download URL (303), as a large export is. */
export const PRINT_RUN_INLINE = 20;

const collator = new Intl.Collator('ko', { sensitivity: 'base', numeric: true });

/** Confirmed registrations (holding a confirmed seat in `sessionId`, when given), in print order. */
export function printOrder(registrations: readonly StoredRegistration[], sort: PrintSort, sessionId?: string): StoredRegistration[] {
  const chosen = registrations.filter(
    (r) => r.status === 'confirmed' && (!sessionId || r.sessions.some((s) => s.id === sessionId && s.status === 'confirmed')),
  );
  const byName = (a: StoredRegistration, b: StoredRegistration) =>
    collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byOrganization = (a: StoredRegistration, b: StoredRegistration) => {
    if (!a.organization !== !b.organization) return a.organization ? -1 : 1;
    return collator.compare(a.organization ?? '', b.organization ?? '') || byName(a, b);
  };
  return chosen.sort(sort === 'organization' ? byOrganization : byName);
}

/** Part `part` (1-based) of the run and how many parts there are (at least one, even when empty). */
export function printPart<T>(ordered: readonly T[], part: number): { items: T[]; parts: number } {
  const parts = Math.max(1, Math.ceil(ordered.length / PRINT_RUN_PART));
  return { items: ordered.slice((part - 1) * PRINT_RUN_PART, part * PRINT_RUN_PART), parts };
}
