/**
 * B2B meetings on the data table (table-design.ts lists the items). Every change of a meeting is
 * one transaction under the condition that the meeting is as read, so two changes never both
 * apply; a booking also puts a person-slot item for each side and a table-slot item, each only
 * if absent, so no person and no table is ever in two meetings at one time, whatever the
 * concurrency. Reads are bounded: a person's busy slots are their own partition, the
 * programme's occupancy is one item per slot, lists are pages of an index.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { batchGetAll } from '#adapters/batch-get';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { keys, meetingsWithIndex } from '#adapters/keys';
import { newOutboxItem } from '#adapters/outbox-store';
import { owedChangeItems } from '#adapters/webhook-store';
import type { WebhookMessage, WebhookType } from '#domain/webhooks';
import { storedRegistration } from '#adapters/registration-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import type { EmailKind } from '#domain/outbox';
import { GatepassError } from '#domain/errors';
import {
  dueAt,
  foldForSearch,
  strandedMeetings,
  type MeetingProfile,
  type MeetingSettings,
  meetingView,
  type StoredMeeting,
} from '#domain/meetings';
import type { StoredRegistration } from '#domain/registration';

const table = () => config().DATA_TABLE;

export const meetingKeys = {
  meeting: (eventId: string, id: string) => ({ pk: `EVENT#${eventId}#MEETING#${id}`, sk: 'MEETING' }),
  profile: (eventId: string, registrationId: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: 'MEETPROFILE' }),
  profileOrg: (eventId: string, registrationId: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: 'MEETPROFILE#ORG' }),
  /** A person's requests sent plus meetings scheduled (the per-person limit). */
  load: (eventId: string, registrationId: string) => ({ pk: `EVENT#${eventId}#REG#${registrationId}`, sk: 'MEETLOAD' }),
  personSlot: (eventId: string, registrationId: string, slot: string) => ({
    pk: `EVENT#${eventId}#REG#${registrationId}`,
    sk: `MEETSLOT#${slot}`,
  }),
  tableSlot: (eventId: string, slot: string, tableName: string) => ({
    pk: `EVENT#${eventId}#MEETTABLE#${slot}#${tableName}`,
    sk: 'TABLESLOT',
  }),
  /** The tables taken in one slot: the planner reads every slot in one Query. */
  slotSummary: (eventId: string, slot: string) => ({ pk: `EVENT#${eventId}#MEETSLOTS`, sk: slot }),
  /** One open request or meeting per pair (ids in sorted order), and who declined whom. */
  pair: (eventId: string, a: string, b: string) => ({ pk: `EVENT#${eventId}#MEETPAIR#${[a, b].sort().join('#')}`, sk: 'PAIR' }),
  /** Attendance counts, in the event's partition. */
  counter: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'COUNTER#MEETINGS' }),
  /** Owed by a registration's cancellation: cancel its meetings (gsi1 MEETINGS#OWED). */
  owed: (eventId: string, registrationId: string) => ({ pk: `MEETOWED#${eventId}#${registrationId}`, sk: 'MEETOWED' }),
} as const;

export const meetingIndexes = {
  all: (eventId: string) => `EVENT#${eventId}#MEETINGS`,
  status: (eventId: string, status: string) => `EVENT#${eventId}#MEETSTATUS#${status}`,
  withPerson: meetingsWithIndex,
  directory: (eventId: string) => `EVENT#${eventId}#MEETDIR`,
  names: (eventId: string) => `EVENT#${eventId}#MEETNAMES`,
  /** Open meetings by when time alone changes them (expiry, no-show): the sweeper's index (gsi2). */
  due: 'MEETINGS#DUE',
  owed: 'MEETINGS#OWED',
} as const;

export const newMeetingId = () => randomBytes(12).toString('base64url');

function meetingItem(m: StoredMeeting, dataExpiresAt: number | undefined) {
  const { expiresAt, ...rest } = m;
  const due = dueAt(m);
  const order = m.startsAt ?? m.createdAt;
  return {
    ...meetingKeys.meeting(m.eventId, m.id),
    type: 'meeting',
    ...rest,
    requestExpiresAt: expiresAt,
    gsi1pk: meetingIndexes.all(m.eventId),
    gsi1sk: `${order}#${m.id}`,
    ...(due ? { gsi2pk: meetingIndexes.due, gsi2sk: `${due}#${m.eventId}#${m.id}` } : {}),
    gsi3pk: meetingIndexes.status(m.eventId, m.status),
    gsi3sk: `${order}#${m.id}`,
    gsi4pk: meetingIndexes.withPerson(m.eventId, m.requester),
    gsi4sk: `${m.createdAt}#${m.id}`,
    gsi5pk: meetingIndexes.withPerson(m.eventId, m.invitee),
    gsi5sk: `${m.createdAt}#${m.id}`,
    ...(dataExpiresAt ? { expiresAt: dataExpiresAt } : {}),
  };
}

function storedMeeting(item: Record<string, unknown>): StoredMeeting & { dataExpiresAt?: number } {
  const m: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!/^(pk|sk|type|gsi\d(pk|sk)|expiresAt|requestExpiresAt)$/.test(k)) m[k] = v;
  return {
    ...(m as unknown as StoredMeeting),
    expiresAt: String(item.requestExpiresAt),
    dataExpiresAt: item.expiresAt as number | undefined,
  };
}

export type CounterName = 'requested' | 'scheduled' | 'held' | 'noShow';

/** What a change of a meeting does besides writing the meeting itself. */
export interface MeetingEffects {
  /** Attendance counts to move. */
  counts?: Partial<Record<CounterName, number>>;
  /** Per-person loads to move; a rise is conditional on staying within `max`. */
  loads?: { registrationId: string; delta: number; max?: number }[];
  /** The pair's open meeting: `open` (none may be open), `close` (this one was), `decline` (and the invitee declined). */
  pair?: 'open' | 'close' | 'decline';
  /** Books slot and table (each absent before), under the event's version (its programme as read). */
  book?: { slot: string; table: string; eventVersion: number };
  /** Frees the person-slots and the table-slot of `before` (cancelled), or the table-slot only (no-show). */
  free?: 'all' | 'table';
  emails?: { kind: EmailKind; registrationId: string }[];
  /** The cascade's owed item to remove with this change (its last meeting). */
  owedDone?: { eventId: string; registrationId: string };
  /**
   * Registrations that must still be confirmed when the change commits: a cancellation
   * committed after the change read them owes a cascade that may already have looked (and
   * missed this meeting), so a request, booking or check-in must not slip in behind it.
   */
  confirmed?: string[];
}

export type ChangeOutcome = 'ok' | 'stale' | 'slot_taken' | 'limit' | 'exists' | 'event_changed' | 'not_confirmed';

export const meetingStore = {
  async read(eventId: string, id: string): Promise<StoredMeeting | undefined> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.meeting(eventId, id), ConsistentRead: true })),
    );
    if (!out.Item) return undefined;
    const { dataExpiresAt: _d, ...m } = storedMeeting(out.Item);
    return m;
  },

  /**
   * Writes `after` in place of `before` (unchanged since read) with its effects, in one transaction.
   * Given `deadline` (the function's time limit), a transaction cancelled by a concurrent one (the
   * counts, the event and the slot's summary are items every booking shares) is retried until
   * then, rather than a few times: only a failed condition comes back as an outcome.
   */
  async change(
    before: StoredMeeting | undefined,
    after: StoredMeeting,
    effects: MeetingEffects,
    dataExpiresAt?: number,
    deadline?: number,
  ): Promise<ChangeOutcome> {
    const TableName = table();
    const eventId = after.eventId;
    const items: TransactItems = [];
    const labels: ChangeOutcome[] = [];
    const push = (label: ChangeOutcome, item: TransactItems[number]) => {
      items.push(item);
      labels.push(label);
    };
    push(
      'stale',
      before
        ? {
            Put: {
              TableName,
              Item: meetingItem(after, dataExpiresAt),
              ConditionExpression: '#status = :status AND updatedAt = :seen',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': before.status, ':seen': before.updatedAt },
            },
          }
        : { Put: { TableName, Item: meetingItem(after, dataExpiresAt), ConditionExpression: 'attribute_not_exists(pk)' } },
    );
    const pairKey = meetingKeys.pair(eventId, after.requester, after.invitee);
    if (effects.pair === 'open') {
      push('exists', {
        Update: {
          TableName,
          Key: pairKey,
          UpdateExpression: 'SET openMeeting = :id',
          ConditionExpression: 'attribute_not_exists(openMeeting) AND NOT contains(declined, :direction)',
          ExpressionAttributeValues: { ':id': after.id, ':direction': `${after.requester}>${after.invitee}` },
        },
      });
    } else if (effects.pair) {
      push('stale', {
        Update: {
          TableName,
          Key: pairKey,
          UpdateExpression: effects.pair === 'decline' ? 'REMOVE openMeeting ADD declined :direction' : 'REMOVE openMeeting',
          ConditionExpression: 'openMeeting = :id',
          ExpressionAttributeValues: {
            ':id': after.id,
            ...(effects.pair === 'decline' ? { ':direction': new Set([`${after.requester}>${after.invitee}`]) } : {}),
          },
        },
      });
    }
    for (const l of effects.loads ?? []) {
      const rise = l.delta > 0 && l.max !== undefined;
      push(rise ? 'limit' : 'stale', {
        Update: {
          TableName,
          Key: meetingKeys.load(eventId, l.registrationId),
          UpdateExpression: 'ADD #load :d',
          ExpressionAttributeNames: { '#load': 'load' },
          ...(rise ? { ConditionExpression: 'attribute_not_exists(#load) OR #load <= :limit' } : {}),
          ExpressionAttributeValues: { ':d': l.delta, ...(rise ? { ':limit': l.max! - l.delta } : {}) },
        },
      });
    }
    if (effects.book) {
      const { slot, table: t, eventVersion } = effects.book;
      for (const person of [after.requester, after.invitee]) {
        push('slot_taken', {
          Put: {
            TableName,
            Item: {
              ...meetingKeys.personSlot(eventId, person, slot),
              type: 'meeting-person-slot',
              meetingId: after.id,
              ...(dataExpiresAt ? { expiresAt: dataExpiresAt } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      push('slot_taken', {
        Put: {
          TableName,
          Item: { ...meetingKeys.tableSlot(eventId, slot, t), type: 'meeting-table-slot', meetingId: after.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      push('stale', {
        Update: {
          TableName,
          Key: meetingKeys.slotSummary(eventId, slot),
          UpdateExpression: 'ADD taken :t',
          ExpressionAttributeValues: { ':t': new Set([t]) },
        },
      });
      push('event_changed', {
        ConditionCheck: {
          TableName,
          Key: keys.event(eventId),
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':v': eventVersion },
        },
      });
    }
    if (effects.free && before?.startsAt && before.table) {
      const slot = new Date(Date.parse(before.startsAt)).toISOString();
      if (effects.free === 'all') {
        for (const person of [before.requester, before.invitee]) {
          push('stale', {
            Delete: {
              TableName,
              Key: meetingKeys.personSlot(eventId, person, slot),
              ConditionExpression: 'meetingId = :id',
              ExpressionAttributeValues: { ':id': before.id },
            },
          });
        }
      }
      push('stale', {
        Delete: {
          TableName,
          Key: meetingKeys.tableSlot(eventId, slot, before.table),
          ConditionExpression: 'meetingId = :id',
          ExpressionAttributeValues: { ':id': before.id },
        },
      });
      push('stale', {
        Update: {
          TableName,
          Key: meetingKeys.slotSummary(eventId, slot),
          UpdateExpression: 'DELETE taken :t',
          ExpressionAttributeValues: { ':t': new Set([before.table]) },
        },
      });
    }
    const counts = Object.entries(effects.counts ?? {}).filter(([, d]) => d);
    if (counts.length || effects.book) {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const adds = counts.map(([k, d], i) => {
        names[`#c${i}`] = k;
        values[`:c${i}`] = d!;
        return `#c${i} :c${i}`;
      });
      // Every booking moves `bookings`: a PATCH of the programme conditions on it, so a meeting
      // booked after the PATCH read the schedule makes the PATCH decide again (never strands it).
      if (effects.book) {
        adds.push('bookings :one');
        values[':one'] = 1;
      }
      push('stale', {
        Update: {
          TableName,
          Key: meetingKeys.counter(eventId),
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        },
      });
    }
    for (const registrationId of effects.confirmed ?? []) {
      push('not_confirmed', {
        ConditionCheck: {
          TableName,
          Key: keys.registration(eventId, registrationId),
          ConditionExpression: '#status = :confirmed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':confirmed': 'confirmed' },
        },
      });
    }
    if (effects.owedDone)
      push('stale', { Delete: { TableName, Key: meetingKeys.owed(effects.owedDone.eventId, effects.owedDone.registrationId) } });
    // Emails owed in the change's own transaction (the outbox), and the webhook of a new status (meeting.<status>).
    const now = after.updatedAt;
    for (const e of effects.emails ?? []) {
      const item = newOutboxItem(e.kind, eventId, e.registrationId, now);
      push('stale', { Put: { TableName, Item: { ...item, meetingId: after.id } } });
    }
    if (before?.status !== after.status) {
      const messages: WebhookMessage[] = [{ type: `meeting.${after.status}` as WebhookType, data: meetingView(after) }];
      for (const item of owedChangeItems(eventId, messages, now, dataExpiresAt)) push('stale', item);
    }
    const outcome = await transactWrite(items, { deadline });
    if (outcome.ok) return 'ok';
    // The meeting itself changed: that says all. Else the most telling failed condition.
    if (outcome.failed.includes(0)) return 'stale';
    const why = new Set(outcome.failed.map((i) => labels[i]!));
    return (['not_confirmed', 'exists', 'limit', 'event_changed', 'slot_taken'] as const).find((w) => why.has(w)) ?? 'stale';
  },

  /** Slot starts where this person already has a meeting: their own partition, O(their meetings). */
  async busySlots(eventId: string, registrationId: string): Promise<Set<string>> {
    const busy = new Set<string>();
    let after: Record<string, unknown> | undefined;
    do {
      const out = await tableCall(() =>
        documents.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
            ExpressionAttributeValues: { ':pk': `EVENT#${eventId}#REG#${registrationId}`, ':s': 'MEETSLOT#' },
            ConsistentRead: true,
            ExclusiveStartKey: after,
          }),
        ),
      );
      for (const i of out.Items ?? []) busy.add(String(i.sk).slice('MEETSLOT#'.length));
      after = out.LastEvaluatedKey;
    } while (after);
    return busy;
  },

  /** The tables taken in each slot: one item per slot of the programme. */
  async occupancy(eventId: string): Promise<Map<string, Set<string>>> {
    const taken = new Map<string, Set<string>>();
    let after: Record<string, unknown> | undefined;
    do {
      const out = await tableCall(() =>
        documents.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': meetingKeys.slotSummary(eventId, '').pk },
            ConsistentRead: true,
            ExclusiveStartKey: after,
          }),
        ),
      );
      for (const i of out.Items ?? []) taken.set(String(i.sk), new Set((i.taken as Set<string> | undefined) ?? []));
      after = out.LastEvaluatedKey;
    } while (after);
    return taken;
  },

  async loadOf(eventId: string, registrationId: string): Promise<number> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.load(eventId, registrationId), ConsistentRead: true })),
    );
    return Number(out.Item?.load ?? 0);
  },

  async counts(eventId: string): Promise<{ requested: number; scheduled: number; held: number; noShow: number; bookings: number }> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.counter(eventId), ConsistentRead: true })),
    );
    const i = out.Item ?? {};
    return {
      requested: Number(i.requested ?? 0),
      scheduled: Number(i.scheduled ?? 0),
      held: Number(i.held ?? 0),
      noShow: Number(i.noShow ?? 0),
      bookings: Number(i.bookings ?? 0),
    };
  },

  /** Every meeting a person is a side of (either index), newest first. */
  async ofPerson(eventId: string, registrationId: string): Promise<StoredMeeting[]> {
    const found = new Map<string, StoredMeeting>();
    for (const index of ['gsi4', 'gsi5'] as const) {
      let after: Record<string, unknown> | undefined;
      do {
        const out = await tableCall(() =>
          documents.send(
            new QueryCommand({
              TableName: table(),
              IndexName: index,
              KeyConditionExpression: `${index}pk = :pk`,
              ExpressionAttributeValues: { ':pk': meetingIndexes.withPerson(eventId, registrationId) },
              ExclusiveStartKey: after,
            }),
          ),
        );
        for (const i of out.Items ?? []) found.set(String(i.id), storedMeeting(i));
        after = out.LastEvaluatedKey;
      } while (after);
    }
    // The indexes lag the table a little: read the meetings themselves (consistent) for their state.
    const items = await batchGetAll(
      table(),
      [...found.keys()].map((id) => meetingKeys.meeting(eventId, id)),
    );
    return items.map((i) => storedMeeting(i)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  },

  /** The event's meetings (by slot, requests by creation), or those of one status; a page. */
  async list(eventId: string, options: { status?: string; table?: string; limit: number; after?: Record<string, unknown> }) {
    const { status, limit } = options;
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: status ? 'gsi3' : 'gsi1',
          KeyConditionExpression: status ? 'gsi3pk = :pk' : 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': status ? meetingIndexes.status(eventId, status) : meetingIndexes.all(eventId),
            ...(options.table !== undefined ? { ':t': options.table } : {}),
          },
          ...(options.table !== undefined ? { FilterExpression: '#table = :t', ExpressionAttributeNames: { '#table': 'table' } } : {}),
          Limit: limit,
          ExclusiveStartKey: options.after,
        }),
      ),
    );
    return { items: (out.Items ?? []).map((i) => storedMeeting(i)), next: out.LastEvaluatedKey };
  },

  /** Open meetings that time has changed by `now` (expired requests, no-shows), oldest first. */
  async due(now: Date, limit: number): Promise<{ eventId: string; id: string }[]> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':pk': meetingIndexes.due, ':now': `${now.toISOString()}~` },
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((i) => ({ eventId: String(i.eventId), id: String(i.id) }));
  },

  /** Registrations whose cancellation still owes the cancelling of their meetings, oldest first. */
  async owedCancellations(limit: number): Promise<{ eventId: string; registrationId: string; owedAt: string }[]> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': meetingIndexes.owed },
          Limit: limit,
        }),
      ),
    );
    // gsi1sk is `<owed at>#<eventId>#<registrationId>`.
    return (out.Items ?? []).map((i) => ({
      eventId: String(i.eventId),
      registrationId: String(i.registrationId),
      owedAt: String(i.gsi1sk).split('#')[0]!,
    }));
  },

  async openMeetingOfPair(eventId: string, a: string, b: string): Promise<string | undefined> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.pair(eventId, a, b), ConsistentRead: true })),
    );
    return out.Item?.openMeeting as string | undefined;
  },

  async clearOwed(eventId: string, registrationId: string): Promise<void> {
    await tableCall(() => documents.send(new DeleteCommand({ TableName: table(), Key: meetingKeys.owed(eventId, registrationId) })));
  },

  async readProfile(eventId: string, registrationId: string): Promise<MeetingProfile | undefined> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.profile(eventId, registrationId), ConsistentRead: true })),
    );
    return out.Item ? profileOf(out.Item) : undefined;
  },

  /**
   * The profile and, while visible, its directory entries: one by the person's name, one by
   * their organisation (gsi1, the event's directory partition), folded for prefix search.
   */
  async putProfile(r: StoredRegistration, profile: MeetingProfile, now: string): Promise<void> {
    const TableName = table();
    const entry = (folded: string) =>
      profile.visible ? { gsi1pk: meetingIndexes.directory(r.eventId), gsi1sk: `${folded}\u0001${r.id}` } : {};
    // The name entry also lists the directory without a search (gsi2: names only, no filter).
    const byName = profile.visible ? { gsi2pk: meetingIndexes.names(r.eventId), gsi2sk: `${foldForSearch(r.name)}\u0001${r.id}` } : {};
    const data = { registrationId: r.id, ...profile, updatedAt: now, ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}) };
    const items: TransactItems = [
      {
        Put: {
          TableName,
          Item: {
            ...meetingKeys.profile(r.eventId, r.id),
            type: 'meeting-profile',
            entry: 'name',
            ...entry(foldForSearch(r.name)),
            ...byName,
            ...data,
          },
        },
      },
      r.organization && profile.visible
        ? {
            Put: {
              TableName,
              Item: {
                ...meetingKeys.profileOrg(r.eventId, r.id),
                type: 'meeting-profile-entry',
                entry: 'org',
                ...entry(foldForSearch(r.organization)),
                ...data,
              },
            },
          }
        : { Delete: { TableName, Key: meetingKeys.profileOrg(r.eventId, r.id) } },
    ];
    const outcome = await transactWrite(items);
    if (!outcome.ok) throw new Error('profile write refused');
  },

  /** A page of the directory: entries whose folded name or organisation starts with `q`, with their registrations. */
  async directory(eventId: string, options: { q?: string; sector?: string; limit: number; after?: Record<string, unknown> }) {
    const values: Record<string, unknown> = { ':pk': options.q ? meetingIndexes.directory(eventId) : meetingIndexes.names(eventId) };
    const filters: string[] = [];
    let keyCondition = options.q ? 'gsi1pk = :pk' : 'gsi2pk = :pk';
    if (options.q) {
      keyCondition += ' AND begins_with(gsi1sk, :q)';
      values[':q'] = foldForSearch(options.q);
    }
    if (options.sector) {
      filters.push('contains(sectors, :sector)');
      values[':sector'] = options.sector;
    }
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          IndexName: options.q ? 'gsi1' : 'gsi2',
          KeyConditionExpression: keyCondition,
          ExpressionAttributeValues: values,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          Limit: options.limit,
          ExclusiveStartKey: options.after,
        }),
      ),
    );
    const entries = (out.Items ?? []).map((i) => ({
      registrationId: String(i.registrationId),
      entry: String(i.entry),
      profile: profileOf(i),
    }));
    const regs = await batchGetAll(
      table(),
      [...new Set(entries.map((e) => e.registrationId))].map((id) => keys.registration(eventId, id)),
    );
    const registrations = new Map(regs.map((i) => [String(i.id), storedRegistration(i)]));
    return { entries, registrations, next: out.LastEvaluatedKey };
  },
};

function profileOf(i: Record<string, unknown>): MeetingProfile {
  return {
    visible: Boolean(i.visible),
    headline: (i.headline as MeetingProfile['headline']) ?? null,
    sectors: (i.sectors as string[]) ?? [],
    offers: (i.offers as string | null) ?? null,
    seeks: (i.seeks as string | null) ?? null,
  };
}

/** The item a registration's cancellation puts in its own transaction when its event runs meetings. */
export function owedMeetingCancellation(eventId: string, registrationId: string, now: string) {
  return {
    ...meetingKeys.owed(eventId, registrationId),
    type: 'meetings-owed',
    eventId,
    registrationId,
    gsi1pk: meetingIndexes.owed,
    gsi1sk: `${now}#${eventId}#${registrationId}`,
  };
}

/**
 * Judges a new meetings programme against the open meetings (API.md: a change never strands one):
 * 422 naming each scheduled meeting whose slot or table it removes (every open one, when it
 * removes the programme). Returns the bookings count it judged on.
 */
export async function guardMeetingsProgramme(eventId: string, next: MeetingSettings | null): Promise<number> {
  const { bookings } = await meetingStore.counts(eventId);
  // The occupancy is read consistently (an index could lag a booking just made): each taken
  // (slot, table) the new programme lacks names its meeting through the table-slot item.
  // Every booked (slot, table) is looked at (a PATCH of the programme is rare and admin-only).
  const lost = [...(await meetingStore.occupancy(eventId))].flatMap(([slot, taken]) =>
    [...taken].map((t) => meetingKeys.tableSlot(eventId, slot, t)),
  );
  const ids = (await batchGetAll(table(), lost)).map((i) => meetingKeys.meeting(eventId, String(i.meetingId)));
  const open: StoredMeeting[] = (await batchGetAll(table(), ids)).map((i) => storedMeeting(i)).filter((m) => m.status === 'scheduled');
  if (!next) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await meetingStore.list(eventId, { status: 'requested', limit: 100, after });
      open.push(...page.items);
      after = page.next;
    } while (after);
  }
  const stranded = strandedMeetings(open, next);
  if (stranded.length) {
    throw new GatepassError(422, 'validation_failed', {
      detail: `The change would strand ${stranded.length} meeting(s): ${stranded.slice(0, 20).join(', ')}.`,
      errors: stranded.slice(0, 50).map((id) => ({ path: 'meetings', message: `meeting ${id} would lose its slot or table` })),
    });
  }
  return bookings;
}

/** The meeting that holds a table in one slot (its table-slot item), if any: one consistent read. */
export async function meetingAtTable(eventId: string, slot: string, tableName: string): Promise<string | undefined> {
  const out = await tableCall(() =>
    documents.send(new GetCommand({ TableName: table(), Key: meetingKeys.tableSlot(eventId, slot, tableName), ConsistentRead: true })),
  );
  return out.Item ? String(out.Item.meetingId) : undefined;
}
