/**
 * Credentials in the URL fragment (`#token=…&event=…`): the fragment never reaches a server,
 * and once read it is removed from the address bar and from history at once.
 */
export function takeFragment(): URLSearchParams | undefined {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return undefined;
  history.replaceState(history.state, '', location.pathname + location.search);
  return new URLSearchParams(hash);
}

/** sessionStorage as JSON, tolerant of storage being unavailable or holding garbage. */
export const session = {
  get<T>(key: string): T | undefined {
    try {
      const raw = sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  },
  set(key: string, value: unknown) {
    try {
      sessionStorage.setItem(key, JSON.stringify(value));
    } catch {
      // full or blocked: the page works without it, only a reload loses what was typed
    }
  },
  remove(key: string) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // nothing to remove
    }
  },
};

/** A UUID: a key in UUID syntax makes the API replay a registration in full (API.md). */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
