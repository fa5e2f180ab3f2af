/** The live figures of GET attendance (admins) and the timeline chart (admins and staff). */
import { useSignal } from '@preact/signals';
import { ApiError } from '../lib/api.ts';
import { lang, pick } from '../lib/i18n.ts';
import { session } from './auth.ts';
import { Timeline } from './timeline.tsx';
import { usePoll } from './poll.ts';
import { call, event, eventPath } from './state.ts';
import { strings } from './strings.ts';

/** Event-level figures, in this order; `inside` and `pending` only where the API gives them. */
const metricNames = ['confirmed', 'waitlisted', 'pending', 'cancelled', 'checkedIn', 'inside'] as const;
type MetricName = (typeof metricNames)[number];

interface SessionFigures {
  id: string;
  capacity: number;
  confirmed: number;
  waitlisted: number;
  checkedIn: number;
  inside?: number;
}
interface Attendance extends Partial<Record<MetricName, unknown>> {
  capacity: number;
  sessions: SessionFigures[];
  asOf: string;
}

/** A figure as a number: a plain count, or (where the API gives a place's breakdown) its venue count. */
function count(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object' && typeof (value as { venue?: unknown }).venue === 'number')
    return (value as { venue: number }).venue;
  return undefined;
}

const REFRESH_MS = 5_000;

export function Overview({ eventId }: { eventId: string }) {
  const t = pick(strings);
  const figures = useSignal<Attendance | undefined>(undefined);
  const failed = useSignal(false);
  const isAdmin = session.value?.role === 'admin';
  usePoll(
    async () => {
      if (!isAdmin) return;
      try {
        figures.value = await call<Attendance>(eventPath(eventId, '/attendance'));
        failed.value = false;
      } catch (error) {
        failed.value = !(error instanceof ApiError && error.status === 403);
      }
    },
    REFRESH_MS,
    [eventId, isAdmin],
  );
  const a = figures.value;
  const sessionName = (id: string) => {
    const s = event.value?.value?.sessions.find((x) => x.id === id);
    return s ? s.name[lang.value] || s.name.en : id;
  };
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">{t.views.overview}</h2>
      {!isAdmin && <p>{t.staffOnly}</p>}
      {isAdmin && failed.value && <p role="status">{t.unreachable}</p>}
      {isAdmin && a && (
        <>
          <ul class="metrics" aria-live="polite">
            {metricNames.map((name) => {
              const value = count(a[name]);
              return value === undefined ? null : (
                <li key={name}>
                  <span class="metric-label">{t.metrics[name]}</span>
                  <strong data-metric={name} data-value={String(value)}>
                    {value.toLocaleString(lang.value)}
                  </strong>
                </li>
              );
            })}
          </ul>
          <p class="muted">
            {t.asOf} {new Date(a.asOf).toLocaleTimeString(lang.value)}
          </p>
          {a.sessions.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption>{t.sessions}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.session}</th>
                    <th scope="col">{t.capacity}</th>
                    <th scope="col">{t.metrics.confirmed}</th>
                    <th scope="col">{t.metrics.waitlisted}</th>
                    <th scope="col">{t.metrics.checkedIn}</th>
                    {a.sessions.some((s) => typeof s.inside === 'number') && <th scope="col">{t.metrics.inside}</th>}
                  </tr>
                </thead>
                <tbody>
                  {a.sessions.map((s) => (
                    <tr key={s.id} data-session={s.id}>
                      <th scope="row">{sessionName(s.id)}</th>
                      <td>{s.capacity}</td>
                      <td>{s.confirmed}</td>
                      <td>{s.waitlisted}</td>
                      <td>{s.checkedIn}</td>
                      {typeof s.inside === 'number' && <td>{s.inside}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <Timeline eventId={eventId} placeName={(p) => (p === 'venue' ? t.venue : sessionName(p))} />
    </section>
  );
}
