import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { eventStore } from '#adapters/event-store';
import { rosterIndex } from '#adapters/keys';
import { storedRegistration } from '#adapters/registration-store';
import { cursorKey } from '#adapters/secrets';
import { notFound } from '#domain/errors';
import { isEventId } from '#domain/registration';
import { decodeCursor, encodeCursor, pageLimit } from '#http/cursor';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';

/** Index reads are eventually consistent: each sync re-reads this much before its last token. */
const OVERLAP_MS = 30_000;

/**
 * Offline-scanner sync: every registration changed since `since` (all without it), by update
 * time, paged. `syncToken` (the same on every page of one sync) is the next `since`.
 */
export const handler = securedRoute('get-roster', async (req) => {
  const eventId = req.params.eventId ?? '';
  if (!isEventId(eventId) || !(await eventStore.read(eventId))) throw notFound('No such event.');
  const key = await cursorKey();
  const since = decodeCursor(key, `roster-since:${eventId}`, req.query.since);
  const from = typeof since?.t === 'string' ? new Date(Date.parse(since.t) - OVERLAP_MS).toISOString() : '0';
  const scope = `roster:${eventId}:${from}`;
  const page = decodeCursor(key, scope, req.query.cursor);
  // One sync keeps the token its first page set, so the next sync starts from before it began.
  const started = typeof page?.started === 'string' ? page.started : new Date().toISOString();
  const out = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: config().DATA_TABLE,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :from',
        ExpressionAttributeValues: { ':pk': rosterIndex(eventId), ':from': from },
        Limit: pageLimit(req.query.limit),
        ...(page?.last ? { ExclusiveStartKey: page.last as Record<string, unknown> } : {}),
      }),
    ),
  );
  const items = (out.Items ?? []).map((item) => {
    const r = storedRegistration(item);
    return {
      id: r.id,
      name: r.name,
      organization: r.organization,
      status: r.status,
      sessions: r.sessions.map(({ id, status }) => ({ id, status })),
      checkedInAt: r.checkedInAt,
      updatedAt: r.updatedAt,
    };
  });
  return json(200, {
    items,
    nextCursor: out.LastEvaluatedKey ? encodeCursor(key, scope, { last: out.LastEvaluatedKey, started }) : null,
    syncToken: encodeCursor(key, `roster-since:${eventId}`, { t: started }),
  });
});
