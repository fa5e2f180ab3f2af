/**
 * Response and documentation-only schemas: what the OpenAPI document shows of answers and of the
 * event-specific request bodies. Only the OpenAPI build imports this module, so no handler builds
 * these schemas at cold start (zod/mini schema construction is work esbuild cannot shake away).
 */
import * as z from 'zod/mini';
import * as common from '#schemas/common';
import * as event from '#schemas/event';

const { localizedText } = common;
const dateTime = common.dateTime();
const locale = common.locale();
const eventShape = event.eventShape();
const formField = event.formField();
const sessionInput = event.sessionInput();

const seats = z.object({ seatsLeft: z.int() });

/** What GET /events/{id} and friends answer. */
export const eventOutput = z.object({
  id: z.string(),
  ...eventShape,
  description: z.nullable(localizedText(2000)),
  registration: z.object({ opensAt: dateTime, closesAt: dateTime, waitlist: z.boolean(), approval: z.boolean() }),
  retentionDays: z.int(),
  sessions: z.array(z.object({ ...sessionInput.def.shape, ...seats.def.shape })),
  fields: z.array(formField),
  seatsLeft: z.int(),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const eventList = z.object({ items: z.array(eventOutput), nextCursor: z.nullable(z.string()) });

export const registrationPatchDoc = z.partial(
  z.strictObject({
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    organization: z.string().check(z.maxLength(200)),
    jobTitle: z.string().check(z.maxLength(200)),
    locale,
    sessions: z.array(z.string()),
    answers: z.record(z.string(), z.unknown()),
  }),
);

/** The OpenAPI document's view of the request (the event-specific parts stay open). */
export const registrationInputDoc = z.strictObject({
  email: z.email(),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  organization: z.optional(z.string().check(z.maxLength(200))),
  jobTitle: z.optional(z.string().check(z.maxLength(200))),
  locale: z.optional(locale),
  sessions: z.optional(z.array(z.string())),
  answers: z.optional(z.record(z.string(), z.unknown())),
  consent: z.strictObject({ privacy: z.literal(true), marketing: z.optional(z.boolean()) }),
  /** Admin only (Bearer admin JWT): confirm over the capacity; from anyone else 403 forbidden. */
  overCapacity: z.optional(z.boolean()),
});

/** A session of a registration that awaits approval (or was denied) holds no seat: `pending`, `denied`. */
const seatStatus = z.enum(['confirmed', 'waitlisted', 'pending', 'denied']);
const registrationStatus = z.enum(['confirmed', 'waitlisted', 'cancelled', 'pending', 'denied']);

export const registrationOutput = z.object({
  id: z.string(),
  eventId: z.string(),
  status: registrationStatus,
  email: z.string(),
  name: z.string(),
  organization: z.nullable(z.string()),
  jobTitle: z.nullable(z.string()),
  locale,
  sessions: z.array(z.object({ id: z.string(), status: seatStatus })),
  answers: z.record(z.string(), z.unknown()),
  createdAt: dateTime,
  updatedAt: dateTime,
  checkedInAt: z.nullable(dateTime),
  /** When an admin approved it (approval events): its place in any line. */
  approvedAt: z.optional(dateTime),
  /** A denied registration's reason, as the admin gave it (null without one). */
  denialReason: z.optional(z.nullable(z.string())),
  /** Confirmed by an admin over the capacity (counted apart in attendance). */
  overCapacity: z.optional(z.literal(true)),
  /** Rises with every change of the registration (webhook messages are ordered by it). */
  version: z.optional(z.int()),
  /** null in the replay of a guessable Idempotency-Key (API.md). */
  manageToken: z.optional(z.nullable(z.string())),
  badge: z.nullable(z.object({ token: z.string(), svgUrl: z.string(), pngUrl: z.string(), pdfUrl: z.string() })),
  /** The wallet routes, where the deployment offers that kind of pass and a badge is held; else null. */
  wallet: z.optional(z.nullable(z.object({ appleUrl: z.nullable(z.string()), googleUrl: z.nullable(z.string()) }))),
});

/** GET …/wallet/google: the "Save to Google Wallet" link. */
export const walletSaveLink = z.object({ saveUrl: z.string() });

/** GET /events/{eventId}/registrations: a page of registrations (no manage token, no badge). */
export const registrationList = z.object({ items: z.array(registrationOutput), nextCursor: z.nullable(z.string()) });

const person = z.object({
  id: z.string(),
  name: z.string(),
  organization: z.nullable(z.string()),
  sessions: z.array(z.object({ id: z.string(), status: z.enum(['confirmed', 'waitlisted']) })),
});

export const checkinOutput = z.object({
  result: z.enum(['checked_in', 'already_checked_in', 're_entered', 'checked_out']),
  registration: person,
  /** Always the first entry there (never moved by a re-entry). */
  checkedInAt: z.nullable(dateTime),
  deviceId: z.optional(z.nullable(z.string())),
});

export const checkinBatchOutput = z.object({
  results: z.array(
    z.object({
      index: z.int(),
      status: z.int(),
      result: z.optional(z.enum(['checked_in', 'already_checked_in', 're_entered', 'checked_out'])),
      code: z.optional(z.string()),
      /** The first scan's time and device (already_checked_in: the scan that admitted first). */
      checkedInAt: z.optional(z.nullable(dateTime)),
      deviceId: z.optional(z.nullable(z.string())),
      /** Admitted by this device while, by scannedAt, another device had already admitted the person there. */
      offlineDuplicate: z.optional(z.literal(true)),
    }),
  ),
});

export const rosterOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      organization: z.nullable(z.string()),
      status: registrationStatus,
      sessions: z.array(z.object({ id: z.string(), status: seatStatus })),
      checkedInAt: z.nullable(dateTime),
      updatedAt: dateTime,
      /** The places the person is inside now: "venue", session ids. */
      inside: z.array(z.string()),
    }),
  ),
  nextCursor: z.nullable(z.string()),
  syncToken: z.string(),
});

const count = z.int().check(z.minimum(0));

export const attendanceOutput = z.object({
  eventId: z.string(),
  capacity: count,
  confirmed: count,
  waitlisted: count,
  cancelled: count,
  /** Approval: registrations awaiting a decision, and those denied. */
  pending: count,
  denied: count,
  /** Of the confirmed, those an admin confirmed over the capacity (they hold no seat). */
  overCapacity: count,
  checkedIn: count,
  /** People inside the venue now. */
  inside: count,
  sessions: z.array(
    z.object({
      id: z.string(),
      capacity: count,
      confirmed: count,
      waitlisted: count,
      overCapacity: count,
      checkedIn: count,
      inside: count,
    }),
  ),
  meetings: z.object({ requested: count, scheduled: count, held: count, noShow: count }),
  asOf: dateTime,
});

/** GET …/attendance/timeline: entries, exits and people inside per place per time bucket. */
export const attendanceTimelineOutput = z.object({
  bucket: z.enum(['5m', '15m', '60m']),
  places: z.array(
    z.object({
      /** "venue" or a session id. */
      place: z.string(),
      points: z.array(
        z.object({
          /** The bucket's start, aligned in UTC. */
          at: dateTime,
          in: count,
          out: count,
          /** People inside at the bucket's end. */
          inside: count,
        }),
      ),
    }),
  ),
});
