/**
 * Webhooks end to end on the local stack (DynamoDB Local, its stream, the workers) with real HTTP
 * receivers on 127.0.0.1, verified by the standardwebhooks library as any receiver would.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';

let stack: TestStack;
let admin: string;
let staff: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.stop();
});

async function receiver(answer?: Receiver['answer']) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

async function eventWith(overrides: Record<string, unknown> = {}) {
  return (await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) })).json as { id: string };
}

async function hook(url: string, types: string[] = ['*'], eventId?: string) {
  const r = await stack.call('POST', '/webhooks', { token: admin, body: { url, types, ...(eventId ? { eventId } : {}) } });
  expect(r.status).toBe(201);
  return r.json as { id: string; secret: string; enabled: boolean };
}

const bodies = (r: Receiver) => r.received.map((x) => JSON.parse(x.body) as { type: string; timestamp: string; data: any });
const verify = (secret: string, x: Receiver['received'][number]) => new Webhook(secret).verify(x.body, x.headers as Record<string, string>);

async function deliveries(webhookId: string) {
  const r = await stack.call('GET', `/webhooks/${webhookId}/deliveries`, { token: admin });
  expect(r.status).toBe(200);
  return r.json.items as { messageId: string; type: string; status: string; attempts: number; lastStatusCode: number | null }[];
}

/** Makes an endpoint's retrying messages due now (their backoff has passed), as time would. */
async function backoffPassed(webhookId: string) {
  const { documents } = await import('#adapters/clients');
  const past = '2000-01-01T00:00:00.000Z';
  await documents.send(
    new UpdateCommand({
      TableName: stack.tables.data,
      Key: { pk: 'WEBHOOKS', sk: `WEBHOOK#${webhookId}` },
      UpdateExpression: 'REMOVE pausedUntil',
    }),
  );
  const items = await documents.send(
    new QueryCommand({
      TableName: stack.tables.data,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `WEBHOOK#${webhookId}#DELIVERIES` },
    }),
  );
  for (const item of items.Items ?? []) {
    if (item.status !== 'retrying') continue;
    await documents.send(
      new UpdateCommand({
        TableName: stack.tables.data,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET nextAttemptAt = :t, gsi1sk = :s',
        ExpressionAttributeValues: { ':t': past, ':s': `${past}#${item.messageId}` },
      }),
    );
  }
  return items.Items ?? [];
}

describe('managing endpoints', () => {
  it('the secret is shown once; the list has no secrets; PATCH, rotate and DELETE work as API.md says', async () => {
    const rx = await receiver();
    const created = await hook(rx.url, ['registration.created']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = await stack.call('GET', '/webhooks', { token: admin });
    expect(list.status).toBe(200);
    const listed = list.json.items.find((w: { id: string }) => w.id === created.id);
    expect(listed).toMatchObject({ url: rx.url, types: ['registration.created'], eventId: null, enabled: true });
    expect(list.text).not.toContain(created.secret.slice(6));
    // Stored sealed: the table never holds the secret as given.
    const { documents } = await import('#adapters/clients');
    const item = (
      await documents.send(new GetCommand({ TableName: stack.tables.data, Key: { pk: 'WEBHOOKS', sk: `WEBHOOK#${created.id}` } }))
    ).Item;
    expect(JSON.stringify(item)).not.toContain(created.secret.slice(6, 30));

    const patched = await stack.call('PATCH', `/webhooks/${created.id}`, { token: admin, body: { types: ['*'], enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ types: ['*'], enabled: false });
    expect((await stack.call('PATCH', `/webhooks/${created.id}`, { token: admin, body: {} })).status).toBe(422);
    expect((await stack.call('PATCH', `/webhooks/${created.id}`, { token: admin, body: { colour: 'red' } })).status).toBe(422);

    const rotated = await stack.call('POST', `/webhooks/${created.id}/secret`, { token: admin });
    expect(rotated.status).toBe(201);
    expect(rotated.json.secret).not.toBe(created.secret);

    expect((await stack.call('DELETE', `/webhooks/${created.id}`, { token: admin })).status).toBe(204);
    expect((await stack.call('DELETE', `/webhooks/${created.id}`, { token: admin })).status).toBe(404);
    expect((await stack.call('PATCH', `/webhooks/${created.id}`, { token: admin, body: { enabled: true } })).status).toBe(404);
    expect((await stack.call('GET', `/webhooks/wh_nope/deliveries`, { token: admin })).status).toBe(404);
  });

  it.each([
    ['http://example.com/hook', 'not https'],
    ['https://example.com:8443/hook', 'not port 443'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://localhost/hook', 'loopback by name'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://100.64.0.1/hook', 'carrier-grade NAT'],
    ['https://169.254.169.254/latest/meta-data', 'metadata'],
    ['https://[::1]/hook', 'IPv6 loopback'],
    ['https://[::ffff:127.0.0.1]/hook', 'IPv4-mapped IPv6'],
    ['https://[fd00:ec2::254]/hook', 'IPv6 metadata'],
    ['https://[fe80::1]/hook', 'IPv6 link-local'],
    ['http://127.0.0.1/hook', 'local http without a port'],
    ['http://localhost:9999/hook', 'local http by name'],
    ['https://user:pw@example.com/hook', 'credentials'],
    ['not a url', 'not a URL'],
  ])('%s → 422 invalid_webhook_url (%s), nothing stored', async (url) => {
    const before = (await stack.call('GET', '/webhooks', { token: admin })).json.items.length;
    const r = await stack.call('POST', '/webhooks', { token: admin, body: { url, types: ['*'] } });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('invalid_webhook_url');
    expect((await stack.call('GET', '/webhooks', { token: admin })).json.items.length).toBe(before);
  });

  it('bad bodies: unknown type, unknown field, unknown event', async () => {
    const rx = await receiver();
    const bad = await stack.call('POST', '/webhooks', { token: admin, body: { url: rx.url, types: ['registration.exploded'] } });
    expect(bad.status).toBe(422);
    expect(bad.json.code).toBe('validation_failed');
    expect((await stack.call('POST', '/webhooks', { token: admin, body: { url: rx.url, types: ['*'], x: 1 } })).status).toBe(422);
    const unknown = await stack.call('POST', '/webhooks', { token: admin, body: { url: rx.url, types: ['*'], eventId: 'AAAAAAAAAAAA' } });
    expect(unknown.status).toBe(404);
    // Every type of API.md can be subscribed to now, even those later changes emit.
    const future = await stack.call('POST', '/webhooks', {
      token: admin,
      body: { url: rx.url, types: ['registration.approved', 'checkout.created', 'meeting.no_show'] },
    });
    expect(future.status).toBe(201);
    await stack.call('DELETE', `/webhooks/${future.json.id}`, { token: admin });
  });
});

describe('delivery', () => {
  it('a registration owes created then confirmed, signed so standardwebhooks verifies; eventId and types filter', async () => {
    // Personal data kept one day after the event: the messages too (checked at the end).
    const event = await eventWith({ retentionDays: 1 });
    const other = await eventWith();
    const all = await receiver();
    const onlyConfirmed = await receiver();
    const onlyOther = await receiver();
    const a = await hook(all.url, ['*'], event.id);
    const c = await hook(onlyConfirmed.url, ['registration.confirmed'], event.id);
    await hook(onlyOther.url, ['*'], other.id);

    const reg = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1, { email: 'wh1@example.com' }) });
    expect(reg.status).toBe(201);
    await stack.workers.drain();
    await all.waitFor(2);
    await onlyConfirmed.waitFor(1);

    expect(
      bodies(all)
        .map((b) => b.type)
        .sort(),
    ).toEqual(['registration.confirmed', 'registration.created']);
    expect(bodies(onlyConfirmed).map((b) => b.type)).toEqual(['registration.confirmed']);
    expect(onlyOther.received).toHaveLength(0);
    for (const x of all.received) expect(verify(a.secret, x)).toBeTruthy();
    expect(verify(c.secret, onlyConfirmed.received[0]!)).toBeTruthy();
    // The wrong secret does not verify.
    expect(() => verify(c.secret, all.received[0]!)).toThrow();
    const [created] = bodies(all).filter((b) => b.type === 'registration.created');
    expect(created!.data).toMatchObject({ id: reg.json.id, eventId: event.id, status: 'confirmed', email: 'wh1@example.com', version: 1 });
    expect(created!.data.manageToken).toBeUndefined();
    expect(JSON.stringify(created)).not.toContain(reg.json.manageToken);
    expect(JSON.stringify(created)).not.toContain(reg.json.badge.token);
    expect(Date.parse(created!.timestamp)).not.toBeNaN();
    const ids = all.received.map((x) => x.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2);
    expect((await deliveries(a.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);

    // A change raises the version; a cancel owes .cancelled; a check-in owes checkin.created.
    const patched = await stack.call('PATCH', `/events/${event.id}/registrations/${reg.json.id}`, {
      headers: { 'x-manage-token': reg.json.manageToken },
      body: { jobTitle: 'CTO' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.version).toBe(2);
    const scan = await stack.call('POST', `/events/${event.id}/checkins`, { token: staff, body: { badge: reg.json.badge.token } });
    expect(scan.status).toBe(201);
    const again = await stack.call('POST', `/events/${event.id}/checkins`, { token: staff, body: { badge: reg.json.badge.token } });
    expect(again.status).toBe(200);
    await stack.workers.drain();
    await all.waitFor(4);
    const later = bodies(all).slice(2);
    expect(later.map((b) => b.type).sort()).toEqual(['checkin.created', 'registration.updated']);
    expect(later.find((b) => b.type === 'registration.updated')!.data).toMatchObject({ jobTitle: 'CTO', version: 2 });
    expect(later.find((b) => b.type === 'checkin.created')!.data).toMatchObject({
      result: 'checked_in',
      registration: { id: reg.json.id },
      checkedInAt: scan.json.checkedInAt,
    });
    const got = (await stack.call('GET', `/events/${event.id}/registrations/${reg.json.id}`, { token: admin })).json;
    expect(got.version).toBe(3);
    // The messages hold personal data: kept no longer than the registration itself (TTL).
    const { documents } = await import('#adapters/clients');
    const stored = await documents.send(
      new GetCommand({ TableName: stack.tables.data, Key: { pk: `EVENT#${event.id}#REG#${reg.json.id}`, sk: 'REG' } }),
    );
    const kept = await documents.send(
      new QueryCommand({
        TableName: stack.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `WEBHOOK#${a.id}#DELIVERIES` },
      }),
    );
    expect(kept.Items!.length).toBe(4);
    for (const d of kept.Items!) expect(d.expiresAt).toBeLessThanOrEqual(stored.Item!.expiresAt);
  });

  it('a cancel that promotes owes .cancelled and .promoted; a refused registration owes nothing', async () => {
    const event = await eventWith({ capacity: 1, registration: { ...openEvent().registration, waitlist: true } });
    const rx = await receiver();
    await hook(rx.url, ['*'], event.id);
    const first = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2, { email: 'wh2@example.com' }) });
    const second = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(3, { email: 'wh3@example.com' }) });
    expect(second.json.status).toBe('waitlisted');
    // Refused: already registered (409) and a bad body (422) owe no message.
    expect(
      (await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2, { email: 'wh2@example.com' }) })).status,
    ).toBe(409);
    expect((await stack.call('POST', `/events/${event.id}/registrations`, { body: { email: 'x' } })).status).toBe(422);
    const cancel = await stack.call('DELETE', `/events/${event.id}/registrations/${first.json.id}`, {
      headers: { 'x-manage-token': first.json.manageToken },
    });
    expect(cancel.status).toBe(200);
    await stack.workers.drain();
    await rx.waitFor(6);
    await new Promise((r) => setTimeout(r, 300));
    const seen = bodies(rx).map((b) => `${b.type}:${b.data.id}`);
    expect(seen.sort()).toEqual(
      [
        `registration.created:${first.json.id}`,
        `registration.confirmed:${first.json.id}`,
        `registration.created:${second.json.id}`,
        `registration.waitlisted:${second.json.id}`,
        `registration.cancelled:${first.json.id}`,
        `registration.promoted:${second.json.id}`,
      ].sort(),
    );
    const promoted = bodies(rx).find((b) => b.type === 'registration.promoted')!;
    expect(promoted.data).toMatchObject({ status: 'confirmed', version: 2 });
  });

  it('a failing endpoint is retried with the same webhook-id, signed afresh, until a 2xx', async () => {
    const event = await eventWith();
    const rx = await receiver({ status: 500 });
    const h = await hook(rx.url, ['registration.created'], event.id);
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(4, { email: 'wh4@example.com' }) });
    await stack.workers.drain();
    await rx.waitFor(1);
    let [d] = await deliveries(h.id);
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, lastStatusCode: 500 });

    rx.answer = { status: 202 };
    await new Promise((r) => setTimeout(r, 1100));
    await backoffPassed(h.id);
    await stack.workers.tick();
    await rx.waitFor(2);
    const [first, second] = rx.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.headers['webhook-timestamp']).not.toBe(first!.headers['webhook-timestamp']);
    expect(verify(h.secret, second!)).toBeTruthy();
    [d] = await deliveries(h.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 202 });
  });

  it('after 24 hours of failures a message is failed; redrive puts it back and it is delivered', async () => {
    const event = await eventWith();
    const rx = await receiver({ status: 503 });
    const h = await hook(rx.url, ['registration.created'], event.id);
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(5, { email: 'wh5@example.com' }) });
    await stack.workers.drain();
    await rx.waitFor(1);
    // A day of retries has passed.
    const { documents } = await import('#adapters/clients');
    for (const item of await backoffPassed(h.id)) {
      await documents.send(
        new UpdateCommand({
          TableName: stack.tables.data,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET retryFrom = :t',
          ExpressionAttributeValues: { ':t': new Date(Date.now() - 25 * 3600_000).toISOString() },
        }),
      );
    }
    await stack.workers.tick();
    await rx.waitFor(2);
    expect((await deliveries(h.id))[0]).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: 503 });

    rx.answer = { status: 200 };
    const redrive = await stack.call('POST', '/outbox/redrive', { token: admin });
    expect(redrive.status).toBe(200);
    expect(redrive.json.webhooks).toBeGreaterThanOrEqual(1);
    await backoffPassed(h.id);
    await stack.workers.tick();
    await rx.waitFor(3);
    expect((await deliveries(h.id))[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
  });

  it('an owed change whose stream record never came through is fanned out by the sweeper', async () => {
    const event = await eventWith();
    const rx = await receiver();
    const h = await hook(rx.url, ['registration.created'], event.id);
    const { documents } = await import('#adapters/clients');
    const { owedChangeItems } = await import('#adapters/webhook-store');
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    const [put] = owedChangeItems(event.id, [{ type: 'registration.created', data: { id: 'lost', eventId: event.id } }], twoMinutesAgo);
    // As if the stream had lost it: an item the consumer does not take (it takes type owed-change only).
    await documents.send(new PutCommand({ TableName: stack.tables.data, Item: { ...put!.Put!.Item, type: 'owed-change-unstreamed' } }));
    await stack.workers.drain();
    expect(rx.received).toHaveLength(0);
    await stack.workers.tick();
    const [x] = await rx.waitFor(1);
    expect(JSON.parse(x!.body)).toMatchObject({ type: 'registration.created', data: { id: 'lost' } });
    expect(verify(h.secret, x!)).toBeTruthy();
    // Fanned out once: it leaves the table, and a second sweep sends nothing more.
    await stack.workers.tick();
    expect(rx.received).toHaveLength(1);
  });

  it('a 410 disables the endpoint; PATCH enabled: true turns it back on', async () => {
    const event = await eventWith();
    const rx = await receiver({ status: 410 });
    const h = await hook(rx.url, ['registration.created'], event.id);
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(6, { email: 'wh6@example.com' }) });
    await stack.workers.drain();
    await rx.waitFor(1);
    const listed = (await stack.call('GET', '/webhooks', { token: admin })).json.items.find((w: { id: string }) => w.id === h.id);
    expect(listed).toMatchObject({ enabled: false, disabledReason: 'gone' });
    // Disabled: nothing more is sent.
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(7, { email: 'wh7@example.com' }) });
    await stack.workers.drain();
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received).toHaveLength(1);

    rx.answer = { status: 200 };
    const on = await stack.call('PATCH', `/webhooks/${h.id}`, { token: admin, body: { enabled: true } });
    expect(on.json).toMatchObject({ enabled: true, disabledReason: null });
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(8, { email: 'wh8@example.com' }) });
    await stack.workers.drain();
    await rx.waitFor(2);
    expect(JSON.parse(rx.received[1]!.body).data.email).toBe('wh8@example.com');
  });

  it('a rotated secret: both old and new secrets sign for the overlap', async () => {
    const event = await eventWith();
    const rx = await receiver();
    const h = await hook(rx.url, ['registration.created'], event.id);
    const rotated = (await stack.call('POST', `/webhooks/${h.id}/secret`, { token: admin })).json as { secret: string };
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(9, { email: 'wh9@example.com' }) });
    await stack.workers.drain();
    const [x] = await rx.waitFor(1);
    expect(String(x!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(h.secret, x!)).toBeTruthy();
    expect(verify(rotated.secret, x!)).toBeTruthy();
  });

  it('an endpoint that hangs 15 s never slows another endpoint or any email', async () => {
    const event = await eventWith();
    const hanging = await receiver({ status: 200, hang: true });
    const healthy = await receiver();
    await hook(hanging.url, ['registration.created'], event.id);
    await hook(healthy.url, ['registration.created'], event.id);
    const started = Date.now();
    const n = 5;
    for (let i = 0; i < n; i++) {
      await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(20 + i, { email: `hang${i}@example.com` }) });
      await new Promise((r) => setTimeout(r, 200));
    }
    const got = await healthy.waitFor(n, 4000);
    const latencies = got.map((x) => x.at - started);
    // Each arrives well inside one attempt's 5 s limit of the hanging endpoint.
    expect(Math.max(...latencies)).toBeLessThan(n * 200 + 2500);
    const lastAnswered = Date.now();
    // Every email too, each sent by the mailer on its own (it never waits on an endpoint).
    const hangMails = async () => {
      const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
      return store.emails.filter((e) => e.destination.to.some((t) => t.startsWith('hang'))).length;
    };
    while ((await hangMails()) < n && Date.now() - lastAnswered < 4500) await new Promise((r) => setTimeout(r, 100));
    expect(await hangMails()).toBe(n);
  }, 30_000);
});
