import { webhookStore } from '#adapters/webhook-store';
import { webhookView } from '#domain/webhooks';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Every endpoint, oldest first, without secrets (admins keep a handful: one page). */
export const handler = securedRoute('list-webhooks', async () =>
  json(200, { items: (await webhookStore.all()).map(webhookView), nextCursor: null }),
);
