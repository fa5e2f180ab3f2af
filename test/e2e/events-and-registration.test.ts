/** The foundation end to end: HTTP against the local stack (gateway → handlers → DynamoDB Local). */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#local/engines';
import { openEvent, participant, startTestStack, tampered, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let admin: string;
let staff: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token('admin');
  staff = await stack.token('staff');
});
afterAll(() => stack?.stop());

async function createEvent(overrides: Record<string, unknown> = {}) {
  const r = await stack.call('POST', '/events', { token: admin, body: openEvent(overrides) });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; seatsLeft: number; sessions: { id: string; seatsLeft: number }[] };
}

describe('events', () => {
  it('an admin creates an event; anyone reads it with seats left; admins list it', async () => {
    // Act
    const event = await createEvent();
    const page = await stack.call('GET', `/events/${event.id}`);
    const list = await stack.call('GET', '/events?limit=100', { token: admin });
    // Assess
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ id: event.id, name: { ko: '테스트 포럼' }, capacity: 100, seatsLeft: 100 });
    expect(page.json.sessions.map((s: { id: string; seatsLeft: number }) => [s.id, s.seatsLeft])).toEqual([
      ['bio', 20],
      ['energy', 20],
    ]);
    expect(list.json.items.map((e: { id: string }) => e.id)).toContain(event.id);
  });

  it('the list shows each event with its live seats, as its own page does', async () => {
    // Prepare: two events; registrations in one of them, one with a session
    const a = await createEvent();
    const b = await createEvent();
    for (let i = 0; i < 3; i++) {
      const r = await stack.call('POST', `/events/${a.id}/registrations`, {
        body: participant(40 + i, i === 0 ? { sessions: ['energy'] } : {}),
      });
      expect(r.status).toBe(201);
    }
    // Act
    const list = await stack.call('GET', '/events?limit=100', { token: admin });
    // Assess
    const seats = (e: { seatsLeft: number; sessions: { id: string; seatsLeft: number }[] }) => [
      e.seatsLeft,
      e.sessions.map((s) => [s.id, s.seatsLeft]),
    ];
    for (const event of [a, b]) {
      const listed = list.json.items.find((e: { id: string }) => e.id === event.id);
      expect(seats(listed)).toEqual(seats((await stack.call('GET', `/events/${event.id}`)).json));
    }
    expect(seats(list.json.items.find((e: { id: string }) => e.id === a.id))).toEqual([
      97,
      [
        ['bio', 20],
        ['energy', 19],
      ],
    ]);
  });

  it('applies the default registration window and waitlist', async () => {
    const { registration: _omit, ...input } = openEvent();
    const r = await stack.call('POST', '/events', { token: admin, body: input });
    expect(r.status).toBe(201);
    expect(r.json.registration.waitlist).toBe(true);
    expect(r.json.registration.closesAt).toBe(input.startsAt);
  });

  it('pages the event list with signed cursors; a changed cursor is 400 invalid_cursor', async () => {
    await createEvent();
    await createEvent();
    const first = await stack.call('GET', '/events?limit=1', { token: admin });
    expect(first.json.items).toHaveLength(1);
    expect(typeof first.json.nextCursor).toBe('string');
    const second = await stack.call('GET', `/events?limit=1&cursor=${first.json.nextCursor}`, { token: admin });
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id);
    const bad = await stack.call('GET', `/events?cursor=${tampered(first.json.nextCursor)}`, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('invalid_cursor');
  });

  it('PATCH changes a subset, and refuses a capacity below the confirmed seats without changing anything', async () => {
    const event = await createEvent({ capacity: 2 });
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) });
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2) });
    const renamed = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { venue: 'Kim Dae-jung Convention Center' } });
    expect(renamed.status).toBe(200);
    expect(renamed.json.venue).toBe('Kim Dae-jung Convention Center');
    const refused = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 1, venue: 'Elsewhere' } });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('capacity_below_confirmed');
    const after = await stack.call('GET', `/events/${event.id}`);
    expect(after.json).toMatchObject({ capacity: 2, venue: 'Kim Dae-jung Convention Center', seatsLeft: 0 });
    const raised = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 5 } });
    expect(raised.json.seatsLeft).toBe(3);
  });

  it('PATCH validates the merged event (endsAt before startsAt is refused)', async () => {
    const event = await createEvent();
    const r = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { endsAt: '2000-01-01T00:00:00Z' } });
    expect(r.status).toBe(422);
    expect(r.json.errors).toContainEqual(expect.objectContaining({ path: 'endsAt' }));
  });
});

describe('registration', () => {
  it('registers, answers with a manage token that opens only that registration', async () => {
    const event = await createEvent();
    const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1, { sessions: ['bio'] }) });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }], checkedInAt: null });
    expect(r.json.badge.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(r.json.badge.pdfUrl).toBe(`${stack.url}/events/${event.id}/registrations/${r.json.id}/badge?format=pdf`);
    expect(r.json.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const other = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2) });
    const path = `/events/${event.id}/registrations/${r.json.id}`;

    const own = await stack.call('GET', path, { headers: { 'x-manage-token': r.json.manageToken } });
    const viaQuery = await stack.call('GET', `${path}?token=${encodeURIComponent(r.json.manageToken)}`);
    const byStaff = await stack.call('GET', path, { token: staff });
    const othersToken = await stack.call('GET', path, { headers: { 'x-manage-token': other.json.manageToken } });
    const forged = await stack.call('GET', path, { headers: { 'x-manage-token': `${r.json.id}.1.${'A'.repeat(43)}` } });
    const anonymous = await stack.call('GET', path);

    expect(own.status).toBe(200);
    expect(own.json.manageToken).toBeUndefined();
    expect(own.json.badge.token).toBe(r.json.badge.token);
    expect(own.json.email).toBe('person1@example.com');
    expect(viaQuery.status).toBe(200);
    expect(byStaff.status).toBe(200);
    expect(othersToken.status).toBe(403);
    expect(forged.status).toBe(401);
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
  });

  it('a full session waitlists that session only; a full event waitlists the registration; seats left follow', async () => {
    const event = await createEvent({
      capacity: 2,
      sessions: [{ ...openEvent().sessions[0], capacity: 1 }],
    });
    const a = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1, { sessions: ['bio'] }) });
    const b = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2, { sessions: ['bio'] }) });
    const c = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(3, { sessions: ['bio'] }) });
    expect(a.json).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'confirmed' }] });
    expect(b.json).toMatchObject({ status: 'confirmed', sessions: [{ id: 'bio', status: 'waitlisted' }] });
    expect(c.json).toMatchObject({ status: 'waitlisted', sessions: [{ id: 'bio', status: 'waitlisted' }], badge: null });
    const page = await stack.call('GET', `/events/${event.id}`);
    expect(page.json.seatsLeft).toBe(0);
    expect(page.json.sessions[0].seatsLeft).toBe(0);
  });

  it('answers sold_out when the waitlist is off, and writes nothing', async () => {
    const event = await createEvent({ capacity: 1, registration: { ...openEvent().registration, waitlist: false } });
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) });
    const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2) });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('sold_out');
    // The refused email is not held: it can register once a seat exists.
    await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { capacity: 2 } });
    const retry = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(2) });
    expect(retry.status).toBe(201);
  });

  it('refuses a second registration of one email (trimmed, case-insensitive)', async () => {
    const event = await createEvent();
    await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) });
    const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1, { email: '  PERSON1@Example.com ' }) });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('already_registered');
  });

  it('refuses registration outside the window with registration_closed', async () => {
    const past = new Date(Date.now() - 3600_000).toISOString();
    const event = await createEvent({ registration: { opensAt: '2020-01-01T00:00:00Z', closesAt: past, waitlist: true } });
    const r = await stack.call('POST', `/events/${event.id}/registrations`, { body: participant(1) });
    expect(r.status).toBe(409);
    expect(r.json.code).toBe('registration_closed');
  });

  it('validates against the event: every failing field, with dotted paths, in the caller’s language', async () => {
    const event = await createEvent();
    const body = participant(1, {
      sessions: ['bio', 'nope'],
      answers: { companyType: 'x', unknownField: 1 },
      consent: { privacy: false },
      name: '',
    });
    const en = await stack.call('POST', `/events/${event.id}/registrations`, { body });
    const ko = await stack.call('POST', `/events/${event.id}/registrations`, {
      body,
      headers: { 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.5' },
    });
    expect(en.status).toBe(422);
    expect(en.json.code).toBe('validation_failed');
    const paths = en.json.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['sessions.1', 'answers.companyType', 'answers.unknownField', 'consent.privacy', 'name']));
    expect(ko.json.title).toBe('요청에 올바르지 않은 항목이 있습니다');
    expect(ko.headers.get('content-language')).toBe('ko');
    expect(en.json.title).toBe('The request has invalid fields');
  });

  it('refuses control and invisible characters in text fields with 422 on the field, and writes nothing (API.md text rules)', async () => {
    // Prepare
    const event = await createEvent();
    const path = `/events/${event.id}/registrations`;
    // Act
    const answers = await Promise.all([
      stack.call('POST', path, { body: participant(80, { name: '\u202emiJniM' }) }),
      stack.call('POST', path, { body: participant(81, { name: '\u3164' }) }),
      stack.call('POST', path, { body: participant(82, { organization: 'Org\r\nBcc: victim@example.com' }) }),
      stack.call('POST', path, { body: participant(83, { jobTitle: 'C\u0000TO' }) }),
      stack.call('POST', path, { body: participant(84, { name: 'Min\u200bji' }) }),
    ]);
    // Assess
    expect(answers.map((a) => [a.status, a.json.code, a.json.errors?.[0]?.path])).toEqual([
      [422, 'validation_failed', 'name'],
      [422, 'validation_failed', 'name'],
      [422, 'validation_failed', 'organization'],
      [422, 'validation_failed', 'jobTitle'],
      [422, 'validation_failed', 'name'],
    ]);
    expect((await stack.call('GET', `/events/${event.id}`)).json.seatsLeft).toBe(100);
  });

  it('refuses reserved field and session ids (constructor, prototype) at creation and change', async () => {
    // Prepare
    const event = await createEvent();
    const field = (id: string) => ({ id, type: 'text', label: { ko: '가', en: 'a' } });
    // Act
    const created = await stack.call('POST', '/events', { token: admin, body: openEvent({ fields: [field('constructor')] }) });
    const session = { ...openEvent().sessions[0], id: 'prototype' };
    const patched = await stack.call('PATCH', `/events/${event.id}`, { token: admin, body: { sessions: [session] } });
    // Assess
    expect([created.status, created.json.errors?.map((e: { path: string }) => e.path)]).toEqual([422, ['fields.0.id']]);
    expect([patched.status, patched.json.errors?.map((e: { path: string }) => e.path)]).toEqual([422, ['sessions.0.id']]);
    expect((await stack.call('GET', `/events/${event.id}`)).json.sessions.map((s: { id: string }) => s.id)).toEqual(['bio', 'energy']);
  });

  it('keeps markup in names as text', async () => {
    const event = await createEvent();
    const r = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(1, { name: '<img src=x onerror=alert(1)>' }),
    });
    expect(r.status).toBe(201);
    expect(r.json.name).toBe('<img src=x onerror=alert(1)>');
  });

  it('unknown or malformed ids are 404', async () => {
    const event = await createEvent();
    expect((await stack.call('GET', '/events/AAAAAAAAAAAA')).status).toBe(404);
    expect((await stack.call('GET', '/events/%E0%A4%A')).status).toBe(404);
    expect((await stack.call('POST', '/events/nope/registrations', { body: participant(1) })).status).toBe(404);
    expect((await stack.call('GET', `/events/${event.id}/registrations/${'A'.repeat(22)}`, { token: staff })).status).toBe(404);
  });
});

describe('bad input never yields a 5xx and writes nothing', () => {
  it.each([
    ['not JSON', { raw: '{"email":', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
    [
      'not application/json',
      { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
    ['no content type', { raw: '{}' }, 415, 'unsupported_media_type'],
    ['over 64 KiB', { body: { ...participant(1), name: 'x'.repeat(70_000) } }, 413, 'payload_too_large'],
    [
      '__proto__ key',
      { raw: '{"email":"a@b.co","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } },
      422,
      'validation_failed',
    ],
    ['constructor key in answers', { body: { ...participant(1), answers: { constructor: { prototype: 1 } } } }, 422, 'validation_failed'],
    ['wrong types', { body: { email: 1, name: ['x'], consent: 'yes' } }, 422, 'validation_failed'],
    ['an array', { body: [1, 2] }, 422, 'validation_failed'],
    ['null', { raw: 'null', headers: { 'content-type': 'application/json' } }, 422, 'validation_failed'],
    [
      'deep nesting',
      { raw: `${'{"answers":'.repeat(5000)}1${'}'.repeat(5000)}`, headers: { 'content-type': 'application/json' } },
      422,
      'validation_failed',
    ],
  ])('%s → %i %s', async (_what, request, status, code) => {
    const event = await createEvent();
    const r = await stack.call('POST', `/events/${event.id}/registrations`, request as never);
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
    expect(r.json.code).toBe(code);
    const page = await stack.call('GET', `/events/${event.id}`);
    expect(page.json.seatsLeft).toBe(100);
  });

  it('headers over the HTTP server limit are 431 problem+json, and the gateway keeps serving', async () => {
    // Act: 20 KiB of headers, over Node's 16 KiB
    const r = await stack.call('GET', '/health', { headers: { 'x-filler': 'a'.repeat(20 * 1024) } });
    const after = await stack.call('GET', '/health');
    // Assess
    expect([r.status, r.type, r.json?.code]).toEqual([431, 'application/problem+json; charset=utf-8', 'headers_too_large']);
    expect(after.status).toBe(200);
  });

  it('unknown routes and methods are 404 problem+json', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/events'],
      ['PUT', '/health'],
    ]) {
      const r = await stack.call(method!, path!);
      expect(r.status).toBe(404);
      expect(r.json.code).toBe('not_found');
    }
  });
});

describe('authentication', () => {
  it.each([
    ['no credentials', async () => undefined, 401],
    ['staff (no admin group)', async () => stack.token('staff'), 403],
    ['a user in no group', async () => stack.token('none'), 403],
    ['expired', async () => stack.token('admin', { hours: -1 }), 401],
    ['another issuer', async () => stack.token('admin', { issuer: 'https://evil.example/issuer' }), 401],
    ['another client', async () => stack.token('admin', { clientId: 'other-app' }), 401],
    ['an id token', async () => stack.token('admin', { claims: { token_use: 'id' } }), 401],
    ['alg none', async () => unsigned(await stack.token('admin')), 401],
    ['garbage', async () => 'not.a.jwt', 401],
  ])('POST /events with %s → %i', async (_what, token, status) => {
    const t = await token();
    const r = await stack.call('POST', '/events', { body: openEvent(), ...(t ? { token: t } : {}) });
    expect(r.status).toBe(status);
    expect(r.type).toContain('application/problem+json');
  });
});

function unsigned(jwt: string): string {
  const [, payload] = jwt.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

describe('Idempotency-Key', () => {
  it('replays the first 201, refuses another body, and does not remember a refused attempt', async () => {
    const event = await createEvent();
    const path = `/events/${event.id}/registrations`;
    const key = { 'idempotency-key': '0b6c6a0e-4f0d-4f3a-9a3e-5c1e2d7f8a91' };
    const first = await stack.call('POST', path, { body: participant(1), headers: key });
    // Same body, keys in another order: equal as JSON.
    const reordered = Object.fromEntries(Object.entries(participant(1)).reverse());
    const replay = await stack.call('POST', path, { body: reordered, headers: key });
    const other = await stack.call('POST', path, { body: participant(2), headers: key });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(first.json);
    expect(other.status).toBe(422);
    expect(other.json.code).toBe('idempotency_key_reused');

    const refusedKey = { 'idempotency-key': 'form-submit-2' };
    const refused = await stack.call('POST', path, { body: participant(3, { consent: { privacy: false } }), headers: refusedKey });
    expect(refused.status).toBe(422);
    const fixed = await stack.call('POST', path, { body: participant(3), headers: refusedKey });
    expect(fixed.status).toBe(201);

    const page = await stack.call('GET', `/events/${event.id}`);
    expect(page.json.seatsLeft).toBe(98);
  });

  it('concurrent submissions under one key make one registration, and every one of them gets its 201', async () => {
    // Prepare
    const event = await createEvent();
    const path = `/events/${event.id}/registrations`;
    const key = { 'idempotency-key': 'double-click' };
    // Act
    const answers = await Promise.all(Array.from({ length: 12 }, () => stack.call('POST', path, { body: participant(7), headers: key })));
    // Assess: one registration, one seat; every answer is its 201 (or, at worst, "in progress")
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || (a.status === 409 && a.json.code === 'request_in_progress'))).toBe(true);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((a) => a.json.id)).size).toBe(1);
    expect((await stack.call('GET', `/events/${event.id}`)).json.seatsLeft).toBe(99);
  });

  it('a repeat gets the first answer as it was, even after the registration was cancelled', async () => {
    // Prepare
    const event = await createEvent();
    const path = `/events/${event.id}/registrations`;
    const key = { 'idempotency-key': 'kJ3pQ9xZ2vL8mN4tR7wY1a' }; // 22 base64url characters: replayed in full
    const first = await stack.call('POST', path, { body: participant(4), headers: key });
    await stack.call('DELETE', `${path}/${first.json.id}`, { headers: { 'x-manage-token': first.json.manageToken } });
    // Act
    const repeat = await stack.call('POST', path, { body: participant(4), headers: key });
    // Assess
    expect(first.status).toBe(201);
    expect([repeat.status, repeat.json]).toEqual([201, first.json]);
    expect(repeat.text).toBe(first.text);
    expect(repeat.headers.get('location')).toBe(`${path}/${first.json.id}`);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(
      (await stack.call('GET', `${path}/${first.json.id}`, { headers: { 'x-manage-token': first.json.manageToken } })).json.status,
    ).toBe('cancelled');
  });

  it('a guessable key replays without the manage token and the badge; an unguessable one (UUID, 22+ base64url) replays in full', async () => {
    // Prepare: the README's own example key, and keys that earn a full replay
    const event = await createEvent();
    const path = `/events/${event.id}/registrations`;
    const cases = [
      ['form-1', false],
      ['k'.repeat(21), false],
      ['a guessable key with spaces, however long it is', false],
      ['6F9619FF-8B86-D011-B42D-00C04FC964FF', true],
      ['Zm9vYmFyYmF6cXV4cXV1eA', true],
    ] as const;
    for (const [i, [key, full]] of cases.entries()) {
      const first = await stack.call('POST', path, { body: participant(60 + i), headers: { 'idempotency-key': key } });
      expect(first.status, first.text).toBe(201);
      expect(first.json.manageToken).toEqual(expect.any(String));
      // Act: a stranger who knows the body and guesses the key
      const replay = await stack.call('POST', path, { body: participant(60 + i), headers: { 'idempotency-key': key } });
      // Assess
      expect([replay.status, replay.headers.get('idempotent-replayed'), replay.json.id], key).toEqual([201, 'true', first.json.id]);
      if (full) {
        expect(replay.json, key).toEqual(first.json);
      } else {
        expect(replay.json, key).toEqual({ ...first.json, manageToken: null, badge: null });
        expect(replay.text, key).not.toContain(first.json.manageToken);
        expect(replay.text, key).not.toContain(first.json.badge.token);
      }
    }
  });

  it("the key's record keeps no credential: neither the manage token nor the badge token is stored", async () => {
    // Prepare
    const event = await createEvent();
    const first = await stack.call('POST', `/events/${event.id}/registrations`, {
      body: participant(5),
      headers: { 'idempotency-key': 'form-submit-4' },
    });
    expect(first.json.badge.token).toEqual(expect.any(String));
    // Act: every item the registration wrote
    const ddb = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
    const items = (await ddb.send(new ScanCommand({ TableName: stack.tables.data }))).Items ?? [];
    ddb.destroy();
    // Assess
    const records = items.filter((i) => i.type === 'keyed-request');
    expect(records.map((r) => JSON.parse(r.body).id)).toContain(first.json.id);
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(first.json.manageToken);
    expect(stored).not.toContain(first.json.badge.token);
    expect(stored).not.toContain('form-submit-4'); // the key itself: its hash finds the record
  });

  it('is scoped to the event', async () => {
    const a = await createEvent();
    const b = await createEvent();
    const key = { 'idempotency-key': 'same-key' };
    const ra = await stack.call('POST', `/events/${a.id}/registrations`, { body: participant(1), headers: key });
    const rb = await stack.call('POST', `/events/${b.id}/registrations`, { body: participant(1), headers: key });
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.json.id).not.toBe(ra.json.id);
  });
});

describe('service documents', () => {
  it('serves health and an OpenAPI 3.1 document listing every route', async () => {
    const health = await stack.call('GET', '/health');
    const doc = await stack.call('GET', '/openapi.json');
    expect(health.json).toEqual({ status: 'ok' });
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/events', '/events/{eventId}/registrations']));
  });
});
