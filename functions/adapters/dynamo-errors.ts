/**
 * DynamoDB failures that outlast the SDK's own retries become a 503 with Retry-After: never a
 * 500, and (a transaction being all or nothing) never a half-written change.
 */
import { serviceUnavailable as busy } from '#domain/errors';

const throttles = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
]);

/** The database kept throttling after the SDK's retries. */
export const serviceUnavailable = () => busy(2);

export function isThrottle(error: unknown): boolean {
  return error instanceof Error && throttles.has(error.name);
}

/** Runs one table operation, turning a persistent throttle into 503 service_unavailable. */
export async function tableCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isThrottle(error)) throw serviceUnavailable();
    throw error;
  }
}
