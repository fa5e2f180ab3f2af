/**
 * The text rules of API.md (Registration): what free text a person may send in any text field.
 * Pure and dependency-free, so the request schemas and the web form apply the very same rule.
 *
 * Refused everywhere: control characters (line breaks too, except where `multiline`), bidi
 * overrides and isolates, zero-width and other invisible format characters, lone surrogates, and
 * the Hangul fillers that render blank. They make badges with empty names and let a stranger put
 * line breaks or reversed text inside a genuine plain-text email.
 */

/** Hangul fillers: letters to Unicode (so \p{L} alone would let them pass) that show as nothing. */
export const BLANK_FILLERS = ['\u3164', '\u115F', '\u1160', '\uFFA0'] as const;

// Cc: C0, DEL, C1 controls. Zl/Zp: U+2028, U+2029 (line breaks). Cf: format characters (bidi
// overrides U+202A–E, isolates U+2066–9, marks U+200E/F, zero-width U+200B–D, U+2060, U+FEFF,
// soft hyphen, tags…). Cs: a lone surrogate, which JSON can carry.
const refusedSingleLine = /[\p{Cc}\p{Zl}\p{Zp}\p{Cf}\p{Cs}\u3164\u115F\u1160\uFFA0]/u;
// Line breaks (CR, LF, U+2028/9) stay allowed in a multi-line answer; every other control does not.
const refusedMultiLine = /(?![\r\n\u2028\u2029])[\p{Cc}\p{Zl}\p{Zp}\p{Cf}\p{Cs}\u3164\u115F\u1160\uFFA0]/u;

export interface TextRuleOptions {
  /** A `textarea` answer: line breaks allowed. */
  readonly multiline?: boolean;
}

/** Why `text` breaks the rules, or undefined when it keeps them. */
export function textProblem(text: string, options: TextRuleOptions = {}): string | undefined {
  const found = (options.multiline ? refusedMultiLine : refusedSingleLine).exec(text);
  if (!found) return undefined;
  const point = found[0].codePointAt(0) ?? 0;
  const hex = point.toString(16).toUpperCase().padStart(4, '0');
  return `control or invisible characters are not allowed (U+${hex})`;
}

/** A name must show something: at least one letter or digit (fillers are letters that show nothing). */
export function nameProblem(name: string): string | undefined {
  return /[\p{L}\p{N}]/u.test(name.replace(/[\u3164\u115F\u1160\uFFA0]/gu, '')) ? undefined : 'must hold at least one letter or digit';
}

/** Ids an event declares for its fields and sessions become object keys: these never may (API.md). */
export const RESERVED_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const isReservedId = (id: string) => RESERVED_IDS.has(id);
