/**
 * TransactWriteItems with the retries real DynamoDB needs: concurrent transactions on one item
 * are cancelled with `TransactionConflict` (the SDK does not retry a cancelled transaction), so
 * those are retried, bounded and jittered, under one ClientRequestToken so that a retry that
 * races a success applies once. Given the function's `deadline`, conflicts are retried for as
 * long as a write still fits before it (a burst on one hot item, e.g. the event's counters, can
 * outlast any small fixed count), else `maxAttempts` times. A 503 after cancelled tries means
 * nothing applied; after a try still in progress (same token) it may yet apply, as a read
 * afterwards shows (the 503 says "retry shortly", never that it failed). A failed condition is not retried
 * here: it is returned, by item index, for the caller to interpret (the seat is gone, the email
 * is taken…).
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
  /** Tries without a deadline (with one, the deadline is the bound). */
  maxAttempts?: number;
  /** Epoch ms: the function's time limit. No retry starts within `marginMs` of it. */
  deadline?: number;
  /** Time one more try needs to be sent, applied and answered before the deadline. */
  marginMs?: number;
  /** Longest pause between tries (full jitter under it). */
  maxDelayMs?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function transactWrite(items: TransactItems, options: TransactOptions = {}): Promise<TransactOutcome> {
  const deadline = options.deadline !== undefined && Number.isFinite(options.deadline) ? options.deadline : undefined;
  const {
    maxAttempts = deadline === undefined ? 6 : Infinity,
    marginMs = 1500,
    baseDelayMs = 20,
    maxDelayMs = deadline === undefined ? Infinity : 500,
    sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
    now = Date.now,
  } = options;
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
      const inProgress = !retriable && error instanceof Error && error.name === 'TransactionInProgressException';
      if (inProgress) {
        // The same token is still being applied by an earlier attempt: wait and ask again.
      } else if (!retriable) {
        throw error;
      }
      if (attempt >= maxAttempts) throw serviceUnavailable();
      // Full jitter: spreads the retries of many writers that collided on one item.
      const pause = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      // Every try so far was cancelled (nothing applied): with no time for another, say so. One
      // still being applied is asked again later, but never so late that the function is cut off
      // mid-call (half the margin: the try itself is already sent).
      if (deadline !== undefined && now() + pause > deadline - (inProgress ? marginMs / 2 : marginMs)) throw serviceUnavailable();
      await sleep(pause);
    }
  }
}
