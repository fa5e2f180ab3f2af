import { outboxStore } from '#adapters/outbox-store';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Puts failed outbox items back to pending; the stream hands them to the mailer again. */
export const handler = securedRoute('redrive-outbox', async () => json(200, { redriven: await outboxStore.redrive(new Date()) }));
