/** Response schemas of the device routes, for the OpenAPI document only (no handler builds them). */
import * as z from 'zod/mini';
import * as common from '#schemas/common';

const dateTime = common.dateTime();

export const deviceOutput = z.object({
  id: z.string(),
  eventId: z.string(),
  name: z.string(),
  /** null: every place of the event. */
  places: z.nullable(z.array(z.string())),
  createdAt: dateTime,
  pairedAt: z.nullable(dateTime),
  lastSeenAt: z.nullable(dateTime),
  revokedAt: z.nullable(dateTime),
});

export const deviceWithPairing = z.object({
  ...deviceOutput.def.shape,
  pairing: z.object({ code: z.string(), url: z.string(), expiresAt: dateTime }),
});

export const deviceList = z.object({ items: z.array(deviceOutput), nextCursor: z.nullable(z.string()) });

export const pairingOutput = z.object({
  deviceToken: z.string(),
  device: z.object({ id: z.string(), eventId: z.string(), name: z.string(), places: z.nullable(z.array(z.string())) }),
});

export const checkinDuplicates = z.object({
  items: z.array(
    z.object({
      registrationId: z.string(),
      /** null once the registration's personal data has expired. */
      name: z.nullable(z.string()),
      place: z.string(),
      scans: z.array(z.object({ deviceId: z.nullable(z.string()), scannedAt: dateTime, uploadedAt: dateTime })),
    }),
  ),
  nextCursor: z.nullable(z.string()),
});
