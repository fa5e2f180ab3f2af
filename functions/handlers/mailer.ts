/**
 * The mailer: reacts to outbox items on the table's stream (new items, and failed items put back
 * by redrive) and delivers each once. Retries after a failed send are the sweeper's; a record
 * that cannot even be processed is reported as a batch item failure (bisect, retry, then the DLQ).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { requireConfigFor } from '#config';
import { deliver } from '#mail/deliver';
import { deliveryPorts } from '#mail/ports';
import { logger, useLambdaContext } from '#http/log';
import { count, publishCounted } from '#http/metrics';
import { workerOfHandler } from '#routes';

requireConfigFor(workerOfHandler('mailer'));

// Built by the first invocation, not at cold start (it reads the configuration).
let ports: ReturnType<typeof deliveryPorts> | undefined;

/** New items, or failed and suppressed items that redrive put back; retries of pending items are the sweeper's. */
export function owedNow(record: DynamoDBStreamEvent['Records'][number]): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (image?.type?.S !== 'outbox' || image.status?.S !== 'pending') return undefined;
  const before = record.dynamodb?.OldImage?.status?.S;
  if (record.eventName === 'INSERT' || (record.eventName === 'MODIFY' && (before === 'failed' || before === 'suppressed')))
    return image.id?.S;
  return undefined;
}

export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  useLambdaContext(context);
  ports ??= deliveryPorts();
  const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const id = owedNow(record);
    if (!id) continue;
    try {
      const outcome = await deliver(ports, id);
      if (outcome === 'sent') count('EmailsSent');
      if (outcome === 'failed') count('EmailsFailed');
      if (outcome === 'retry') count('EmailAttemptsFailed');
      if (outcome === 'suppressed') count('EmailsSuppressed');
    } catch (error) {
      logger.error('outbox record not processed', { outboxId: id, errorName: error instanceof Error ? error.name : 'unknown' });
      failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      // Stop here: the stream resumes from the first failure, so later records are retried too.
      break;
    }
  }
  publishCounted();
  return { batchItemFailures: failures };
};
