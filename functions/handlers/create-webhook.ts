import { randomBytes } from 'node:crypto';
import { eventStore } from '#adapters/event-store';
import { resolveWebhookUrl } from '#adapters/webhook-http';
import { newWebhookSecret, webhookStore } from '#adapters/webhook-store';
import { GatepassError } from '#domain/errors';
import { eventIdOf, found } from '#http/event-id';
import { webhookView, type StoredWebhook } from '#domain/webhooks';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { webhookInput } from '#schemas/webhook';

/** An endpoint and its signing secret, shown this once (only its sealed form is kept). */
export const handler = securedRoute('create-webhook', async (req) => {
  const input = validate(webhookInput(), req.body, req.locale);
  // Limited to one event: that event must exist (an unknown one is 404, as everywhere).
  if (input.eventId !== undefined) found(await eventStore.read(eventIdOf({ eventId: input.eventId })));
  if (!(await resolveWebhookUrl(input.url))) throw new GatepassError(422, 'invalid_webhook_url');
  const webhook: StoredWebhook = {
    id: `wh_${randomBytes(12).toString('base64url')}`,
    url: input.url,
    types: [...new Set(input.types)],
    eventId: input.eventId ?? null,
    enabled: true,
    createdAt: new Date().toISOString(),
    disabledReason: null,
  };
  const secret = newWebhookSecret();
  await webhookStore.create(webhook, secret);
  return json(201, { ...webhookView(webhook), secret });
});
