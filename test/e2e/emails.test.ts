/**
 * Outbox → stream → mailer → SES emulator, on the local stack: one email per change, the badge
 * QR inline (decoding to exactly badge.token), an .ics; replays send nothing twice; an SES
 * outage loses nothing (the sweeper delivers later; redrive brings back failed items).
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvent, participant, startTestStack, type TestStack } from '../support/stack.ts';

interface StoredEmail {
  messageId: string;
  subject: string;
  destination: { to: string[] };
  body: { html: string; text: string };
  attachments: { content: string; contentType: string; filename?: string; contentId?: string }[];
}

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack({ sweepSeconds: 3600 });
  admin = await stack.token('admin');
});
afterAll(() => stack?.stop());

async function inbox(to: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(`${stack.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(to)));
}

async function eventWith(overrides: Record<string, unknown> = {}) {
  return (await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) })).json as { id: string };
}

function decodeQr(base64Png: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(base64Png, 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe('confirmation emails', () => {
  it('a confirmed registration gets one email in its locale with the QR badge inline and an .ics', async () => {
    // Prepare
    const event = await eventWith();
    // Act
    const r = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(1, { email: 'mail-ko@example.com', sessions: ['bio'] }),
    });
    await stack.workers.drain();
    // Assess
    const mails = await inbox('mail-ko@example.com');
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe('[테스트 포럼] 등록이 확정되었습니다');
    expect(mail!.body.text).toContain('김민지1 님');
    expect(mail!.body.text).toContain(`#token=${encodeURIComponent(r.json.manageToken)}`);
    const qr = mail!.attachments.find((a) => a.contentType === 'image/png');
    expect(qr?.contentId).toContain('badge-qr@gatepass');
    expect(decodeQr(qr!.content)).toBe(r.json.badge.token);
    const ics = mail!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    const calendar = Buffer.from(ics!.content, 'base64').toString('utf8');
    expect(calendar).toContain('BEGIN:VCALENDAR');
    expect(calendar.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it('links to the site’s own manage page (SITE_URL: the local gateway), the token in the fragment; downloads open it with do=pdf|ics', async () => {
    // Prepare
    const event = await eventWith();
    // Act
    const r = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(3, { email: 'mail-links@example.com', sessions: ['bio'] }),
    });
    await stack.workers.drain();
    // Assess
    const [mail] = await inbox('mail-links@example.com');
    const manage = `${stack.url}/manage#token=${encodeURIComponent(r.json.manageToken)}&event=${encodeURIComponent(event.id)}&registration=${encodeURIComponent(r.json.id)}`;
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const hrefs = [...mail!.body.html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    // The local stack offers both wallet passes (its throwaway keys): their buttons open the manage page too.
    const downloads = ['pdf', 'ics', 'apple', 'google'].map((d) => `${manage}&do=${d}`);
    expect(hrefs).toEqual([manage, ...downloads, manage]);
    expect(mail!.body.text.match(/http:\/\/\S+/g)).toEqual([manage, ...downloads]);
    expect(mail!.body.html).toContain('Apple 지갑에 추가');
    expect(mail!.body.text).toContain('Google 월렛에 저장');
    // No credential where a server would log it: nothing in a query string.
    for (const href of hrefs) expect(new URL(href).search).toBe('');
    // The layout's key parts: the header band with the event, the QR by CID with its alt text.
    expect(mail!.body.html).toMatch(/<td data-part="header" style="background:#1B2A4A[^"]*">[\s\S]*<h1[^>]*>테스트 포럼<\/h1>/);
    // (the SES emulator stores the inline image's cid: reference as a data: URI)
    expect(mail!.body.html).toMatch(
      /<img src="(?:cid:badge-qr@gatepass|data:image\/png;base64,[^"]+)" alt="QR 배지: 김민지3 \(행사장 입구에서 보여 주세요\)"/,
    );
  });

  it('a waitlisted registration gets a waitlist email in English, with no badge', async () => {
    const event = await eventWith({ capacity: 1 });
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2, { email: 'first@example.com' }) });
    const r = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(4, { email: 'waiting@example.com', locale: 'en' }),
    });
    await stack.workers.drain();
    expect(r.json.status).toBe('waitlisted');
    const mails = await inbox('waiting@example.com');
    expect(mails.map((m) => m.subject)).toEqual(['[Test Forum] You are on the waitlist']);
    expect(mails[0]!.attachments).toEqual([]);
  });

  it('escapes names in HTML', async () => {
    const event = await eventWith();
    await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(5, { email: 'markup@example.com', name: '<img src=x onerror=alert(1)>' }),
    });
    await stack.workers.drain();
    const [mail] = await inbox('markup@example.com');
    expect(mail!.body.html).not.toContain('<img src=x');
    expect(mail!.body.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // In the QR's alt text too, and the only image is the QR.
    expect(mail!.body.html).toContain('alt="QR 배지: &lt;img src=x onerror=alert(1)&gt; (행사장 입구에서 보여 주세요)"');
    expect(mail!.body.html.match(/<img /g)).toHaveLength(1);
    expect(mail!.body.text).toContain('<img src=x onerror=alert(1)> 님');
  });

  it('a replayed stream batch sends nothing twice', async () => {
    const event = await eventWith();
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(6, { email: 'replay@example.com' }) });
    await stack.workers.drain();
    const { handler } = await import('../../functions/handlers/mailer.ts');
    const { documents } = await import('#adapters/clients');
    const sent = await outboxIdsForRegistration(documents, 'replay@example.com');
    expect(sent).toHaveLength(1);
    // Replay the INSERT record the stream delivered.
    await handler({
      Records: sent.map((id) => ({
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: '1',
          Keys: { pk: { S: `OUTBOX#${id}` } },
          NewImage: { type: { S: 'outbox' }, status: { S: 'pending' }, id: { S: id } },
        },
      })),
    });
    expect(await inbox('replay@example.com')).toHaveLength(1);
  });
});

describe('an SES outage loses nothing', () => {
  it('a failed send stays pending with its attempt count; the sweeper delivers once SES is back', async () => {
    const { ses } = await import('#adapters/ses');
    const sesMock = mockClient(ses);
    sesMock.on(SendRawEmailCommand).rejects(Object.assign(new Error('SES is down'), { name: 'ServiceUnavailable' }));
    const event = await eventWith();
    try {
      const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(7, { email: 'outage@example.com' }) });
      expect(r.status).toBe(201);
      await stack.workers.drain();
      expect(sesMock.commandCalls(SendRawEmailCommand).length).toBeGreaterThan(0);
    } finally {
      sesMock.restore();
    }
    const { documents } = await import('#adapters/clients');
    const [id] = await outboxIdsForRegistration(documents, 'outage@example.com');
    let item = (await documents.send(new GetCommand({ TableName: stack.tables.data, Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' } }))).Item!;
    expect(item).toMatchObject({ status: 'pending', attempts: 1, lastError: 'ServiceUnavailable' });
    expect(await inbox('outage@example.com')).toHaveLength(0);

    // Its backoff has passed; SES is back: the sweeper delivers it.
    await documents.send(
      new UpdateCommand({
        TableName: stack.tables.data,
        Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' },
        UpdateExpression: 'SET nextAttemptAt = :t, gsi1sk = :s',
        ExpressionAttributeValues: { ':t': '2000-01-01T00:00:00.000Z', ':s': `2000-01-01T00:00:00.000Z#${id}` },
      }),
    );
    await stack.workers.tick();
    item = (await documents.send(new GetCommand({ TableName: stack.tables.data, Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' } }))).Item!;
    expect(item.status).toBe('sent');
    expect(item.gsi1pk).toBeUndefined();
    expect(await inbox('outage@example.com')).toHaveLength(1);
  });

  it('an item failed after its last attempt comes back through redrive', async () => {
    const { ses } = await import('#adapters/ses');
    const sesMock = mockClient(ses);
    sesMock.on(SendRawEmailCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    const { documents } = await import('#adapters/clients');
    const { MAX_ATTEMPTS } = await import('#domain/outbox');
    const event = await eventWith();
    let id: string;
    try {
      await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(8, { email: 'redrive@example.com' }) });
      await stack.workers.drain();
      [id] = (await outboxIdsForRegistration(documents, 'redrive@example.com')) as [string];
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        await documents.send(
          new UpdateCommand({
            TableName: stack.tables.data,
            Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' },
            UpdateExpression: 'SET nextAttemptAt = :t, gsi1sk = :s',
            ExpressionAttributeValues: { ':t': '2000-01-01T00:00:00.000Z', ':s': `2000-01-01T00:00:00.000Z#${id}` },
          }),
        );
        await stack.workers.tick();
      }
    } finally {
      sesMock.restore();
    }
    const failed = (await documents.send(new GetCommand({ TableName: stack.tables.data, Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' } })))
      .Item!;
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, gsi1pk: 'OUTBOX#FAILED' });
    // The sweeper leaves failed items alone.
    await stack.workers.tick();
    expect(await inbox('redrive@example.com')).toHaveLength(0);

    const staff = await stack.token('staff');
    expect((await stack.call('POST', '/outbox/redrive', { token: staff })).status).toBe(403);
    const redrive = await stack.call('POST', '/outbox/redrive', { token: admin });
    expect(redrive.status).toBe(200);
    expect(redrive.json.redriven).toBeGreaterThanOrEqual(1);
    await stack.workers.drain();
    expect(await inbox('redrive@example.com')).toHaveLength(1);
  });
});

async function outboxIdsForRegistration(documents: typeof import('#adapters/clients').documents, email: string): Promise<string[]> {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const regs =
    (
      await documents.send(
        new ScanCommand({ TableName: stack.tables.data, FilterExpression: 'email = :e', ExpressionAttributeValues: { ':e': email } }),
      )
    ).Items ?? [];
  const ids = new Set(regs.map((r) => r.id));
  const outbox =
    (
      await documents.send(
        new ScanCommand({
          TableName: stack.tables.data,
          FilterExpression: '#t = :o',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':o': 'outbox' },
        }),
      )
    ).Items ?? [];
  return outbox.filter((o) => ids.has(o.registrationId)).map((o) => String(o.id));
}
