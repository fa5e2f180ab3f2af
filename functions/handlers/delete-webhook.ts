import { webhookStore } from '#adapters/webhook-store';
import { notFound } from '#domain/errors';
import { securedRoute } from '#http/secured-route';
import { webhookIdOf } from '#http/webhook-id';

/** Removes an endpoint: nothing more is sent to it (its undelivered messages are dropped). */
export const handler = securedRoute('delete-webhook', async (req) => {
  const id = webhookIdOf(req.params);
  if (!(await webhookStore.remove(id))) throw notFound('No such webhook.');
  return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
});
