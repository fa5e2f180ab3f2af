/** Response schemas of the webhook routes, for the OpenAPI document only (no handler builds them). */
import * as z from 'zod/mini';
import * as common from '#schemas/common';

const dateTime = common.dateTime();

export const webhookOutput = z.object({
  id: z.string(),
  url: z.string(),
  types: z.array(z.string()),
  eventId: z.nullable(z.string()),
  enabled: z.boolean(),
  createdAt: dateTime,
  /** `gone`: turned off by a 410 from the receiver (PATCH enabled: true turns it on again). */
  disabledReason: z.nullable(z.literal('gone')),
});

/** Shown once: only its sealed form is kept. */
export const webhookWithSecret = z.object({ ...webhookOutput.def.shape, secret: z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]+=*$/)) });

export const webhookSecret = z.object({
  id: z.string(),
  secret: z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]+=*$/)),
  /** Until then the previous secret signs too (both signatures in webhook-signature). */
  previousSecretRetiresAt: dateTime,
});

export const webhookList = z.object({ items: z.array(webhookOutput), nextCursor: z.nullable(z.string()) });

export const webhookDelivery = z.object({
  messageId: z.string(),
  type: z.string(),
  status: z.enum(['delivered', 'retrying', 'failed']),
  attempts: z.int(),
  lastStatusCode: z.nullable(z.int()),
  lastAttemptAt: z.nullable(dateTime),
  createdAt: dateTime,
  nextAttemptAt: z.nullable(dateTime),
  /** At most 200 characters of the receiver's last answer. */
  lastResponse: z.nullable(z.string()),
});

export const webhookDeliveryList = z.object({ items: z.array(webhookDelivery), nextCursor: z.nullable(z.string()) });
