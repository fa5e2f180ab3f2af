/** The registrations list with its filters and pages, a person's detail, cancel as admin, CSV and XLSX downloads. */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { lang, pick } from '../lib/i18n.ts';
import type { PublicEvent, Registration } from '../lib/types.ts';
import { session } from './auth.ts';
import { downloadWithToken } from './download.ts';
import { call, eventPath, type Page } from './state.ts';
import { strings } from './strings.ts';

interface Filters {
  status: string;
  sessionId: string;
  checkedIn: string;
  q: string;
}
const noFilters: Filters = { status: '', sessionId: '', checkedIn: '', q: '' };
const listStatuses = ['confirmed', 'waitlisted', 'cancelled', 'pending', 'denied'];

export const at = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(lang.value) : '—');

export function Registrations({ eventId, event }: { eventId: string; event: PublicEvent | undefined }) {
  const t = pick(strings);
  const filters = useSignal<Filters>(noFilters);
  const draft = useSignal<Filters>(noFilters);
  const items = useSignal<Registration[]>([]);
  const next = useSignal<string | null>(null);
  const error = useSignal('');
  const open = useSignal<string | undefined>(undefined);

  const query = (f: Filters, cursor?: string | null) => {
    const p = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
    if (cursor) p.set('cursor', cursor);
    return eventPath(eventId, `/registrations?${p}`);
  };
  const load = async (f: Filters, cursor?: string | null) => {
    error.value = '';
    try {
      const page = await call<Page<Registration>>(query(f, cursor));
      items.value = cursor ? [...items.value, ...page.items] : page.items;
      next.value = page.nextCursor;
    } catch (e) {
      error.value = e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : t.unreachable;
    }
  };
  useEffect(() => {
    void load(filters.value);
  }, [eventId, filters.value]);

  const set = (k: keyof Filters) => (e: Event) => (draft.value = { ...draft.value, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section aria-labelledby="registrations-title">
      <h2 id="registrations-title">{t.views.registrations}</h2>
      <Downloads eventId={eventId} />
      <form
        class="filters"
        data-form="registration-filters"
        onSubmit={(e) => {
          e.preventDefault();
          filters.value = { ...draft.value }; // a new object: Apply always reloads
        }}
      >
        <fieldset>
          <legend>{t.filters}</legend>
          <label>
            {t.status}
            <select name="status" value={draft.value.status} onChange={set('status')}>
              <option value="">{t.any}</option>
              {listStatuses.map((s) => (
                <option key={s} value={s}>
                  {t.statuses[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.session}
            <select name="sessionId" value={draft.value.sessionId} onChange={set('sessionId')}>
              <option value="">{t.any}</option>
              {event?.sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name[lang.value] || s.name.en}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.checkedIn}
            <select name="checkedIn" value={draft.value.checkedIn} onChange={set('checkedIn')}>
              <option value="">{t.any}</option>
              <option value="true">{t.yes}</option>
              <option value="false">{t.no}</option>
            </select>
          </label>
          <label>
            {t.search}
            <input name="q" type="search" value={draft.value.q} onInput={set('q')} />
          </label>
          <button type="submit">{t.apply}</button>
        </fieldset>
      </form>
      {error.value && <p role="alert">{error.value}</p>}
      <div class="table-wrap">
        <table data-list="registrations">
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.email}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.checkedInAt}</th>
            </tr>
          </thead>
          <tbody>
            {items.value.map((r) => (
              <tr key={r.id} data-registration={r.id}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-expanded={open.value === r.id}
                    onClick={() => (open.value = open.value === r.id ? undefined : r.id)}
                  >
                    {r.name}
                  </button>
                </td>
                <td>{r.email}</td>
                <td>{t.statuses[r.status] ?? r.status}</td>
                <td>{at(r.checkedInAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!items.value.length && !error.value && <p>{t.none}</p>}
      {next.value && (
        <button type="button" onClick={() => load(filters.value, next.value)}>
          {t.more}
        </button>
      )}
      {open.value && (
        <Detail
          key={open.value}
          eventId={eventId}
          id={open.value}
          onClose={() => (open.value = undefined)}
          onChanged={(r) => (items.value = items.value.map((x) => (x.id === r.id ? r : x)))}
        />
      )}
    </section>
  );
}

function Detail({
  eventId,
  id,
  onClose,
  onChanged,
}: {
  eventId: string;
  id: string;
  onClose: () => void;
  onChanged: (r: Registration) => void;
}) {
  const t = pick(strings);
  const r = useSignal<Registration | undefined>(undefined);
  const confirming = useSignal(false);
  const message = useSignal('');
  const path = eventPath(eventId, `/registrations/${encodeURIComponent(id)}`);
  useEffect(() => {
    call<Registration>(path).then(
      (v) => (r.value = v),
      () => (message.value = t.unreachable),
    );
  }, [id]);
  const cancel = async () => {
    try {
      const done = await call<Registration>(path, { method: 'DELETE' });
      r.value = done;
      onChanged(done);
      message.value = t.cancelled;
    } catch (e) {
      message.value = e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : t.unreachable;
    }
    confirming.value = false;
  };
  const v = r.value;
  return (
    <section class="detail" aria-labelledby="detail-title" data-detail={id}>
      <h3 id="detail-title" tabIndex={-1}>
        {v?.name ?? t.loading}
      </h3>
      {v && (
        <dl>
          <dt>{t.email}</dt>
          <dd>{v.email}</dd>
          <dt>{t.organization}</dt>
          <dd>{v.organization || '—'}</dd>
          <dt>{t.status}</dt>
          <dd data-status={v.status}>{t.statuses[v.status] ?? v.status}</dd>
          <dt>{t.sessions}</dt>
          <dd>{v.sessions.map((s) => `${s.id} (${t.statuses[s.status] ?? s.status})`).join(', ') || '—'}</dd>
          <dt>{t.registeredAt}</dt>
          <dd>{at(v.createdAt)}</dd>
          <dt>{t.checkedInAt}</dt>
          <dd>{at(v.checkedInAt)}</dd>
        </dl>
      )}
      {message.value && <p role="status">{message.value}</p>}
      {v && v.status !== 'cancelled' && v.status !== 'denied' && session.value?.role === 'admin' && (
        <p>
          {confirming.value ? (
            <>
              {t.confirmCancel}{' '}
              <button type="button" class="danger" data-action="confirm-cancel" onClick={cancel}>
                {t.cancelRegistration}
              </button>{' '}
              <button type="button" onClick={() => (confirming.value = false)}>
                {t.no}
              </button>
            </>
          ) : (
            <button type="button" class="danger" data-action="cancel-registration" onClick={() => (confirming.value = true)}>
              {t.cancelRegistration}
            </button>
          )}
        </p>
      )}
      <button type="button" onClick={onClose}>
        {t.close}
      </button>
    </section>
  );
}

/**
 * CSV and XLSX, fetched with the token (a link cannot carry the header): a large export answers
 * 303 and fetch follows it to the short-lived URL; progress counts what has arrived.
 */
function Downloads({ eventId }: { eventId: string }) {
  const t = pick(strings);
  const progress = useSignal('');
  const download = async (kind: 'csv' | 'xlsx') => {
    progress.value = t.preparing;
    const outcome = await downloadWithToken(
      eventPath(eventId, `/registrations/export.${kind}`),
      `registrations-${eventId}.${kind}`,
      (kb) => {
        progress.value = t.received(kb);
      },
    );
    progress.value = outcome === 'saved' ? '' : outcome === 404 ? t.notAvailable : t.downloadFailed;
  };
  return (
    <fieldset class="downloads">
      <legend class="sr-only">{t.downloads}</legend>
      <button type="button" data-action="export-csv" onClick={() => download('csv')}>
        {t.csv}
      </button>
      <button type="button" data-action="export-xlsx" onClick={() => download('xlsx')}>
        {t.xlsx}
      </button>
      <span role="status">{progress.value}</span>
    </fieldset>
  );
}
