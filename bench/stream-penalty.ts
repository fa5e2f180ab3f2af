/**
 * Why the bench's tables have no stream: DynamoDB Local makes transactional writes to tables with
 * a stream slower as its stream store grows, while tables without one keep their pace. On demand
 * (not part of `npm run bench`, it starts a JVM of its own):
 *
 *   npx tsx bench/stream-penalty.ts
 *
 * Alternates fresh tables with and without a stream (createTables / streamlessTable), 800
 * registration-like TransactWriteItems each, 16 in flight.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { createTables, dynamoClient, freePort, startDynamoDbLocal } from '#local/engines';
import { streamlessTable } from './context.ts';
import { pool, round, uniqueName } from './support.ts';

const dynamo = await startDynamoDbLocal(await freePort());
const client = dynamoClient(dynamo.endpoint);
try {
  const writes = async (table: string, n: number) => {
    await client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'EVENT#e' }, sk: { S: 'COUNTER#EVENT' }, confirmed: { N: '0' } } }),
    );
    const t0 = performance.now();
    await pool(n, 16, async (i) => {
      const id = randomUUID();
      await client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: { S: `EVENT#e#EMAIL#${id}` }, sk: { S: 'EMAIL' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table,
                Item: {
                  pk: { S: `EVENT#e#REG#${id}` },
                  sk: { S: 'REG' },
                  gsi1pk: { S: 'EVENT#e#REGS' },
                  gsi1sk: { S: `${i}#${id}` },
                  name: { S: 'x'.repeat(500) },
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: table, Item: { pk: { S: `OUTBOX#${id}` }, sk: { S: 'OUTBOX' } } } },
            {
              Update: {
                TableName: table,
                Key: { pk: { S: 'EVENT#e' }, sk: { S: 'COUNTER#EVENT' } },
                UpdateExpression: 'SET confirmed = confirmed + :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
          ],
        }),
      );
    });
    return round(n / ((performance.now() - t0) / 1000), 1);
  };
  let streamRecords = 0;
  for (let round_ = 0; round_ < 5; round_++) {
    const streamed = uniqueName('streamed');
    await createTables(dynamo.endpoint, { data: streamed });
    const withStream = await writes(streamed, 800);
    streamRecords += 800 * 4;
    const plain = uniqueName('plain');
    await streamlessTable(client, plain);
    const without = await writes(plain, 800);
    console.log(
      `stream records before: ${String(streamRecords - 3200).padStart(6)}   with a stream ${String(withStream).padStart(6)}/s   without ${String(without).padStart(6)}/s`,
    );
  }
} finally {
  client.destroy();
  await dynamo.stop();
}
