/**
 * Hands each endpoint's lane of deliveries to a sender of its own, without waiting for it: deployed,
 * an asynchronous invocation of the webhook-sender function per lane (WEBHOOK_SENDER_FUNCTION);
 * locally, the runner the local stack registers. So the stream consumer and the sweeper return at
 * once, and an endpoint that hangs holds up only its own sender.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '#config';
import type { DeliveryRef } from '#adapters/webhook-store';

export interface Lane {
  webhookId: string;
  refs: DeliveryRef[];
}

/** Deliveries per sender invocation: each attempt takes up to 5 s, the sender has 60. */
export const LANE_SIZE = 10;

const lambda = new LambdaClient({});
let runner: ((lane: Lane) => void) | undefined;

/** The local stack's in-process sender (functions/local/workers.ts). */
export function runLanesWith(run: ((lane: Lane) => void) | undefined): void {
  runner = run;
}

export async function dispatchLanes(lanes: readonly Lane[]): Promise<void> {
  const chunks = lanes.flatMap((l) =>
    Array.from({ length: Math.ceil(l.refs.length / LANE_SIZE) }, (_, i) => ({
      webhookId: l.webhookId,
      refs: l.refs.slice(i * LANE_SIZE, (i + 1) * LANE_SIZE),
    })),
  );
  const fn = config().WEBHOOK_SENDER_FUNCTION;
  if (fn) {
    await Promise.all(
      chunks.map((lane) =>
        lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(lane)) })),
      ),
    );
    return;
  }
  if (!runner) throw new Error('no webhook sender: WEBHOOK_SENDER_FUNCTION is not set');
  for (const lane of chunks) runner(lane);
}
