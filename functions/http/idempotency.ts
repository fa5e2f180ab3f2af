/**
 * The `Idempotency-Key` header (API.md), scoped to the event. The key and a fingerprint of the
 * body go to the use case, which writes the key's record, answer included, in the registration's
 * own transaction: a registration never exists without its record, so a repeat always finds the
 * first answer, and a refused attempt leaves no record to be judged by.
 *
 * Only a refused request (4xx) reads the record: a repeat of a request that was answered 201
 * gets that 201 again (same body); the same key with another body → 422 idempotency_key_reused.
 * The record holds no credential: `restore` puts back what the route derives again on a replay
 * (and decides, from the key, whether this caller may have it).
 */
import type { MiddlewareObj } from '@middy/core';
import { GatepassError, serviceUnavailable } from '#domain/errors';
import { fingerprintOf, replayOrRefuse, type KeyedAnswer, type KeyedRequest, type KeyedRequestRecord } from '#domain/keyed-request';
import { json, type HttpResult } from '#http/respond';
import type { GatepassEvent, RouteRequest } from '#http/route';

type WithKey = GatepassEvent & { keyed?: KeyedRequest };

/** The request's key and fingerprint, when it came with a key. */
export const keyedRequest = (req: RouteRequest): KeyedRequest | undefined => (req.event as WithKey).keyed;

/** The 201 a repeat gets: the first body, verbatim. */
export const replayed = (answer: KeyedAnswer): HttpResult => {
  const response = json(201, null, { Location: answer.location, 'Idempotent-Replayed': 'true' });
  return { ...response, body: answer.body };
};

export function idempotentRequests(
  records: (eventId: string, key: string) => Promise<KeyedRequestRecord | undefined>,
  restore: (answer: KeyedAnswer, request: KeyedRequest) => Promise<KeyedAnswer> = async (answer) => answer,
): MiddlewareObj<GatepassEvent, HttpResult> {
  return {
    before: async (request) => {
      const event = request.event as WithKey;
      const header = event.headers?.['idempotency-key'];
      if (header === undefined) return;
      if (header.length < 1 || header.length > 255) {
        throw new GatepassError(422, 'validation_failed', { errors: [{ path: 'Idempotency-Key', message: '1 to 255 characters' }] });
      }
      event.keyed = { key: header, fingerprint: fingerprintOf(event.gatepass?.body) };
    },
    onError: async (request) => {
      const event = request.event as WithKey;
      const error = request.error;
      if (!event.keyed || !(error instanceof GatepassError) || error.status >= 500) return;
      const eventId = event.pathParameters?.eventId ?? '';
      let record: KeyedRequestRecord | undefined;
      try {
        record = await records(eventId, event.keyed.key);
      } catch {
        return; // The refusal stands; the repeat can be sent again.
      }
      if (!record) return;
      let answer: KeyedAnswer;
      try {
        answer = replayOrRefuse(record, event.keyed);
      } catch (refusal) {
        request.error = refusal as Error;
        return;
      }
      try {
        return replayed(await restore(answer, event.keyed));
      } catch (error) {
        // The first answer exists but cannot be rebuilt now (a secret unreadable): busy, not broken.
        request.error = error instanceof GatepassError && error.status === 503 ? error : serviceUnavailable();
      }
    },
  };
}
