/**
 * The webhook sender: invoked asynchronously with one endpoint's lane of deliveries (by the webhook
 * consumer and the sweeper), sends them in order, 5 s an attempt, stopping at the endpoint's first
 * failure (the endpoint is paused; the sweeper retries with backoff). One endpoint per invocation,
 * so a hanging endpoint never holds up another's messages.
 */
import type { Context } from 'aws-lambda';
import { requireConfigFor } from '#config';
import type { Lane } from '#adapters/webhook-dispatch';
import { useLambdaContext } from '#http/log';
import { count, publishCounted } from '#http/metrics';
import { workerOfHandler } from '#routes';
import { sendLane } from '#webhooks/deliver';

requireConfigFor(workerOfHandler('webhook-sender'));

export const handler = async (lane: Lane, context?: Context) => {
  useLambdaContext(context);
  const deadline = Date.now() + (context?.getRemainingTimeInMillis?.() ?? 60_000);
  const tally = await sendLane(lane.webhookId, lane.refs, deadline);
  if (tally.delivered) count('WebhooksDelivered', tally.delivered);
  if (tally.retrying) count('WebhookAttemptsFailed', tally.retrying);
  if (tally.failed) count('WebhooksFailed', tally.failed);
  publishCounted();
  return tally;
};
