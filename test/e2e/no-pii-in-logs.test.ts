/**
 * No personal data in logs. Everything the handlers and workers log while a realistic flow runs
 * (the local stack runs them in this process) is captured from console.* and process.stdout /
 * stderr, at POWERTOOLS_LOG_LEVEL=DEBUG, and searched for every participant's email address,
 * name and phone number, in every form they could take in a log line (as typed, case-folded,
 * NFC and NFD, JSON-escaped, percent-encoded), and for any address at the participants' domains.
 *
 * The flow: an event with a phone field, registrations in Hangul and Latin script (one with an
 * Idempotency-Key, replayed), failing validations and broken JSON that carry PII, a duplicate,
 * searches, export, roster, badges, check-ins, a name change, resends (to the rate limit), a
 * cancellation, the emails sent; and forced error paths: SES rejecting the recipient (its
 * message names the address), an unexpected exception whose message carries the email.
 */
import { inspect } from 'node:util';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { openEvent, startTestStack, type TestStack } from '../support/stack.ts';

// Before the stack starts: the handlers' loggers read it when they are first imported.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';

const people = [
  { email: 'seulgi.hwangbo.pii@example.org', name: '황보슬기', phone: '+82 10 9876 5432', locale: 'ko' },
  { email: 'Zephyrine.Quillfeather@Example.NET', name: 'Zephyrine Quillfeather', phone: '+1 415 555 0199', locale: 'en' },
  { email: 'x.oyelaran+gatepass@example.com', name: 'Ximena Oyelaran-Pétursdóttir', phone: '+354 555 7788', locale: 'en' },
  { email: 'namgung.minsu.pii@example.kr', name: '남궁민수', phone: '+82 62 123 9988', locale: 'ko' },
  { email: 'outage.recipient.pii@example.org', name: 'Perpetua Vantongeren', phone: '+31 20 555 0101', locale: 'en' },
  { email: 'crash.victim.pii@example.org', name: 'Anselm Druckenmiller', phone: '+49 30 5550 1234', locale: 'en' },
] as const;
const renamed = 'Zephyrine Nightingale-Voss';
const notRegistered = 'ghost.walker.pii@example.org';
const badInput = { email: 'not-an-email-seulgi.hwangbo', name: '황보슬기 '.repeat(60) };

const captured: string[] = [];
const spies: MockInstance[] = [];
let stack: TestStack;
let admin: string;
let staff: string;

function capture(): void {
  const show = (a: unknown) => {
    if (typeof a === 'string') return a;
    if (a instanceof Uint8Array) return Buffer.from(a).toString('utf8');
    let json = '';
    try {
      json = JSON.stringify(a) ?? '';
    } catch {
      // circular: inspect below covers it
    }
    return `${json} ${inspect(a, { depth: 20, breakLength: Infinity })}`;
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(show).join(' '))));
  }
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        captured.push(show(chunk));
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as never),
    );
  }
}

beforeAll(async () => {
  capture();
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
  staff = await stack.token('staff');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  for (const spy of spies) spy.mockRestore();
});

/** Every form a value may take in a log line. */
function forms(value: string): string[] {
  const out = new Set<string>();
  for (const v of [value, value.normalize('NFC'), value.normalize('NFD')]) {
    out.add(v);
    out.add(v.toLowerCase());
    out.add(JSON.stringify(v).slice(1, -1));
    out.add(
      JSON.stringify(v.toLowerCase())
        .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .slice(1, -1),
    );
    out.add(encodeURIComponent(v));
    out.add(encodeURIComponent(v.toLowerCase()));
  }
  return [...out].filter((f) => f.length >= 2);
}

describe('no personal data in logs', () => {
  it('a realistic flow with its error paths logs no email address, name or phone number', async () => {
    // Prepare: an event that asks for a phone number.
    const fields = [...openEvent().fields, { id: 'mobile', type: 'phone', label: { ko: '휴대전화', en: 'Mobile' } }];
    const event = (await stack.call('POST', '/events', { token: admin, body: openEvent({ fields }) })).json as { id: string };
    const base = `/events/${event.id}`;
    const body = (p: (typeof people)[number], extra: Record<string, unknown> = {}) => ({
      email: p.email,
      name: p.name,
      organization: 'Gwangju Bio Co.',
      locale: p.locale,
      sessions: ['bio'],
      answers: { companyType: 'global', mobile: p.phone },
      consent: { privacy: true },
      ...extra,
    });
    type Reg = { id: string; manageToken: string; badge: { token: string } | null };

    // Act: registrations (one with an Idempotency-Key, replayed), in Korean and English.
    const regs: Reg[] = [];
    for (const [i, p] of people.slice(0, 4).entries()) {
      const r = await stack.call('POST', `${base}/registrations`, {
        body: body(p),
        headers: { 'idempotency-key': `form-${i}`, 'accept-language': p.locale },
      });
      expect(r.status, r.text).toBe(201);
      regs.push(r.json);
    }
    const replay = await stack.call('POST', `${base}/registrations`, { body: body(people[0]), headers: { 'idempotency-key': 'form-0' } });
    expect(replay.status).toBe(201);
    const [seulgi, zephyrine, ximena, minsu] = regs as [Reg, Reg, Reg, Reg];

    // Refusals that carry PII: validation (every field wrong), broken JSON, a duplicate, the same key with another body.
    expect(
      (
        await stack.call('POST', `${base}/registrations`, {
          body: {
            ...body(people[0]),
            ...badInput,
            consent: { privacy: false },
            answers: { mobile: 'call 황보슬기' },
            extra: people[0].email,
          },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await stack.call('POST', `${base}/registrations`, {
          raw: `{"email":"${people[1].email}","name":"${people[1].name}`,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await stack.call('POST', `${base}/registrations`, { body: body(people[1], { email: people[1].email.toUpperCase() }) })).json.code,
    ).toBe('already_registered');
    expect(
      (
        await stack.call('POST', `${base}/registrations`, {
          body: body(people[2], { name: renamed }),
          headers: { 'idempotency-key': 'form-0' },
        })
      ).status,
    ).toBe(422);
    expect(
      (await stack.call('POST', `${base}/registrations`, { body: body(people[1]), headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);

    // Admin and staff reads, searches by name and email prefix, export, roster, attendance, badges.
    for (const q of ['황보', 'Zephyrine', 'zephyrine.quill', 'x.oyelaran+', '남궁민수']) {
      expect((await stack.call('GET', `${base}/registrations?q=${encodeURIComponent(q)}`, { token: admin })).status).toBe(200);
    }
    expect((await stack.call('GET', `${base}/registrations?q=${encodeURIComponent('a'.repeat(201))}`, { token: admin })).status).toBe(422);
    expect((await stack.call('GET', `${base}/registrations/export.csv`, { token: admin })).status).toBe(200);
    expect((await stack.call('GET', `${base}/roster`, { token: staff })).status).toBe(200);
    expect((await stack.call('GET', `${base}/attendance`, { token: admin })).status).toBe(200);
    for (const format of ['svg', 'pdf']) {
      expect(
        (
          await stack.call('GET', `${base}/registrations/${seulgi.id}/badge?format=${format}`, {
            headers: { 'x-manage-token': seulgi.manageToken },
          })
        ).status,
      ).toBe(200);
    }
    expect(
      (await stack.call('GET', `${base}/registrations/${zephyrine.id}`, { headers: { 'x-manage-token': seulgi.manageToken } })).status,
    ).toBe(403);

    // Check-ins: online, a repeat, a batch with garbage.
    expect(
      (await stack.call('POST', `${base}/checkins`, { token: staff, body: { badge: seulgi.badge!.token, deviceId: 'door-1' } })).status,
    ).toBe(201);
    expect((await stack.call('POST', `${base}/checkins`, { token: staff, body: { badge: seulgi.badge!.token } })).status).toBe(200);
    const batch = await stack.call('POST', `${base}/checkins/batch`, {
      token: staff,
      body: {
        scans: [
          { badge: zephyrine.badge!.token },
          { badge: 'garbage' },
          { registrationId: ximena.id, sessionId: 'energy' },
          { name: people[2].name },
        ],
      },
    });
    expect(batch.status).toBe(200);

    // Self-service: a name change, resends (the registered address to its rate limit, and one not registered), a cancellation.
    expect(
      (
        await stack.call('PATCH', `${base}/registrations/${zephyrine.id}`, {
          headers: { 'x-manage-token': zephyrine.manageToken },
          body: { name: renamed },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await stack.call('PATCH', `${base}/registrations/${zephyrine.id}`, {
          headers: { 'x-manage-token': zephyrine.manageToken },
          body: { email: people[3].email },
        })
      ).status,
    ).toBe(422);
    for (let i = 0; i < 5; i++)
      expect((await stack.call('POST', `${base}/registrations/resend`, { body: { email: people[2].email } })).status).toBe(202);
    expect((await stack.call('POST', `${base}/registrations/resend`, { body: { email: notRegistered } })).status).toBe(202);
    expect(
      (await stack.call('DELETE', `${base}/registrations/${minsu.id}`, { headers: { 'x-manage-token': minsu.manageToken } })).status,
    ).toBe(200);
    await stack.workers.drain();

    // Forced: SES rejects the recipient, naming the address, as SES's sandbox does.
    const { ses } = await import('#adapters/ses');
    const sesMock = mockClient(ses);
    const outage = people[4];
    sesMock
      .on(SendRawEmailCommand)
      .rejects(
        Object.assign(
          new Error(
            `Email address is not verified. The following identities failed the check in region AP-NORTHEAST-2: ${outage.email}, ${outage.name} <${outage.email}>`,
          ),
          { name: 'MessageRejected' },
        ),
      );
    try {
      expect((await stack.call('POST', `${base}/registrations`, { body: body(outage) })).status).toBe(201);
      await stack.workers.drain();
      await stack.workers.tick();
      expect(sesMock.commandCalls(SendRawEmailCommand).length).toBeGreaterThan(0);
    } finally {
      sesMock.restore();
    }

    // Forced: an unexpected exception whose message carries the request's data.
    const { documents } = await import('#adapters/clients');
    const send = documents.send.bind(documents);
    const crash = people[5];
    let thrown = false;
    const spy = vi.spyOn(documents, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
      if (!thrown && command instanceof TransactWriteCommand) {
        thrown = true;
        return Promise.reject(
          Object.assign(
            new Error(`Cannot write item {"email":"${crash.email}","name":"${crash.name}","answers":{"mobile":"${crash.phone}"}}`),
            { name: 'UnexpectedFailure' },
          ),
        );
      }
      return (send as (...a: unknown[]) => unknown)(command, ...rest);
    }) as never);
    try {
      const r = await stack.call('POST', `${base}/registrations`, { body: body(crash) });
      expect([r.status, r.json.code]).toEqual([500, 'internal_error']);
      expect(thrown).toBe(true);
    } finally {
      spy.mockRestore();
    }
    await stack.workers.drain();

    // Assess: the capture works (the handlers' info lines and the forced error are there)...
    const log = captured.join('\n');
    expect(log).toContain('unhandled error');
    expect(log).toContain('listed registrations');
    expect(log).toContain('UnexpectedFailure');
    // ...and holds no participant's email, name or phone number, in any form.
    const secrets = [
      ...people.flatMap((p) => [
        p.email,
        p.name,
        p.phone,
        p.phone.replace(/\D/g, ''),
        ...p.name.split(/[\s-]+/).filter((part) => part.length >= 4),
      ]),
      renamed,
      'Nightingale',
      notRegistered,
      '황보',
      '남궁',
    ];
    const leaks: string[] = [];
    for (const line of captured) {
      for (const secret of secrets)
        for (const form of forms(secret)) if (line.includes(form)) leaks.push(`${JSON.stringify(form)} in: ${line.slice(0, 400)}`);
      // Any address at the participants' domains, whatever it is.
      for (const m of line.matchAll(/[\w.+%-]+(?:@|%40)example\.(?:org|net|com|kr)/gi)) leaks.push(`${m[0]} in: ${line.slice(0, 400)}`);
    }
    expect([...new Set(leaks)]).toEqual([]);
  });
});
