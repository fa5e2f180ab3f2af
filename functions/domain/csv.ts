/**
 * The registrations CSV export (API.md "CSV export"): RFC 4180 quoting with CRLF line ends, a
 * UTF-8 BOM so Excel reads Hangul, and formula neutralisation (OWASP "CSV injection"): a cell
 * that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, or the fullwidth `＝＋－＠` (some
 * spreadsheets read them as their ASCII forms), gets a leading `'`, so no spreadsheet evaluates
 * participant-typed text. Pure.
 */
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';

/** U+FEFF, written first: Excel then opens the file as UTF-8. */
export const BOM = '\uFEFF';
export const CRLF = '\r\n';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Prefixes a single quote to text a spreadsheet would read as a formula. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field: neutralised, then quoted (quotes doubled) when it holds `"`, `,`, CR or LF. */
export function csvCell(value: string): string {
  const safe = neutralise(value);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + CRLF;
}

/** How one answer reads in a cell: multiselect joined with "; ", checkbox as true/false. */
export function answerCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(answerCell).join('; ');
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

const FIXED = ['id', 'status', 'email', 'name', 'organization', 'jobTitle', 'locale', 'createdAt', 'checkedInAt'] as const;

export interface ExportColumns {
  readonly header: readonly string[];
  readonly sessionIds: readonly string[];
  readonly fieldIds: readonly string[];
}

/**
 * Columns: the fixed ones, then `session:<id>` per session (its seat status, or empty), then
 * one per form field labelled with the field id. Ids are letters, digits, `-` and `_`, so
 * `session:` labels never collide with a field; a field whose id equals a fixed column (a field
 * called `email`) is labelled `answers.<id>` instead, so every header is unique.
 */
export function exportColumns(event: Pick<StoredEvent, 'sessions' | 'fields'>): ExportColumns {
  const sessionIds = event.sessions.map((s) => s.id);
  const fieldIds = event.fields.map((f) => f.id);
  const fixed = new Set<string>(FIXED);
  const header = [...FIXED, ...sessionIds.map((id) => `session:${id}`), ...fieldIds.map((id) => (fixed.has(id) ? `answers.${id}` : id))];
  return { header, sessionIds, fieldIds };
}

export function headerRow(columns: ExportColumns): string {
  return csvRow(columns.header);
}

/**
 * One export cell, typed: the CSV writes each as text (`exportText`), the XLSX export as a cell of
 * that type (a time as a date in the event's timezone, a checkbox as a boolean, a number as a number).
 */
export type ExportValue = string | number | boolean | { readonly at: string } | null;

/** An answer as a typed cell: multiselect joined with "; " (text), checkbox a boolean, a number a number. */
export function answerValue(value: unknown): ExportValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number') return value;
  return answerCell(value);
}

/** How a typed cell reads as CSV text (a time as stored: ISO 8601, UTC). */
export function exportText(value: ExportValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return value.at;
  return answerCell(value);
}

/** The row builder both exports share: one value per column of `columns.header`. */
export function registrationValues(columns: ExportColumns, r: StoredRegistration): ExportValue[] {
  const seats = new Map((r.sessions ?? []).map((s) => [s.id, s.status]));
  const answers = r.answers ?? {};
  return [
    r.id,
    r.status,
    r.email,
    r.name,
    r.organization ?? null,
    r.jobTitle ?? null,
    r.locale,
    { at: r.createdAt },
    r.checkedInAt ? { at: r.checkedInAt } : null,
    ...columns.sessionIds.map((id) => seats.get(id) ?? null),
    ...columns.fieldIds.map((id) => answerValue(answers[id])),
  ];
}

export function registrationRow(columns: ExportColumns, r: StoredRegistration): string {
  return csvRow(registrationValues(columns, r).map(exportText));
}
