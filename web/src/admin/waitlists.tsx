/** Who waits: the event's line, then each session's (people with an event seat waiting for that session). */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { lang, pick } from '../lib/i18n.ts';
import type { PublicEvent, Registration } from '../lib/types.ts';
import { at } from './registrations.tsx';
import { call, eventPath, type Page } from './state.ts';
import { strings } from './strings.ts';

/** Every page of a filtered list, up to a bound (a line longer than that is shown in part, and says so by its count). */
async function all(eventId: string, filter: Record<string, string>, keep: (r: Registration) => boolean): Promise<Registration[]> {
  const found: Registration[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const p = new URLSearchParams({ ...filter, limit: '100' });
    if (cursor) p.set('cursor', cursor);
    const answer: Page<Registration> = await call<Page<Registration>>(eventPath(eventId, `/registrations?${p}`));
    found.push(...answer.items.filter(keep));
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return found;
}

export function Waitlists({ eventId, event }: { eventId: string; event: PublicEvent | undefined }) {
  const t = pick(strings);
  const lines = useSignal<{ id: string; name: string; people: Registration[] }[] | undefined>(undefined);
  useEffect(() => {
    if (!event) return;
    void (async () => {
      const eventLine = await all(eventId, { status: 'waitlisted' }, () => true);
      const sessionLines = await Promise.all(
        event.sessions.map(async (s) => ({
          id: s.id,
          name: s.name[lang.value] || s.name.en,
          people: await all(eventId, { status: 'confirmed', sessionId: s.id }, (r) =>
            r.sessions.some((x) => x.id === s.id && x.status === 'waitlisted'),
          ),
        })),
      );
      lines.value = [{ id: '', name: t.eventWaitlist, people: eventLine }, ...sessionLines];
    })().catch(() => (lines.value = []));
  }, [eventId, event]);
  return (
    <section aria-labelledby="waitlists-title">
      <h2 id="waitlists-title">{t.views.waitlists}</h2>
      {!lines.value && <p>{t.loading}</p>}
      {lines.value?.map((line) => (
        <section key={line.id} data-waitlist={line.id || 'event'} aria-label={line.name}>
          <h3>
            {line.name} ({line.people.length})
          </h3>
          {line.people.length ? (
            <ol>
              {line.people.map((r) => (
                <li key={r.id}>
                  {r.name} · {r.email} · {at(r.createdAt)}
                </li>
              ))}
            </ol>
          ) : (
            <p>{t.noWaitlist}</p>
          )}
        </section>
      ))}
    </section>
  );
}
