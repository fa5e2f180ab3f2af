import { resolveWebhookUrl } from '#adapters/webhook-http';
import { webhookStore } from '#adapters/webhook-store';
import { GatepassError, notFound } from '#domain/errors';
import { webhookView } from '#domain/webhooks';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { webhookIdOf } from '#http/webhook-id';
import { webhookPatch } from '#schemas/webhook';

/** Changes enabled, types or url; `enabled: true` turns an endpoint a 410 turned off on again. */
export const handler = securedRoute('update-webhook', async (req) => {
  const id = webhookIdOf(req.params);
  const patch = validate(webhookPatch(), req.body, req.locale);
  if (patch.url !== undefined && !(await resolveWebhookUrl(patch.url))) throw new GatepassError(422, 'invalid_webhook_url');
  const updated = await webhookStore.update(id, { ...patch, ...(patch.types ? { types: [...new Set(patch.types)] } : {}) });
  if (!updated) throw notFound('No such webhook.');
  return json(200, webhookView(updated));
});
