/**
 * Check-ins on DynamoDB: one item per (registration, place), written under a condition so the
 * first scan wins and an earlier offline scan moves the time back; the count goes to one of
 * CHECKIN_SHARDS partitions (an entrance rush spreads its writes); the registration must still
 * hold its seat, checked in the same transaction.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { CHECKIN_SHARDS, keys, rosterIndex } from '#adapters/keys';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import type { CheckinPlace, FirstScan, Scan } from '#domain/checkin';
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
    return { ConditionCheck: { TableName, Key, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } };
  }
  // The venue time shows on the registration and moves it in the roster (offline scanners sync it).
  return {
    Update: {
      TableName,
      Key,
      UpdateExpression: 'SET checkedInAt = :at, updatedAt = :now, gsi2pk = :rpk, gsi2sk = :rsk',
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':at': at, ':now': now, ':rpk': rosterIndex(r.eventId), ':rsk': `${now}#${r.id}` },
    },
  };
}

export async function recordCheckin(r: StoredRegistration, place: CheckinPlace, scan: Scan, now: Date): Promise<CheckinOutcome> {
  const TableName = table();
  const Key = keys.checkin(r.eventId, r.id, place);
  const stamp = now.toISOString();
  const details = { at: scan.scannedAt, deviceId: scan.deviceId, scanId: scan.scanId, manual: scan.manual, recordedAt: stamp, expiresAt: r.expiresAt };
  const counter = place === 'VENUE' ? 'venue' : `s_${place.slice(8)}`;

  const created = await transactWrite([
    { Put: { TableName, Item: { ...Key, type: 'checkin', place, registrationId: r.id, ...details }, ConditionExpression: 'attribute_not_exists(pk)' } },
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
        ExpressionAttributeValues: { ':at': scan.scannedAt, ':device': scan.deviceId, ':scan': scan.scanId, ':manual': scan.manual, ':now': stamp },
      },
    },
    registrationGuard(r, place, scan.scannedAt, stamp),
  ]);
  if (moved.ok) return { result: 'checked_in', first: { at: scan.scannedAt, deviceId: scan.deviceId } };
  if (moved.failed.includes(1)) return { result: 'registration_changed' };
  return readFirst(Key);
}

async function readFirst(Key: Record<string, string>): Promise<CheckinOutcome> {
  const first = await tableCall(() => documents.send(new GetCommand({ TableName: table(), Key, ConsistentRead: true })));
  return { result: 'already_checked_in', first: { at: String(first.Item?.at), deviceId: (first.Item?.deviceId as string | null) ?? null } };
}
