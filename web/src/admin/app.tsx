/** The console's frame: who is signed in, the event picker, the views of the event picked. */
import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { lang, pick } from '../lib/i18n.ts';
import { LangSwitch, useTitle } from '../lib/layout.tsx';
import { Approvals } from './approvals.tsx';
import { lazyView } from './lazy.tsx';
import { session, signOut } from './auth.ts';
import { Devices } from './devices.tsx';
import { Duplicates } from './duplicates.tsx';
import { Meetings } from './meetings.tsx';
import { Overview } from './overview.tsx';
import { Registrations } from './registrations.tsx';
import { event, events, go, loadEvent, loadEvents, route, views, type View } from './state.ts';
import { strings } from './strings.ts';
import { Waitlists } from './waitlists.tsx';

const Webhooks = lazyView(() => import('./webhooks.tsx').then((m) => m.Webhooks));

/** Staff may read the timeline only: the rest of the API refuses them, so the console offers none of it. */
const staffViews: readonly View[] = ['overview'];

export function App() {
  const t = pick(strings);
  useTitle(t.title);
  const s = session.value!;
  const { eventId, view } = route.value;
  useEffect(() => {
    if (s.role === 'admin') void loadEvents();
  }, [s.role]);
  useEffect(() => {
    if (eventId) void loadEvent(eventId);
  }, [eventId]);
  const e = event.value?.id === eventId ? event.value : undefined;
  // The meetings view only for an event that runs a programme.
  const allowed = (s.role === 'admin' ? views : staffViews).filter((v) => v !== 'meetings' || e?.value?.meetings);
  const current = allowed.includes(view) ? view : 'overview';
  return (
    <>
      <a class="skip" href="#main">
        {lang.value === 'ko' ? '본문으로 건너뛰기' : 'Skip to content'}
      </a>
      <header class="top admin-top">
        <span class="brand">Gatepass</span>
        <span class="who" data-role={s.role}>
          {t.signedInAs} {s.name} ({s.role})
        </span>
        <LangSwitch />
        <button type="button" data-action="sign-out" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </header>
      <main id="main" tabIndex={-1} class="admin">
        <h1>{t.title}</h1>
        {s.role === 'none' ? <p role="alert">{t.noRole}</p> : <EventPicker />}
        {s.role !== 'none' && eventId && (
          <>
            {e?.missing && <p role="alert">{t.notFound}</p>}
            {e?.value && <h2 class="event-name">{e.value.name[lang.value] || e.value.name.en}</h2>}
            <nav class="tabs" aria-label={t.event}>
              {allowed.map((v) => (
                <a
                  key={v}
                  href={`#event=${encodeURIComponent(eventId)}${v === 'overview' ? '' : `&view=${v}`}`}
                  aria-current={v === current ? 'page' : undefined}
                  data-view={v}
                >
                  {t.views[v]}
                </a>
              ))}
            </nav>
            {current === 'overview' && <Overview eventId={eventId} />}
            {current === 'registrations' && <Registrations eventId={eventId} event={e?.value} />}
            {current === 'approvals' && <Approvals eventId={eventId} />}
            {current === 'waitlists' && <Waitlists eventId={eventId} event={e?.value} />}
            {current === 'webhooks' && <Webhooks eventId={eventId} event={e?.value} />}
            {current === 'devices' && <Devices eventId={eventId} event={e?.value} />}
            {current === 'duplicates' && <Duplicates eventId={eventId} />}
            {current === 'meetings' && <Meetings eventId={eventId} event={e?.value} />}
          </>
        )}
      </main>
    </>
  );
}

/** Admins pick from GET /events; staff (no such right) type the event's id. */
function EventPicker() {
  const t = pick(strings);
  const typed = useSignal(route.value.eventId);
  const list = events.value;
  if (session.value?.role === 'admin' && list?.length)
    return (
      <label class="picker">
        {t.pickEvent}{' '}
        <select name="event" value={route.value.eventId} onChange={(e) => go({ eventId: e.currentTarget.value, view: 'overview' })}>
          <option value="">—</option>
          {list.map((ev) => (
            <option key={ev.id} value={ev.id}>
              {ev.name[lang.value] || ev.name.en}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <form
      class="picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (typed.value.trim()) go({ eventId: typed.value.trim(), view: 'overview' });
      }}
    >
      <label>
        {t.eventId} <input name="eventId" value={typed.value} onInput={(e) => (typed.value = e.currentTarget.value)} />
      </label>{' '}
      <button type="submit">{t.open}</button>
    </form>
  );
}
