import * as z from 'zod/mini';
import { dateTime } from '#schemas/common';

const scanShape = {
  badge: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  registrationId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  scannedAt: z.optional(dateTime),
  deviceId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  scanId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
};

/** One scan: `badge` (the QR text), or `registrationId` for a manual check-in at the desk. */
export const checkinInput = z.strictObject(scanShape).check(
  z.refine((s) => (s.badge === undefined) !== (s.registrationId === undefined), {
    message: 'either badge or registrationId, not both',
    path: ['badge'],
  }),
);
export type CheckinInput = z.output<typeof checkinInput>;

/** The batch is checked loosely here: each item is judged on its own, as the single route would. */
export const checkinBatchInput = z.strictObject({ scans: z.array(z.unknown()).check(z.minLength(1), z.maxLength(500)) });

const person = z.object({
  id: z.string(),
  name: z.string(),
  organization: z.nullable(z.string()),
  sessions: z.array(z.object({ id: z.string(), status: z.enum(['confirmed', 'waitlisted']) })),
});

export const checkinOutput = z.object({
  result: z.enum(['checked_in', 'already_checked_in']),
  registration: person,
  checkedInAt: dateTime,
  deviceId: z.optional(z.nullable(z.string())),
});

export const checkinBatchOutput = z.object({
  results: z.array(
    z.object({ index: z.int(), status: z.int(), result: z.optional(z.enum(['checked_in', 'already_checked_in'])), code: z.optional(z.string()) }),
  ),
});

export const rosterOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      organization: z.nullable(z.string()),
      status: z.enum(['confirmed', 'waitlisted', 'cancelled']),
      sessions: z.array(z.object({ id: z.string(), status: z.enum(['confirmed', 'waitlisted']) })),
      checkedInAt: z.nullable(dateTime),
      updatedAt: dateTime,
    }),
  ),
  nextCursor: z.nullable(z.string()),
  syncToken: z.string(),
});
