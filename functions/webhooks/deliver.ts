/**
 * Webhook delivery: the fan-out of an owed change to each subscribed endpoint, and the lanes that
 * send one endpoint's messages. Each lane is an endpoint's own, run by a sender of its own
 * (webhook-dispatch.ts); a lane stops at its endpoint's first failure (the endpoint is paused and
 * left to the sweeper's backoff), so a slow or failing endpoint costs only its own time.
 */
import { Webhook } from 'standardwebhooks';
import { postWebhook } from '#adapters/webhook-http';
import { dispatchLanes } from '#adapters/webhook-dispatch';
import { webhookStore, type DeliveryRef } from '#adapters/webhook-store';
import {
  ATTEMPT_TIMEOUT_MS,
  afterFailure,
  deliveryId,
  messageBody,
  subscribes,
  type OwedChange,
  type StoredWebhook,
} from '#domain/webhooks';

export interface LaneTally {
  delivered: number;
  retrying: number;
  failed: number;
}

/** Writes one delivery per (message, subscribed endpoint), under ids that a second run repeats. */
export async function fanOut(change: OwedChange, endpoints: readonly StoredWebhook[]): Promise<DeliveryRef[]> {
  const refs: DeliveryRef[] = [];
  for (const [index, m] of change.messages.entries()) {
    for (const w of endpoints) {
      if (!subscribes(w, change.eventId, m.type)) continue;
      refs.push(
        await webhookStore.putDelivery(
          {
            messageId: deliveryId(change.id, index, w.id),
            webhookId: w.id,
            type: m.type,
            body: messageBody(m, change.createdAt),
            status: 'retrying',
            attempts: 0,
            createdAt: change.createdAt,
            retryFrom: change.createdAt,
            nextAttemptAt: change.createdAt,
            lastStatusCode: null,
            lastAttemptAt: null,
            lastResponse: null,
          },
          change.expiresAt,
        ),
      );
    }
  }
  return refs;
}

export const byEndpoint = (refs: readonly DeliveryRef[]) => {
  const lanes = new Map<string, DeliveryRef[]>();
  for (const r of refs) lanes.set(r.webhookId, [...(lanes.get(r.webhookId) ?? []), r]);
  return lanes;
};

/** Standard Webhooks headers for one attempt: every live secret signs (rotation), space-separated. */
export function signedHeaders(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' '),
  };
}

/**
 * Sends one endpoint's deliveries in order. Stops at the first that fails (the rest wait for the
 * endpoint's next attempt time), or when `deadline` leaves no room for another attempt.
 */
export async function sendLane(webhookId: string, refs: readonly DeliveryRef[], deadline = Infinity): Promise<LaneTally> {
  const tally: LaneTally = { delivered: 0, retrying: 0, failed: 0 };
  const endpoint = await webhookStore.read(webhookId);
  const now = new Date();
  if (!endpoint) {
    // Removed: what it was owed is no longer anyone's.
    for (const ref of refs) await webhookStore.forget(ref);
    return tally;
  }
  const waitUntil = !endpoint.enabled
    ? new Date(now.getTime() + 3600_000)
    : endpoint.pausedUntil && Date.parse(endpoint.pausedUntil) > now.getTime()
      ? new Date(endpoint.pausedUntil)
      : undefined;
  if (waitUntil) {
    for (const ref of refs) await webhookStore.postpone(ref, waitUntil);
    return tally;
  }
  const secrets = await webhookStore.signingSecrets(webhookId, now);
  let resumed = !endpoint.pausedUntil;
  for (const [i, ref] of refs.entries()) {
    if (Date.now() + ATTEMPT_TIMEOUT_MS + 1000 > deadline) break;
    const d = await webhookStore.claim(ref, new Date());
    if (!d) continue;
    // Signed afresh for each attempt, with its own timestamp (receivers refuse old ones).
    const at = new Date();
    const result = await postWebhook(endpoint.url, signedHeaders(secrets, d.messageId, at, d.body), d.body);
    const done = new Date();
    if (result.ok) {
      await webhookStore.recordAttempt(ref, { status: 'delivered', statusCode: result.status, excerpt: result.excerpt }, done);
      tally.delivered++;
      if (!resumed) {
        await webhookStore.resume(webhookId);
        resumed = true;
      }
      continue;
    }
    if (result.status === 410) {
      // Gone: the endpoint is turned off (PATCH enabled: true turns it on); this message is failed (redrive).
      await webhookStore.recordAttempt(ref, { status: 'failed', statusCode: 410, excerpt: result.excerpt }, done);
      await webhookStore.disableGone(webhookId);
      tally.failed++;
      break;
    }
    const next = afterFailure(d, done);
    await webhookStore.recordAttempt(
      ref,
      next
        ? { status: 'retrying', next, statusCode: result.status, excerpt: result.excerpt }
        : { status: 'failed', statusCode: result.status, excerpt: result.excerpt },
      done,
    );
    if (next) tally.retrying++;
    else tally.failed++;
    const pauseUntil = next ?? new Date(done.getTime() + 30_000);
    await webhookStore.pause(webhookId, pauseUntil);
    for (const rest of refs.slice(i + 1)) await webhookStore.postpone(rest, pauseUntil);
    break;
  }
  return tally;
}

/** Each endpoint's lane to a sender of its own (not awaited: see webhook-dispatch.ts). */
export const dispatch = (refs: readonly DeliveryRef[]) =>
  dispatchLanes([...byEndpoint(refs)].map(([webhookId, lane]) => ({ webhookId, refs: lane })));
