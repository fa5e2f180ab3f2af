import { outboxStore } from '#adapters/outbox-store';
import { webhookStore } from '#adapters/webhook-store';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/**
 * Puts failed outbox items back to pending (the stream hands them to the mailer again) and failed
 * webhook messages back to retrying (the webhook sweeper sends them, with a fresh 24 hours).
 */
export const handler = securedRoute('redrive-outbox', async () => {
  const now = new Date();
  const [emails, webhooks] = await Promise.all([outboxStore.redrive(now), webhookStore.redrive(now)]);
  return json(200, { redriven: emails + webhooks, emails, webhooks });
});
