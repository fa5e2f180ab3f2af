/**
 * Sign-in for the console: OpenID Connect authorization code + PKCE through oidc-client-ts, one
 * code path for Cognito's managed login (deployed) and the local issuer. The provider comes from
 * /admin/config.json, served by the site, so one build runs everywhere. Tokens stay in memory
 * (the user store is in-memory; only the PKCE state of a sign-in under way is in sessionStorage);
 * a reload goes through the provider again, which knows its session and answers at once.
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { signal } from '@preact/signals';

export interface ConsoleConfig {
  authority: string;
  clientId: string;
  /** Cognito's discovery document names no end-session endpoint: the config does. */
  endSessionEndpoint?: string;
}

export type Role = 'admin' | 'staff' | 'none';

export interface Session {
  accessToken: string;
  role: Role;
  name: string;
}

export const session = signal<Session | undefined>(undefined);

let manager: UserManager | undefined;
const home = () => `${location.origin}/admin`;

function roleOf(accessToken: string): Role {
  try {
    const payload = JSON.parse(atob(accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { 'cognito:groups'?: unknown };
    const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'] : [];
    return groups.includes('admin') ? 'admin' : groups.includes('staff') ? 'staff' : 'none';
  } catch {
    return 'none';
  }
}

function adopt(user: User | null) {
  session.value = user
    ? {
        accessToken: user.access_token,
        role: roleOf(user.access_token),
        name: String(user.profile.email ?? user.profile.name ?? user.profile.sub),
      }
    : undefined;
}

/** To the provider's sign-in, coming back to the view (hash) the admin was on. */
export async function signIn(): Promise<never> {
  await manager!.removeUser();
  await manager!.signinRedirect({ state: { hash: location.hash } });
  return new Promise<never>(() => undefined);
}

export async function signOut(): Promise<void> {
  const user = await manager!.getUser();
  await manager!.removeUser();
  await manager!.signoutRedirect({
    id_token_hint: user?.id_token,
    post_logout_redirect_uri: home(),
    // Cognito's /logout reads logout_uri; the OpenID name above serves other providers.
    extraQueryParams: { logout_uri: home() },
  });
}

/**
 * Starts the console's session: finishes a sign-in coming back from the provider, or goes to it.
 * Resolves with the session, or with an error text to show (the provider refused).
 */
export async function startSession(): Promise<{ ok: true } | { ok: false; error: string }> {
  const config = (await (await fetch('/admin/config.json', { cache: 'no-store' })).json()) as ConsoleConfig;
  manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: home(),
    post_logout_redirect_uri: home(),
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    // Renewal uses the refresh token (Cognito allows no framed sign-in, nor does this site's CSP).
    automaticSilentRenew: true,
    loadUserInfo: false,
    ...(config.endSessionEndpoint ? { metadataSeed: { end_session_endpoint: config.endSessionEndpoint } } : {}),
  });
  manager.events.addUserLoaded(adopt);
  manager.events.addAccessTokenExpired(() => void signIn());
  manager.events.addSilentRenewError(() => void signIn());
  const params = new URLSearchParams(location.search);
  if (params.has('error')) {
    history.replaceState(null, '', '/admin');
    return { ok: false, error: params.get('error_description') ?? params.get('error') ?? '' };
  }
  if (params.has('code') && params.has('state')) {
    try {
      const user = await manager.signinRedirectCallback();
      const hash = (user.state as { hash?: string } | undefined)?.hash ?? '';
      history.replaceState(null, '', `/admin${hash}`);
      adopt(user);
      return { ok: true };
    } catch {
      // A stale or replayed callback (back button): start over.
      history.replaceState(null, '', '/admin');
    }
  }
  return signIn();
}
