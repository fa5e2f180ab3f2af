import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newEvent } from '#domain/event';
import { validate } from '#http/validate';
import { eventInput } from '#schemas/event';
import { buildOpenApi } from '#schemas/openapi-build';
import { registrationInput } from '#schemas/registration';
import { routes } from '#routes';
import forum from '../../functions/local/forum-2023.json' with { type: 'json' };

const event = newEvent('gwangju-2023', eventInput().parse(forum.event), new Date('2023-08-20T00:00:00Z'));
const valid = {
  email: 'minji.kim@example.com',
  name: '김민지',
  locale: 'ko',
  sessions: ['bio', 'b2b'],
  answers: { participantType: 'global-company', country: 'KR', industry: ['bio', 'ai'] },
  consent: { privacy: true },
};

describe('event schema', () => {
  it('accepts the reference forum and applies defaults', () => {
    expect(event.sessions.map((s) => s.id)).toEqual(['opening', 'bio', 'energy', 'mobility', 'b2b', 'networking']);
    expect(event.fields.find((f) => f.id === 'industry')?.required).toBe(false);
  });

  it('refuses duplicate session ids, select without options, a bad time zone', () => {
    const bad = {
      ...forum.event,
      timezone: 'Mars/Olympus',
      sessions: [forum.event.sessions[0], forum.event.sessions[0]],
      fields: [{ id: 'x', type: 'select', label: { ko: '가', en: 'a' } }],
    };
    const r = eventInput().safeParse(bad);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timezone', 'sessions', 'fields.0.options']));
  });
});

describe('registration schema built from the event', () => {
  const schema = registrationInput(event);

  it('holds a registration to 40 sessions, so that its seats fit one transaction of at most 100 writes', () => {
    // Prepare: an event of 50 sessions
    const many = Array.from({ length: 50 }, (_, i) => ({ ...forum.event.sessions[0]!, id: `s${i}` }));
    const big = newEvent('big-forum-01', eventInput().parse({ ...forum.event, sessions: many }), new Date('2023-08-20T00:00:00Z'));
    const pick = (n: number) => ({ ...valid, answers: valid.answers, sessions: many.slice(0, n).map((s) => s.id) });
    // Act
    const forty = registrationInput(big).safeParse(pick(40));
    const fortyOne = registrationInput(big).safeParse(pick(41));
    // Assess
    expect(forty.success).toBe(true);
    expect(fortyOne.error?.issues.map((i) => i.path.join('.'))).toEqual(['sessions']);
  });

  it('accepts a valid body and normalises Hangul to NFC', () => {
    const decomposed = '김민지'.normalize('NFD');
    expect(validate(schema, { ...valid, name: ` ${decomposed} ` }, 'en').name).toBe('김민지');
  });

  it.each([
    [{ ...valid, sessions: ['bio', 'nope'] }, 'sessions.1'],
    [{ ...valid, sessions: ['bio', 'bio'] }, 'sessions'],
    [{ ...valid, answers: { ...valid.answers, participantType: 'alien' } }, 'answers.participantType'],
    [{ ...valid, answers: { country: 'KR' } }, 'answers.participantType'],
    [{ ...valid, answers: { ...valid.answers, favouriteColour: 'blue' } }, 'answers.favouriteColour'],
    [{ ...valid, answers: { ...valid.answers, country: 'Korea' } }, 'answers.country'],
    [{ ...valid, answers: { ...valid.answers, phone: 'call me' } }, 'answers.phone'],
    [{ ...valid, consent: { privacy: false } }, 'consent.privacy'],
    [{ ...valid, email: 'not-an-email' }, 'email'],
    [{ ...valid, name: 'x'.repeat(201) }, 'name'],
    [{ ...valid, locale: 'fr' }, 'locale'],
    [{ ...valid, isAdmin: true }, 'isAdmin'],
  ])('refuses %j at %s', (body, path) => {
    try {
      validate(schema, body, 'en');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 422, code: 'validation_failed' });
      expect((error as { options: { errors: { path: string }[] } }).options.errors.map((e) => e.path)).toContain(path);
    }
  });

  it('reports messages in Korean when asked', () => {
    try {
      validate(schema, { ...valid, email: 3 }, 'ko');
      expect.unreachable();
    } catch (error) {
      const [first] = (error as { options: { errors: { message: string }[] } }).options.errors;
      expect(first!.message).toMatch(/[가-힣]/);
    }
  });
});

describe('OpenAPI document', () => {
  it('is generated from the current schemas and route table (run `npm run openapi` when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../functions/schemas/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('lists every route of the route table', () => {
    const doc = buildOpenApi();
    for (const r of routes) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });
});
