/**
 * The manage page's "Meetings" part (API.md "B2B meetings"), loaded only when the event runs a
 * programme and the registration is confirmed: the person's meeting profile, the directory with
 * a request action, requests in and out, and their schedule. API errors are shown by their code
 * in the page's language (`[data-meeting-error]` carries the code).
 */
import { batch, signal } from '@preact/signals';
import { api, ApiError, NetworkError, type FieldError } from '../lib/api.ts';
import { session } from '../lib/fragment.ts';
import { lang, local, pick } from '../lib/i18n.ts';
import { dateTime, timeRange } from '../lib/format.ts';
import type { PublicEvent } from '../lib/types.ts';
import { strings } from './manage-meetings.strings.ts';
import './manage-meetings.css';

export interface MeetingsLink {
  token: string;
  event: string;
  registration: string;
}

interface Profile {
  registrationId: string;
  name: string;
  organization: string | null;
  jobTitle: string | null;
  visible: boolean;
  headline: { ko: string; en: string } | null;
  sectors: string[];
  offers: string | null;
  seeks: string | null;
}

interface Meeting {
  id: string;
  status: string;
  requester: string;
  invitee: string;
  message: string | null;
  expiresAt: string;
  startsAt: string | null;
  endsAt: string | null;
  table: string | null;
  with: { registrationId: string; name: string; organization: string | null; jobTitle: string | null } | null;
}

interface Failure {
  code: string;
  errors?: FieldError[];
}

interface ProfileForm {
  visible: boolean;
  headlineKo: string;
  headlineEn: string;
  sectors: string;
  offers: string;
  seeks: string;
}

const emptyForm: ProfileForm = { visible: false, headlineKo: '', headlineEn: '', sectors: '', offers: '', seeks: '' };
const formOf = (p: Profile): ProfileForm => ({
  visible: p.visible,
  headlineKo: p.headline?.ko ?? '',
  headlineEn: p.headline?.en ?? '',
  sectors: p.sectors.join(', '),
  offers: p.offers ?? '',
  seeks: p.seeks ?? '',
});

const state = {
  loaded: signal(false),
  form: signal<ProfileForm>(emptyForm),
  profileSaving: signal(false),
  profileNotice: signal<'saved' | ''>(''),
  profileError: signal<Failure | undefined>(undefined),
  q: signal(''),
  sector: signal(''),
  results: signal<Profile[] | undefined>(undefined),
  nextCursor: signal<string | null>(null),
  searching: signal(false),
  directoryError: signal<Failure | undefined>(undefined),
  sectorsSeen: signal<string[]>([]),
  asking: signal<string | undefined>(undefined),
  message: signal(''),
  sending: signal(false),
  askError: signal<Failure | undefined>(undefined),
  askNotice: signal<'sent' | ''>(''),
  meetings: signal<Meeting[]>([]),
  busy: signal<string | undefined>(undefined),
  meetingError: signal<{ id: string; failure: Failure } | undefined>(undefined),
};

let link: MeetingsLink;
const base = () => `/events/${encodeURIComponent(link.event)}`;
const mine = () => `${base()}/registrations/${encodeURIComponent(link.registration)}`;
const profileKey = () => `gatepass.meeting-profile.${link.registration}`;

function failureOf(error: unknown): Failure {
  if (error instanceof NetworkError) return { code: 'network' };
  if (error instanceof ApiError) {
    if (error.status === 429 || error.status >= 500) return { code: 'busy' };
    return { code: error.code, errors: error.problem.errors };
  }
  return { code: 'busy' };
}

function ErrorText({ failure, id }: { failure: Failure | undefined; id?: string }) {
  const t = pick(strings);
  if (!failure) return null;
  const fields = failure.errors?.length ? ` (${failure.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
  return (
    <p class="notice warn" role="alert" data-meeting-error={failure.code} id={id}>
      {t.errors[failure.code] ?? `${t.errorPrefix}: ${failure.code}`}
      {fields}
    </p>
  );
}

function noteSectors(items: Profile[]) {
  const seen = new Set(state.sectorsSeen.value);
  for (const p of items) for (const s of p.sectors) seen.add(s);
  if (seen.size !== state.sectorsSeen.value.length) state.sectorsSeen.value = [...seen].sort();
}

async function loadMeetings() {
  const r = await api<{ items: Meeting[] }>(`${mine()}/meetings`, { manageToken: link.token });
  state.meetings.value = r.items;
}

/** There is no read of one's own profile: the directory finds it while listed, the session keeps the last one saved. */
async function loadOwnProfile(name: string) {
  const r = await api<{ items: Profile[] }>(`${base()}/meeting-profiles?q=${encodeURIComponent(name)}&limit=50`, {
    manageToken: link.token,
  });
  const own = r.items.find((p) => p.registrationId === link.registration) ?? session.get<Profile>(profileKey());
  if (own) state.form.value = formOf(own);
}

let started = false;
/** Loads the part's data once (the page renders it again at every change). */
export function startOnce(l: MeetingsLink, name: string) {
  if (started) return;
  started = true;
  void start(l, name);
}

async function start(l: MeetingsLink, name: string) {
  link = l;
  // Back on the tab (say, from the email about a request): the requests and schedule as they are now.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void loadMeetings().catch(() => undefined);
  });
  try {
    await Promise.all([loadMeetings(), loadOwnProfile(name), search(false)]);
  } catch (error) {
    state.meetingError.value = { id: '', failure: failureOf(error) };
  } finally {
    state.loaded.value = true;
  }
}

async function saveProfile() {
  const f = state.form.value;
  const headline = f.headlineKo.trim() || f.headlineEn.trim() ? { ko: f.headlineKo.trim(), en: f.headlineEn.trim() } : undefined;
  const sectors = f.sectors
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const body = { visible: f.visible, ...(headline ? { headline } : {}), sectors, offers: f.offers, seeks: f.seeks };
  batch(() => {
    state.profileSaving.value = true;
    state.profileNotice.value = '';
    state.profileError.value = undefined;
  });
  try {
    const p = await api<Profile>(`${mine()}/meeting-profile`, { method: 'PUT', body, manageToken: link.token });
    session.set(profileKey(), p);
    batch(() => {
      state.form.value = formOf(p);
      state.profileNotice.value = 'saved';
    });
    void search(false);
  } catch (error) {
    state.profileError.value = failureOf(error);
  } finally {
    state.profileSaving.value = false;
  }
}

async function search(more: boolean) {
  const params = new URLSearchParams();
  if (state.q.value.trim()) params.set('q', state.q.value.trim());
  if (state.sector.value) params.set('sector', state.sector.value);
  if (more && state.nextCursor.value) params.set('cursor', state.nextCursor.value);
  params.set('limit', '20');
  batch(() => {
    state.searching.value = true;
    state.directoryError.value = undefined;
  });
  try {
    const r = await api<{ items: Profile[]; nextCursor: string | null }>(`${base()}/meeting-profiles?${params}`, {
      manageToken: link.token,
    });
    batch(() => {
      state.results.value = more ? [...(state.results.value ?? []), ...r.items] : r.items;
      state.nextCursor.value = r.nextCursor;
    });
    noteSectors(r.items);
  } catch (error) {
    state.directoryError.value = failureOf(error);
  } finally {
    state.searching.value = false;
  }
}

async function sendRequest(withId: string) {
  batch(() => {
    state.sending.value = true;
    state.askError.value = undefined;
  });
  try {
    const message = state.message.value.trim();
    await api(`${base()}/meetings`, { method: 'POST', body: { with: withId, ...(message ? { message } : {}) }, manageToken: link.token });
    batch(() => {
      state.asking.value = undefined;
      state.message.value = '';
      state.askNotice.value = 'sent';
    });
    await loadMeetings();
  } catch (error) {
    state.askError.value = failureOf(error);
  } finally {
    state.sending.value = false;
  }
}

async function act(m: Meeting, action: 'accept' | 'decline' | 'cancel') {
  batch(() => {
    state.busy.value = m.id;
    state.meetingError.value = undefined;
  });
  try {
    await api(`${base()}/meetings/${encodeURIComponent(m.id)}/${action}`, { method: 'POST', manageToken: link.token });
    await loadMeetings();
  } catch (error) {
    state.meetingError.value = { id: m.id, failure: failureOf(error) };
    if (error instanceof ApiError && error.code === 'meeting_not_open') void loadMeetings().catch(() => undefined);
  } finally {
    state.busy.value = undefined;
  }
}

function Who({ m }: { m: Meeting }) {
  if (!m.with) return <span>—</span>;
  return (
    <span data-with={m.with.registrationId}>
      {m.with.name}
      {m.with.organization ? ` · ${m.with.organization}` : ''}
      {m.with.jobTitle ? ` · ${m.with.jobTitle}` : ''}
    </span>
  );
}

function ProfileSection() {
  const t = pick(strings);
  const f = state.form.value;
  const set = (patch: Partial<ProfileForm>) => {
    state.form.value = { ...state.form.value, ...patch };
  };
  const input = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  return (
    <section aria-labelledby="mprofile-h">
      <h3 id="mprofile-h">{t.profileTitle}</h3>
      <form
        data-form="meeting-profile"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void saveProfile();
        }}
      >
        <div class="field choice">
          <input
            id="m-visible"
            type="checkbox"
            name="visible"
            checked={f.visible}
            aria-describedby="m-visible-hint"
            onChange={(e) => set({ visible: (e.currentTarget as HTMLInputElement).checked })}
          />
          <label for="m-visible">{t.visible}</label>
          <p class="hint" id="m-visible-hint">
            {t.visibleHint}
          </p>
        </div>
        <div class="meeting-pair">
          <div class="field">
            <label for="m-headline-ko">{t.headlineKo}</label>
            <input
              id="m-headline-ko"
              name="headline.ko"
              lang="ko"
              maxLength={200}
              value={f.headlineKo}
              aria-describedby="m-headline-hint"
              onInput={(e) => set({ headlineKo: input(e) })}
            />
          </div>
          <div class="field">
            <label for="m-headline-en">{t.headlineEn}</label>
            <input
              id="m-headline-en"
              name="headline.en"
              lang="en"
              maxLength={200}
              value={f.headlineEn}
              aria-describedby="m-headline-hint"
              onInput={(e) => set({ headlineEn: input(e) })}
            />
          </div>
        </div>
        <p class="hint" id="m-headline-hint">
          {t.headlineHint}
        </p>
        <div class="field">
          <label for="m-sectors">{t.sectors}</label>
          <input
            id="m-sectors"
            name="sectors"
            value={f.sectors}
            aria-describedby="m-sectors-hint"
            onInput={(e) => set({ sectors: input(e) })}
          />
          <p class="hint" id="m-sectors-hint">
            {t.sectorsHint}
          </p>
        </div>
        <div class="field">
          <label for="m-offers">{t.offers}</label>
          <textarea id="m-offers" name="offers" maxLength={1000} value={f.offers} onInput={(e) => set({ offers: input(e) })} />
        </div>
        <div class="field">
          <label for="m-seeks">{t.seeks}</label>
          <textarea id="m-seeks" name="seeks" maxLength={1000} value={f.seeks} onInput={(e) => set({ seeks: input(e) })} />
        </div>
        <div role="status" aria-live="polite">
          {state.profileNotice.value === 'saved' && (
            <p class="notice" data-notice="profile-saved">
              {t.profileSaved}
            </p>
          )}
        </div>
        <ErrorText failure={state.profileError.value} />
        <button type="submit" class="primary" disabled={state.profileSaving.value}>
          {state.profileSaving.value ? t.savingProfile : t.saveProfile}
        </button>
      </form>
    </section>
  );
}

function AskForm({ p }: { p: Profile }) {
  const t = pick(strings);
  return (
    <form
      class="card"
      data-form="meeting-request"
      onSubmit={(e) => {
        e.preventDefault();
        void sendRequest(p.registrationId);
      }}
    >
      <div class="field">
        <label for={`m-msg-${p.registrationId}`}>{t.message}</label>
        <textarea
          id={`m-msg-${p.registrationId}`}
          name="message"
          maxLength={500}
          value={state.message.value}
          ref={(el) => el?.focus()}
          onInput={(e) => (state.message.value = (e.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
      <ErrorText failure={state.askError.value} />
      <div class="actions">
        <button type="submit" class="primary" data-action="send-request" disabled={state.sending.value}>
          {t.send}
        </button>
        <button
          type="button"
          onClick={() => {
            state.asking.value = undefined;
            state.askError.value = undefined;
          }}
        >
          {t.close}
        </button>
      </div>
    </form>
  );
}

function DirectorySection() {
  const t = pick(strings);
  const results = state.results.value;
  return (
    <section aria-labelledby="mdir-h">
      <h3 id="mdir-h">{t.directoryTitle}</h3>
      <form
        data-form="meeting-directory"
        class="meeting-search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(false);
        }}
      >
        <div class="field">
          <label for="m-q">{t.search}</label>
          <input
            id="m-q"
            name="q"
            type="search"
            value={state.q.value}
            onInput={(e) => (state.q.value = (e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="m-sector">{t.sector}</label>
          <select
            id="m-sector"
            name="sector"
            value={state.sector.value}
            onChange={(e) => {
              state.sector.value = (e.currentTarget as HTMLSelectElement).value;
              void search(false);
            }}
          >
            <option value="">{t.anySector}</option>
            {state.sectorsSeen.value.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={state.searching.value}>
          {t.find}
        </button>
      </form>
      <ErrorText failure={state.directoryError.value} />
      <div role="status" aria-live="polite">
        {state.askNotice.value === 'sent' && (
          <p class="notice" data-notice="request-sent">
            {t.requestSent}
          </p>
        )}
        {results && results.length === 0 && <p>{t.noResults}</p>}
      </div>
      {results && results.length > 0 && (
        <ul class="meeting-list" data-directory>
          {results.map((p) => {
            const self = p.registrationId === link.registration;
            return (
              <li key={p.registrationId} class="card" data-profile={p.registrationId}>
                <p>
                  <strong>{p.name}</strong>
                  {p.organization ? ` · ${p.organization}` : ''}
                  {p.jobTitle ? ` · ${p.jobTitle}` : ''}
                  {self ? ` (${t.you})` : ''}
                </p>
                {p.headline && <p>{local(p.headline)}</p>}
                {p.sectors.length > 0 && <p class="small">{p.sectors.join(', ')}</p>}
                {p.offers && (
                  <p class="small">
                    {t.offers}: {p.offers}
                  </p>
                )}
                {p.seeks && (
                  <p class="small">
                    {t.seeks}: {p.seeks}
                  </p>
                )}
                {!self &&
                  (state.asking.value === p.registrationId ? (
                    <AskForm p={p} />
                  ) : (
                    <button
                      type="button"
                      data-action="request-meeting"
                      aria-label={`${t.request}: ${p.name}`}
                      onClick={() =>
                        batch(() => {
                          state.asking.value = p.registrationId;
                          state.askError.value = undefined;
                          state.askNotice.value = '';
                          state.message.value = '';
                        })
                      }
                    >
                      {t.request}
                    </button>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
      {state.nextCursor.value && (
        <button type="button" disabled={state.searching.value} onClick={() => void search(true)}>
          {t.more}
        </button>
      )}
    </section>
  );
}

function MeetingError({ m }: { m: Meeting }) {
  const e = state.meetingError.value;
  return e && e.id === m.id ? <ErrorText failure={e.failure} /> : null;
}

function RequestsSection({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  const open = state.meetings.value.filter((m) => m.status === 'requested');
  const incoming = open.filter((m) => m.invitee === link.registration);
  const outgoing = open.filter((m) => m.requester === link.registration);
  const busy = state.busy.value;
  const item = (m: Meeting, actions: ('accept' | 'decline' | 'cancel')[]) => (
    <li key={m.id} class="card" data-meeting={m.id} data-status={m.status}>
      <p>
        <Who m={m} />
      </p>
      {m.message && <p class="small">“{m.message}”</p>}
      <p class="small">
        {t.expires}: {dateTime(m.expiresAt, event.timezone, lang.value)}
      </p>
      <MeetingError m={m} />
      <div class="actions">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            class={a === 'accept' ? 'primary' : a === 'cancel' ? 'danger' : ''}
            data-action={a === 'cancel' ? 'cancel-meeting' : a}
            disabled={busy === m.id}
            onClick={() => void act(m, a)}
          >
            {t[a]}
          </button>
        ))}
      </div>
    </li>
  );
  return (
    <>
      <section aria-labelledby="min-h" data-requests="in">
        <h3 id="min-h">{t.inTitle}</h3>
        {incoming.length ? <ul class="meeting-list">{incoming.map((m) => item(m, ['accept', 'decline']))}</ul> : <p>{t.noneIn}</p>}
      </section>
      <section aria-labelledby="mout-h" data-requests="out">
        <h3 id="mout-h">{t.outTitle}</h3>
        {outgoing.length ? <ul class="meeting-list">{outgoing.map((m) => item(m, ['cancel']))}</ul> : <p>{t.noneOut}</p>}
      </section>
    </>
  );
}

function ScheduleSection({ event }: { event: PublicEvent }) {
  const t = pick(strings);
  const booked = state.meetings.value
    .filter((m) => m.startsAt && (m.status === 'scheduled' || m.status === 'held' || m.status === 'no_show'))
    .sort((a, b) => (a.startsAt! < b.startsAt! ? -1 : 1));
  const past = state.meetings.value.filter((m) => m.status === 'declined' || m.status === 'cancelled' || m.status === 'expired');
  return (
    <section aria-labelledby="msched-h" data-schedule>
      <h3 id="msched-h">{t.scheduleTitle}</h3>
      {booked.length === 0 ? (
        <p>{t.noneScheduled}</p>
      ) : (
        <ul class="meeting-list">
          {booked.map((m) => (
            <li key={m.id} class="card" data-meeting={m.id} data-status={m.status}>
              <dl class="summary-list">
                <dt>{t.time}</dt>
                <dd data-starts-at={m.startsAt}>
                  {dateTime(m.startsAt!, event.timezone, lang.value)} ({timeRange(m.startsAt!, m.endsAt!, event.timezone, lang.value)})
                </dd>
                <dt>{t.table}</dt>
                <dd data-table>{m.table}</dd>
                <dt>{t.with}</dt>
                <dd>
                  <Who m={m} />
                </dd>
                <dt>{t.status}</dt>
                <dd>{t.statuses[m.status] ?? m.status}</dd>
              </dl>
              <MeetingError m={m} />
              {m.status === 'scheduled' && (
                <button
                  type="button"
                  class="danger"
                  data-action="cancel-meeting"
                  disabled={state.busy.value === m.id}
                  onClick={() => void act(m, 'cancel')}
                >
                  {t.cancel}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <details>
          <summary>{t.pastTitle}</summary>
          <ul class="meeting-list">
            {past.map((m) => (
              <li key={m.id} data-meeting={m.id} data-status={m.status}>
                <Who m={m} /> — {t.statuses[m.status] ?? m.status}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

export function Meetings({ event, confirmed }: { event: PublicEvent; confirmed: boolean }) {
  const t = pick(strings);
  const general = state.meetingError.value?.id === '' ? state.meetingError.value.failure : undefined;
  return (
    <section aria-labelledby="meetings-h" data-meetings>
      <h2 id="meetings-h">{t.title}</h2>
      <p>{t.intro}</p>
      {!confirmed ? (
        <p data-meetings-closed>{t.onlyConfirmed}</p>
      ) : !state.loaded.value ? (
        <p aria-busy="true">{t.loading}</p>
      ) : (
        <>
          <ErrorText failure={general} />
          <ScheduleSection event={event} />
          <RequestsSection event={event} />
          <ProfileSection />
          <DirectorySection />
        </>
      )}
    </section>
  );
}
