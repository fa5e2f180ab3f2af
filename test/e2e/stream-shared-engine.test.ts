/**
 * The local workers read their table's stream on a DynamoDB Local that other tables share (the
 * test run's engines serve several files; `npm start` may share one too). DynamoDB Local numbers
 * stream records across all its tables, so the iterator a worker took on its empty stream is
 * refused once another table has written: the workers must go on reading, and lose nothing.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTables, dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, uniqueTables, type TestStack } from '../support/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
});
afterAll(() => stack?.stop());

it('emails are delivered when another table on the same engine wrote after the workers started', async () => {
  // Prepare: another table on this engine writes once the workers have started on an empty stream
  const other = uniqueTables();
  await createTables(stack.dynamoEndpoint, other);
  const ddb = dynamoClient(stack.dynamoEndpoint);
  await ddb.send(new PutItemCommand({ TableName: other.data, Item: { pk: { S: 'OUTBOX#elsewhere' }, sk: { S: 'OUTBOX' } } }));
  ddb.destroy();
  const admin = await stack.token('admin');
  const event = await stack.call('POST', '/events', { token: admin, body: openEvent() });
  // Act
  const r = await stack.call('POST', `/events/${event.json.id}/registrations`, {
    body: participant(1, { email: 'shared-engine@example.com' }),
  });
  expect(r.status, r.text).toBe(201);
  await stack.workers.drain();
  // Assess: the confirmation went out, once
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
  expect(store.emails.filter((e) => e.destination.to.some((t) => t.includes('shared-engine@example.com')))).toHaveLength(1);
});
