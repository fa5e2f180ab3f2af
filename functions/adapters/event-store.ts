/** EventStore on DynamoDB: the event and its counters share a partition (one Query reads both). */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { batchGetAll } from '#adapters/batch-get';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { eventsIndex, keys } from '#adapters/keys';
import { changeNoticeItem } from '#adapters/change-notice-store';
import { expiryMoveItem } from '#adapters/expiry-store';
import { planItems } from '#adapters/seat-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import { freshCounters, needsApproval, personalDataExpiry, type EventCounters, type StoredEvent } from '#domain/event';
import type { EventStore, EventUpdateOutcome, Page } from '#domain/ports';
import { sessionPlace, type Place } from '#domain/seat-ledger';

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
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `EVENT#${eventId}` },
          ConsistentRead: true,
        }),
      ),
    );
    const items = out.Items ?? [];
    const eventItemRead = items.find((i) => i.sk === 'EVENT');
    if (!eventItemRead) return undefined;
    const counters: EventCounters = { event: { capacity: 0, confirmed: 0, waitlisted: 0, cancelled: 0, checkedIn: 0 }, sessions: {} };
    for (const i of items) takeCounter(counters, i);
    const owed = items.find((i) => i.sk === keys.owedPromotions(eventId).sk);
    return { event: stripKeys<StoredEvent>(eventItemRead), counters, ...(owed ? { owedPromotions: String(owed.token) } : {}) };
  },

  async countersOf(events) {
    const TableName = table();
    const found = new Map<string, EventCounters>(events.map((e) => [e.id, freshCounters(e)]));
    const wanted = events.flatMap((e) => [keys.eventCounter(e.id), ...e.sessions.map((s) => keys.sessionCounter(e.id, s.id))]);
    // Seats left from a counter not read would be a guess: batchGetAll refuses (503) rather than show it.
    for (const item of await batchGetAll(TableName, wanted)) {
      const counters = found.get(String(item.pk).slice('EVENT#'.length));
      if (counters) takeCounter(counters, item);
    }
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

  async update(before, after, step, meetingBookingsSeen): Promise<EventUpdateOutcome> {
    const TableName = table();
    const items: TransactItems = [
      {
        Put: {
          TableName,
          Item: eventItem(after),
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':v': before.version },
        },
      },
    ];
    // New capacities; a counter the promotions step also changes gets its capacity in that same update.
    const capacities = new Map<Place, number>();
    if (after.capacity !== before.capacity) capacities.set('event', after.capacity);
    const old = new Map(before.sessions.map((s) => [s.id, s]));
    for (const s of after.sessions) {
      const was = old.get(s.id);
      old.delete(s.id);
      if (!was) {
        items.push({
          Put: {
            TableName,
            Item: {
              ...keys.sessionCounter(after.id, s.id),
              type: 'counter',
              capacity: s.capacity,
              confirmed: 0,
              waitlisted: 0,
              checkedIn: 0,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      } else if (was.capacity !== s.capacity) capacities.set(sessionPlace(s.id), s.capacity);
    }
    for (const [place, capacity] of capacities) {
      if (step?.counters.has(place)) continue;
      items.push({
        Update: {
          TableName,
          Key: place === 'event' ? keys.eventCounter(after.id) : keys.sessionCounter(after.id, place.slice(8)),
          UpdateExpression: 'SET #capacity = :c',
          ExpressionAttributeNames: { '#capacity': 'capacity' },
          ConditionExpression: 'confirmed <= :c',
          ExpressionAttributeValues: { ':c': capacity },
        },
      });
    }
    // Removed only while nobody holds, waits for, or (from the event's line) chose the session.
    for (const removed of old.values()) {
      items.push({
        Delete: {
          TableName,
          Key: keys.sessionCounter(after.id, removed.id),
          ConditionExpression:
            'confirmed = :zero AND waitlisted = :zero AND (attribute_not_exists(waitingForEvent) OR waitingForEvent <= :zero) AND (attribute_not_exists(overCapacity) OR overCapacity <= :zero)',
          ExpressionAttributeValues: { ':zero': 0 },
        },
      });
    }
    if (step) items.push(...planItems(after.id, step, capacities));
    // Approval turned off: only while nobody is pending (a pending registration written meanwhile
    // makes this stale, and the use case refuses it from a fresh read).
    if (needsApproval(before) && !needsApproval(after)) requireNonePending(items, TableName, keys.eventCounter(after.id));
    // Dates or retention changed: the expiry of the event's personal data is owed a move (the
    // sweeper does it in pages; expiry-store.ts), committed with the change itself.
    const expiry = personalDataExpiry(after);
    if (expiry !== personalDataExpiry(before)) items.push({ Put: { TableName, Item: expiryMoveItem(after.id, expiry, new Date()) } });
    // A change registrants are told of: one owed notice, fanned out by the sweeper (change-notice-store.ts).
    if ((after.calendarSequence ?? 0) !== (before.calendarSequence ?? 0)) {
      items.push({ Put: { TableName, Item: changeNoticeItem(after.id, after.calendarSequence ?? 0, new Date()) } });
    }
    // A new meetings programme was judged against the meetings booked so far: none may have been booked since.
    if (meetingBookingsSeen !== undefined)
      items.push({
        ConditionCheck: {
          TableName,
          Key: { pk: `EVENT#${after.id}`, sk: 'COUNTER#MEETINGS' },
          ConditionExpression: meetingBookingsSeen === 0 ? 'attribute_not_exists(bookings) OR bookings = :b' : 'bookings = :b',
          ExpressionAttributeValues: { ':b': meetingBookingsSeen },
        },
      });
    const outcome = await transactWrite(items);
    // Any failed condition (another PATCH won, a seat was taken, a session got someone): the
    // use case reads again and decides from what it finds.
    return outcome.ok ? 'ok' : 'stale';
  },
};

/** Adds `pending = 0` to the event counter's condition: to the update of it already in `items` (a transaction touches an item once), else as a check. */
function requireNonePending(items: TransactItems, TableName: string, Key: { pk: string; sk: string }): void {
  const none = '(attribute_not_exists(pending) OR pending = :nonePending)';
  const update = items.find((i) => i.Update && i.Update.Key?.pk === Key.pk && i.Update.Key?.sk === Key.sk)?.Update;
  if (update) {
    update.ConditionExpression = update.ConditionExpression ? `(${update.ConditionExpression}) AND ${none}` : none;
    update.ExpressionAttributeValues = { ...update.ExpressionAttributeValues, ':nonePending': 0 };
    return;
  }
  items.push({ ConditionCheck: { TableName, Key, ConditionExpression: none, ExpressionAttributeValues: { ':nonePending': 0 } } });
}
