/**
 * Devices on DynamoDB. Three items per device: its row (what admins list), its pending pairing
 * code and its token, each keyed by the code's or token's hash, so neither is ever stored.
 * Pairing, re-pairing and revocation each change all three in one transaction.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { keys } from '#adapters/keys';
import { transactWrite, type TransactItems } from '#adapters/transactions';
import { LAST_SEEN_EVERY_MS, type DevicePlaces, type DeviceTokenRecord, type StoredDevice } from '#domain/device';
import type { Page } from '#domain/ports';

const table = () => config().DATA_TABLE;
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const DAY_S = 86_400;

interface DeviceRow extends StoredDevice {
  tokenHash?: string;
  pairingHash?: string;
  /** When the token of this device stops (a day after the event ends), and the row's TTL. */
  validUntil: string;
  expiresAt: number;
}

function deviceOf(item: Record<string, unknown>): DeviceRow {
  return {
    id: String(item.id),
    eventId: String(item.eventId),
    name: String(item.name),
    places: (item.places as DevicePlaces | undefined) ?? null,
    createdAt: String(item.createdAt),
    pairedAt: (item.pairedAt as string | undefined) ?? null,
    lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    revokedAt: (item.revokedAt as string | undefined) ?? null,
    ...(typeof item.tokenHash === 'string' ? { tokenHash: item.tokenHash } : {}),
    ...(typeof item.pairingHash === 'string' ? { pairingHash: item.pairingHash } : {}),
    validUntil: String(item.validUntil),
    expiresAt: Number(item.expiresAt),
  };
}

/** Attributes that are null are left out: the conditions test their absence (`attribute_not_exists(revokedAt)`). */
const present = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null));

const strip = ({ tokenHash: _t, pairingHash: _p, validUntil: _v, expiresAt: _e, ...device }: DeviceRow): StoredDevice => device;

async function readRow(eventId: string, deviceId: string): Promise<DeviceRow | undefined> {
  const out = await tableCall(() =>
    documents.send(new GetCommand({ TableName: table(), Key: keys.device(eventId, deviceId), ConsistentRead: true })),
  );
  return out.Item ? deviceOf(out.Item) : undefined;
}

function pairingPut(row: Pick<DeviceRow, 'id' | 'eventId'>, codeHash: string, codeValidUntil: string): TransactItems[number] {
  return {
    Put: {
      TableName: table(),
      Item: {
        ...keys.pairing(codeHash),
        type: 'pairing',
        eventId: row.eventId,
        deviceId: row.id,
        validUntil: codeValidUntil,
        expiresAt: epoch(codeValidUntil) + DAY_S,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A retired token answers device_revoked (the scanner wipes itself) until it would have expired anyway. */
function retireToken(tokenHash: string, now: string, validUntil: string): TransactItems[number] {
  return {
    Update: {
      TableName: table(),
      Key: keys.deviceToken(tokenHash),
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now), expiresAt = :exp',
      ExpressionAttributeValues: { ':now': now, ':exp': epoch(validUntil) + DAY_S },
    },
  };
}

/** The row's token and code are still those this change read (a concurrent pairing makes it retry). */
function unchanged(row: DeviceRow): { condition: string; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  const parts = ['attribute_exists(pk)'];
  if (row.tokenHash) {
    parts.push('tokenHash = :oldToken');
    values[':oldToken'] = row.tokenHash;
  } else parts.push('attribute_not_exists(tokenHash)');
  if (row.pairingHash) {
    parts.push('pairingHash = :oldCode');
    values[':oldCode'] = row.pairingHash;
  } else parts.push('attribute_not_exists(pairingHash)');
  return { condition: parts.join(' AND '), values };
}

export const deviceStore = {
  /** The device row and its first pairing code, together. */
  async create(device: StoredDevice, validUntil: string, codeHash: string, codeValidUntil: string): Promise<void> {
    const row = {
      ...keys.device(device.eventId, device.id),
      type: 'device',
      ...present({ ...device }),
      validUntil,
      expiresAt: epoch(validUntil) + DAY_S,
      pairingHash: codeHash,
    };
    const outcome = await transactWrite([
      { Put: { TableName: table(), Item: row, ConditionExpression: 'attribute_not_exists(pk)' } },
      pairingPut(device, codeHash, codeValidUntil),
    ]);
    if (!outcome.ok) throw new Error('device id or pairing code collision');
  },

  async read(eventId: string, deviceId: string): Promise<StoredDevice | undefined> {
    const row = await readRow(eventId, deviceId);
    return row && strip(row);
  },

  async list(eventId: string, limit: number, after: Record<string, unknown> | undefined): Promise<Page<StoredDevice>> {
    const out = await tableCall(() =>
      documents.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.device(eventId, '').pk },
          Limit: limit,
          ExclusiveStartKey: after,
        }),
      ),
    );
    return { items: (out.Items ?? []).map((i) => strip(deviceOf(i))), next: out.LastEvaluatedKey };
  },

  /** A fresh code for a device that is not revoked; the previous code stops. 'gone' when unknown or revoked. */
  async newPairing(eventId: string, deviceId: string, codeHash: string, codeValidUntil: string): Promise<StoredDevice | 'gone'> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await readRow(eventId, deviceId);
      if (!row || row.revokedAt) return 'gone';
      const { condition, values } = unchanged(row);
      const items: TransactItems = [
        {
          Update: {
            TableName: table(),
            Key: keys.device(eventId, deviceId),
            UpdateExpression: 'SET pairingHash = :code',
            ConditionExpression: `${condition} AND attribute_not_exists(revokedAt)`,
            ExpressionAttributeValues: { ...values, ':code': codeHash },
          },
        },
        pairingPut(row, codeHash, codeValidUntil),
      ];
      if (row.pairingHash) items.push({ Delete: { TableName: table(), Key: keys.pairing(row.pairingHash) } });
      if ((await transactWrite(items)).ok) return strip(row);
    }
    throw new Error('device keeps changing');
  },

  /** Revokes at once: the row, its token (→ device_revoked) and any pending code. Repeating it changes nothing. */
  async revoke(eventId: string, deviceId: string, now: Date): Promise<StoredDevice | undefined> {
    const stamp = now.toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await readRow(eventId, deviceId);
      if (!row) return undefined;
      if (row.revokedAt && !row.pairingHash) return strip(row);
      const { condition, values } = unchanged(row);
      const items: TransactItems = [
        {
          Update: {
            TableName: table(),
            Key: keys.device(eventId, deviceId),
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now) REMOVE pairingHash',
            ConditionExpression: condition,
            ExpressionAttributeValues: { ...values, ':now': stamp },
          },
        },
      ];
      if (row.tokenHash) items.push(retireToken(row.tokenHash, stamp, row.validUntil));
      if (row.pairingHash) items.push({ Delete: { TableName: table(), Key: keys.pairing(row.pairingHash) } });
      if ((await transactWrite(items)).ok) return strip({ ...row, revokedAt: row.revokedAt ?? stamp });
    }
    throw new Error('device keeps changing');
  },

  /**
   * Counts one pairing attempt of a client address in the current minute: one conditional
   * update, whatever happens next. Returns the seconds to wait when over the limit.
   */
  async countPairingAttempt(addressHash: string, now: Date, perMinute: number): Promise<number | undefined> {
    const key = addressHash;
    const minute = Math.floor(now.getTime() / 60_000);
    try {
      await tableCall(() =>
        documents.send(
          new UpdateCommand({
            TableName: table(),
            Key: keys.pairingLimit(key, minute),
            UpdateExpression: 'SET #type = :type, expiresAt = :exp ADD attempts :one',
            ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :max',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':type': 'pairing-limit', ':exp': (minute + 2) * 60, ':one': 1, ':max': perMinute },
          }),
        ),
      );
      return undefined;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000));
      throw error;
    }
  },

  /**
   * Trades a code for a token: the code is deleted (one use), the device gets the new token's
   * hash and any earlier token is retired. undefined for an unknown, used or expired code, or a
   * revoked device: the caller answers the same to all.
   */
  async pair(codeHash: string, tokenHash: string, now: Date): Promise<StoredDevice | undefined> {
    const stamp = now.toISOString();
    const code = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: keys.pairing(codeHash), ConsistentRead: true })),
    );
    // TTL deletes within days, not on the second: the code's own time is checked here.
    if (!code.Item || String(code.Item.validUntil) <= stamp) return undefined;
    const row = await readRow(String(code.Item.eventId), String(code.Item.deviceId));
    if (!row || row.revokedAt || row.pairingHash !== codeHash) return undefined;
    const { condition, values } = unchanged(row);
    const token: DeviceTokenRecord = {
      deviceId: row.id,
      eventId: row.eventId,
      name: row.name,
      places: row.places,
      validUntil: row.validUntil,
      revokedAt: null,
      lastSeenAt: stamp,
    };
    const items: TransactItems = [
      {
        Delete: {
          TableName: table(),
          Key: keys.pairing(codeHash),
          ConditionExpression: 'attribute_exists(pk) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': stamp },
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.device(row.eventId, row.id),
          UpdateExpression: 'SET tokenHash = :token, pairedAt = :now, lastSeenAt = :now REMOVE pairingHash',
          ConditionExpression: `${condition} AND attribute_not_exists(revokedAt)`,
          ExpressionAttributeValues: { ...values, ':token': tokenHash, ':now': stamp },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: {
            ...keys.deviceToken(tokenHash),
            type: 'device-token',
            ...present({ ...token }),
            expiresAt: epoch(row.validUntil) + DAY_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (row.tokenHash) items.push(retireToken(row.tokenHash, stamp, row.validUntil));
    const outcome = await transactWrite(items);
    if (!outcome.ok) return undefined;
    return strip({ ...row, pairedAt: stamp, lastSeenAt: stamp });
  },

  /** The one strongly consistent read of every device request. */
  async byToken(tokenHash: string): Promise<DeviceTokenRecord | undefined> {
    const out = await tableCall(() =>
      documents.send(new GetCommand({ TableName: table(), Key: keys.deviceToken(tokenHash), ConsistentRead: true })),
    );
    const item = out.Item;
    if (!item) return undefined;
    return {
      deviceId: String(item.deviceId),
      eventId: String(item.eventId),
      name: String(item.name),
      places: (item.places as DevicePlaces | undefined) ?? null,
      validUntil: String(item.validUntil),
      revokedAt: (item.revokedAt as string | undefined) ?? null,
      lastSeenAt: (item.lastSeenAt as string | undefined) ?? null,
    };
  },

  /**
   * Moves lastSeenAt when the last mark is over a minute old: the caller read it, so most
   * requests write nothing; of concurrent ones, the condition lets one through.
   */
  async markSeen(tokenHash: string, record: DeviceTokenRecord, now: Date): Promise<void> {
    const stamp = now.toISOString();
    const cutoff = new Date(now.getTime() - LAST_SEEN_EVERY_MS).toISOString();
    if (record.lastSeenAt !== null && record.lastSeenAt > cutoff) return;
    await transactWrite([
      {
        Update: {
          TableName: table(),
          Key: keys.deviceToken(tokenHash),
          UpdateExpression: 'SET lastSeenAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND (attribute_not_exists(lastSeenAt) OR lastSeenAt <= :cutoff)',
          ExpressionAttributeValues: { ':now': stamp, ':cutoff': cutoff },
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.device(record.eventId, record.deviceId),
          UpdateExpression: 'SET lastSeenAt = :now',
          ConditionExpression: 'tokenHash = :token',
          ExpressionAttributeValues: { ':now': stamp, ':token': tokenHash },
        },
      },
    ]);
  },
};
