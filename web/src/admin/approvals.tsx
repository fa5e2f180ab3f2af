/**
 * The approval queue: pending registrations, oldest first, each with approve and deny (with a
 * reason). Hidden where the API does not know `pending` (a deployment without approval answers
 * the filter 4xx).
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { pick } from '../lib/i18n.ts';
import type { Registration } from '../lib/types.ts';
import { at } from './registrations.tsx';
import { call, eventPath, type Page } from './state.ts';
import { strings } from './strings.ts';

export function Approvals({ eventId }: { eventId: string }) {
  const t = pick(strings);
  const items = useSignal<Registration[] | undefined>(undefined);
  const next = useSignal<string | null>(null);
  const available = useSignal(true);
  const message = useSignal('');
  const load = async (cursor?: string | null) => {
    try {
      const p = new URLSearchParams({ status: 'pending', limit: '50' });
      if (cursor) p.set('cursor', cursor);
      const page = await call<Page<Registration>>(eventPath(eventId, `/registrations?${p}`));
      items.value = cursor ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.nextCursor;
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) available.value = false;
      else message.value = t.unreachable;
    }
  };
  useEffect(() => {
    void load();
  }, [eventId]);
  const decide = async (r: Registration, action: 'approve' | 'deny', reason?: string) => {
    message.value = '';
    try {
      await call<Registration>(eventPath(eventId, `/registrations/${encodeURIComponent(r.id)}/${action}`), {
        method: 'POST',
        body: action === 'deny' && reason ? { reason } : {},
      });
      items.value = (items.value ?? []).filter((x) => x.id !== r.id);
    } catch (e) {
      message.value = e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : t.unreachable;
    }
  };
  if (!available.value) return <p data-part="approvals-unavailable">{t.notAvailable}</p>;
  return (
    <section aria-labelledby="approvals-title" data-part="approvals">
      <h2 id="approvals-title">{t.views.approvals}</h2>
      {message.value && <p role="alert">{message.value}</p>}
      {items.value && !items.value.length && <p>{t.noPending}</p>}
      <ul class="rows">
        {items.value?.map((r) => (
          <PendingRow key={r.id} r={r} onDecide={(action, reason) => decide(r, action, reason)} />
        ))}
      </ul>
      {next.value && (
        <button type="button" onClick={() => load(next.value)}>
          {t.more}
        </button>
      )}
    </section>
  );
}

function PendingRow({ r, onDecide }: { r: Registration; onDecide: (action: 'approve' | 'deny', reason?: string) => void }) {
  const t = pick(strings);
  const reason = useSignal('');
  const inputId = `reason-${r.id}`;
  return (
    <li data-registration={r.id}>
      <p>
        <strong>{r.name}</strong> · {r.email} · {r.organization} · {at(r.createdAt)}
      </p>
      <div class="actions">
        <button type="button" data-action="approve" onClick={() => onDecide('approve')}>
          {t.approve}
        </button>
        <label for={inputId}>{t.reason}</label>
        <input id={inputId} name="reason" maxLength={500} value={reason.value} onInput={(e) => (reason.value = e.currentTarget.value)} />
        <button type="button" class="danger" data-action="deny" onClick={() => onDecide('deny', reason.value.trim() || undefined)}>
          {t.deny}
        </button>
      </div>
    </li>
  );
}
