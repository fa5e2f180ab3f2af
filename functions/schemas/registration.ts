/**
 * Registration schemas. The request schema is built from the event's own sessions and form
 * fields, so every answer is checked against what the organiser asked. Pure (zod/mini only): the
 * web app's forms import this very module, so the browser and the handler judge a form alike.
 */
import * as z from 'zod/mini';
import { locale, nameRule, once, text } from '#schemas/common';
import type { FormField, StoredEvent } from '#domain/event';

/** What the schemas read of an event: its sessions and form fields (the public event view has both). */
export type RegistrationForm = Pick<StoredEvent, 'sessions' | 'fields'>;

// Built on first use (see common.ts), once.
const email = once(() =>
  z
    .pipe(
      z.string().check(z.trim(), z.maxLength(254)),
      z.transform((s: string) => s.normalize('NFC')),
    )
    .check(z.email()),
);

function answerSchema(field: FormField) {
  const values = field.options?.map((o) => o.value) ?? [];
  switch (field.type) {
    case 'text':
      return text(field.required ? 1 : 0, 500);
    case 'textarea':
      return text(field.required ? 1 : 0, 5000, { multiline: true });
    case 'select':
      return z.enum(values as [string, ...string[]]);
    case 'multiselect':
      return z.array(z.enum(values as [string, ...string[]])).check(
        z.minLength(field.required ? 1 : 0),
        z.refine((a) => new Set(a).size === a.length, 'each option at most once'),
      );
    case 'checkbox':
      return field.required ? z.literal(true) : z.boolean();
    case 'country':
      return z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as KR'));
    case 'phone':
      return z.string().check(z.regex(/^\+?[0-9][0-9 ().-]{3,24}$/, 'a phone number such as +82 62 123 4567'));
    case 'url':
      return z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).check(z.maxLength(2000));
  }
}

/** Answers: one optional or required entry per form field, nothing else. */
function answersSchema(fields: readonly FormField[]) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const f of fields) shape[f.id] = f.required ? answerSchema(f) : z.optional(answerSchema(f));
  return z.strictObject(shape);
}

/**
 * A registration's seats are written in one DynamoDB transaction (at most 100 actions): the
 * registration, its email guard, its outbox item, the event counter and an Idempotency-Key's
 * record, then a counter and possibly a line per session. 40 sessions keep it under 100.
 */
export const MAX_SESSIONS_PER_REGISTRATION = 40;

function sessionsSchema(event: RegistrationForm) {
  const ids = event.sessions.map((s) => s.id);
  const id = ids.length ? z.enum(ids as [string, ...string[]]) : z.never();
  return z.array(id).check(
    z.maxLength(Math.min(ids.length, MAX_SESSIONS_PER_REGISTRATION)),
    z.refine((a) => new Set(a).size === a.length, 'each session at most once'),
  );
}

/** Details a participant may change later (PATCH); `email` never changes. */
function detailsShape(event: RegistrationForm) {
  return {
    name: text(1, 200).check(nameRule()),
    organization: z.optional(text(0, 200)),
    jobTitle: z.optional(text(0, 200)),
    locale: z.optional(locale()),
    sessions: z.optional(sessionsSchema(event)),
    answers: event.fields.some((f) => f.required) ? answersSchema(event.fields) : z.optional(answersSchema(event.fields)),
  };
}

export function registrationInput(event: RegistrationForm) {
  return z.strictObject({
    email: email(),
    ...detailsShape(event),
    consent: z.strictObject({ privacy: z.literal(true), marketing: z.optional(z.boolean()) }),
    /** Admin only: confirmed over the capacity (the handler refuses it from anyone else: 403). */
    overCapacity: z.optional(z.boolean()),
  });
}
export type RegistrationInput = z.output<ReturnType<typeof registrationInput>>;

/** PATCH: any subset of the details and sessions (never the email); answers are replaced whole. */
export function registrationPatch(event: RegistrationForm) {
  return z
    .partial(z.strictObject(detailsShape(event)))
    .check(z.refine((p) => Object.keys(p).length > 0, { message: 'at least one field to change', path: [] }));
}
export type RegistrationPatch = z.output<ReturnType<typeof registrationPatch>>;

export const resendInput = once(() => z.strictObject({ email: email() }));

/** POST …/deny: an optional reason for the participant, plain text under the text rules. */
export const denyInput = once(() => z.strictObject({ reason: z.optional(text(0, 500)) }));
export type DenyInput = z.output<ReturnType<typeof denyInput>>;
