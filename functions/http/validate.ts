/**
 * Runs a zod schema and turns its issues into API.md's `errors` (dotted paths, every failing
 * field, messages in the caller's language).
 */
import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import ko from 'zod/v4/locales/ko.js';
import { validationFailed, type FieldError } from '#domain/errors';
import type { Locale } from '#domain/messages';

/** zod's messages in each language, built on first use. */
const errorMaps: Partial<Record<Locale, z.core.$ZodErrorMap>> = {};
const errorMap = (locale: Locale) => (errorMaps[locale] ??= (locale === 'ko' ? ko() : en()).localeError);

export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...at, key].join('.'), message: issue.message });
    } else {
      errors.push({ path: at.join('.'), message: issue.message });
    }
  }
  return errors;
}

export function validate<S extends z.ZodMiniType>(schema: S, data: unknown, locale: Locale): z.output<S> {
  const result = schema.safeParse(data, { error: errorMap(locale) });
  if (!result.success) throw validationFailed(toFieldErrors(result.error.issues));
  return result.data;
}
