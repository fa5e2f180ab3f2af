import { newWebhookSecret, webhookStore } from '#adapters/webhook-store';
import { notFound, serviceUnavailable } from '#domain/errors';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { webhookIdOf } from '#http/webhook-id';

/** API.md: both secrets sign for 24 hours, so a receiver can switch over without a gap. */
const OVERLAP_MS = 24 * 3600_000;

export const handler = securedRoute('rotate-webhook-secret', async (req) => {
  const id = webhookIdOf(req.params);
  const now = new Date();
  const secret = newWebhookSecret();
  const outcome = await webhookStore.rotate(id, secret, now, OVERLAP_MS);
  if (outcome === 'not_found') throw notFound('No such webhook.');
  // Another rotation of the same endpoint landed first: ask again (nothing of this one was kept).
  if (outcome === 'conflict') throw serviceUnavailable();
  return json(201, { id, secret, previousSecretRetiresAt: new Date(now.getTime() + OVERLAP_MS).toISOString() });
});
