/**
 * All of the console's state, in one place: the signed-in session (auth.ts), the event picked
 * (from the hash, `#event=<id>&view=<view>`, so a reload or a new sign-in comes back to it), and
 * what each view loaded. Every API call goes through `call`, which adds the access token and
 * sends an expired session back to sign-in.
 */
import { signal } from '@preact/signals';
import { api, ApiError, type RequestOptions } from '../lib/api.ts';
import type { PublicEvent } from '../lib/types.ts';
import { session, signIn } from './auth.ts';

export const views = ['overview', 'registrations', 'approvals', 'waitlists', 'devices', 'duplicates', 'meetings', 'webhooks'] as const;
export type View = (typeof views)[number];

function fromHash(): { eventId: string; view: View } {
  const params = new URLSearchParams(location.hash.slice(1));
  const view = params.get('view') as View | null;
  return { eventId: params.get('event') ?? '', view: view && views.includes(view) ? view : 'overview' };
}

export const route = signal(fromHash());
/** Reads the view from the address bar again (after a sign-in put back the hash it started from). */
export const readRoute = () => (route.value = fromHash());
addEventListener('hashchange', readRoute);
addEventListener('popstate', readRoute);

export function go(next: Partial<{ eventId: string; view: View }>) {
  const r = { ...route.value, ...next };
  const params = new URLSearchParams();
  if (r.eventId) params.set('event', r.eventId);
  if (r.view !== 'overview') params.set('view', r.view);
  const hash = params.toString();
  history.pushState(null, '', hash ? `#${hash}` : location.pathname);
  route.value = r;
}

/** An API call as the signed-in user; a 401 (the session expired or was revoked) signs in again. */
export async function call<T>(path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await api<T>(path, { ...options, accessToken: session.value?.accessToken });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) await signIn();
    throw error;
  }
}

export const eventPath = (eventId: string, rest = '') => `/events/${encodeURIComponent(eventId)}${rest}`;

export interface EventSummary {
  id: string;
  name: { ko: string; en: string };
  startsAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const events = signal<EventSummary[] | undefined>(undefined);
export const event = signal<{ id: string; value?: PublicEvent; missing?: boolean } | undefined>(undefined);

export async function loadEvents() {
  try {
    events.value = (await call<Page<EventSummary>>('/events?limit=100')).items;
  } catch {
    events.value = [];
  }
}

export async function loadEvent(id: string) {
  if (event.value?.id === id && event.value.value) return;
  event.value = { id };
  try {
    event.value = { id, value: await call<PublicEvent>(eventPath(id)) };
  } catch (error) {
    event.value = { id, missing: error instanceof ApiError && error.status === 404 };
  }
}

/** Places of an event: the venue, then each session. */
export const placesOf = (e: PublicEvent | undefined) => ['venue', ...(e?.sessions ?? []).map((s) => s.id)];
