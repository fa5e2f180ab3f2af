import * as z from 'zod/mini';
import { dateTime, once } from '#schemas/common';

const scanShape = () => ({
  badge: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  registrationId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  sessionId: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  scannedAt: z.optional(dateTime()),
  deviceId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  scanId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** `in` (default) or `out`: an exit. */
  direction: z.optional(z.enum(['in', 'out'])),
});

/** One scan: `badge` (the QR text), or `registrationId` for a manual check-in at the desk. Built on first use. */
export const checkinInput = once(() =>
  z.strictObject(scanShape()).check(
    z.refine((s) => (s.badge === undefined) !== (s.registrationId === undefined), {
      message: 'either badge or registrationId, not both',
      path: ['badge'],
    }),
  ),
);
export type CheckinInput = z.output<ReturnType<typeof checkinInput>>;

/** A batch item: a scan and what the scanner showed the person (offline duplicates are told by it). Built on first use. */
export const batchScanInput = once(() =>
  z.strictObject({ ...scanShape(), verdict: z.optional(z.enum(['admitted', 'refused'])) }).check(
    z.refine((s) => (s.badge === undefined) !== (s.registrationId === undefined), {
      message: 'either badge or registrationId, not both',
      path: ['badge'],
    }),
    // A scan with a direction is counted once by its scanId, however often it is uploaded.
    z.refine((s) => s.direction === undefined || s.scanId !== undefined, {
      message: 'a scan with a direction must carry a scanId',
      path: ['scanId'],
    }),
  ),
);

/** The batch is checked loosely here: each item is judged on its own, as the single route would. */
export const checkinBatchInput = once(() => z.strictObject({ scans: z.array(z.unknown()).check(z.minLength(1), z.maxLength(500)) }));
