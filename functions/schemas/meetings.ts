/** B2B meetings: the event's programme and the request bodies of the meeting routes. Built on first use. */
import * as z from 'zod/mini';
import { dateTime, identifier, localizedText, once, text } from '#schemas/common';

/** The event's `meetings` programme (POST or PATCH /events); checked against the event's dates in event.ts. */
export const meetingSettings = once(() =>
  z.strictObject({
    blocks: z.array(z.strictObject({ startsAt: dateTime(), endsAt: dateTime() })).check(z.minLength(1), z.maxLength(20)),
    slotMinutes: z.int().check(z.minimum(5), z.maximum(240)),
    tables: z.array(text(1, 40)).check(z.minLength(1), z.maxLength(200)),
    maxPerParticipant: z.int().check(z.minimum(1), z.maximum(100)),
    requestHours: z.int().check(z.minimum(1), z.maximum(24 * 30)),
  }),
);

export const meetingProfileInput = once(() =>
  z.strictObject({
    visible: z.boolean(),
    headline: z.optional(z.strictObject({ ko: text(1, 200), en: text(1, 200) })),
    sectors: z.optional(z.array(identifier()).check(z.maxLength(20))),
    offers: z.optional(text(0, 1000, { multiline: true })),
    seeks: z.optional(text(0, 1000, { multiline: true })),
  }),
);
export type MeetingProfileInput = z.output<ReturnType<typeof meetingProfileInput>>;

export const meetingRequestInput = once(() =>
  z.strictObject({
    with: z.string().check(z.minLength(1), z.maxLength(100)),
    message: z.optional(text(0, 500)),
  }),
);

export const meetingCheckinInput = once(() => z.strictObject({ badge: z.string().check(z.minLength(1), z.maxLength(1000)) }));
/** The scanner's table mode: a badge at a table, the table's meeting now found by the API. */
export const meetingTableCheckinInput = once(() =>
  z.strictObject({ badge: z.string().check(z.minLength(1), z.maxLength(1000)), table: text(1, 40) }),
);

/** Documentation of the answers (the OpenAPI build only). */
export const meetingOutput = once(() =>
  z.object({
    id: z.string(),
    eventId: z.string(),
    status: z.enum(['requested', 'scheduled', 'declined', 'cancelled', 'expired', 'held', 'no_show']),
    requester: z.string(),
    invitee: z.string(),
    message: z.nullable(z.string()),
    expiresAt: dateTime(),
    startsAt: z.nullable(dateTime()),
    endsAt: z.nullable(dateTime()),
    table: z.nullable(z.string()),
    present: z.array(z.string()),
    noShow: z.nullable(z.array(z.string())),
  }),
);
export const meetingList = once(() => z.object({ items: z.array(meetingOutput()), nextCursor: z.nullable(z.string()) }));
export const meetingProfileOutput = once(() =>
  z.object({
    registrationId: z.string(),
    name: z.string(),
    organization: z.nullable(z.string()),
    jobTitle: z.nullable(z.string()),
    visible: z.boolean(),
    headline: z.nullable(localizedText(200)),
    sectors: z.array(z.string()),
    offers: z.nullable(z.string()),
    seeks: z.nullable(z.string()),
  }),
);
export const meetingProfileList = once(() => z.object({ items: z.array(meetingProfileOutput()), nextCursor: z.nullable(z.string()) }));
