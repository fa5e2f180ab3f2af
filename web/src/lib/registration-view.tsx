/**
 * A registration as its participant sees it: status in words, sessions, the badge (fetched with
 * the manage token in X-Manage-Token and shown from a blob: URL) and the downloads.
 */
import { signal, useSignal, useSignalEffect } from '@preact/signals';
import { api, apiBlob } from './api.ts';
import { lang, local, pick } from './i18n.ts';
import { download, eventIcs } from './ics.ts';
import { viewStrings } from './registration-view.strings.ts';
import type { PublicEvent, Registration } from './types.ts';

export const badgePath = (r: Pick<Registration, 'eventId' | 'id'>, format: 'svg' | 'pdf' | 'png') =>
  `/events/${encodeURIComponent(r.eventId)}/registrations/${encodeURIComponent(r.id)}/badge?format=${format}`;

export const managePath = (r: Pick<Registration, 'eventId' | 'id'>, token: string) =>
  `/manage#token=${encodeURIComponent(token)}&event=${encodeURIComponent(r.eventId)}&registration=${encodeURIComponent(r.id)}`;

export function StatusText({ r }: { r: Registration }) {
  const t = pick(viewStrings);
  return (
    <>
      <p class={`status status-${r.status}`} data-status={r.status}>
        {t.status[r.status]}
      </p>
      {r.status === 'denied' && r.denialReason && (
        <p data-denial-reason>
          {t.reason}: {r.denialReason}
        </p>
      )}
    </>
  );
}

export function Summary({ event, r }: { event: PublicEvent; r: Registration }) {
  const t = pick(viewStrings);
  return (
    <dl class="summary-list">
      <dt>{t.registrationId}</dt>
      <dd>
        <code data-registration-id={r.id}>{r.id}</code>
      </dd>
      {r.sessions.length > 0 && (
        <>
          <dt>{t.sessions}</dt>
          <dd>
            <ul class="sessions">
              {r.sessions.map((s) => (
                <li key={s.id} data-session={s.id} data-session-status={s.status}>
                  {local(event.sessions.find((x) => x.id === s.id)?.name) || s.id} —{' '}
                  <span class={`mark ${s.status}`}>{t.statusWord[s.status] ?? s.status}</span>
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}

export function Badge({ r, token }: { r: Registration; token: string }) {
  const t = pick(viewStrings);
  const state = useSignal<{ kind: 'loading' } | { kind: 'ready'; url: string } | { kind: 'failed' }>({ kind: 'loading' });
  const attempt = useSignal(0);
  useSignalEffect(() => {
    attempt.value;
    let url: string | undefined;
    let live = true;
    state.value = { kind: 'loading' };
    apiBlob(badgePath(r, 'svg'), { manageToken: token })
      .then((blob) => {
        url = URL.createObjectURL(blob);
        if (live) state.value = { kind: 'ready', url };
      })
      .catch(() => live && (state.value = { kind: 'failed' }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  });
  const s = state.value;
  return (
    <figure class="badge" aria-busy={s.kind === 'loading'}>
      {s.kind === 'ready' && <img src={s.url} alt={t.badgeAlt(r.name)} width={300} />}
      {s.kind === 'loading' && <p>{t.badgeLoading}</p>}
      {s.kind === 'failed' && (
        <p>
          {t.badgeFailed}{' '}
          <button type="button" onClick={() => attempt.value++}>
            {t.retry}
          </button>
        </p>
      )}
    </figure>
  );
}

export const downloadError = signal('');

export async function downloadPdf(r: Registration, token: string) {
  downloadError.value = '';
  try {
    download(await apiBlob(badgePath(r, 'pdf'), { manageToken: token }), `badge-${r.id}.pdf`);
  } catch (error) {
    downloadError.value = (error as Error).message || pick(viewStrings).badgeFailed;
  }
}

/** The API path of a wallet link (the answer names it absolutely, the page fetches it on its own origin). */
const pathOf = (url: string) => {
  const u = new URL(url, location.origin);
  return `${u.pathname}${u.search}`;
};

/** The Apple pass, fetched with the header and handed to the browser as a .pkpass (Safari opens Wallet). */
export async function addToAppleWallet(r: Registration, token: string) {
  const url = r.wallet?.appleUrl;
  if (!url) return;
  downloadError.value = '';
  try {
    const blob = await apiBlob(pathOf(url), { manageToken: token });
    download(new Blob([blob], { type: 'application/vnd.apple.pkpass' }), `${r.eventId}.pkpass`);
  } catch (error) {
    downloadError.value = (error as Error).message || pick(viewStrings).walletFailed;
  }
}

/** Google's "Save" link: asked for with the header, then followed. */
export async function saveToGoogleWallet(r: Registration, token: string) {
  const url = r.wallet?.googleUrl;
  if (!url) return;
  downloadError.value = '';
  try {
    const { saveUrl } = await api<{ saveUrl: string }>(pathOf(url), { manageToken: token });
    location.assign(saveUrl);
  } catch (error) {
    downloadError.value = (error as Error).message || pick(viewStrings).walletFailed;
  }
}

export function downloadIcs(event: PublicEvent, r: Registration, token: string) {
  const ics = eventIcs(event, r.id, lang.value, new URL(managePath(r, token), location.origin).href);
  download(new Blob([ics], { type: 'text/calendar;charset=utf-8' }), `${event.id}.ics`);
}

export function Downloads({ event, r, token }: { event: PublicEvent; r: Registration; token: string }) {
  const t = pick(viewStrings);
  return (
    <div class="actions">
      {r.status === 'confirmed' && (
        <button type="button" data-action="pdf" onClick={() => downloadPdf(r, token)}>
          {t.pdf}
        </button>
      )}
      {(r.status === 'confirmed' || r.status === 'waitlisted') && (
        <button type="button" data-action="ics" onClick={() => downloadIcs(event, r, token)}>
          {t.ics}
        </button>
      )}
      {r.status === 'confirmed' && r.wallet?.appleUrl && (
        <button type="button" data-action="apple" onClick={() => addToAppleWallet(r, token)}>
          {t.appleWallet}
        </button>
      )}
      {r.status === 'confirmed' && r.wallet?.googleUrl && (
        <button type="button" data-action="google" onClick={() => saveToGoogleWallet(r, token)}>
          {t.googleWallet}
        </button>
      )}
      {downloadError.value && (
        <p class="error" role="alert">
          {downloadError.value}
        </p>
      )}
    </div>
  );
}

export function BadgeSection({ event, r, token }: { event: PublicEvent; r: Registration; token: string }) {
  const t = pick(viewStrings);
  return (
    <section aria-labelledby="badge-h">
      <h2 id="badge-h">{t.badge}</h2>
      {r.status === 'confirmed' ? <Badge r={r} token={token} /> : <p>{t.noBadge}</p>}
      <Downloads event={event} r={r} token={token} />
    </section>
  );
}
