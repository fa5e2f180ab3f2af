import * as z from 'zod/mini';

/** Bilingual text: Korean and English, both required. */
export const localizedText = (max: number) =>
  z.strictObject({
    ko: z.string().check(z.trim(), z.minLength(1), z.maxLength(max)),
    en: z.string().check(z.trim(), z.minLength(1), z.maxLength(max)),
  });

export const dateTime = z.iso.datetime({ offset: true });

/** Free text in any script: NFC-normalised so Hangul typed on different keyboards compares equal. */
export const text = (min: number, max: number) =>
  z.pipe(
    z.string().check(z.trim()),
    z.transform((s: string) => s.normalize('NFC')),
  ).check(z.minLength(min), z.maxLength(max));

export const locale = z.enum(['ko', 'en']);
export const identifier = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - or _, up to 40 characters'));
