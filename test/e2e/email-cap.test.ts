/**
 * Inbox flooding (API.md Emails): no address gets more than 6 registration emails from one event
 * in 24 hours. Registering and cancelling a stranger's address in a loop still works and answers
 * as usual, but the emails over the cap are held back as `suppressed` in the outbox, never lost:
 * redrive sends them. Manage-link emails are not counted.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  db = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
});
afterAll(async () => {
  db?.destroy();
  await stack?.stop();
});

async function inbox(to: string): Promise<{ subject: string }[]> {
  await stack.workers.drain();
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as {
    emails: { subject: string; destination: { to: string[] } }[];
  };
  return store.emails.filter((e) => e.destination.to.includes(to));
}
async function suppressed(): Promise<{ kind: string; eventId: string }[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: stack.tables.data,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'OUTBOX#SUPPRESSED' },
    }),
  );
  return (out.Items ?? []).map((i) => ({ kind: String(i.kind), eventId: String(i.eventId), status: String(i.status) }));
}

describe('emails per address', () => {
  it("a register-and-cancel loop on a stranger's address: every request answers as usual, 6 emails arrive, the rest wait as suppressed until redrive", async () => {
    // Prepare
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json as { id: string };
    const other = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json as { id: string };
    const victim = 'flooded@example.com';
    // Act: 5 cycles, 10 registration emails owed.
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reg = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(i, { email: victim }) });
      answers.push(reg.status);
      expect(reg.json.badge?.token).toEqual(expect.any(String));
      const cancelled = await stack.call('DELETE', `/events/${event.id}/registrations/${reg.json.id}`, {
        headers: { 'x-manage-token': reg.json.manageToken },
      });
      answers.push(cancelled.status);
      // Each email is delivered before the next change (the cap is on what is sent).
      await stack.workers.drain();
    }
    const held = await inbox(victim);
    const heldBack = await suppressed();
    // A manage link is not counted; another event has its own count.
    const last = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(9, { email: victim }) });
    await stack.call('POST', `/events/${event.id}/registrations/resend`, { body: { email: victim } });
    await stack.call('POST', `/events/${other.id}/registrations`, { body: participant(10, { email: victim }) });
    const afterOthers = await inbox(victim);
    const redrive = await stack.call('POST', '/outbox/redrive', { token: admin });
    const afterRedrive = await inbox(victim);
    // Assess
    expect(answers).toEqual([201, 200, 201, 200, 201, 200, 201, 200, 201, 200]);
    expect(last.status).toBe(201);
    expect(held).toHaveLength(6);
    expect(heldBack).toHaveLength(4);
    expect(heldBack.every((i) => i.eventId === event.id && ['confirmed', 'cancelled'].includes(i.kind))).toBe(true);
    // + the manage link and the other event's confirmation (the 11th confirmation is held back too).
    expect(afterOthers).toHaveLength(8);
    expect([redrive.status, redrive.json.redriven]).toEqual([200, 5]);
    expect(afterRedrive).toHaveLength(13);
    expect(await suppressed()).toEqual([]);
  }, 90_000);
});
