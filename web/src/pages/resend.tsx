/** /e/{eventId}/resend: ask for the manage link again. */
import { signal } from '@preact/signals';
import { render } from 'preact';
import { api, ApiError } from '../lib/api.ts';
import { local, pick } from '../lib/i18n.ts';
import { Page, useTitle } from '../lib/layout.tsx';
import { ResendForm } from '../lib/resend-form.tsx';
import type { PublicEvent } from '../lib/types.ts';
import { strings } from './resend.strings.ts';
import '../styles.css';

const eventId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const state = { event: signal<PublicEvent | 'not-found' | undefined>(undefined) };

function App() {
  const t = pick(strings);
  const e = state.event.value;
  if (e === 'not-found') {
    useTitle(t.notFoundTitle);
    return (
      <Page>
        <h1 data-not-found>{t.notFoundTitle}</h1>
        <p>{t.notFound}</p>
      </Page>
    );
  }
  useTitle(e ? local(e.name) : 'Gatepass');
  return (
    <Page>
      {e && (
        <p class="lead">
          <a href={`/e/${encodeURIComponent(eventId)}`}>{local(e.name)}</a>
        </p>
      )}
      <ResendForm eventId={eventId} headingLevel={1} />
    </Page>
  );
}

render(<App />, document.getElementById('app')!);
// The event's name is a courtesy: the form works without it (API unreachable included).
api<PublicEvent>(`/events/${encodeURIComponent(eventId)}`).then(
  (e) => (state.event.value = e),
  (error) => error instanceof ApiError && error.status === 404 && (state.event.value = 'not-found'),
);
