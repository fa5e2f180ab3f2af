/**
 * The sweeper (every minute, EventBridge; locally a timer): delivers outbox items whose next
 * attempt is due, which is how a failed send is retried with backoff.
 */
import { outboxStore } from '#adapters/outbox-store';
import { requireConfigFor } from '#config';
import type { Context } from 'aws-lambda';
import { useLambdaContext } from '#http/log';
import { deliver } from '#mail/deliver';
import { deliveryPorts } from '#mail/ports';
import { count, publishCounted } from '#http/metrics';
import { workerOfHandler } from '#routes';

requireConfigFor(workerOfHandler('outbox-sweeper'));

// Built by the first invocation, not at cold start (it reads the configuration).
let ports: ReturnType<typeof deliveryPorts> | undefined;

export const handler = async (_event?: unknown, context?: Context): Promise<{ attempted: number; sent: number; failed: number }> => {
  useLambdaContext(context);
  ports ??= deliveryPorts();
  const due = await outboxStore.due(new Date());
  let sent = 0;
  let failed = 0;
  for (const item of due) {
    const outcome = await deliver(ports, item.id);
    if (outcome === 'sent') sent++;
    if (outcome === 'failed') failed++;
  }
  if (sent) count('EmailsSent', sent);
  if (failed) count('EmailsFailed', failed);
  publishCounted();
  return { attempted: due.length, sent, failed };
};
