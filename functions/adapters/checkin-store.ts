/**
 * Check-ins on DynamoDB: one item per (registration, place), written under a condition so the
 * first scan wins and an earlier offline scan moves the time back; the count goes to one of
 * CHECKIN_SHARDS partitions (an entrance rush spreads its writes); the registration must still
 * hold its seat, checked in the same transaction.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { CHECKIN_SHARDS, keys, rosterIndex } from '#adapters/keys';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import { doorView, type CheckinPlace, type FirstScan, type Scan } from '#domain/checkin';
import { owedChangeItems } from '#adapters/webhook-store';
import { admittedByTwoDevices, isOfflineDuplicate, type Admission } from '#domain/device';
import type { StoredRegistration } from '#domain/registration';

const table = () => config().DATA_TABLE;

export const checkinShard = (registrationId: string) => createHash('sha256').update(registrationId).digest()[0]! % CHECKIN_SHARDS;

export type CheckinOutcome = { result: 'checked_in' | 'already_checked_in'; first: FirstScan } | { result: 'registration_changed' };

/** The registration must still be confirmed (and hold the session seat): checked, or updated for the venue. */
function registrationGuard(r: StoredRegistration, place: CheckinPlace, at: string, now: string): TransactItems[number] {
  const TableName = table();
  const Key = keys.registration(r.eventId, r.id);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':confirmed': 'confirmed' };
  let condition = '#status = :confirmed';
  if (place !== 'VENUE') {
    const sessionId = place.slice(8);
    const i = r.sessions.findIndex((s) => s.id === sessionId);
    condition += ` AND sessions[${i}].id = :sid AND sessions[${i}].#status = :confirmed`;
    values[':sid'] = sessionId;
    return {
      ConditionCheck: {
        TableName,
        Key,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }
  // The venue time shows on the registration and moves it in the roster (offline scanners sync it).
  return {
    Update: {
      TableName,
      Key,
      UpdateExpression:
        'SET checkedInAt = :at, updatedAt = :now, gsi2pk = :rpk, gsi2sk = :rsk, version = if_not_exists(version, :one) + :one',
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ...values,
        ':at': at,
        ':now': now,
        ':rpk': rosterIndex(r.eventId),
        ':rsk': `${now}#${r.id}`,
        ':one': 1,
      },
    },
  };
}

/** The place the scan asked for (a session door also records the venue, which it did not ask for). */
const askedPlace = (scan: Scan): CheckinPlace => (scan.sessionId === undefined ? 'VENUE' : `SESSION#${scan.sessionId}`);

/** One admitting scan, keyed by place, time, device and scan id: uploading it again writes the same item. */
function admissionItem(r: StoredRegistration, place: CheckinPlace, scan: Scan, stamp: string) {
  const scanKey = createHash('sha256')
    .update(`${scan.deviceId ?? ''}\n${scan.scanId ?? ''}`)
    .digest('base64url')
    .slice(0, 16);
  return {
    ...keys.scan(r.eventId, r.id, place, scan.scannedAt, scanKey),
    type: 'scan',
    registrationId: r.id,
    place,
    // Entries only for now; exits will add `out` to the same log.
    direction: 'in',
    at: scan.scannedAt,
    deviceId: scan.deviceId,
    scanId: scan.scanId,
    offline: scan.offline,
    uploadedAt: stamp,
    expiresAt: r.expiresAt,
  };
}

/** The webhook a first entry owes (checkin.created), at the place asked: the check-in as the route answers it. */
function checkinOwed(r: StoredRegistration, place: CheckinPlace, scan: Scan, stamp: string): TransactItems {
  if (place !== askedPlace(scan)) return [];
  const data = {
    eventId: r.eventId,
    sessionId: scan.sessionId ?? null,
    result: 'checked_in',
    registration: doorView(r),
    checkedInAt: scan.scannedAt,
  };
  return owedChangeItems(r.eventId, [{ type: 'checkin.created', data }], stamp, r.expiresAt);
}

/** The admission log's Put, in the transaction that records an admission (never for a scan the scanner refused). */
function admissionLog(r: StoredRegistration, place: CheckinPlace, scan: Scan, stamp: string): TransactItems {
  if (place !== askedPlace(scan) || scan.verdict === 'refused') return [];
  return [{ Put: { TableName: table(), Item: admissionItem(r, place, scan, stamp) } }];
}

export async function recordCheckin(r: StoredRegistration, place: CheckinPlace, scan: Scan, now: Date): Promise<CheckinOutcome> {
  const TableName = table();
  const Key = keys.checkin(r.eventId, r.id, place);
  const stamp = now.toISOString();
  const details = {
    at: scan.scannedAt,
    deviceId: scan.deviceId,
    scanId: scan.scanId,
    manual: scan.manual,
    recordedAt: stamp,
    expiresAt: r.expiresAt,
  };
  const counter = place === 'VENUE' ? 'venue' : `s_${place.slice(8)}`;

  const created = await transactWrite([
    {
      Put: {
        TableName,
        Item: { ...Key, type: 'checkin', place, registrationId: r.id, ...details },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName,
        Key: keys.checkinShard(r.eventId, checkinShard(r.id)),
        UpdateExpression: 'ADD #count :one',
        ExpressionAttributeNames: { '#count': counter },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    registrationGuard(r, place, scan.scannedAt, stamp),
    ...admissionLog(r, place, scan, stamp),
    ...checkinOwed(r, place, scan, stamp),
  ]);
  if (created.ok) return { result: 'checked_in', first: { at: scan.scannedAt, deviceId: scan.deviceId } };
  if (created.failed.includes(2)) return { result: 'registration_changed' };
  if (!scan.offline) return readFirst(Key);

  // Already checked in here: an earlier scan (uploaded late by an offline scanner) moves the time back.
  const moved = await transactWrite([
    {
      Update: {
        TableName,
        Key,
        UpdateExpression: 'SET #at = :at, deviceId = :device, scanId = :scan, manual = :manual, recordedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #at > :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: {
          ':at': scan.scannedAt,
          ':device': scan.deviceId,
          ':scan': scan.scanId,
          ':manual': scan.manual,
          ':now': stamp,
        },
      },
    },
    registrationGuard(r, place, scan.scannedAt, stamp),
    ...admissionLog(r, place, scan, stamp),
  ]);
  if (moved.ok) return { result: 'checked_in', first: { at: scan.scannedAt, deviceId: scan.deviceId } };
  if (moved.failed.includes(1)) return { result: 'registration_changed' };
  return readFirst(Key);
}

async function readFirst(Key: Record<string, string>): Promise<CheckinOutcome> {
  const first = await tableCall(() => documents.send(new GetCommand({ TableName: table(), Key, ConsistentRead: true })));
  return { result: 'already_checked_in', first: { at: String(first.Item?.at), deviceId: (first.Item?.deviceId as string | null) ?? null } };
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
        ExpressionAttributeValues: { ':pk': keys.scan(eventId, registrationId, place, '', '').pk, ':prefix': `${prefix}#`, ':in': 'in' },
        FilterExpression: 'direction = :in',
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

/** The place as API.md names it: "venue" or the session id. */
const apiPlace = (place: CheckinPlace) => (place === 'VENUE' ? 'venue' : place.slice(8));

/**
 * An offline scan the device admitted: logged (once, however often uploaded), then judged against
 * every admission at that place. Two devices having admitted the badge lists it among the
 * duplicates, whichever of the two was uploaded first.
 */
export async function offlineAdmission(
  r: StoredRegistration,
  place: CheckinPlace,
  scan: Scan,
  logged: boolean,
  now: Date,
): Promise<{ offlineDuplicate: boolean }> {
  const stamp = now.toISOString();
  if (!logged) {
    try {
      await tableCall(() =>
        documents.send(
          new PutCommand({
            TableName: table(),
            Item: admissionItem(r, place, scan, stamp),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      // Uploaded before: the first upload's time stays.
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }
  const admissions = await admissionsAt(r.eventId, r.id, place);
  if (admittedByTwoDevices(admissions)) {
    await tableCall(() =>
      documents.send(
        new UpdateCommand({
          TableName: table(),
          Key: keys.duplicate(r.eventId, apiPlace(place), r.id),
          UpdateExpression:
            'SET #type = :type, registrationId = :rid, place = :place, foundAt = if_not_exists(foundAt, :now), expiresAt = :exp',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'offline-duplicate', ':rid': r.id, ':place': place, ':now': stamp, ':exp': r.expiresAt },
        }),
      ),
    );
  }
  return { offlineDuplicate: isOfflineDuplicate(admissions, scan) };
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
