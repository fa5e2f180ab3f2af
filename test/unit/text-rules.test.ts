/**
 * API.md, Registration: in every text field, control characters (line breaks too, except in
 * textarea answers), bidi overrides, zero-width and other invisible format characters and the
 * blank-looking fillers are refused (422 on the field's path); a name holds a letter or digit.
 * Reserved ids (`__proto__`, `constructor`, `prototype`) are refused for fields and sessions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newEvent } from '#domain/event';
import { nameProblem, textProblem } from '#domain/text-rules';
import { validate } from '#http/validate';
import { eventInput, eventPatch } from '#schemas/event';
import { registrationInput, registrationPatch } from '#schemas/registration';
import { openEvent } from '../support/fixtures.ts';

const withText = openEvent({
  fields: [
    { id: 'note', type: 'textarea', label: { ko: '메모', en: 'Note' } },
    { id: 'nickname', type: 'text', label: { ko: '별명', en: 'Nickname' } },
  ],
});
const event = newEvent('text-rules-1', eventInput().parse(withText), new Date());
const valid = { email: 'minji.kim@example.com', name: '김민지', consent: { privacy: true } };

/** The paths of a 422's errors, or [] when the body passes. */
function refusedPaths(schema: Parameters<typeof validate>[0], body: unknown): string[] {
  try {
    validate(schema, body, 'en');
    return [];
  } catch (error) {
    expect(error).toMatchObject({ status: 422, code: 'validation_failed' });
    return [...new Set((error as { options: { errors: { path: string }[] } }).options.errors.map((e) => e.path))];
  }
}

const refused = {
  NUL: '\u0000',
  'line feed': '\n',
  'carriage return': '\r',
  tab: '\t',
  DEL: '\u007f',
  'C1 control': '\u0085',
  'line separator': '\u2028',
  'right-to-left override': '\u202e',
  'left-to-right embedding': '\u202a',
  'first strong isolate': '\u2068',
  'right-to-left mark': '\u200f',
  'zero-width space': '\u200b',
  'zero-width joiner': '\u200d',
  'word joiner': '\u2060',
  'byte order mark': '\ufeff',
  'soft hyphen': '\u00ad',
  'Hangul filler U+3164': '\u3164',
  'Hangul choseong filler U+115F': '\u115f',
  'Hangul jungseong filler U+1160': '\u1160',
  'halfwidth Hangul filler U+FFA0': '\uffa0',
  'lone surrogate': '\ud800',
};

describe('text rules in every text field of a registration', () => {
  const fields = [
    ['name', (t: string) => ({ ...valid, name: `김${t}민지` })],
    ['organization', (t: string) => ({ ...valid, organization: `Gwangju${t}Bio` })],
    ['jobTitle', (t: string) => ({ ...valid, jobTitle: `C${t}TO` })],
    ['answers.nickname', (t: string) => ({ ...valid, answers: { nickname: `min${t}ji` } })],
  ] as const;

  for (const [path, body] of fields) {
    it.each(Object.entries(refused))(`${path}: %s → 422 on ${path}`, (_what, character) => {
      expect(refusedPaths(registrationInput(event), body(character))).toEqual([path]);
      // A PATCH is held to the same rule.
      const { email: _e, consent: _c, ...patch } = body(character);
      expect(refusedPaths(registrationPatch(event), patch)).toEqual([path]);
    });
  }

  it('a textarea answer keeps its line breaks, and refuses every other character the rule refuses', () => {
    expect(refusedPaths(registrationInput(event), { ...valid, answers: { note: 'first line\r\nsecond line\nthird' } })).toEqual([]);
    for (const [what, character] of Object.entries(refused)) {
      if (['line feed', 'carriage return', 'line separator'].includes(what)) continue;
      expect(refusedPaths(registrationInput(event), { ...valid, answers: { note: `a${character}b` } }), what).toEqual(['answers.note']);
    }
  });

  it.each([
    ['only fillers', '\u3164\u3164'],
    ['only punctuation', '---'],
    ['a filler and a dot', '\u3164.'],
  ])('a name without a letter or digit (%s) → 422 on name', (_what, name) => {
    expect(refusedPaths(registrationInput(event), { ...valid, name })).toEqual(['name']);
  });

  it.each(['김민지', 'Hannah Müller', "O'Brien-Smith", 'José María', '李小龍', 'محمد', 'Ngô Bảo Châu', '<b>x</b>', 'R2-D2', '😀 Minji'])(
    'keeps a real name: %s',
    (name) => {
      expect(refusedPaths(registrationInput(event), { ...valid, name })).toEqual([]);
    },
  );

  it('the rule is one function: any text holding a refused character is refused, any printable text passes (property)', () => {
    const printable = fc
      .string({ unit: 'grapheme', maxLength: 30 })
      .filter((s) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u3164\u115F\u1160\uFFA0]/u.test(s));
    fc.assert(
      fc.property(printable, printable, fc.constantFrom(...Object.values(refused)), (before, after, bad) => {
        expect(textProblem(`${before}${after}`)).toBeUndefined();
        expect(textProblem(`${before}${bad}${after}`)).toEqual(expect.any(String));
      }),
    );
    expect(nameProblem('a')).toBeUndefined();
  });
});

describe('reserved ids at event creation and change', () => {
  it.each(['constructor', 'prototype', '__proto__'])('a field or session with id %s → 422 on its id', (id) => {
    const field = { id, type: 'text', label: { ko: '가', en: 'a' } };
    expect(refusedPaths(eventInput(), openEvent({ fields: [field] }))).toEqual(['fields.0.id']);
    const session = { ...openEvent().sessions[0], id };
    expect(refusedPaths(eventInput(), openEvent({ sessions: [session] }))).toEqual(['sessions.0.id']);
    expect(refusedPaths(eventPatch(), { fields: [field] })).toEqual(['fields.0.id']);
    expect(refusedPaths(eventPatch(), { sessions: [session] })).toEqual(['sessions.0.id']);
  });

  it('ids that merely contain those words stay allowed', () => {
    const field = { id: 'constructorName', type: 'text', label: { ko: '가', en: 'a' } };
    expect(refusedPaths(eventInput(), openEvent({ fields: [field] }))).toEqual([]);
  });
});
