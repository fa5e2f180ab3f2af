/** The webhook-id guard of the handlers: a malformed id is an unknown one (404). */
import { notFound } from '#domain/errors';

export const isWebhookId = (id: string) => /^wh_[A-Za-z0-9_-]{16}$/.test(id);

export function webhookIdOf(params: Readonly<Record<string, string>>): string {
  const id = params.webhookId ?? '';
  if (!isWebhookId(id)) throw notFound('No such webhook.');
  return id;
}
