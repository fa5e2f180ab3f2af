/**
 * No device credential in logs: neither pairing codes nor device tokens, in any form, at
 * POWERTOOLS_LOG_LEVEL=DEBUG, through a pairing flow with its refusals (used code, rate limit,
 * revoked token) and forced failures whose messages carry the code and the token (a failing
 * last-seen mark, an unexpected exception while pairing).
 */
import { inspect } from 'node:util';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

// Before the stack starts: the handlers' loggers read it when they are first imported.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';

const captured: string[] = [];
const spies: MockInstance[] = [];
let stack: TestStack;

function capture(): void {
  const show = (a: unknown) =>
    typeof a === 'string'
      ? a
      : a instanceof Uint8Array
        ? Buffer.from(a).toString('utf8')
        : inspect(a, { depth: 20, breakLength: Infinity });
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(show).join(' '))));
  }
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        captured.push(show(chunk));
        (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
        return true;
      }) as never),
    );
  }
}

beforeAll(async () => {
  capture();
  stack = await startTestStack({ sweepSeconds: 3600 });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  for (const spy of spies) spy.mockRestore();
});

describe('no device credential in logs', () => {
  it('pairing codes and device tokens never reach a log line', async () => {
    const admin = await stack.token('admin');
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent() })).json;
    const reg = (await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) })).json;
    const secrets: string[] = [];
    const device = async () => {
      const d = (await stack.call('POST', `/events/${event.id}/devices`, { token: admin, body: { name: 'Door' } })).json;
      secrets.push(d.pairing.code, d.pairing.code.replaceAll('-', ''));
      return d;
    };
    const pair = async (code: string) => {
      const r = await stack.call('POST', '/devices/pair', { body: { code }, headers: { 'cloudfront-viewer-address': '203.0.113.9:1' } });
      if (r.json?.deviceToken) secrets.push(r.json.deviceToken, r.json.deviceToken.slice(4));
      return r;
    };
    // The flow, refusals included
    const a = await device();
    const token = (await pair(a.pairing.code)).json.deviceToken as string;
    expect((await pair(a.pairing.code)).status).toBe(401);
    expect((await stack.call('POST', `/events/${event.id}/checkins`, { token, body: { badge: reg.badge.token } })).status).toBe(201);
    expect(
      (
        await stack.call('POST', `/events/${event.id}/checkins/batch`, {
          token,
          body: { scans: [{ badge: reg.badge.token, verdict: 'admitted' }, { badge: 'forged' }] },
        })
      ).status,
    ).toBe(200);

    // Forced: the last-seen mark fails, and pairing meets an exception whose message names the code and the token
    const { documents } = await import('#adapters/clients');
    const send = documents.send.bind(documents);
    const b = await device();
    const spy = vi.spyOn(documents, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
      if (command instanceof TransactWriteCommand) {
        return Promise.reject(
          Object.assign(new Error(`Cannot write ${JSON.stringify(command.input)} for ${b.pairing.code} ${token}`), {
            name: 'UnexpectedFailure',
          }),
        );
      }
      return (send as (...x: unknown[]) => unknown)(command, ...rest);
    }) as never);
    const { deviceStore } = await import('#adapters/device-store');
    const markSeen = vi
      .spyOn(deviceStore, 'markSeen')
      .mockRejectedValue(Object.assign(new Error(`mark failed for ${token}`), { name: 'MarkFailed' }));
    try {
      const crashed = await pair(b.pairing.code);
      expect([crashed.status, crashed.json.code]).toEqual([500, 'internal_error']);
      expect((await stack.call('GET', `/events/${event.id}/roster`, { token })).status).toBe(200);
    } finally {
      spy.mockRestore();
      markSeen.mockRestore();
    }
    for (let i = 0; i < 21; i++) await pair(`WRONG-${i}`);
    expect((await stack.call('DELETE', `/events/${event.id}/devices/${a.id}`, { token: admin })).status).toBe(200);
    expect((await stack.call('GET', `/events/${event.id}/roster`, { token })).json.code).toBe('device_revoked');

    // Assess: the capture works...
    const log = captured.join('\n');
    expect(log).toContain('unhandled error');
    expect(log).toContain('device last-seen mark failed');
    // ...and holds no code or token
    const leaks = captured.flatMap((line) =>
      secrets.filter((s) => line.includes(s) || line.includes(encodeURIComponent(s))).map((s) => `${s} in: ${line.slice(0, 300)}`),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(leaks).toEqual([]);
  });
});
