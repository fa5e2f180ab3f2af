import { cursorKey } from '#adapters/secrets';
import { webhookStore } from '#adapters/webhook-store';
import { notFound } from '#domain/errors';
import { deliveryView } from '#domain/webhooks';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { webhookIdOf } from '#http/webhook-id';

/** One endpoint's recent messages, newest first: status, attempts, the last answer's code. */
export const handler = securedRoute('list-webhook-deliveries', async (req) => {
  const id = webhookIdOf(req.params);
  const limit = pageLimit(req.query.limit);
  if (!(await webhookStore.read(id))) throw notFound('No such webhook.');
  const key = await cursorKey();
  const scope = `webhook-deliveries:${id}`;
  const page = await webhookStore.deliveries(id, limit, decodeCursor(key, scope, req.query.cursor));
  return json(200, { items: page.items.map(deliveryView), nextCursor: encodeCursor(key, scope, page.next) });
});
