/**
 * The webhook sweeper (every minute, EventBridge; locally a timer): fans out owed changes whose
 * stream record never got through, then hands the deliveries whose next attempt is due to the
 * senders, one lane per endpoint. Its own function, so no email retry ever waits on an endpoint.
 */
import type { Context } from 'aws-lambda';
import { requireConfigFor } from '#config';
import { webhookStore } from '#adapters/webhook-store';
import { useLambdaContext } from '#http/log';
import { workerOfHandler } from '#routes';
import { dispatch, fanOut } from '#webhooks/deliver';

requireConfigFor(workerOfHandler('webhook-sweeper'));

/** An owed change younger than this is still the stream's to fan out. */
const STREAM_GRACE_MS = 60_000;

export const handler = async (_event?: unknown, context?: Context) => {
  useLambdaContext(context);
  const now = new Date();
  const changes = await webhookStore.unfanned(new Date(now.getTime() - STREAM_GRACE_MS));
  if (changes.length) {
    const endpoints = await webhookStore.all();
    for (const change of changes) {
      await fanOut(change, endpoints);
      await webhookStore.fannedOut(change.id);
    }
  }
  const due = await webhookStore.due(new Date());
  await dispatch(due);
  return { fannedOut: changes.length, dispatched: due.length };
};
