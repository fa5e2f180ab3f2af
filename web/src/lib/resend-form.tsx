/** Asks for the manage link again (POST …/registrations/resend): always "check your inbox" (API.md). */
import { useSignal } from '@preact/signals';
import { api, ApiError, NetworkError, type FieldError } from './api.ts';
import { pick } from './i18n.ts';
import { resendStrings } from './resend-form.strings.ts';

export function ResendForm({ eventId, headingLevel = 2 }: { eventId: string; headingLevel?: 1 | 2 }) {
  const t = pick(resendStrings);
  const email = useSignal('');
  const errors = useSignal<FieldError[]>([]);
  const state = useSignal<'idle' | 'sending' | 'sent' | 'network'>('idle');
  const H = headingLevel === 1 ? 'h1' : 'h2';
  const submit = async () => {
    if (state.value === 'sending') return;
    state.value = 'sending';
    errors.value = [];
    try {
      await api(`/events/${encodeURIComponent(eventId)}/registrations/resend`, { method: 'POST', body: { email: email.value } });
      state.value = 'sent';
    } catch (error) {
      if (error instanceof NetworkError) state.value = 'network';
      else if (error instanceof ApiError && error.code === 'validation_failed') {
        errors.value = error.problem.errors ?? [{ path: 'email', message: error.message }];
        state.value = 'idle';
        document.getElementById('resend-email')?.focus();
      } else state.value = 'sent'; // the same answer whatever happened: nothing to learn about an address
    }
  };
  const message = errors.value.map((e) => e.message).join(' ');
  return (
    <section class="card" aria-labelledby="resend-h">
      <H id="resend-h">{t.title}</H>
      <p>{t.intro}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="field">
          <label for="resend-email">{t.email}</label>
          <input
            id="resend-email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value={email.value}
            onInput={(e) => (email.value = e.currentTarget.value)}
            aria-describedby="resend-email-error"
            aria-invalid={message ? 'true' : undefined}
          />
          <p class="error" id="resend-email-error" data-error-for="email">
            {message}
          </p>
        </div>
        <button type="submit" class="primary" disabled={state.value === 'sending'}>
          {state.value === 'sending' ? t.sending : t.send}
        </button>
        <div role="status" aria-live="polite">
          {state.value === 'sent' && (
            <p class="notice" data-resend="sent">
              {t.sent}
            </p>
          )}
          {state.value === 'network' && <p class="notice warn">{t.networkFailed}</p>}
        </div>
      </form>
    </section>
  );
}
