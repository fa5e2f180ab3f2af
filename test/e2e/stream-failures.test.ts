/**
 * A stream batch that keeps failing, on the local stack as deployed: retried, then recorded where
 * it failed (like the SQS DLQ: shard and sequence numbers, not the records); the outbox item stays
 * owed, and the sweeper delivers it once the cause is gone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
});
afterAll(() => stack?.stop());

it('a batch the mailer cannot process is retried, recorded like the DLQ, and the email is still delivered later', async () => {
  // Prepare: the table refuses the mailer's claim (as during a DynamoDB outage)
  const admin = await stack.token('admin');
  const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json;
  const { documents } = await import('#adapters/clients');
  const { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const realSend = documents.send.bind(documents) as (command: unknown) => Promise<unknown>;
  // The table takes the registration but refuses every update: the mailer cannot claim its email.
  const table = mockClient(documents);
  table.on(UpdateCommand).rejects(Object.assign(new Error('table unavailable'), { name: 'InternalServerError' }));
  table.on(QueryCommand).callsFake((input) => realSend(new QueryCommand(input)));
  table.on(GetCommand).callsFake((input) => realSend(new GetCommand(input)));
  table.on(BatchGetCommand).callsFake((input) => realSend(new BatchGetCommand(input)));
  table.on(TransactWriteCommand).callsFake((input) => realSend(new TransactWriteCommand(input)));
  try {
    // Act
    const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1, { email: 'dlq@example.com' }) });
    expect(r.status).toBe(201);
    await stack.workers.drain();
  } finally {
    table.restore();
  }
  // Assess: recorded where it failed, with no personal data
  const file = join(stack.stateDir, 'stream-dlq.jsonl');
  expect(existsSync(file)).toBe(true);
  const entries = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(entries.at(-1)).toMatchObject({ worker: 'mailer', batchSize: 1, startSequenceNumber: expect.any(String) });
  expect(readFileSync(file, 'utf8')).not.toContain('dlq@example.com');
  const inbox = async () =>
    ((await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] }).emails.filter((e) =>
      e.destination.to.includes('dlq@example.com'),
    );
  expect(await inbox()).toHaveLength(0);
  // The outbox still owes it: the sweeper sends it once the table is back.
  await stack.workers.tick();
  expect(await inbox()).toHaveLength(1);
});
