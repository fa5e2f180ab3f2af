/**
 * The timeline of GET …/attendance/timeline, one SVG chart per place: entries up and exits down
 * as bars per bucket, the number inside as a line. Hidden while the API has no such route (404)
 * or refuses it; staff see this part only.
 */
import { useSignal } from '@preact/signals';
import { lang, pick } from '../lib/i18n.ts';
import { session } from './auth.ts';
import { usePoll } from './poll.ts';
import { call, eventPath } from './state.ts';
import { strings } from './strings.ts';

interface Point {
  at: string;
  in: number;
  out: number;
  inside: number;
}
export interface TimelineAnswer {
  bucket: string;
  places: { place: string; points: Point[] }[];
}

const buckets = ['5m', '15m', '60m'] as const;

export function Timeline({ eventId, placeName }: { eventId: string; placeName: (place: string) => string }) {
  const t = pick(strings);
  const bucket = useSignal<(typeof buckets)[number]>('15m');
  const data = useSignal<TimelineAnswer | undefined>(undefined);
  const available = useSignal(true);
  usePoll(
    async () => {
      try {
        data.value = await call<TimelineAnswer>(eventPath(eventId, `/attendance/timeline?bucket=${bucket.value}`));
        available.value = true;
      } catch {
        available.value = false;
      }
    },
    10_000,
    [eventId, bucket.value],
  );
  if (!available.value || !data.value) return null;
  const isAdmin = session.value?.role === 'admin';
  const venue = data.value.places.find((p) => p.place === 'venue');
  const venueInside = venue?.points.at(-1)?.inside;
  return (
    <section aria-labelledby="timeline-title" data-part="timeline">
      <h3 id="timeline-title">{t.timeline}</h3>
      {!isAdmin && venueInside !== undefined && (
        <ul class="metrics">
          <li>
            <span class="metric-label">{t.metrics.inside}</span>
            <strong data-metric="inside" data-value={String(venueInside)}>
              {venueInside.toLocaleString(lang.value)}
            </strong>
          </li>
        </ul>
      )}
      <label>
        {t.bucket}{' '}
        <select
          value={bucket.value}
          onChange={(e) => (bucket.value = (e.currentTarget as HTMLSelectElement).value as (typeof buckets)[number])}
        >
          {buckets.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <div class="charts">
        {data.value.places.map((p) => (
          <PlaceChart key={p.place} name={placeName(p.place)} points={p.points} />
        ))}
      </div>
    </section>
  );
}

const W = 480;
const H = 180;
const PAD = 28;

function PlaceChart({ name, points }: { name: string; points: Point[] }) {
  const t = pick(strings);
  const last = points.at(-1);
  const totalIn = points.reduce((n, p) => n + p.in, 0);
  const totalOut = points.reduce((n, p) => n + p.out, 0);
  const top = Math.max(1, ...points.map((p) => Math.max(p.in, p.out, p.inside)));
  const mid = (H - PAD) / 2;
  const step = points.length ? (W - PAD) / points.length : 0;
  const y = (v: number) => mid - (v / top) * (mid - 4);
  const insideLine = points.map((p, i) => `${PAD + i * step + step / 2},${y(p.inside)}`).join(' ');
  const time = (at: string) => new Date(at).toLocaleTimeString(lang.value, { hour: '2-digit', minute: '2-digit' });
  const summary = `${name}: ${t.entries} ${totalIn}, ${t.exits} ${totalOut}, ${t.insideNow} ${last?.inside ?? 0}`;
  return (
    <figure class="chart" data-place={name}>
      <figcaption>
        <strong>{name}</strong> — {t.entries} {totalIn} · {t.exits} {totalOut} · {t.insideNow} {last?.inside ?? 0}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line x1={PAD} x2={W} y1={mid} y2={mid} class="axis" />
        <text x={2} y={12} class="tick">
          {top}
        </text>
        {points.map((p, i) => {
          const x = PAD + i * step + 1;
          const w = Math.max(1, step - 2);
          return (
            <g key={p.at}>
              <title>{`${time(p.at)} ${t.entries} ${p.in} · ${t.exits} ${p.out} · ${t.insideNow} ${p.inside}`}</title>
              <rect x={x} y={y(p.in)} width={w} height={mid - y(p.in)} class="bar-in" />
              <rect x={x} y={mid} width={w} height={mid - y(p.out)} class="bar-out" />
            </g>
          );
        })}
        {points.length > 1 && <polyline points={insideLine} class="line-inside" />}
        {points.length > 0 && (
          <>
            <text x={PAD} y={H - 4} class="tick">
              {time(points[0]!.at)}
            </text>
            <text x={W - 2} y={H - 4} class="tick end">
              {time(points.at(-1)!.at)}
            </text>
          </>
        )}
      </svg>
      <p class="legend">
        <span class="key key-in" aria-hidden="true" /> {t.entries} <span class="key key-out" aria-hidden="true" /> {t.exits}{' '}
        <span class="key key-inside" aria-hidden="true" /> {t.insideNow}
      </p>
    </figure>
  );
}
