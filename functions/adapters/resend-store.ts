/**
 * Manage links. Resending: at most RESENDS_PER_HOUR per email and event (a counter item with a
 * window), and the email owed through the outbox in the same transaction; it never rotates.
 * Replacing (`manageLinkStore.rotate`): the token version bumped and the email owed, together.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { keys, rosterIndex } from '#adapters/keys';
import { newOutboxItem } from '#adapters/outbox-store';
import { registrationStore } from '#adapters/registration-store';
import { transactWrite } from '#adapters/transactions';
import type { ManageLinkStore } from '#domain/manage-link';
import { emailHash, newRegistrationId } from '#domain/registration';

export const manageLinkStore: ManageLinkStore = {
  read: registrationStore.read,
  async rotate(r, now) {
    const TableName = config().DATA_TABLE;
    const stamp = now.toISOString();
    const outcome = await transactWrite([
      {
        Update: {
          TableName,
          Key: keys.registration(r.eventId, r.id),
          // updatedAt moves too: writers that put the whole registration back hold it as their
          // condition, so none can restore the old version (and the old link with it).
          UpdateExpression: 'SET tokenVersion = :next, updatedAt = :now, gsi2pk = :rpk, gsi2sk = :rsk',
          ConditionExpression: 'tokenVersion = :seen AND updatedAt = :seenAt',
          ExpressionAttributeValues: {
            ':next': r.tokenVersion + 1,
            ':seen': r.tokenVersion,
            ':seenAt': r.updatedAt,
            ':now': stamp,
            ':rpk': rosterIndex(r.eventId),
            ':rsk': `${stamp}#${r.id}`,
          },
        },
      },
      { Put: { TableName, Item: newOutboxItem('manage_link', r.eventId, r.id, stamp) } },
    ]);
    return outcome.ok ? 'ok' : 'stale';
  },
};

export const RESENDS_PER_HOUR = 3;

/**
 * 'queued', 'limited', or 'unknown' (no active registration): the caller answers 202 to all.
 * Both answers cost the same work, so their timing tells nobody which emails are registered:
 * one read of the email guard, then one transaction of the same three items (the hour's resend
 * counter, the guard's check, the owed email). For an unknown email it names a registration id
 * nobody holds, so the guard's check cancels it and nothing is written.
 */
export async function requestManageLink(eventId: string, email: string, now: Date): Promise<'queued' | 'limited' | 'unknown'> {
  const TableName = config().DATA_TABLE;
  const hash = emailHash(email);
  const guard = await tableCall(() =>
    documents.send(new GetCommand({ TableName, Key: keys.emailGuard(eventId, hash), ConsistentRead: true })),
  );
  const held = guard.Item?.registrationId as string | undefined;
  const decoy = newRegistrationId();
  const registrationId = held ?? decoy;
  const seconds = Math.floor(now.getTime() / 1000);
  // A counter per clock hour: one conditional ADD, no second step to open a new window.
  const hour = Math.floor(seconds / 3600);
  const outcome = await transactWrite([
    {
      Update: {
        TableName,
        Key: keys.resendLimit(eventId, `${hash}#${hour}`),
        UpdateExpression: 'SET #type = :type, expiresAt = :exp ADD sent :one',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :max',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'resend-limit', ':one': 1, ':max': RESENDS_PER_HOUR, ':exp': (hour + 1) * 3600 },
      },
    },
    {
      ConditionCheck: {
        TableName,
        Key: keys.emailGuard(eventId, hash),
        ConditionExpression: 'registrationId = :rid',
        ExpressionAttributeValues: { ':rid': registrationId },
      },
    },
    { Put: { TableName, Item: newOutboxItem('manage_link', eventId, registrationId, now.toISOString()) } },
  ]);
  if (outcome.ok) return 'queued';
  if (!held || outcome.failed.includes(1)) return 'unknown';
  return 'limited';
}
