/** EventStore on DynamoDB: the event and its counters share a partition (one Query reads both). */
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { serviceUnavailable, tableCall } from '#adapters/dynamo-errors';
import { eventsIndex, keys } from '#adapters/keys';
import { expiryMoveItem } from '#adapters/expiry-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import { freshCounters, personalDataExpiry, type EventCounters, type StoredEvent } from '#domain/event';
import type { EventStore, EventUpdateOutcome, Page } from '#domain/ports';

const table = () => config().DATA_TABLE;

function eventItem(event: StoredEvent) {
  return { ...keys.event(event.id), type: 'event', gsi1pk: eventsIndex.pk, gsi1sk: `${event.createdAt}#${event.id}`, ...event };
}

/** Puts a counter item (the event's or a session's) where it belongs in `counters`. */
function takeCounter(counters: EventCounters, item: Record<string, unknown>): void {
  if (item.sk === 'COUNTER#EVENT') counters.event = stripKeys(item);
  else if (typeof item.sk === 'string' && item.sk.startsWith('COUNTER#SESSION#')) counters.sessions[item.sk.slice(16)] = stripKeys(item);
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest as T;
}

export const eventStore: EventStore = {
  async create(event) {
    const TableName = table();
    const counters = freshCounters(event);
    const items: TransactItems = [
      { Put: { TableName, Item: eventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName, Item: { ...keys.eventCounter(event.id), type: 'counter', ...counters.event } } },
      ...Object.entries(counters.sessions).map(([id, c]) => ({
        Put: { TableName, Item: { ...keys.sessionCounter(event.id, id), type: 'counter', ...c } },
      })),
    ];
    const outcome = await transactWrite(items);
    if (!outcome.ok) throw new Error('event id collision');
  },

  async read(eventId) {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `EVENT#${eventId}` }, ConsistentRead: true }),
      ),
    );
    const items = out.Items ?? [];
    const eventItemRead = items.find((i) => i.sk === 'EVENT');
    if (!eventItemRead) return undefined;
    const counters: EventCounters = { event: { capacity: 0, confirmed: 0, waitlisted: 0, cancelled: 0, checkedIn: 0 }, sessions: {} };
    for (const i of items) takeCounter(counters, i);
    return { event: stripKeys<StoredEvent>(eventItemRead), counters };
  },

  async countersOf(events) {
    const TableName = table();
    const found = new Map<string, EventCounters>(events.map((e) => [e.id, freshCounters(e)]));
    let wanted: Record<string, unknown>[] = events.flatMap((e) => [keys.eventCounter(e.id), ...e.sessions.map((s) => keys.sessionCounter(e.id, s.id))]);
    // BatchGetItem takes 100 keys a call; what it leaves unprocessed is asked again, bounded.
    for (let attempt = 0; wanted.length && attempt < 5; attempt++) {
      const chunks = Array.from({ length: Math.ceil(wanted.length / 100) }, (_, i) => wanted.slice(i * 100, i * 100 + 100));
      const outs = await Promise.all(
        chunks.map((Keys) => tableCall(() => documents.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys, ConsistentRead: true } } })))),
      );
      wanted = outs.flatMap((o) => (o.UnprocessedKeys?.[TableName]?.Keys ?? []) as Record<string, unknown>[]);
      for (const item of outs.flatMap((o) => o.Responses?.[TableName] ?? [])) {
        const counters = found.get(String(item.pk).slice('EVENT#'.length));
        if (counters) takeCounter(counters, item);
      }
      if (wanted.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
    // Seats left from a counter not read would be a guess: refuse rather than show it.
    if (wanted.length) throw serviceUnavailable();
    return found;
  },

  async list(limit, after): Promise<Page<StoredEvent>> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': eventsIndex.pk },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      ),
    );
    return { items: (out.Items ?? []).map((i) => stripKeys<StoredEvent>(i)), next: out.LastEvaluatedKey };
  },

  async update(before, after): Promise<EventUpdateOutcome> {
    const TableName = table();
    const kinds: EventUpdateOutcome[] = ['stale'];
    const items: TransactItems = [
      { Put: { TableName, Item: eventItem(after), ConditionExpression: '#version = :v', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': before.version } } },
    ];
    if (after.capacity !== before.capacity) {
      kinds.push('capacity_below_confirmed');
      items.push({
        Update: {
          TableName,
          Key: keys.eventCounter(after.id),
          UpdateExpression: 'SET #capacity = :c',
          ExpressionAttributeNames: { '#capacity': 'capacity' },
          ConditionExpression: 'confirmed <= :c',
          ExpressionAttributeValues: { ':c': after.capacity },
        },
      });
    }
    const old = new Map(before.sessions.map((s) => [s.id, s]));
    for (const s of after.sessions) {
      const was = old.get(s.id);
      old.delete(s.id);
      if (!was) {
        kinds.push('stale');
        items.push({
          Put: {
            TableName,
            Item: { ...keys.sessionCounter(after.id, s.id), type: 'counter', capacity: s.capacity, confirmed: 0, waitlisted: 0, checkedIn: 0 },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      } else if (was.capacity !== s.capacity) {
        kinds.push('capacity_below_confirmed');
        items.push({
          Update: {
            TableName,
            Key: keys.sessionCounter(after.id, s.id),
            UpdateExpression: 'SET #capacity = :c',
          ExpressionAttributeNames: { '#capacity': 'capacity' },
            ConditionExpression: 'confirmed <= :c',
            ExpressionAttributeValues: { ':c': s.capacity },
          },
        });
      }
    }
    for (const removed of old.values()) {
      kinds.push('session_in_use');
      items.push({
        Delete: {
          TableName,
          Key: keys.sessionCounter(after.id, removed.id),
          ConditionExpression: 'confirmed = :zero AND waitlisted = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        },
      });
    }
    // Dates or retention changed: the expiry of the event's personal data is owed a move (the
    // sweeper does it in pages; expiry-store.ts), committed with the change itself.
    const expiry = personalDataExpiry(after);
    if (expiry !== personalDataExpiry(before)) items.push({ Put: { TableName, Item: expiryMoveItem(after.id, expiry, new Date()) } });
    const outcome = await transactWrite(items);
    if (outcome.ok) return 'ok';
    // The event's own version failing means another PATCH won: read again and redo.
    if (outcome.failed.includes(0)) return 'stale';
    return kinds[outcome.failed[0] ?? 0] ?? 'stale';
  },
};
