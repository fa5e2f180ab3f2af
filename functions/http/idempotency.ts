/**
 * The `Idempotency-Key` header, scoped to the event, with Powertools Idempotency on its own
 * table: a replay within 24 h returns the first response; the same key with another body (equal
 * as JSON, whatever the key order) → 422 idempotency_key_reused; while the first runs → 409
 * request_in_progress. A refused first attempt throws, so Powertools forgets it.
 */
import type { MiddlewareObj } from '@middy/core';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { config } from '#config';
import { dynamodb } from '#adapters/clients';
import { isThrottle, serviceUnavailable } from '#adapters/dynamo-errors';
import { GatepassError } from '#domain/errors';
import { logger, type GatepassEvent } from '#http/route';
import type { HttpResult } from '#http/respond';

type WithScope = GatepassEvent & { idempotency?: { key: string; payload: string } };

/** JSON with keys sorted, so bodies equal as JSON hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function idempotentRequests(): MiddlewareObj<GatepassEvent, HttpResult> {
  const tableName = config().IDEMPOTENCY_TABLE;
  if (!tableName) throw new Error('IDEMPOTENCY_TABLE is required');
  const inner = makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'idempotency.key',
      payloadValidationJmesPath: 'idempotency.payload',
      throwOnNoIdempotencyKey: false,
      expiresAfterSeconds: 24 * 3600,
    }),
  });
  return {
    before: async (request) => {
      const event = request.event as WithScope;
      const header = event.headers?.['idempotency-key'];
      if (header === undefined) return;
      if (header.length < 1 || header.length > 255) {
        throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'Idempotency-Key', message: '1 to 255 characters' }] });
      }
      event.idempotency = { key: `${event.pathParameters?.eventId ?? ''}#${header}`, payload: canonicalJson(event.gatepass?.body) };
      try {
        return await inner.before!(request as never);
      } catch (error) {
        // Nothing was saved for this request: onError must not delete the record it ran into.
        delete event.idempotency;
        if (error instanceof IdempotencyAlreadyInProgressError) throw new GatepassError(409, 'request_in_progress', { headers: { 'Retry-After': '1' } });
        if (error instanceof IdempotencyValidationError) throw new GatepassError(422, 'idempotency_key_reused');
        // A throttled idempotency table: 503 like any other table (Powertools wraps the SDK's error).
        if (isThrottle(error) || isThrottle((error as { cause?: unknown }).cause)) throw serviceUnavailable();
        throw error;
      }
    },
    after: async (request) => {
      if (!(request.event as WithScope).idempotency) return;
      try {
        await inner.after!(request as never);
      } catch (error) {
        // The change is made: answer it. The key stays in progress until its record expires.
        logger.warn('idempotency record not completed', { errorName: error instanceof Error ? error.name : 'unknown' });
      }
    },
    onError: async (request) => {
      if ((request.event as WithScope).idempotency) await inner.onError!(request as never);
    },
  };
}
