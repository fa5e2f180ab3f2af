/**
 * /admin: the organisers' console. Signs in first (auth.ts: straight to the provider when signed
 * out), then renders the console (admin/app.tsx).
 */
import { signal } from '@preact/signals';
import { render } from 'preact';
import { pick } from '../lib/i18n.ts';
import { Page } from '../lib/layout.tsx';
import { App } from '../admin/app.tsx';
import { session, signIn, startSession } from '../admin/auth.ts';
import { readRoute } from '../admin/state.ts';
import { strings } from '../admin/strings.ts';
import '../styles.css';
import '../admin/admin.css';

const failure = signal<string | undefined>(undefined);

function Root() {
  const t = pick(strings);
  if (session.value) return <App />;
  return (
    <Page>
      <h1>{t.title}</h1>
      {failure.value === undefined ? (
        <p role="status">{t.signingIn}</p>
      ) : (
        <>
          <p role="alert">
            {t.signInFailed}: {failure.value}
          </p>
          <button type="button" onClick={() => void signIn()}>
            {t.signInAgain}
          </button>
        </>
      )}
    </Page>
  );
}

render(<Root />, document.getElementById('app')!);
startSession().then(
  (r) => {
    if (r.ok) readRoute();
    else failure.value = r.error;
  },
  (error: unknown) => (failure.value = String(error)),
);
