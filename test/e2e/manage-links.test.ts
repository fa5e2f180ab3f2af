/**
 * Manage links (API.md Registration): `POST …/registrations/{id}/manage-token` (participant or
 * admin) → 202, the old token stops at once and the new link arrives by email; resend never
 * rotates, so a stranger who knows the email cannot kill a link; and resend does the same work
 * whether or not the email is registered, so its timing tells nobody who is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '#adapters/clients';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let eventId: string;

type Reg = { id: string; manageToken: string };
type Email = { subject: string; destination: { to: string[] }; body: { text: string } };

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  eventId = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json.id;
});
afterAll(() => stack?.stop());

async function register(i: number, email: string): Promise<Reg> {
  const r = await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(i, { email }) });
  expect(r.status, r.text).toBe(201);
  return r.json as Reg;
}
const read = (reg: Reg, token: string) =>
  stack.call('GET', `/events/${eventId}/registrations/${reg.id}`, { headers: { 'x-manage-token': token } });
const rotate = (reg: Reg, headers: Record<string, string>) =>
  stack.call('POST', `/events/${eventId}/registrations/${reg.id}/manage-token`, { headers });

/** The manage-link emails sent to this address, newest last, with the token their link carries. */
async function linksSentTo(address: string): Promise<string[]> {
  await stack.workers.drain();
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: Email[] };
  return store.emails
    .filter((e) => e.destination.to.includes(address) && /Your registration link|등록 관리 링크/.test(e.subject))
    .map((e) => decodeURIComponent(/#token=([^&\s]+)/.exec(e.body.text)![1]!));
}

describe('replacing the manage link', () => {
  it('the participant replaces it: 202, the old token is refused at once, the emailed one works', async () => {
    // Prepare
    const reg = await register(1, 'rotate-self@example.com');
    // Act
    const rotated = await rotate(reg, { 'x-manage-token': reg.manageToken });
    const oldAfter = await read(reg, reg.manageToken);
    const [emailed] = await linksSentTo('rotate-self@example.com');
    // Assess
    expect([rotated.status, rotated.json]).toEqual([202, { status: 'accepted' }]);
    expect([oldAfter.status, oldAfter.json.code]).toEqual([401, 'unauthorized']);
    expect(emailed).toBeDefined();
    expect(emailed).not.toBe(reg.manageToken);
    expect((await read(reg, emailed!)).status).toBe(200);
    // The old token cannot rotate again (it would otherwise keep a leaked link alive).
    expect((await rotate(reg, { 'x-manage-token': reg.manageToken })).status).toBe(401);
    expect(
      (await stack.call('DELETE', `/events/${eventId}/registrations/${reg.id}`, { headers: { 'x-manage-token': reg.manageToken } })).status,
    ).toBe(401);
  });

  it('an admin replaces it; another participant may not (403); an unknown registration is 404', async () => {
    const reg = await register(2, 'rotate-admin@example.com');
    const other = await register(3, 'rotate-other@example.com');
    expect((await rotate(reg, { 'x-manage-token': other.manageToken })).status).toBe(403);
    expect((await read(reg, reg.manageToken)).status).toBe(200);
    expect((await rotate(reg, { authorization: `Bearer ${admin}` })).status).toBe(202);
    expect((await read(reg, reg.manageToken)).status).toBe(401);
    const unknown = await stack.call('POST', `/events/${eventId}/registrations/${'A'.repeat(22)}/manage-token`, { token: admin });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'not_found']);
    const [emailed] = await linksSentTo('rotate-admin@example.com');
    expect((await read(reg, emailed!)).status).toBe(200);
  });

  it('resend never rotates: the link already held keeps working, and the resent link is the same one', async () => {
    const reg = await register(4, 'resend-keeps@example.com');
    const resent = await stack.call('POST', `/events/${eventId}/registrations/resend`, { body: { email: 'resend-keeps@example.com' } });
    expect(resent.status).toBe(202);
    expect(await linksSentTo('resend-keeps@example.com')).toEqual([reg.manageToken]);
    expect((await read(reg, reg.manageToken)).status).toBe(200);
  });
});

describe('resend tells nobody who registered', () => {
  // The handler runs in this process: its DynamoDB calls are recorded by a middleware, only
  // inside `measured` (the stream workers' own calls run in other async contexts).
  const measured = new AsyncLocalStorage<string[]>();
  beforeAll(() => {
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TransactItems?: Record<string, unknown>[] };
        measured
          .getStore()
          ?.push(`${context.commandName}${input.TransactItems ? `(${input.TransactItems.map((i) => Object.keys(i)[0]).join(',')})` : ''}`);
        return next(args);
      },
      { step: 'initialize', name: 'measure-resend' },
    );
  });
  afterAll(() => void dynamodb.middlewareStack.remove('measure-resend'));

  async function tableWork(email: string): Promise<{ status: number; body: string; calls: string[] }> {
    const { handler } = (await import('../../functions/handlers/resend-manage-link.ts')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const calls: string[] = [];
    const event = {
      rawPath: `/events/${eventId}/registrations/resend`,
      headers: { 'content-type': 'application/json' },
      pathParameters: { eventId },
      body: JSON.stringify({ email }),
      isBase64Encoded: false,
    };
    const answer = await measured.run(calls, () => handler(event, { getRemainingTimeInMillis: () => 10_000 }));
    return { status: answer.statusCode, body: answer.body, calls };
  }
  const resend = (email: string) => stack.call('POST', `/events/${eventId}/registrations/resend`, { body: { email } });

  it('a registered email, an unknown one and a rate-limited one cost the same DynamoDB calls, and all answer 202 alike', async () => {
    // Prepare
    await register(5, 'known-to-resend@example.com');
    await register(6, 'limited-resend@example.com');
    for (let i = 0; i < 3; i++) expect((await resend('limited-resend@example.com')).status).toBe(202);
    // Act
    const known = await tableWork('known-to-resend@example.com');
    const unknown = await tableWork('never-registered@example.com');
    const limited = await tableWork('limited-resend@example.com');
    // Assess
    expect(known.calls).toEqual(['GetItemCommand', 'TransactWriteItemsCommand(Update,ConditionCheck,Put)']);
    expect(unknown).toEqual(known);
    expect(limited).toEqual(known);
    expect([known.status, known.body]).toEqual([202, JSON.stringify({ status: 'accepted' })]);
    expect((await linksSentTo('known-to-resend@example.com')).length).toBe(1);
    expect((await linksSentTo('limited-resend@example.com')).length).toBe(3);
    expect(await linksSentTo('never-registered@example.com')).toEqual([]);
  });
});
