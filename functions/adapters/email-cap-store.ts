/**
 * The per-address email cap (API.md Emails): one item per event and address, keyed by a hash of
 * the normalised email (no address in the key), holding the ids and times of the counted emails
 * sent in the last 24 hours (at most EMAILS_PER_ADDRESS entries). Constant work per email: one
 * read and one conditional write, retried when another send wrote in between.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { serviceUnavailable } from '#domain/errors';
import { EMAIL_CAP_WINDOW_MS, emailAllowance, type CapEntry } from '#domain/outbox';
import { emailHash } from '#domain/registration';

const capKey = (eventId: string, hash: string) => ({ pk: `EVENT#${eventId}#MAILCAP#${hash}`, sk: 'MAILCAP' });

/** Counts outbox item `outboxId` against the address's cap; false when the cap is reached. */
export async function takeEmailAllowance(eventId: string, email: string, outboxId: string, now: Date): Promise<boolean> {
  const TableName = config().DATA_TABLE;
  const Key = capKey(eventId, emailHash(email));
  for (let attempt = 0; attempt < 5; attempt++) {
    const read = await tableCall(() => documents.send(new GetCommand({ TableName, Key, ConsistentRead: true })));
    const version = typeof read.Item?.version === 'number' ? read.Item.version : 0;
    const { allowed, keep } = emailAllowance((read.Item?.sent as CapEntry[] | undefined) ?? [], outboxId, now);
    if (!allowed) return false;
    try {
      await tableCall(() =>
        documents.send(
          new PutCommand({
            TableName,
            Item: {
              ...Key,
              type: 'email-cap',
              sent: keep,
              version: version + 1,
              expiresAt: Math.floor((now.getTime() + EMAIL_CAP_WINDOW_MS) / 1000) + 3600,
            },
            ConditionExpression: read.Item ? 'version = :v' : 'attribute_not_exists(pk)',
            ...(read.Item ? { ExpressionAttributeValues: { ':v': version } } : {}),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  // Left owed: the sweeper tries again later.
  throw serviceUnavailable();
}
