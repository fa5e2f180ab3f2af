/** The scanner's screen: pairing, roster download, then place, camera, verdict, queue and manual search. */
import { signal, useComputed, useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { startCamera, type Camera } from './camera.ts';
import { unlockAudio } from './feedback.ts';
import {
  devicePlaces,
  chooseDirection,
  choosePlace,
  chooseTable,
  judge,
  judgeTable,
  pair,
  setup,
  state,
  setLocale,
  type ScannerEvent,
  type ShownVerdict,
} from './scanner.ts';
import { browserLang, strings, type Lang } from './strings.ts';

const language = (() => {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('gatepass.lang');
  } catch {
    saved = null;
  }
  return saved === 'ko' || saved === 'en' ? saved : browserLang();
})();

export const currentLang = signal<Lang>(language);

function localized(text: { ko?: string; en?: string } | string | undefined, l: Lang): string {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[l] ?? text.en ?? text.ko ?? '';
}

function sessionName(event: ScannerEvent | null, id: string, l: Lang): string {
  return localized(event?.sessions.find((s) => s.id === id)?.name, l) || id;
}

function time(at: string | undefined, event: ScannerEvent | null): string {
  if (!at) return '';
  const zone = (event as { timezone?: string } | null)?.timezone;
  try {
    return new Intl.DateTimeFormat(currentLang.value, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(zone ? { timeZone: zone } : {}),
    }).format(new Date(at));
  } catch {
    return new Date(at).toLocaleTimeString();
  }
}

export function App() {
  const l = currentLang.value;
  const t = strings[l];
  useEffect(() => {
    document.documentElement.lang = l;
    document.title = t.title;
    setLocale(l);
  }, [l]);
  const switchLang = () => {
    const next: Lang = l === 'ko' ? 'en' : 'ko';
    currentLang.value = next;
    try {
      localStorage.setItem('gatepass.lang', next);
    } catch {
      // Storage disabled: the switch still holds for this visit.
    }
  };
  const event = state.event.value;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: not a control: the first touch or key anywhere unlocks the verdict beep (browsers allow audio only after a gesture)
    <div class="scanner" onPointerDown={unlockAudio} onKeyDown={unlockAudio}>
      <header class="bar">
        <h1>
          {t.title}
          {event ? <span class="event-name">{localized(event.name, l)}</span> : null}
        </h1>
        <button type="button" class="lang" lang={l === 'ko' ? 'en' : 'ko'} onClick={switchLang} data-action="language">
          {t.language}
        </button>
      </header>
      <main>
        <View />
      </main>
    </div>
  );
}

function View() {
  switch (state.view.value) {
    case 'loading':
      return <p class="note">…</p>;
    case 'insecure':
      return <Insecure />;
    case 'pair':
      return <Pair />;
    case 'setup':
      return <Setup />;
    case 'scan':
      return <Scan />;
  }
}

function Insecure() {
  const t = strings[currentLang.value];
  return (
    <p class="notice error" role="alert" data-insecure>
      {t.insecure}
    </p>
  );
}

function Pair() {
  const t = strings[currentLang.value];
  const code = useSignal('');
  const busy = useSignal(false);
  const error = state.pairError.value;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!code.value.trim()) return;
    busy.value = true;
    await pair(code.value);
    busy.value = false;
  };
  return (
    <section class="pair">
      {state.revoked.value ? (
        <p class="notice error" role="alert" data-revoked>
          {t.revoked}
        </p>
      ) : null}
      <h2>{t.pairTitle}</h2>
      <p>{t.pairHelp}</p>
      <form onSubmit={submit} data-form="pair">
        <label for="pair-code">{t.pairCode}</label>
        <input
          id="pair-code"
          name="code"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          value={code.value}
          onInput={(e) => (code.value = (e.target as HTMLInputElement).value)}
          aria-describedby={error ? 'pair-error' : undefined}
        />
        <button type="submit" disabled={busy.value}>
          {busy.value ? t.pairing : t.pairButton}
        </button>
        {error ? (
          <p id="pair-error" class="error" role="alert" data-error-for="code">
            {((t as Record<string, unknown>)[error] as string) ?? error}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function Setup() {
  const t = strings[currentLang.value];
  const error = state.setupError.value;
  return (
    <section class="setup">
      <p role="status" data-sync-progress={state.syncCount.value}>
        {t.syncing(state.syncCount.value)}
      </p>
      <progress aria-label={t.syncing(state.syncCount.value)} />
      {error ? (
        <>
          <p class="error" role="alert">
            {error === 'unreachable' ? t.unreachable : error}
          </p>
          <button type="button" onClick={() => void setup()}>
            {t.retry}
          </button>
        </>
      ) : null}
    </section>
  );
}

/** The same badge is ignored for this long after its verdict (it is still in front of the camera). */
const SAME_BADGE_PAUSE_MS = 3000;

function Scan() {
  const l = currentLang.value;
  const t = strings[l];
  const video = useRef<HTMLVideoElement>(null);
  const camera = useRef<Camera | null>(null);
  const torch = useSignal<boolean | null>(null);
  const cameraError = useSignal(false);
  useEffect(() => {
    let busy = false;
    let last = { text: '', at: 0 };
    let cancelled = false;
    const onText = async (text: string) => {
      if (busy || (text === last.text && performance.now() - last.at < SAME_BADGE_PAUSE_MS)) return;
      busy = true;
      const startedAt = performance.now();
      try {
        if (state.table.value) await judgeTable(text, startedAt);
        else await judge({ badge: text }, startedAt);
      } finally {
        last = { text, at: performance.now() };
        busy = false;
      }
    };
    startCamera(video.current!, (text) => void onText(text)).then(
      (c) => {
        if (cancelled) return c.stop();
        camera.current = c;
        torch.value = c.torch ? false : null;
      },
      () => (cameraError.value = true),
    );
    return () => {
      cancelled = true;
      camera.current?.stop();
      camera.current = null;
    };
  }, []);
  const toggleTorch = async () => {
    if (!camera.current || torch.value === null) return;
    const next = !torch.value;
    try {
      await camera.current.setTorch(next);
      torch.value = next;
    } catch {
      torch.value = null;
    }
  };
  const event = state.event.value;
  const places = devicePlaces(state.device.value, event);
  const tables = event?.meetings?.tables ?? [];
  const table = state.table.value;
  return (
    <>
      <Status />
      {tables.length ? (
        <div class="place">
          <label for="meeting-table">{t.meetingTable}</label>
          <select
            id="meeting-table"
            name="table"
            value={table ?? ''}
            onChange={(e) => void chooseTable((e.target as HTMLSelectElement).value || null)}
          >
            <option value="">{t.noTable}</option>
            {tables.map((x) => (
              <option value={x} key={x}>
                {t.tableLabel(x)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {table ? (
        <p class="note" data-table-mode={table}>
          {t.tableMode}
        </p>
      ) : null}
      {table && state.mode.value === 'offline' ? (
        <p class="notice error" role="alert" data-table-offline>
          {t.tableOffline}
        </p>
      ) : null}
      {table ? null : places.length > 1 ? (
        <div class="place">
          <label for="place">{t.place}</label>
          <select
            id="place"
            name="place"
            value={state.place.value}
            onChange={(e) => void choosePlace((e.target as HTMLSelectElement).value)}
          >
            {places.map((p) => (
              <option value={p} key={p}>
                {p === 'venue' ? t.venue : sessionName(event, p, l)}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p class="place" data-place={state.place.value}>
          {t.place}: {state.place.value === 'venue' ? t.venue : sessionName(event, state.place.value, l)}
        </p>
      )}
      {table ? null : (
        <fieldset class="direction" data-direction={state.direction.value}>
          <legend class="visually-hidden">{t.direction}</legend>
          {(['in', 'out'] as const).map((d) => (
            <button
              type="button"
              key={d}
              aria-pressed={state.direction.value === d}
              data-action={d === 'in' ? 'entry' : 'exit'}
              onClick={() => void chooseDirection(d)}
            >
              {d === 'in' ? t.entry : t.exit}
            </button>
          ))}
        </fieldset>
      )}
      <div class="camera">
        <video ref={video} muted playsInline aria-label={t.ready} />
        {torch.value !== null ? (
          <button type="button" class="torch" aria-pressed={torch.value} onClick={toggleTorch} data-action="torch">
            {torch.value ? t.torchOff : t.torchOn}
          </button>
        ) : null}
        {cameraError.value ? (
          <p class="error" role="alert">
            {t.cameraError}
          </p>
        ) : null}
      </div>
      <VerdictPanel verdict={state.verdict.value} />
      <Differences />
      {table ? null : <ManualSearch />}
    </>
  );
}

function Status() {
  const t = strings[currentLang.value];
  const last = state.lastSyncAt.value;
  return (
    <dl class="status">
      <div>
        <dt>{t.queue}</dt>
        <dd>
          <span data-queue={state.queue.value}>{state.queue.value}</span>
        </dd>
      </div>
      <div>
        <dt>{t.lastSync}</dt>
        <dd data-last-sync={last ?? ''}>{last ? time(last, state.event.value) : t.never}</dd>
      </div>
      <div>
        <dt>{t.people}</dt>
        <dd data-people={state.people.value}>{state.people.value}</dd>
      </div>
      <div>
        <dt>{t.connection}</dt>
        <dd class={`connection ${state.mode.value}`} data-connection={state.mode.value}>
          {t.mode[state.mode.value]}
        </dd>
      </div>
    </dl>
  );
}

function VerdictPanel({ verdict }: { verdict: ShownVerdict | null }) {
  const l = currentLang.value;
  const t = strings[l];
  const panel = useRef<HTMLElement>(null);
  // From the decoded QR to the verdict in the page (the bench reads it; nothing depends on it).
  useLayoutEffect(() => {
    if (verdict && panel.current) panel.current.dataset.shownMs = (performance.now() - verdict.startedAt).toFixed(1);
  }, [verdict?.seq]);
  if (!verdict) {
    return (
      <section class="verdict idle" role="status" aria-live="polite">
        <p>{t.ready}</p>
      </section>
    );
  }
  const tone = ['checked_in', 're_entered', 'checked_out', 'held', 'scheduled'].includes(verdict.code)
    ? 'green'
    : verdict.code === 'already_checked_in'
      ? 'amber'
      : 'red';
  const r = verdict.registration;
  const event = state.event.value;
  return (
    <section
      ref={panel}
      class={`verdict ${tone}`}
      role="status"
      aria-live="assertive"
      data-verdict={verdict.code}
      data-mode={verdict.mode}
      data-seq={verdict.seq}
    >
      <p class="verdict-title">{t.verdicts[verdict.code] ?? `${t.unknownVerdict} (${verdict.code})`}</p>
      {r ? (
        <>
          <p class="person-name">{r.name ?? t.notInRoster}</p>
          {r.organization ? <p class="person-org">{r.organization}</p> : null}
          {r.sessions.length ? (
            <p class="person-sessions">
              {t.sessions}:{' '}
              {r.sessions
                .filter((s) => s.status === 'confirmed')
                .map((s) => sessionName(event, s.id, l))
                .join(', ') || '—'}
            </p>
          ) : null}
        </>
      ) : null}
      {verdict.meeting?.table ? (
        <p class="person-sessions" data-meeting-table={verdict.meeting.table}>
          {t.tableLabel(verdict.meeting.table)}
          {verdict.meeting.startsAt ? ` · ${time(verdict.meeting.startsAt, event)}` : ''}
        </p>
      ) : null}
      {verdict.code === 'already_checked_in' ? (
        <p class="first-scan" data-first-scan={verdict.checkedInAt}>
          {t.firstScan(
            time(verdict.checkedInAt, event),
            verdict.deviceId === state.device.value?.id ? (state.device.value?.name ?? '') : (verdict.deviceId ?? t.otherDevice),
          )}
        </p>
      ) : null}
      {verdict.mode === 'offline' ? <p class="offline-mark">{t.judgedOffline}</p> : null}
    </section>
  );
}

function Differences() {
  const t = strings[currentLang.value];
  const list = state.differences.value;
  if (!list.length) return null;
  return (
    <section class="differences" data-differences={list.length}>
      <h2>{t.differences}</h2>
      <ul>
        {list.map((d) => (
          <li key={d.scanId} data-difference={d.server} data-offline-duplicate={d.offlineDuplicate ? 'true' : undefined}>
            <strong>{d.name ?? d.registrationId ?? '—'}</strong>: {t.verdicts[d.shown] ?? d.shown} → {t.verdicts[d.server] ?? d.server}
            {d.offlineDuplicate ? ` (${t.duplicate})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ManualSearch() {
  const l = currentLang.value;
  const t = strings[l];
  const query = useSignal('');
  const results = useComputed(() => state.searchIndex.value.search(query.value, 20));
  return (
    <section class="manual">
      <label for="manual-search">{t.search}</label>
      <input
        id="manual-search"
        type="search"
        name="q"
        autoComplete="off"
        placeholder={t.searchPlaceholder}
        value={query.value}
        onInput={(e) => (query.value = (e.target as HTMLInputElement).value)}
      />
      {query.value.trim() ? (
        results.value.length ? (
          <ul class="results">
            {results.value.map((p) => (
              <li key={p.id} data-person={p.id}>
                <span>
                  <strong>{p.name}</strong>
                  {p.organization ? ` · ${p.organization}` : ''}
                </span>
                <button type="button" data-action="check-in" data-registration={p.id} onClick={() => void judge({ registrationId: p.id })}>
                  {t.checkIn}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t.noMatch}</p>
        )
      ) : null}
    </section>
  );
}
