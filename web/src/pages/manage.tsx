/**
 * /manage#token=…&event=…&registration=…[&do=pdf|ics|apple|google]: a participant's own registration. The
 * fragment is read once and removed from the address bar and history; the token stays in
 * sessionStorage for reloads and travels only as the X-Manage-Token header. All of the page's
 * state is in `state` below.
 */
import { batch, signal } from '@preact/signals';
import { render } from 'preact';
import { api, ApiError, NetworkError, type FieldError } from '../lib/api.ts';
import { session, takeFragment } from '../lib/fragment.ts';
import { lang, local, pick } from '../lib/i18n.ts';
import { when } from '../lib/format.ts';
import { Page, useTitle } from '../lib/layout.tsx';
import { bodyOf, check, emptyValues, ErrorSummary, RegistrationFields, valuesOf, type FormValues } from '../lib/registration-form.tsx';
import {
  addToAppleWallet,
  BadgeSection,
  downloadIcs,
  downloadPdf,
  saveToGoogleWallet,
  StatusText,
  Summary,
} from '../lib/registration-view.tsx';
import { ResendForm } from '../lib/resend-form.tsx';
import type { PublicEvent, Registration } from '../lib/types.ts';
import { strings } from './manage.strings.ts';
import '../styles.css';

interface Link {
  token: string;
  event: string;
  registration: string;
}
const KEY = 'gatepass.manage';

function readLink(): { link?: Link; action?: string } {
  const f = takeFragment();
  const token = f?.get('token');
  const event = f?.get('event');
  const registration = f?.get('registration');
  if (token && event && registration) {
    const link = { token, event, registration };
    session.set(KEY, link);
    return { link, action: f?.get('do') ?? undefined };
  }
  return { link: session.get<Link>(KEY) };
}

type Load =
  | { kind: 'loading' }
  | { kind: 'ready'; event: PublicEvent }
  | { kind: 'no-link' }
  | { kind: 'bad-link' }
  | { kind: 'not-found' }
  | { kind: 'unreachable' };

const { link, action } = readLink();
const state = {
  load: signal<Load>(link ? { kind: 'loading' } : { kind: 'no-link' }),
  registration: signal<Registration | undefined>(undefined),
  values: signal<FormValues>(emptyValues(lang.value)),
  errors: signal<FieldError[]>([]),
  saving: signal(false),
  notice: signal<'saved' | 'networkFailed' | 'busy' | ''>(''),
  cancel: signal<'idle' | 'confirm' | 'cancelling'>('idle'),
  newLink: signal<'idle' | 'sending' | 'sent' | 'resend-form'>('idle'),
  pendingAction: action,
};

const regPath = (l: Link) => `/events/${encodeURIComponent(l.event)}/registrations/${encodeURIComponent(l.registration)}`;

function badLink() {
  session.remove(KEY);
  state.load.value = { kind: 'bad-link' };
}

async function load() {
  if (!link) return;
  state.load.value = { kind: 'loading' };
  try {
    const [event, registration] = await Promise.all([
      api<PublicEvent>(`/events/${encodeURIComponent(link.event)}`),
      api<Registration>(regPath(link), { manageToken: link.token }),
    ]);
    batch(() => {
      state.registration.value = registration;
      state.values.value = valuesOf(registration);
      state.load.value = { kind: 'ready', event };
    });
    runAction(event, registration);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return badLink();
    if (error instanceof ApiError && error.status === 404) {
      // Which one is unknown decides the view: an unknown event, or a link to nothing.
      const event = await api(`/events/${encodeURIComponent(link.event)}`).then(
        () => true,
        () => false,
      );
      if (event) return badLink();
      state.load.value = { kind: 'not-found' };
      return;
    }
    state.load.value = { kind: 'unreachable' };
  }
}

/** An email's download button opens this page with do=pdf|ics|apple|google: fetch it with the header. */
function runAction(event: PublicEvent, r: Registration) {
  const a = state.pendingAction;
  state.pendingAction = undefined;
  if (!link || !a) return;
  if (a === 'pdf' && r.status === 'confirmed') void downloadPdf(r, link.token);
  if (a === 'ics' && (r.status === 'confirmed' || r.status === 'waitlisted')) downloadIcs(event, r, link.token);
  if (a === 'apple' && r.status === 'confirmed') void addToAppleWallet(r, link.token);
  if (a === 'google' && r.status === 'confirmed') void saveToGoogleWallet(r, link.token);
}

async function save(event: PublicEvent) {
  const values = state.values.value;
  if (!link || state.saving.value) return;
  const body = bodyOf(event, values, 'change');
  const errors = check(event, body, 'change');
  batch(() => {
    state.errors.value = errors;
    state.notice.value = '';
  });
  if (errors.length) return requestAnimationFrame(() => document.getElementById('error-summary')?.focus());
  state.saving.value = true;
  try {
    const r = await api<Registration>(regPath(link), { method: 'PATCH', body, manageToken: link.token });
    batch(() => {
      state.registration.value = r;
      state.values.value = valuesOf(r);
      state.notice.value = 'saved';
    });
  } catch (error) {
    if (error instanceof NetworkError) state.notice.value = 'networkFailed';
    else if (error instanceof ApiError) {
      if (error.status === 401) return badLink();
      if (error.code === 'validation_failed' && error.problem.errors?.length) state.errors.value = error.problem.errors;
      else if (error.status === 429 || error.status >= 500) state.notice.value = 'busy';
      else {
        state.errors.value = [{ path: error.code === 'sold_out' ? 'sessions' : '', message: error.problem.detail ?? error.problem.title }];
        if (error.code === 'registration_cancelled') void load();
      }
      if (state.errors.value.length) requestAnimationFrame(() => document.getElementById('error-summary')?.focus());
    }
  } finally {
    state.saving.value = false;
  }
}

async function cancelRegistration() {
  if (!link) return;
  state.cancel.value = 'cancelling';
  try {
    const r = await api<Registration>(regPath(link), { method: 'DELETE', manageToken: link.token });
    batch(() => {
      state.registration.value = r;
      state.cancel.value = 'idle';
    });
    document.getElementById('status-h')?.focus();
  } catch (error) {
    state.cancel.value = 'confirm';
    if (error instanceof ApiError && error.status === 401) return badLink();
    if (error instanceof ApiError && error.code === 'registration_cancelled') return void load();
    state.notice.value = error instanceof NetworkError ? 'networkFailed' : 'busy';
  }
}

async function requestNewLink() {
  if (!link) return;
  state.newLink.value = 'sending';
  try {
    await api(`${regPath(link)}/manage-token`, { method: 'POST', manageToken: link.token });
    session.remove(KEY);
    state.newLink.value = 'sent';
  } catch (error) {
    // Where the rotation route is not deployed (404), the resend form still gets a link by email.
    state.newLink.value = error instanceof ApiError && error.status === 404 ? 'resend-form' : 'idle';
    if (!(error instanceof ApiError && error.status === 404)) state.notice.value = error instanceof NetworkError ? 'networkFailed' : 'busy';
  }
}

function ChangeForm({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  const notice = state.notice.value;
  return (
    <section aria-labelledby="change-h">
      <h2 id="change-h">{t.change}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(event);
        }}
      >
        <ErrorSummary event={event} mode="change" errors={state.errors} />
        <RegistrationFields event={event} mode="change" values={state.values} errors={state.errors} />
        <div role="status" aria-live="polite">
          {notice && (
            <p class={notice === 'saved' ? 'notice' : 'notice warn'} data-notice={notice}>
              {t[notice]}
            </p>
          )}
        </div>
        <button type="submit" class="primary" disabled={state.saving.value}>
          {state.saving.value ? t.saving : t.save}
        </button>
      </form>
    </section>
  );
}

function CancelSection() {
  const t = pick(strings);
  const step = state.cancel.value;
  return (
    <section aria-labelledby="cancel-h">
      <h2 id="cancel-h">{t.cancelTitle}</h2>
      {step === 'idle' ? (
        <button type="button" class="danger" data-action="cancel" onClick={() => (state.cancel.value = 'confirm')}>
          {t.cancel}
        </button>
      ) : (
        <div role="alertdialog" aria-labelledby="cancel-q" class="card">
          <p id="cancel-q">{t.cancelConfirm}</p>
          <div class="actions">
            <button
              type="button"
              class="danger primary"
              data-action="confirm-cancel"
              disabled={step === 'cancelling'}
              onClick={() => void cancelRegistration()}
              ref={(b) => b?.focus()}
            >
              {step === 'cancelling' ? t.cancelling : t.cancelYes}
            </button>
            <button type="button" disabled={step === 'cancelling'} onClick={() => (state.cancel.value = 'idle')}>
              {t.cancelNo}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function NewLinkSection({ eventId }: { eventId: string }) {
  const t = pick(strings);
  const s = state.newLink.value;
  if (s === 'resend-form') return <ResendForm eventId={eventId} />;
  return (
    <section aria-labelledby="newlink-h">
      <h2 id="newlink-h">{t.newLinkTitle}</h2>
      <p>{t.newLinkIntro}</p>
      <button type="button" data-action="new-link" disabled={s === 'sending' || s === 'sent'} onClick={() => void requestNewLink()}>
        {t.newLink}
      </button>
      <div role="status" aria-live="polite">
        {s === 'sent' && <p class="notice">{t.newLinkSent}</p>}
      </div>
    </section>
  );
}

type MeetingsModule = typeof import('./manage-meetings.tsx');
const meetingsModule = signal<MeetingsModule | undefined>(undefined);
let meetingsStarted = false;

/** The meetings part is its own chunk: only an event with a programme loads it; only a confirmed registration calls its API. */
function MeetingsPart({ event, r }: { event: PublicEvent; r: Registration }) {
  const t = pick(strings);
  const confirmed = r.status === 'confirmed';
  if (!meetingsStarted && link) {
    meetingsStarted = true;
    void import('./manage-meetings.tsx').then(
      (m) => {
        meetingsModule.value = m;
      },
      () => (meetingsStarted = false),
    );
  }
  const m = meetingsModule.value;
  if (m && confirmed && link) m.startOnce(link, r.name);
  return m ? <m.Meetings event={event} confirmed={confirmed} /> : <p aria-busy="true">{t.loading}</p>;
}

function App() {
  const t = pick(strings);
  const s = state.load.value;
  useTitle(s.kind === 'ready' ? `${t.title} · ${local(s.event.name)}` : t.title);
  if (s.kind === 'loading')
    return (
      <Page>
        <p aria-busy="true">{t.loading}</p>
      </Page>
    );
  if (s.kind === 'no-link')
    return (
      <Page>
        <h1>{t.title}</h1>
        <p role="alert">{t.noLink}</p>
      </Page>
    );
  if (s.kind === 'not-found')
    return (
      <Page>
        <h1 data-not-found>{t.notFoundTitle}</h1>
      </Page>
    );
  if (s.kind === 'unreachable')
    return (
      <Page>
        <h1>{t.title}</h1>
        <p role="alert">{t.unreachable}</p>
        <button type="button" onClick={() => void load()}>
          {t.retry}
        </button>
      </Page>
    );
  if (s.kind === 'bad-link')
    return (
      <Page>
        <h1>{t.title}</h1>
        <p role="alert" data-bad-link>
          {t.badLink}
        </p>
        {link && <ResendForm eventId={link.event} />}
      </Page>
    );
  const r = state.registration.value!;
  const event = s.event;
  const active = r.status !== 'cancelled' && r.status !== 'denied';
  return (
    <Page>
      <p class="lead">
        <a href={`/e/${encodeURIComponent(event.id)}`}>{local(event.name)}</a> ·{' '}
        {when(event.startsAt, event.endsAt, event.timezone, lang.value)} · {event.venue}
      </p>
      <h1 id="status-h" tabIndex={-1}>
        {t.title}: {r.name}
      </h1>
      <StatusText r={r} />
      <Summary event={event} r={r} />
      {active && <BadgeSection key={`${r.status}`} event={event} r={r} token={link!.token} />}
      {event.meetings && active && <MeetingsPart event={event} r={r} />}
      {active && <ChangeForm event={event} />}
      {active && <CancelSection />}
      {active && <NewLinkSection eventId={event.id} />}
    </Page>
  );
}

render(<App />, document.getElementById('app')!);
void load();
// Another email link opened in this tab changes only the fragment: start over from it.
addEventListener('hashchange', () => location.hash && location.reload());
