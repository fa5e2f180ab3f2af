/**
 * /e/{eventId}: the event, its sessions with seats left, and the registration form built from
 * its fields; after a 201, the confirmation. All of the page's state is in `state` below.
 */
import { batch, effect, signal } from '@preact/signals';
import { render } from 'preact';
import { api, ApiError, NetworkError, type FieldError } from '../lib/api.ts';
import { session, uuid } from '../lib/fragment.ts';
import { lang, local, pick } from '../lib/i18n.ts';
import { dateTime, timeRange, when } from '../lib/format.ts';
import { Page, useTitle } from '../lib/layout.tsx';
import { bodyOf, check, emptyValues, ErrorSummary, RegistrationFields, type FormValues } from '../lib/registration-form.tsx';
import { BadgeSection, managePath, StatusText, Summary } from '../lib/registration-view.tsx';
import type { PublicEvent, Registration } from '../lib/types.ts';
import { strings } from './event.strings.ts';
import '../styles.css';

const eventId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const DRAFT = `gatepass.draft.${eventId}`;
const DONE = `gatepass.registered.${eventId}`;

type Load = { kind: 'loading' } | { kind: 'ready'; event: PublicEvent } | { kind: 'not-found' } | { kind: 'unreachable' };
type Notice = 'networkFailed' | 'busy' | 'inProgress' | 'keyReused' | 'closed' | 'soldOut' | '';

interface Draft {
  values: FormValues;
  /** One Idempotency-Key per filled form: a double click or a retry makes one registration. */
  key: string;
}

const saved = session.get<Draft>(DRAFT);
const state = {
  load: signal<Load>({ kind: 'loading' }),
  values: signal<FormValues>(saved?.values ?? emptyValues(lang.value)),
  key: signal<string>(saved?.key ?? uuid()),
  errors: signal<FieldError[]>([]),
  notice: signal<Notice>(''),
  submitting: signal(false),
  registered: signal<Registration | undefined>(session.get<Registration>(DONE)),
};

// The emails' language follows the page's until the person picks one.
effect(() => {
  const l = lang.value;
  const v = state.values.peek();
  if (!v.localeChosen && v.locale !== l) state.values.value = { ...v, locale: l };
});

// What was typed survives a reload and a failed request.
effect(() => {
  if (!state.registered.value) session.set(DRAFT, { values: state.values.value, key: state.key.value } satisfies Draft);
});

async function loadEvent() {
  state.load.value = { kind: 'loading' };
  try {
    state.load.value = { kind: 'ready', event: await api<PublicEvent>(`/events/${encodeURIComponent(eventId)}`) };
  } catch (error) {
    state.load.value = error instanceof ApiError && error.status === 404 ? { kind: 'not-found' } : { kind: 'unreachable' };
  }
}

type Availability = 'open' | 'not-yet' | 'closed' | 'sold-out' | 'waitlist';
function availability(e: PublicEvent, now = Date.now()): Availability {
  if (now < Date.parse(e.registration.opensAt)) return 'not-yet';
  if (now >= Date.parse(e.registration.closesAt)) return 'closed';
  if (e.seatsLeft <= 0) return e.registration.waitlist ? 'waitlist' : 'sold-out';
  return 'open';
}

function focusSummary() {
  requestAnimationFrame(() => document.getElementById('error-summary')?.focus());
}

async function submit(event: PublicEvent) {
  if (state.submitting.value) return;
  const body = bodyOf(event, state.values.value, 'register');
  const errors = check(event, body, 'register');
  state.notice.value = '';
  state.errors.value = errors;
  if (errors.length) return focusSummary();
  state.submitting.value = true;
  try {
    const r = await api<Registration>(`/events/${encodeURIComponent(eventId)}/registrations`, {
      method: 'POST',
      body,
      idempotencyKey: state.key.value,
    });
    batch(() => {
      state.registered.value = r;
      state.errors.value = [];
    });
    session.set(DONE, r);
    session.remove(DRAFT);
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus();
  } catch (error) {
    onFailure(error);
  } finally {
    state.submitting.value = false;
  }
}

function onFailure(error: unknown) {
  if (error instanceof NetworkError) return (state.notice.value = 'networkFailed');
  if (!(error instanceof ApiError)) throw error;
  const message = error.problem.detail ?? error.problem.title;
  switch (error.code) {
    case 'validation_failed':
      state.errors.value = error.problem.errors?.length ? error.problem.errors : [{ path: '', message }];
      return focusSummary();
    case 'already_registered':
      state.errors.value = [{ path: 'email', message }];
      return focusSummary();
    case 'sold_out':
      state.errors.value = [{ path: 'sessions', message }];
      state.notice.value = 'soldOut';
      void loadEvent();
      return focusSummary();
    case 'registration_closed':
      state.notice.value = 'closed';
      return void loadEvent();
    case 'request_in_progress':
      state.notice.value = 'inProgress';
      return;
    case 'idempotency_key_reused':
      // The first attempt went through with another body: the next press is a new registration.
      state.key.value = uuid();
      state.notice.value = 'keyReused';
      return;
    case 'not_found':
      state.load.value = { kind: 'not-found' };
      return;
    default:
      if (error.status === 429 || error.status >= 500) state.notice.value = 'busy';
      else state.errors.value = [{ path: '', message }];
  }
}

function startOver() {
  session.remove(DONE);
  batch(() => {
    state.registered.value = undefined;
    state.values.value = { ...emptyValues(lang.value), locale: lang.value };
    state.key.value = uuid();
    state.errors.value = [];
    state.notice.value = '';
  });
  void loadEvent();
}

function EventHeader({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  const l = lang.value;
  return (
    <header class="event">
      <h1>{local(event.name)}</h1>
      {event.description && <p class="lead">{local(event.description)}</p>}
      <dl class="facts">
        <dt>{t.when}</dt>
        <dd>{when(event.startsAt, event.endsAt, event.timezone, l)}</dd>
        <dt>{t.where}</dt>
        <dd>{event.venue}</dd>
      </dl>
    </header>
  );
}

function Sessions({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  if (!event.sessions.length) return null;
  return (
    <section aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t.sessions}</h2>
      <ul class="programme">
        {event.sessions.map((s) => (
          <li key={s.id}>
            <span class="time">{timeRange(s.startsAt, s.endsAt, event.timezone, lang.value)}</span>{' '}
            <span class="session-name">{local(s.name)}</span>{' '}
            {s.seatsLeft > 0 ? (
              <span class="seats">{t.seatsLeft(s.seatsLeft)}</span>
            ) : (
              <span class={event.registration.waitlist ? 'mark waitlist' : 'mark full'}>
                {event.registration.waitlist ? t.waitlistMark : t.fullMark}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RegistrationForm({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  const a = availability(event);
  if (a === 'not-yet' || a === 'closed' || a === 'sold-out') {
    const text =
      a === 'not-yet'
        ? t.notOpenYet(dateTime(event.registration.opensAt, event.timezone, lang.value))
        : a === 'closed'
          ? t.closed
          : t.soldOut;
    return (
      <section aria-labelledby="form-h">
        <h2 id="form-h">{t.registerTitle}</h2>
        <p class="notice" data-availability={a}>
          {text}
        </p>
      </section>
    );
  }
  const notice = state.notice.value;
  return (
    <section aria-labelledby="form-h">
      <h2 id="form-h">{t.registerTitle}</h2>
      {a === 'waitlist' && (
        <p class="notice" data-availability="waitlist">
          {t.eventFullWaitlist}
        </p>
      )}
      {event.registration.approval && <p class="notice">{t.approval}</p>}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit(event);
        }}
      >
        <ErrorSummary event={event} mode="register" errors={state.errors} />
        <RegistrationFields event={event} mode="register" values={state.values} errors={state.errors} />
        <div role="status" aria-live="polite" class="live">
          {notice && <p class="notice warn">{t[notice]}</p>}
        </div>
        <button type="submit" class="primary" aria-disabled={state.submitting.value} disabled={state.submitting.value}>
          {state.submitting.value ? t.submitting : t.register}
        </button>
      </form>
      <p class="small">
        <a href={`/e/${encodeURIComponent(event.id)}/resend`}>{t.resend}</a>
      </p>
    </section>
  );
}

function Confirmation({ event, r }: { event: PublicEvent; r: Registration }) {
  const t = pick(strings);
  const token = r.manageToken ?? '';
  return (
    <section class="confirmation" aria-labelledby="done-h">
      <h2 id="done-h">{t.thanks}</h2>
      <StatusText r={r} />
      <Summary event={event} r={r} />
      <p>{t.emailOnItsWay(r.email)}</p>
      {token && <BadgeSection event={event} r={r} token={token} />}
      <p class="actions">
        {token && (
          <a class="button" href={managePath(r, token)}>
            {t.manage}
          </a>
        )}
        <button type="button" onClick={startOver}>
          {t.another}
        </button>
      </p>
    </section>
  );
}

function App() {
  const t = pick(strings);
  const s = state.load.value;
  if (s.kind === 'loading') {
    useTitle('Gatepass');
    return (
      <Page>
        <p aria-busy="true">{t.loading}</p>
      </Page>
    );
  }
  if (s.kind === 'unreachable') {
    useTitle('Gatepass');
    return (
      <Page>
        <p role="alert">{t.unreachable}</p>
        <button type="button" onClick={() => void loadEvent()}>
          {t.retry}
        </button>
      </Page>
    );
  }
  if (s.kind === 'not-found') {
    useTitle(t.notFoundTitle);
    return (
      <Page>
        <h1 data-not-found>{t.notFoundTitle}</h1>
        <p>{t.notFound}</p>
      </Page>
    );
  }
  const r = state.registered.value;
  useTitle(local(s.event.name));
  return (
    <Page>
      <EventHeader event={s.event} />
      {r ? (
        <Confirmation event={s.event} r={r} />
      ) : (
        <>
          <Sessions event={s.event} />
          <RegistrationForm event={s.event} />
        </>
      )}
    </Page>
  );
}

render(<App />, document.getElementById('app')!);
void loadEvent();
