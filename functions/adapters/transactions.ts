/**
 * TransactWriteItems with the retries real DynamoDB needs: concurrent transactions on one item
 * are cancelled with `TransactionConflict` (the SDK does not retry a cancelled transaction), so
 * those are retried, bounded and jittered, under one ClientRequestToken so that a retry that
 * races a success applies once. A failed condition is not retried here: it is returned, by
 * item index, for the caller to interpret (the seat is gone, the email is taken…).
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from '#adapters/clients';
import { isThrottle, serviceUnavailable } from '#adapters/dynamo-errors';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** `ok`, or the index of every item whose condition failed. */
export type TransactOutcome = { ok: true } | { ok: false; failed: number[] };

const retriedReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

export interface TransactOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function transactWrite(items: TransactItems, options: TransactOptions = {}): Promise<TransactOutcome> {
  const { maxAttempts = 6, baseDelayMs = 20, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  const token = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return { ok: true };
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : undefined;
      const failed = reasons?.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])) ?? [];
      if (failed.length) return { ok: false, failed };
      const retriable = reasons ? reasons.some((r) => retriedReasons.has(r.Code ?? '')) : isThrottle(error);
      if (!retriable && error instanceof Error && error.name === 'TransactionInProgressException') {
        // The same token is still being applied by an earlier attempt: wait and ask again.
      } else if (!retriable) {
        throw error;
      }
      if (attempt >= maxAttempts) throw serviceUnavailable();
      // Full jitter: spreads the retries of many writers that collided on one item.
      await sleep(Math.random() * baseDelayMs * 2 ** attempt);
    }
  }
}
