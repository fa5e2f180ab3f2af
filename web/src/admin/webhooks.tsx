/**
 * Webhook endpoints (admins only; the API refuses staff): list, add (its signing secret shown
 * once), turn on and off, rotate the secret (shown once), delete; each endpoint's recent
 * deliveries, and a redrive of failed messages. Its own chunk: app.tsx loads it when opened.
 * Endpoints are the deployment's, not the event's: all of them are listed, and a new one may be
 * limited to the event picked.
 */
import { type Signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { WEBHOOK_TYPES } from '#domain/webhook-types';
import { ApiError } from '../lib/api.ts';
import { local, pick } from '../lib/i18n.ts';
import type { PublicEvent } from '../lib/types.ts';
import { usePoll } from './poll.ts';
import { at } from './registrations.tsx';
import { call, events, type Page } from './state.ts';
import { webhookStrings as strings } from './webhooks.strings.ts';

interface Webhook {
  id: string;
  url: string;
  types: string[];
  eventId: string | null;
  enabled: boolean;
  createdAt: string;
  disabledReason?: 'gone' | null;
}
interface Delivery {
  messageId: string;
  type: string;
  status: 'delivered' | 'retrying' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastAttemptAt: string | null;
}
/** A secret to show this once; it lives in memory until dismissed or the view closes. */
interface Secret {
  webhookId: string;
  url: string;
  secret: string;
  rotated: boolean;
}
/** An API error kept as code and the API's own words, so a language switch re-renders it. */
interface Shown {
  code: string;
  message: string;
}

type T = (typeof strings)['en'];
const shownOf = (e: unknown): Shown =>
  e instanceof ApiError ? { code: e.code, message: e.problem.detail ?? e.problem.title } : { code: 'unreachable', message: '' };
const textOf = (t: T, s: Shown) => (s.code === 'unreachable' ? t.unreachable : (t.codes[s.code] ?? s.message));
const webhookPath = (id: string, rest = '') => `/webhooks/${encodeURIComponent(id)}${rest}`;

export function Webhooks({ eventId, event }: { eventId: string; event: PublicEvent | undefined }) {
  const t = pick(strings);
  const list = useSignal<Webhook[] | undefined>(undefined);
  const secret = useSignal<Secret | undefined>(undefined);
  const failure = useSignal<Shown | undefined>(undefined);
  // Where focus goes when the element that held it is gone (a deleted row, a dismissed secret).
  const heading = useRef<HTMLHeadingElement>(null);
  const refocus = () => requestAnimationFrame(() => heading.current?.focus());
  const load = async () => {
    try {
      list.value = (await call<Page<Webhook>>('/webhooks')).items;
      failure.value = undefined;
    } catch (e) {
      failure.value = shownOf(e);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const replace = (w: Webhook) => (list.value = (list.value ?? []).map((x) => (x.id === w.id ? w : x)));
  const eventName = (id: string | null) => {
    if (id === null) return t.allEvents;
    if (id === eventId && event) return local(event.name);
    const known = events.value?.find((e) => e.id === id);
    return known ? local(known.name) : id;
  };
  return (
    <section aria-labelledby="webhooks-title" data-part="webhooks">
      <h2 id="webhooks-title">{t.title}</h2>
      <p class="muted">{t.intro}</p>
      <NewWebhook
        eventId={eventId}
        eventName={eventName(eventId)}
        onCreated={(w, s) => {
          list.value = [...(list.value ?? []), w];
          secret.value = { webhookId: w.id, url: w.url, secret: s, rotated: false };
        }}
      />
      {secret.value && (
        <SecretOnce
          key={secret.value.secret}
          shown={secret.value}
          onDismiss={() => {
            secret.value = undefined;
            refocus();
          }}
        />
      )}
      {failure.value && <p role="alert">{textOf(t, failure.value)}</p>}
      <h3 ref={heading} tabIndex={-1}>
        {t.endpoints}
      </h3>
      {list.value && !list.value.length && <p>{t.none}</p>}
      <ul class="rows" data-list="webhooks">
        {list.value?.map((w) => (
          <WebhookRow
            key={w.id}
            w={w}
            eventName={eventName(w.eventId)}
            onChanged={replace}
            onRemoved={() => {
              list.value = (list.value ?? []).filter((x) => x.id !== w.id);
              if (secret.value?.webhookId === w.id) secret.value = undefined;
              refocus();
            }}
            onSecret={(s) => (secret.value = { webhookId: w.id, url: w.url, secret: s, rotated: true })}
          />
        ))}
      </ul>
      <Redrive />
    </section>
  );
}

/** The form: url, types (or "*"), limited to this event or not; API errors beside their inputs. */
function NewWebhook({
  eventId,
  eventName,
  onCreated,
}: {
  eventId: string;
  eventName: string;
  onCreated: (w: Webhook, secret: string) => void;
}) {
  const t = pick(strings);
  const url = useSignal('');
  const types = useSignal<string[]>([]);
  const limited = useSignal(true);
  const busy = useSignal(false);
  const errors = useSignal<Record<string, Shown>>({});
  const submit = async () => {
    if (busy.value) return;
    if (!types.value.length) {
      errors.value = { types: { code: 'pick_types', message: t.pickTypes } };
      return;
    }
    busy.value = true;
    errors.value = {};
    try {
      const body = { url: url.value.trim(), types: types.value.includes('*') ? ['*'] : types.value, ...(limited.value ? { eventId } : {}) };
      const { secret, ...created } = await call<Webhook & { secret: string }>('/webhooks', { method: 'POST', body });
      onCreated(created, secret);
      url.value = '';
      types.value = [];
    } catch (e) {
      errors.value = fieldErrors(e);
    } finally {
      busy.value = false;
    }
  };
  const toggle = (type: string, on: boolean) => {
    types.value = on ? [...types.value, type] : types.value.filter((x) => x !== type);
  };
  const all = types.value.includes('*');
  const err = (path: string) => errors.value[path];
  const pickTypesText = (s: Shown) => (s.code === 'pick_types' ? t.pickTypes : textOf(t, s));
  return (
    <form
      class="card"
      data-form="webhook"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t.newWebhook}</h3>
      <label for="webhook-url">{t.url}</label>
      <input
        id="webhook-url"
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        maxLength={2000}
        required
        value={url.value}
        onInput={(e) => (url.value = e.currentTarget.value)}
        aria-invalid={err('url') ? 'true' : undefined}
        aria-describedby="webhook-url-error"
      />
      <p class="error" id="webhook-url-error" data-error-for="url">
        {err('url') && textOf(t, err('url')!)}
      </p>
      <fieldset aria-describedby="webhook-types-error">
        <legend>{t.types}</legend>
        <label class="check">
          <input type="checkbox" name="types" value="*" checked={all} onChange={(e) => toggle('*', e.currentTarget.checked)} /> {t.allTypes}
        </label>
        <div class="types">
          {WEBHOOK_TYPES.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                name="types"
                value={type}
                checked={all || types.value.includes(type)}
                disabled={all}
                onChange={(e) => toggle(type, e.currentTarget.checked)}
              />{' '}
              <code>{type}</code>
            </label>
          ))}
        </div>
        <p class="error" id="webhook-types-error" data-error-for="types">
          {err('types') && pickTypesText(err('types')!)}
        </p>
      </fieldset>
      <p>
        <label class="check">
          <input
            type="checkbox"
            name="eventId"
            value={eventId}
            checked={limited.value}
            onChange={(e) => (limited.value = e.currentTarget.checked)}
            aria-describedby="webhook-event-error"
          />{' '}
          {t.onlyThisEvent(eventName)}
        </label>
      </p>
      <p class="error" id="webhook-event-error" data-error-for="eventId">
        {err('eventId') && textOf(t, err('eventId')!)}
      </p>
      <p class="error" role="alert">
        {err('') && textOf(t, err('')!)}
      </p>
      <button type="submit" class="primary" disabled={busy.value}>
        {t.create}
      </button>
    </form>
  );
}

/** Which input an API error belongs to: the URL's verdict, a field's validation, the event looked up. */
function fieldErrors(e: unknown): Record<string, Shown> {
  if (!(e instanceof ApiError)) return { '': shownOf(e) };
  if (e.code === 'invalid_webhook_url') return { url: shownOf(e) };
  if (e.code === 'not_found') return { eventId: shownOf(e) };
  const out: Record<string, Shown> = {};
  for (const f of e.problem.errors ?? []) {
    const top = f.path.split('.')[0] ?? '';
    const path = ['url', 'types', 'eventId'].includes(top) ? top : '';
    out[path] = { code: e.code, message: out[path] ? `${out[path].message} ${f.message}` : f.message };
  }
  // Field errors show the API's own words for each field, not the code's general title.
  for (const s of Object.values(out)) s.code = 'field';
  return Object.keys(out).length ? out : { '': shownOf(e) };
}

/** The secret, this once: a copy button and the plain warning that it will not be shown again. */
function SecretOnce({ shown, onDismiss }: { shown: Secret; onDismiss: () => void }) {
  const t = pick(strings);
  const copied = useSignal<'' | 'copied' | 'failed'>('');
  const box = useRef<HTMLElement>(null);
  useEffect(() => box.current?.focus(), []);
  const copy = () =>
    navigator.clipboard
      ?.writeText(shown.secret)
      .then(() => (copied.value = 'copied'))
      .catch(() => (copied.value = 'failed')) ?? (copied.value = 'failed');
  return (
    <section class="notice warn secret" ref={box} tabIndex={-1} aria-labelledby="secret-title" data-secret-for={shown.webhookId}>
      <h3 id="secret-title">{shown.rotated ? t.secretRotated : t.secretCreated}</h3>
      <p class="url">{shown.url}</p>
      <p>
        <strong>{t.secretWarning}</strong>
      </p>
      <p class="secret-value">
        <code data-secret>{shown.secret}</code>{' '}
        <button type="button" data-action="copy-secret" onClick={() => void copy()}>
          {t.copy}
        </button>{' '}
        <span role="status">{copied.value === 'copied' ? t.copied : copied.value === 'failed' ? t.copyFailed : ''}</span>
      </p>
      <button type="button" data-action="dismiss-secret" onClick={onDismiss}>
        {t.dismiss}
      </button>
    </section>
  );
}

function WebhookRow({
  w,
  eventName,
  onChanged,
  onRemoved,
  onSecret,
}: {
  w: Webhook;
  eventName: string;
  onChanged: (w: Webhook) => void;
  onRemoved: () => void;
  onSecret: (secret: string) => void;
}) {
  const t = pick(strings);
  const busy = useSignal(false);
  const failure = useSignal<Shown | undefined>(undefined);
  const open = useSignal(false);
  const act = async (run: () => Promise<void>) => {
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      await run();
    } catch (e) {
      failure.value = shownOf(e);
    } finally {
      busy.value = false;
    }
  };
  const setEnabled = (enabled: boolean) =>
    act(async () => onChanged(await call<Webhook>(webhookPath(w.id), { method: 'PATCH', body: { enabled } })));
  const rotate = () => act(async () => onSecret((await call<{ secret: string }>(webhookPath(w.id, '/secret'), { method: 'POST' })).secret));
  const remove = () =>
    act(async () => {
      await call<void>(webhookPath(w.id), { method: 'DELETE' });
      onRemoved();
    });
  const panel = `deliveries-${w.id}`;
  return (
    <li data-webhook={w.id}>
      <p>
        <strong class="url">{w.url}</strong> ·{' '}
        <span data-enabled={String(w.enabled)} class={w.enabled ? 'on' : 'off'}>
          {w.enabled ? t.enabled : w.disabledReason === 'gone' ? t.gone : t.disabled}
        </span>
      </p>
      <p class="muted">
        {t.types}: {w.types.join(', ')} · {t.event}: {eventName} · {t.createdAt}: {at(w.createdAt)}
      </p>
      <div class="actions">
        <button
          type="button"
          data-action={w.enabled ? 'disable' : 'enable'}
          disabled={busy.value}
          onClick={() => void setEnabled(!w.enabled)}
        >
          {w.enabled ? t.disable : t.enable}
        </button>
        <button type="button" data-action="rotate-secret" disabled={busy.value} onClick={() => void rotate()}>
          {t.rotate}
        </button>
        <button
          type="button"
          data-action="deliveries"
          aria-expanded={open.value}
          aria-controls={open.value ? panel : undefined}
          onClick={() => (open.value = !open.value)}
        >
          {open.value ? t.hideDeliveries : t.deliveries}
        </button>
        <DeleteButton onDelete={() => void remove()} />
      </div>
      {failure.value && (
        <p class="error" role="alert">
          {textOf(t, failure.value)}
        </p>
      )}
      {open.value && <Deliveries id={panel} w={w} />}
    </li>
  );
}

function DeleteButton({ onDelete }: { onDelete: () => void }) {
  const t = pick(strings);
  const asking = useSignal(false);
  if (!asking.value)
    return (
      <button type="button" class="danger" data-action="delete" onClick={() => (asking.value = true)}>
        {t.remove}
      </button>
    );
  return (
    <span>
      {t.confirmRemove}{' '}
      <button type="button" class="danger" data-action="confirm-delete" onClick={onDelete}>
        {t.remove}
      </button>{' '}
      <button type="button" onClick={() => (asking.value = false)}>
        {t.no}
      </button>
    </span>
  );
}

/**
 * One endpoint's recent deliveries, newest first, in pages; the first page refreshes every 5 s
 * while the tab is visible (a message lands seconds after its change), until more are loaded.
 */
function Deliveries({ id, w }: { id: string; w: Webhook }) {
  const t = pick(strings);
  const items = useSignal<Delivery[] | undefined>(undefined);
  const next = useSignal<string | null>(null);
  const pages = useSignal(0);
  const failure = useSignal<Shown | undefined>(undefined);
  const load = async (cursor?: string | null) => {
    try {
      const q = new URLSearchParams({ limit: '20' });
      if (cursor) q.set('cursor', cursor);
      const page = await call<Page<Delivery>>(webhookPath(w.id, `/deliveries?${q}`));
      items.value = cursor ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.nextCursor;
      pages.value = cursor ? pages.value + 1 : 1;
      failure.value = undefined;
    } catch (e) {
      failure.value = shownOf(e);
    }
  };
  usePoll(
    async () => {
      if (pages.value <= 1) await load();
    },
    5_000,
    [w.id],
  );
  return (
    <section id={id} class="deliveries" aria-label={t.deliveriesOf(w.url)} data-deliveries={w.id}>
      {failure.value && <p role="alert">{textOf(t, failure.value)}</p>}
      {items.value && !items.value.length && <p>{t.noDeliveries}</p>}
      {!!items.value?.length && <DeliveryTable items={items} caption={t.deliveriesOf(w.url)} />}
      <div class="actions">
        <button type="button" data-action="refresh-deliveries" onClick={() => void load()}>
          {t.refresh}
        </button>
        {next.value && (
          <button type="button" data-action="more-deliveries" onClick={() => void load(next.value)}>
            {t.more}
          </button>
        )}
      </div>
    </section>
  );
}

function DeliveryTable({ items, caption }: { items: Signal<Delivery[] | undefined>; caption: string }) {
  const t = pick(strings);
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.messageId}</th>
            <th scope="col">{t.type}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.attempts}</th>
            <th scope="col">{t.lastStatusCode}</th>
            <th scope="col">{t.lastAttemptAt}</th>
          </tr>
        </thead>
        <tbody>
          {items.value?.map((d) => (
            <tr key={d.messageId} data-message={d.messageId}>
              <td>
                <code>{d.messageId}</code>
              </td>
              <td>
                <code>{d.type}</code>
              </td>
              <td data-status={d.status} class={`delivery-${d.status}`}>
                {t.statuses[d.status] ?? d.status}
              </td>
              <td data-attempts>{d.attempts}</td>
              <td data-status-code>{d.lastStatusCode ?? '—'}</td>
              <td>{at(d.lastAttemptAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** POST /outbox/redrive (admin): every failed webhook message (and email) goes out again. */
function Redrive() {
  const t = pick(strings);
  const done = useSignal<{ webhooks: number; emails: number } | undefined>(undefined);
  const failure = useSignal<Shown | undefined>(undefined);
  const busy = useSignal(false);
  const redrive = async () => {
    if (busy.value) return;
    busy.value = true;
    failure.value = undefined;
    try {
      done.value = await call<{ webhooks: number; emails: number }>('/outbox/redrive', { method: 'POST' });
    } catch (e) {
      failure.value = shownOf(e);
    } finally {
      busy.value = false;
    }
  };
  return (
    <div class="card redrive">
      <p class="muted" id="redrive-help">
        {t.redriveHelp}
      </p>
      <button type="button" data-action="redrive" aria-describedby="redrive-help" disabled={busy.value} onClick={() => void redrive()}>
        {t.redrive}
      </button>{' '}
      <span role="status" data-redriven={done.value?.webhooks}>
        {done.value && t.redriven(done.value.webhooks, done.value.emails)}
      </span>
      {failure.value && (
        <p class="error" role="alert">
          {textOf(t, failure.value)}
        </p>
      )}
    </div>
  );
}
