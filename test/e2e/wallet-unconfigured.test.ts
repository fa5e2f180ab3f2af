/** A deployment without wallet passes: no links in answers, and 409 wallet_not_configured from both routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let eventId: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600, wallet: false });
  eventId = (await stack.call('POST', '/events', { token: await stack.token('admin'), body: openEvent() })).json.id;
});
afterAll(() => stack?.stop());

describe('wallet passes not configured', () => {
  it("a confirmed registration links to no pass, and both routes answer 409 wallet_not_configured in the caller's language", async () => {
    // Prepare
    const reg = (
      await stack.call('POST', `/events/${eventId}/registrations`, { body: participant(1, { email: 'no-wallet-offered@example.com' }) })
    ).json;
    expect(reg.status).toBe('confirmed');
    expect(reg.badge).not.toBeNull();
    // Assess
    expect(reg.wallet).toBeNull();
    // …and its confirmation email has no wallet buttons (API.md: emails leave them out).
    await stack.workers.drain();
    const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as {
      emails: { destination: { to: string[] }; body: { html: string; text: string } }[];
    };
    const mail = store.emails.find((e) => e.destination.to.some((t) => t.includes(reg.email)));
    expect(mail?.body.html).toContain('do=pdf');
    expect(`${mail?.body.html}${mail?.body.text}`).not.toMatch(/do=(apple|google)|Wallet|지갑|월렛/);
    for (const kind of ['apple', 'google']) {
      const path = `/events/${eventId}/registrations/${reg.id}/wallet/${kind}`;
      const en = await stack.call('GET', path, { headers: { 'x-manage-token': reg.manageToken } });
      expect([en.status, en.json.code, en.type], kind).toEqual([
        409,
        'wallet_not_configured',
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      const ko = await stack.call('GET', path, { headers: { 'x-manage-token': reg.manageToken, 'accept-language': 'ko' } });
      expect(ko.json.title, kind).toMatch(/[가-힣]/);
      expect(ko.json.title).not.toBe(en.json.title);
    }
  });
});
