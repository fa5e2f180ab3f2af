/**
 * Building blocks of the request schemas. Nothing here builds a schema when the module loads:
 * zod/mini schema construction is work esbuild cannot shake away, and a cold start should not
 * pay for it. Shared schemas are built on first use and kept (`once`), so every caller gets the
 * same instance, as when they were module constants.
 */
import * as z from 'zod/mini';
import { isReservedId, nameProblem, textProblem, type TextRuleOptions } from '#domain/text-rules';

/** A value built on the first call and kept. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

/** Bilingual text: Korean and English, both required. */
export const localizedText = (max: number) =>
  z.strictObject({
    ko: z.string().check(z.trim(), z.minLength(1), z.maxLength(max)),
    en: z.string().check(z.trim(), z.minLength(1), z.maxLength(max)),
  });

export const dateTime = once(() => z.iso.datetime({ offset: true }));

/** The text rules of API.md as a zod check (domain/text-rules.ts holds the rule itself). */
export const textRules = (options: TextRuleOptions = {}) =>
  z.superRefine<string>((value, ctx) => {
    const problem = textProblem(value, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

/** A person's name: the text rules, and at least one letter or digit. */
export const nameRule = () =>
  z.superRefine<string>((value, ctx) => {
    const problem = nameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });

/**
 * Free text in any script: NFC-normalised so Hangul typed on different keyboards compares equal,
 * under the text rules (line breaks only where `multiline`).
 */
export const text = (min: number, max: number, options: TextRuleOptions = {}) =>
  z
    .pipe(
      z.string().check(z.trim()),
      z.transform((s: string) => s.normalize('NFC')),
    )
    .check(z.minLength(min), z.maxLength(max), textRules(options));

export const locale = once(() => z.enum(['ko', 'en']));
export const identifier = once(() =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - or _, up to 40 characters')),
);
/** A field or session id an event declares: an identifier that can never be an object's own key (API.md). */
export const declaredId = once(() =>
  identifier().check(z.refine((id) => !isReservedId(id), '__proto__, constructor and prototype are reserved')),
);
