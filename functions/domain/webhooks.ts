/**
 * Webhooks (API.md "Webhooks"): what a change owes, who is subscribed, the
 * retry schedule and the address rules that keep a webhook from reaching inside the network.
 * Pure (node:crypto and node:net only).
 */
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { registrationView, type StoredRegistration } from '#domain/registration';
import { WEBHOOK_TYPES, type WebhookType } from '#domain/webhook-types';

export { WEBHOOK_TYPES, type WebhookType };

/** One message a change owes: its type and the snapshot taken at the change. */
export interface WebhookMessage {
  type: WebhookType;
  data: Record<string, unknown>;
}

/**
 * What one transaction owes the webhooks: every message of the change, in one item (a change that
 * promotes many stays one write). `eventId` picks the endpoints limited to one event.
 */
export interface OwedChange {
  id: string;
  eventId: string;
  createdAt: string;
  messages: WebhookMessage[];
  /** When the personal data in the snapshots expires (epoch seconds): the deliveries go by then too. */
  expiresAt?: number;
}

export interface StoredWebhook {
  id: string;
  url: string;
  types: readonly string[];
  eventId: string | null;
  enabled: boolean;
  createdAt: string;
  /** Why it is disabled: `gone` after a 410 (PATCH enabled: true turns it back on). */
  disabledReason?: 'gone' | null;
}

export const webhookView = (w: StoredWebhook) => ({
  id: w.id,
  url: w.url,
  types: [...w.types],
  eventId: w.eventId,
  enabled: w.enabled,
  createdAt: w.createdAt,
  disabledReason: w.disabledReason ?? null,
});

export const subscribes = (w: StoredWebhook, eventId: string, type: string) =>
  w.enabled && (w.eventId === null || w.eventId === eventId) && (w.types.includes('*') || w.types.includes(type));

/**
 * The webhook-id of one message to one endpoint: derived from the owed change, the message's
 * place in it and the endpoint, so a fan-out run twice writes the same delivery, and every retry
 * carries the same id (receivers deduplicate on it).
 */
export const deliveryId = (changeId: string, index: number, webhookId: string) =>
  `msg_${createHash('sha256').update(`${changeId}\n${index}\n${webhookId}`).digest('base64url').slice(0, 27)}`;

export type DeliveryStatus = 'retrying' | 'delivered' | 'failed';

export interface StoredDelivery {
  messageId: string;
  webhookId: string;
  type: WebhookType;
  /** The signed body, fixed at fan-out (each attempt signs it afresh with its own timestamp). */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: string;
  /** The retry window counts from here: the message's creation, or the redrive that put it back. */
  retryFrom: string;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastAttemptAt: string | null;
  /** At most RESPONSE_EXCERPT characters of the last answer (receivers' bodies are not ours to keep). */
  lastResponse: string | null;
}

export const deliveryView = (d: StoredDelivery) => ({
  messageId: d.messageId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastAttemptAt: d.lastAttemptAt,
  createdAt: d.createdAt,
  nextAttemptAt: d.status === 'retrying' ? d.nextAttemptAt : null,
  lastResponse: d.lastResponse,
});

export const messageBody = (m: WebhookMessage, at: string) => JSON.stringify({ type: m.type, timestamp: at, data: m.data });

/** A 2xx within this limit counts; anything slower is a failed attempt. */
export const ATTEMPT_TIMEOUT_MS = 5_000;
export const RESPONSE_EXCERPT = 200;
/** Retried at least this long after the message was owed, then `failed`. */
export const RETRY_WINDOW_MS = 24 * 3600_000;

/** Backoff after `attempts` failed attempts: 30 s, 1 min, 2 min … capped at 1 h (about 30 attempts in 24 h). */
export function nextWebhookAttempt(attempts: number, now: Date): Date {
  const seconds = Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + seconds * 1000);
}

/** After a failed attempt: when to try again, or undefined once the retry window is over. */
export function afterFailure(d: Pick<StoredDelivery, 'attempts' | 'retryFrom'>, now: Date): Date | undefined {
  const next = nextWebhookAttempt(d.attempts + 1, now);
  return next.getTime() - Date.parse(d.retryFrom) > RETRY_WINDOW_MS ? undefined : next;
}

export type AttemptResult = { ok: true; status: number; excerpt: string } | { ok: false; status: number | null; excerpt: string };

/** Any 2xx counts; a redirect is an answer like any other (not followed). */
export const isDelivered = (status: number) => status >= 200 && status < 300;

// ---- addresses ------------------------------------------------------------------------------

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the metadata service 169.254.169.254 among them
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4Public(address: string): boolean {
  const n = v4Number(address);
  return !V4_BLOCKED.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (v4Number(base) & mask) >>> 0;
  });
}

/** The 8 groups of an IPv6 address (`::` expanded, a dotted IPv4 tail turned into two groups). */
function v6Groups(address: string): number[] | undefined {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) {
    const n = v4Number(tail[1]!);
    a = `${a.slice(0, tail.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = a.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const r = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill(0), ...r];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function v6Public(address: string): boolean {
  const g = v6Groups(address);
  if (!g) return false;
  const [g0 = 0] = g;
  if (g.every((x) => x === 0)) return false; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return false; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d), and NAT64 (64:ff9b::/96): refused
  // outright, whatever IPv4 address they carry (an IPv4 literal in IPv6 dress is a bypass, not a host).
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return false;
  if (g0 === 0x64 && g[1] === 0xff9b) return false;
  if ((g0 & 0xfe00) === 0xfc00) return false; // unique-local fc00::/7 (AWS's metadata fd00:ec2::254 among them)
  if ((g0 & 0xffc0) === 0xfe80) return false; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return false; // site-local (deprecated) fec0::/10
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  if (g0 === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (g0 === 0x2002) return false; // 6to4 carries an arbitrary IPv4 address
  if (g0 === 0x2001 && g[1] === 0) return false; // Teredo, likewise
  if (g0 === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return false; // discard-only
  return (g0 & 0xe000) === 0x2000; // global unicast is 2000::/3; anything else is not a public host
}

/** Whether a resolved address is a public host a webhook may be sent to. */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return v4Public(address);
  if (isIPv6(address)) return v6Public(address);
  return false;
}

export type UrlVerdict = { ok: true; url: URL; hostname: string; local: boolean } | { ok: false; reason: string };

/**
 * The URL's own rules, before any lookup: https on port 443 (no credentials in it), or, where the
 * deployment allows it (the local stack), http://127.0.0.1:<port>.
 */
export function checkWebhookUrl(raw: string, allowLocalHttp: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL' };
  if (allowLocalHttp && url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '')
    return { ok: true, url, hostname: url.hostname, local: true };
  if (url.protocol !== 'https:') return { ok: false, reason: 'not https' };
  // URL drops the default port: an explicit :443 reads as ''.
  if (url.port !== '') return { ok: false, reason: 'not port 443' };
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostname) return { ok: false, reason: 'no host' };
  return { ok: true, url, hostname, local: false };
}

/** The addresses a host resolved to, judged: all must be public, and the first is the one connected to. */
export function pickAddress(addresses: readonly { address: string; family: number }[]): { address: string; family: number } | undefined {
  if (!addresses.length || !addresses.every((a) => isPublicAddress(a.address))) return undefined;
  return addresses[0];
}

// ---- what a change owes ---------------------------------------------------------------------

/** A registration's snapshot for a webhook: as GET answers it, without the manage or badge token. */
export function registrationSnapshot(view: Record<string, unknown>): Record<string, unknown> {
  const { manageToken: _m, badge: _b, wallet: _w, ...rest } = view;
  return rest;
}

/**
 * The messages a registration's change owes: `before` undefined for a new one. Another kind of
 * change (approval, say) adds its types here, in one line each.
 */
export function registrationTypes(
  before: Pick<StoredRegistration, 'status'> | undefined,
  after: Pick<StoredRegistration, 'status'>,
  promoted: boolean,
): WebhookType[] {
  if (!before) return ['registration.created', `registration.${after.status}` as WebhookType];
  if (after.status === 'cancelled' && before.status !== 'cancelled') return ['registration.cancelled'];
  if (promoted) return ['registration.promoted'];
  return ['registration.updated'];
}

export function registrationMessages(
  before: StoredRegistration | undefined,
  after: StoredRegistration,
  promoted = false,
): WebhookMessage[] {
  const data = registrationSnapshot(registrationView(after));
  return registrationTypes(before, after, promoted).map((type) => ({ type, data }));
}

/** An admin's decision on a pending registration (approve, deny): its types, in order, with one snapshot. */
export function decisionMessages(after: StoredRegistration, types: readonly string[]): WebhookMessage[] {
  const data = registrationSnapshot(registrationView(after));
  return types.map((type) => ({ type: type as WebhookType, data }));
}
