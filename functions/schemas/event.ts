/** Event request and response schemas: the single definition, also of the OpenAPI document. */
import * as z from 'zod/mini';
import { dateTime, declaredId, localizedText, once } from '#schemas/common';
import { meetingSettings } from '#schemas/meetings';
import { settingsProblems } from '#domain/meetings';

export const fieldTypes = ['text', 'textarea', 'select', 'multiselect', 'checkbox', 'country', 'phone', 'url'] as const;

// Every schema here is built on first use (see common.ts), once.
const option = once(() =>
  z.strictObject({
    value: z.string().check(z.minLength(1), z.maxLength(100)),
    label: localizedText(200),
  }),
);

export const formField = once(() =>
  z
    .strictObject({
      id: declaredId(),
      type: z.enum(fieldTypes),
      required: z._default(z.boolean(), false),
      label: localizedText(200),
      options: z.optional(z.array(option()).check(z.minLength(1), z.maxLength(100))),
    })
    .check(
      z.refine((f) => (f.type === 'select' || f.type === 'multiselect') === (f.options !== undefined), {
        message: 'options are required for select and multiselect fields, and only for them',
        path: ['options'],
      }),
      z.refine((f) => !f.options || new Set(f.options.map((o) => o.value)).size === f.options.length, {
        message: 'option values must be unique',
        path: ['options'],
      }),
    ),
);

export const sessionInput = once(() =>
  z
    .strictObject({
      id: declaredId(),
      name: localizedText(200),
      startsAt: dateTime(),
      endsAt: dateTime(),
      capacity: z.int().check(z.minimum(1), z.maximum(1_000_000)),
    })
    .check(z.refine((s) => Date.parse(s.startsAt) < Date.parse(s.endsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] })),
);

export const registrationWindow = once(() =>
  z.strictObject({
    opensAt: z.optional(dateTime()),
    closesAt: z.optional(dateTime()),
    waitlist: z.optional(z.boolean()),
    /** New registrations wait for an admin's approval (default false). */
    approval: z.optional(z.boolean()),
  }),
);

export const eventShape = once(() => ({
  name: localizedText(200),
  description: z.optional(localizedText(2000)),
  venue: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
  timezone: z.string().check(z.refine(isTimeZone, 'an IANA time zone such as Asia/Seoul')),
  startsAt: dateTime(),
  endsAt: dateTime(),
  registration: z.optional(registrationWindow()),
  capacity: z.int().check(z.minimum(1), z.maximum(1_000_000)),
  /** Days after the event ends that participants' data is kept (then DynamoDB's TTL removes it). */
  retentionDays: z.optional(z.int().check(z.minimum(1), z.maximum(3650))),
  sessions: z.optional(z.array(sessionInput()).check(z.maxLength(50))),
  fields: z.optional(z.array(formField()).check(z.maxLength(50))),
  /** Door rules: `reentry` (default true) lets a person back in after an exit. */
  checkin: z.optional(z.strictObject({ reentry: z.optional(z.boolean()) })),
  /** B2B matchmaking (API.md "B2B meetings"); null turns it off. */
  meetings: z.optional(z.nullable(meetingSettings())),
}));

/** Rules that span fields, checked on a whole event (after a PATCH is merged, too). */
const eventRules = () => [
  z.refine<EventLike>((e) => Date.parse(e.startsAt) < Date.parse(e.endsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] }),
  z.refine<EventLike>(
    (e) =>
      !e.registration?.opensAt || !e.registration?.closesAt || Date.parse(e.registration.opensAt) < Date.parse(e.registration.closesAt),
    { message: 'closesAt must be after opensAt', path: ['registration', 'closesAt'] },
  ),
  z.refine<EventLike>((e) => unique(e.sessions?.map((s) => s.id)), { message: 'session ids must be unique', path: ['sessions'] }),
  z.refine<EventLike>((e) => unique(e.fields?.map((f) => f.id)), { message: 'field ids must be unique', path: ['fields'] }),
  z.superRefine<EventLike>((e, ctx) => {
    if (!e.meetings) return;
    for (const p of settingsProblems(e.meetings, e))
      ctx.addIssue({ code: 'custom', message: p.message, path: p.path.split('.'), input: e });
  }),
];

interface EventLike {
  startsAt: string;
  endsAt: string;
  registration?: { opensAt?: string; closesAt?: string };
  sessions?: { id: string }[];
  fields?: { id: string }[];
  meetings?: import('#domain/meetings').MeetingSettings | null;
}

export const eventInput = once(() => z.strictObject(eventShape()).check(...eventRules()));
export type EventInput = z.output<ReturnType<typeof eventInput>>;

/** PATCH: any subset of the event's fields; the merged event is validated again with eventInput. */
export const eventPatch = once(() =>
  z
    .partial(z.strictObject(eventShape()))
    .check(z.refine((p) => Object.keys(p).length > 0, { message: 'at least one field to change', path: [] })),
);
export type EventPatch = z.output<ReturnType<typeof eventPatch>>;

function unique(ids: string[] | undefined): boolean {
  return !ids || new Set(ids).size === ids.length;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length <= 64;
  } catch {
    return false;
  }
}
