/**
 * The webhook consumer: reacts to owed changes on the table's stream (pk `OWED#…`), fans each out
 * to the endpoints subscribed to its messages, then hands each endpoint's lane to a sender of its
 * own (webhook-dispatch.ts) and returns: no batch, and no email, waits on an endpoint.
 * Retries are the webhook sweeper's; a record that cannot even be fanned out is a batch item
 * failure (bisect, retry, then the DLQ; the sweeper fans out what is still owed).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { requireConfigFor } from '#config';
import { owedChangeOf, webhookStore, type DeliveryRef } from '#adapters/webhook-store';
import { logger, useLambdaContext } from '#http/log';
import { workerOfHandler } from '#routes';
import { dispatch, fanOut } from '#webhooks/deliver';

requireConfigFor(workerOfHandler('webhook-consumer'));

type StreamRecord = DynamoDBStreamEvent['Records'][number];
const isOwedChange = (r: StreamRecord) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.type?.S === 'owed-change';

export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  useLambdaContext(context);
  const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
  const refs: DeliveryRef[] = [];
  const records = event.Records.filter(isOwedChange);
  if (records.length) {
    const endpoints = await webhookStore.all();
    for (const record of records) {
      try {
        const image = record.dynamodb!.NewImage!;
        // Lambda hands binary attributes over as base64 text; the local stream client as bytes.
        const bytes = image.messages?.B as unknown as string | Uint8Array;
        const change = owedChangeOf({
          id: image.id?.S,
          eventId: image.eventId?.S,
          createdAt: image.createdAt?.S,
          messages: typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes,
          ...(image.expiresAt?.N ? { expiresAt: Number(image.expiresAt.N) } : {}),
        });
        refs.push(...(await fanOut(change, endpoints)));
        await webhookStore.fannedOut(change.id);
      } catch (error) {
        logger.error('owed change not fanned out', { errorName: error instanceof Error ? error.name : 'unknown' });
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
        // The stream resumes from the first failure; what was fanned out is sent meanwhile.
        break;
      }
    }
  }
  await dispatch(refs);
  return { batchItemFailures: failures };
};
