/**
 * The meeting schedule (GET …/meetings?table=&status=): a grid of slots by tables, requests
 * apart, filters, pages, and the CSV (…/meetings/export.csv, fetched with the token; a large
 * export answers 303 and fetch follows it). Shown only for an event with a programme.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { lang, pick } from '../lib/i18n.ts';
import type { PublicEvent, Registration } from '../lib/types.ts';
import { downloadWithToken } from './download.ts';
import { meetingStrings } from './meetings.strings.ts';
import { call, eventPath, type Page } from './state.ts';

interface Meeting {
  id: string;
  status: string;
  requester: string;
  invitee: string;
  startsAt: string | null;
  endsAt: string | null;
  table: string | null;
  present: string[];
  noShow: string[] | null;
}

const STATUSES = ['requested', 'scheduled', 'held', 'no_show', 'declined', 'cancelled', 'expired'];

export function Meetings({ eventId, event }: { eventId: string; event: PublicEvent | undefined }) {
  const t = pick(meetingStrings);
  const filters = useSignal({ table: '', status: '' });
  const draft = useSignal({ table: '', status: '' });
  const items = useSignal<Meeting[] | undefined>(undefined);
  const next = useSignal<string | null>(null);
  const error = useSignal('');
  const names = useSignal<Record<string, string>>({});

  // The schedule names nobody: each person is read once (cached for the view).
  const name = async (ids: string[]) => {
    const missing = [...new Set(ids)].filter((id) => !(id in names.value));
    const found = await Promise.all(
      missing.map((id) =>
        call<Registration>(eventPath(eventId, `/registrations/${encodeURIComponent(id)}`)).then(
          (r) => [id, r.organization ? `${r.name} (${r.organization})` : r.name] as const,
          () => [id, id] as const,
        ),
      ),
    );
    if (found.length) names.value = { ...names.value, ...Object.fromEntries(found) };
  };
  const load = async (cursor?: string | null) => {
    error.value = '';
    const p = new URLSearchParams({ limit: '100' });
    if (filters.value.table) p.set('table', filters.value.table);
    if (filters.value.status) p.set('status', filters.value.status);
    if (cursor) p.set('cursor', cursor);
    try {
      const page = await call<Page<Meeting>>(eventPath(eventId, `/meetings?${p}`));
      items.value = cursor ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.nextCursor;
      await name(page.items.flatMap((m) => [m.requester, m.invitee]));
    } catch (e) {
      error.value = e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : t.unreachable;
    }
  };
  useEffect(() => {
    void load();
  }, [eventId, filters.value]);

  const zone = event?.timezone;
  const time = (iso: string) =>
    new Intl.DateTimeFormat(lang.value, { dateStyle: 'short', timeStyle: 'short', ...(zone ? { timeZone: zone } : {}) }).format(
      new Date(iso),
    );
  const list = items.value ?? [];
  const booked = list.filter((m) => m.startsAt && m.table);
  const requests = list.filter((m) => !m.startsAt);
  const tables = filters.value.table ? [filters.value.table] : (event?.meetings?.tables ?? []);
  const slots = [...new Set(booked.map((m) => m.startsAt!))].sort();
  const who = (id: string) => names.value[id] ?? id;
  return (
    <section aria-labelledby="meetings-title">
      <h2 id="meetings-title">{t.title}</h2>
      <MeetingsCsv eventId={eventId} />
      <form
        class="filters"
        data-form="meeting-filters"
        onSubmit={(e) => {
          e.preventDefault();
          filters.value = { ...draft.value };
        }}
      >
        <label>
          {t.table}{' '}
          <select name="table" value={draft.value.table} onChange={(e) => (draft.value = { ...draft.value, table: e.currentTarget.value })}>
            <option value="">{t.anyTable}</option>
            {(event?.meetings?.tables ?? []).map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.status}{' '}
          <select
            name="status"
            value={draft.value.status}
            onChange={(e) => (draft.value = { ...draft.value, status: e.currentTarget.value })}
          >
            <option value="">{t.anyStatus}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t.statuses[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t.apply}</button>
      </form>
      {error.value && <p role="alert">{error.value}</p>}
      {items.value && !list.length && <p>{t.none}</p>}
      {booked.length > 0 && (
        <div class="table-wrap">
          <table data-meeting-schedule>
            <thead>
              <tr>
                <th scope="col">{t.slot}</th>
                {tables.map((x) => (
                  <th scope="col" key={x}>
                    {t.table} {x}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {slots.map((slot) => (
                <tr key={slot}>
                  <th scope="row">{time(slot)}</th>
                  {tables.map((x) => (
                    <td key={x}>
                      {booked
                        .filter((m) => m.startsAt === slot && m.table === x)
                        .map((m) => (
                          <p key={m.id} data-meeting={m.id} data-status={m.status} data-table={x}>
                            {who(m.requester)} · {who(m.invitee)}
                            <br />
                            <span class="small">
                              {t.statuses[m.status] ?? m.status}
                              {m.noShow?.length ? ` (${t.noShow}: ${m.noShow.map(who).join(', ')})` : ''}
                            </span>
                          </p>
                        ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {requests.length > 0 && (
        <>
          <h3>{t.requests}</h3>
          <ul>
            {requests.map((m) => (
              <li key={m.id} data-meeting={m.id} data-status={m.status}>
                {who(m.requester)} → {who(m.invitee)} · {t.statuses[m.status] ?? m.status}
              </li>
            ))}
          </ul>
        </>
      )}
      {next.value && (
        <button type="button" onClick={() => void load(next.value)}>
          {t.more}
        </button>
      )}
    </section>
  );
}

function MeetingsCsv({ eventId }: { eventId: string }) {
  const t = pick(meetingStrings);
  const progress = useSignal('');
  const download = async () => {
    progress.value = t.preparing;
    const outcome = await downloadWithToken(eventPath(eventId, '/meetings/export.csv'), `meetings-${eventId}.csv`, (kb) => {
      progress.value = t.received(kb);
    });
    progress.value = outcome === 'saved' ? '' : t.downloadFailed;
  };
  return (
    <div class="downloads">
      <button type="button" data-action="export-meetings-csv" onClick={() => void download()}>
        {t.csv}
      </button>
      <span role="status">{progress.value}</span>
    </div>
  );
}
