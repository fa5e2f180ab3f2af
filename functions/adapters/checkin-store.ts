/**
 * Check-ins and check-outs on DynamoDB. Each scan is one transaction: its scan-log item (a
 * repeated scan finds it), the person's presence (under the counters of their presence item, so
 * the scans of one person that change anything apply one after another), the first entry per place (the earliest scan
 * wins), and the counts: check-ins and people inside on one of CHECKIN_SHARDS partitions (an
 * entrance rush spreads its writes), entries and exits per time bucket for the timeline.
 */
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { CHECKIN_SHARDS, keys, rosterIndex } from '#adapters/keys';
import { storedRegistration } from '#adapters/registration-store';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import type { Scan } from '#domain/checkin';
import { apiPlace, type CheckinPlace } from '#domain/checkin-rules';
import type { LoggedScan, PersonRecord, ScanWrite } from '#domain/checkin-use-case';
import type { Admission } from '#domain/device';
import { owedChangeItems } from '#adapters/webhook-store';
import type { StoredRegistration } from '#domain/registration';

const table = () => config().DATA_TABLE;

export const checkinShard = (registrationId: string) => createHash('sha256').update(registrationId).digest()[0]! % CHECKIN_SHARDS;

/**
 * Everything a scan is judged from, in one strongly consistent Query of the person's own
 * partition: the registration, the first entry at each place, and the scan log.
 */
export async function readPerson(eventId: string, registrationId: string): Promise<PersonRecord | undefined> {
  const pk = keys.registration(eventId, registrationId).pk;
  let registration: StoredRegistration | undefined;
  const firsts: PersonRecord['firsts'] = {};
  const log: LoggedScan[] = [];
  const version = { changed: 0, scans: 0 };
  let after: Record<string, unknown> | undefined;
  do {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      ),
    );
    for (const item of out.Items ?? []) {
      const sk = String(item.sk);
      if (sk === 'REG') {
        registration = storedRegistration(item);
      } else if (sk === 'PRESENCE') {
        version.changed = Number(item.changed ?? 0);
        version.scans = Number(item.scans ?? 0);
      } else if (sk.startsWith('CHECKIN#')) {
        firsts[item.place as CheckinPlace] = { at: String(item.at), deviceId: (item.deviceId as string | null) ?? null };
      } else if (sk.startsWith('SCAN#')) {
        const direction = item.direction === 'out' ? 'out' : 'in';
        log.push({
          place: item.place as CheckinPlace,
          direction,
          at: String(item.at),
          key: sk.slice(sk.lastIndexOf('#') + 1),
          // Written before exits were kept, a logged scan was an admission.
          applied: (item.applied as boolean | undefined) ?? true,
          admits: (item.admits as boolean | undefined) ?? true,
          deviceId: (item.deviceId as string | null) ?? null,
          scanId: (item.scanId as string | null) ?? null,
          offline: Boolean(item.offline),
          uploadedAt: String(item.uploadedAt),
          answer: String(item.answer ?? 'checked_in'),
          status: Number(item.status ?? 201),
        });
      }
    }
    after = out.LastEvaluatedKey;
  } while (after);
  return registration && { registration, firsts, log, version };
}

/** A counter attribute per place: `venue`, `s_<sessionId>` (session ids are identifiers). */
const counterName = (place: CheckinPlace) => (place === 'VENUE' ? 'venue' : `s_${place.slice(8)}`);

/** ADDs on one item, as an UpdateExpression (none when every amount is zero). */
function adds(amounts: Map<string, number>) {
  const entries = [...amounts].filter(([, n]) => n !== 0);
  if (!entries.length) return undefined;
  return {
    UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])),
  };
}

/**
 * The check-in / check-out transaction: the scan's log item (once: a repeated scan finds it),
 * the presence counters it was judged under, the registration (its `inside`; for an entry its seat), the
 * first entries it sets or moves, the check-in and inside counts on the person's count shard, the
 * timeline buckets, and the offline-duplicate listing. Any failed condition → `conflict`.
 */
export async function writeScan(w: ScanWrite, scan: Scan, now: Date): Promise<'ok' | 'conflict'> {
  const TableName = table();
  const r = w.registration;
  const stamp = now.toISOString();
  const shard = checkinShard(r.id);
  const { logged } = w;
  const items: TransactItems = [
    {
      Put: {
        TableName,
        Item: {
          ...keys.scan(r.eventId, r.id, logged.place, logged.at, logged.key),
          type: 'scan',
          registrationId: r.id,
          place: logged.place,
          direction: logged.direction,
          at: logged.at,
          deviceId: logged.deviceId,
          scanId: logged.scanId,
          offline: logged.offline,
          applied: logged.applied,
          admits: logged.admits,
          answer: logged.answer,
          status: logged.status,
          uploadedAt: stamp,
          expiresAt: r.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];

  // The person's presence counters: `changed` moves with every change, `scans` with every scan.
  const presenceKey = keys.presence(r.eventId, r.id);
  const { changed, scans } = w.version;
  const fresh = scans === 0;
  items.push({
    Update: {
      TableName,
      Key: presenceKey,
      ...(w.changes
        ? {
            // A change is judged from every scan recorded so far, none more.
            UpdateExpression: 'SET changed = :c1, #type = :type, expiresAt = :exp ADD scans :one',
            ConditionExpression: fresh ? 'attribute_not_exists(pk)' : 'changed = :c0 AND scans = :s0',
            ExpressionAttributeValues: {
              ':c1': changed + 1,
              ':one': 1,
              ':type': 'presence',
              ':exp': r.expiresAt ?? null,
              ...(fresh ? {} : { ':c0': changed, ':s0': scans }),
            },
          }
        : {
            // No change commutes with any other no-change, but not with a change judged meanwhile.
            UpdateExpression: 'SET changed = if_not_exists(changed, :zero), #type = :type, expiresAt = :exp ADD scans :one',
            ConditionExpression: changed === 0 ? 'attribute_not_exists(changed) OR changed = :zero' : 'changed = :c0',
            ExpressionAttributeValues: {
              ':one': 1,
              ':zero': 0,
              ':type': 'presence',
              ':exp': r.expiresAt ?? null,
              ...(changed === 0 ? {} : { ':c0': changed }),
            },
          }),
      ExpressionAttributeNames: { '#type': 'type' },
    },
  });

  // The registration shows the presence (the roster syncs it) and the venue's first entry; an entry needs its seat.
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let condition = 'attribute_exists(pk)';
  if (w.entryGuard) {
    names['#status'] = 'status';
    values[':confirmed'] = 'confirmed';
    condition += ' AND #status = :confirmed';
    if (w.entryGuard !== 'VENUE') {
      const sessionId = w.entryGuard.slice(8);
      const i = r.sessions.findIndex((s) => s.id === sessionId);
      condition += ` AND sessions[${i}].id = :sid AND sessions[${i}].#status = :confirmed`;
      values[':sid'] = sessionId;
    }
  }
  const Key = keys.registration(r.eventId, r.id);
  const moved = w.firsts.some((f) => f.place === 'VENUE') || w.insideBefore.join() !== w.insideAfter.join();
  if (moved) {
    // updatedAt always moves with it: a seat change writes the whole registration under `updatedAt = <seen>`.
    let update = 'SET inside = :inside, updatedAt = :now, gsi2pk = :rpk, gsi2sk = :rsk, version = if_not_exists(version, :zero) + :one';
    Object.assign(values, {
      ':inside': w.insideAfter.map(apiPlace),
      ':now': stamp,
      ':rpk': rosterIndex(r.eventId),
      ':rsk': `${stamp}#${r.id}`,
      ':zero': 0,
      ':one': 1,
    });
    const venueFirst = w.firsts.find((f) => f.place === 'VENUE');
    if (venueFirst) {
      update += ', checkedInAt = :at';
      values[':at'] = venueFirst.first.at;
    }
    items.push({
      Update: {
        TableName,
        Key,
        UpdateExpression: update,
        ConditionExpression: condition,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    });
  } else {
    items.push({
      ConditionCheck: {
        TableName,
        Key,
        ConditionExpression: condition,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    });
  }

  for (const { place, first, previousAt } of w.firsts) {
    const Key = keys.checkin(r.eventId, r.id, place);
    const details = { at: first.at, deviceId: first.deviceId, scanId: scan.scanId, manual: scan.manual, recordedAt: stamp };
    items.push(
      previousAt === undefined
        ? {
            Put: {
              TableName,
              Item: { ...Key, type: 'checkin', place, registrationId: r.id, ...details, expiresAt: r.expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          }
        : {
            // An earlier scan uploaded late moves the first entry back.
            Update: {
              TableName,
              Key,
              UpdateExpression: 'SET #at = :at, deviceId = :device, scanId = :scan, manual = :manual, recordedAt = :now',
              ConditionExpression: '#at = :previous',
              ExpressionAttributeNames: { '#at': 'at' },
              ExpressionAttributeValues: {
                ':at': details.at,
                ':device': details.deviceId,
                ':scan': details.scanId,
                ':manual': details.manual,
                ':now': stamp,
                ':previous': previousAt,
              },
            },
          },
    );
  }

  // Check-in counts (people once per place) and people inside, on the person's shard.
  const counts = new Map<string, number>();
  for (const f of w.firsts) if (f.previousAt === undefined) counts.set(counterName(f.place), 1);
  for (const p of w.insideAfter) if (!w.insideBefore.includes(p)) counts.set(`inside_${counterName(p)}`, 1);
  for (const p of w.insideBefore) if (!w.insideAfter.includes(p)) counts.set(`inside_${counterName(p)}`, -1);
  const shardAdds = adds(counts);
  if (shardAdds) items.push({ Update: { TableName, Key: keys.checkinShard(r.eventId, shard), ...shardAdds } });

  // Timeline buckets: one item per (bucket, shard), every place's entries and exits on it.
  const buckets = new Map<string, Map<string, number>>();
  for (const d of w.timeline) {
    const b = buckets.get(d.bucket) ?? new Map<string, number>();
    const name = counterName(d.place);
    b.set(`in_${name}`, (b.get(`in_${name}`) ?? 0) + d.in);
    b.set(`out_${name}`, (b.get(`out_${name}`) ?? 0) + d.out);
    buckets.set(d.bucket, b);
  }
  for (const [bucket, amounts] of buckets) {
    const a = adds(amounts);
    if (a) items.push({ Update: { TableName, Key: keys.timelineBucket(r.eventId, bucket, shard), ...a } });
  }

  if (w.duplicateAt) {
    items.push({
      Update: {
        TableName,
        Key: keys.duplicate(r.eventId, apiPlace(w.duplicateAt), r.id),
        UpdateExpression:
          'SET #type = :type, registrationId = :rid, place = :place, foundAt = if_not_exists(foundAt, :now), expiresAt = :exp',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'offline-duplicate',
          ':rid': r.id,
          ':place': w.duplicateAt,
          ':now': stamp,
          ':exp': r.expiresAt,
        },
      },
    });
  }
  // The webhooks the scan owes (checkin.created, checkout.created), in its own transaction.
  items.push(...owedChangeItems(r.eventId, w.messages ?? [], stamp, r.expiresAt));
  const outcome = await transactWrite(items);
  return outcome.ok ? 'ok' : 'conflict';
}

/** How many admissions of one badge at one place are read to judge a duplicate: the earliest, as the log sorts. */
const ADMISSIONS_READ = 100;

/** Every admitting scan of a registration at a place, earliest first (at most ADMISSIONS_READ). */
export async function admissionsAt(eventId: string, registrationId: string, place: CheckinPlace): Promise<Admission[]> {
  const prefix = keys.scan(eventId, registrationId, place, '', '').sk.slice(0, -2);
  const out = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.scan(eventId, registrationId, place, '', '').pk,
          ':prefix': `${prefix}#`,
          ':in': 'in',
          ':no': false,
        },
        // Every scan is logged; the admissions are the entries that let someone in.
        FilterExpression: 'direction = :in AND (attribute_not_exists(admits) OR admits <> :no)',
        ConsistentRead: true,
        Limit: ADMISSIONS_READ,
      }),
    ),
  );
  return (out.Items ?? []).map((i) => ({
    deviceId: (i.deviceId as string | null) ?? null,
    scannedAt: String(i.at),
    uploadedAt: String(i.uploadedAt),
  }));
}

/** A page of the (registration, place) pairs that two devices admitted, by place then registration. */
export async function listDuplicates(
  eventId: string,
  limit: number,
  after: Record<string, unknown> | undefined,
): Promise<{ items: { registrationId: string; place: CheckinPlace }[]; next: Record<string, unknown> | undefined }> {
  const out = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.duplicate(eventId, '', '').pk },
        Limit: limit,
        ExclusiveStartKey: after,
      }),
    ),
  );
  return {
    items: (out.Items ?? []).map((i) => ({ registrationId: String(i.registrationId), place: i.place as CheckinPlace })),
    next: out.LastEvaluatedKey,
  };
}
