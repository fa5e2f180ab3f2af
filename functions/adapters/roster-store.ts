/**
 * The roster index (gsi2: registrations of one event by update time), read page by page for the
 * offline scanners' sync. Index reads are eventually consistent; the caller re-reads an overlap.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#config';
import { documents } from '#adapters/clients';
import { tableCall } from '#adapters/dynamo-errors';
import { rosterIndex } from '#adapters/keys';
import { storedRegistration } from '#adapters/registration-store';
import type { StoredRegistration } from '#domain/registration';

export interface RosterPage {
  registrations: StoredRegistration[];
  /** Where the next page starts (opaque to the caller, which signs it into its cursor); none on the last page. */
  last?: Record<string, unknown>;
}

/** Registrations of `eventId` updated at or after `from` (ISO time, or '0' for all), oldest change first. */
export async function readRosterPage(eventId: string, from: string, limit: number, after?: Record<string, unknown>): Promise<RosterPage> {
  const out = await tableCall(() =>
    documents.send(
      new QueryCommand({
        TableName: config().DATA_TABLE,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :from',
        ExpressionAttributeValues: { ':pk': rosterIndex(eventId), ':from': from },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    ),
  );
  return { registrations: (out.Items ?? []).map(storedRegistration), ...(out.LastEvaluatedKey ? { last: out.LastEvaluatedKey } : {}) };
}
