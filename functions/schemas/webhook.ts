/** Request schemas of the webhook routes, built on first use (see common.ts). */
import * as z from 'zod/mini';
import { once } from '#schemas/common';
import { WEBHOOK_TYPES } from '#domain/webhooks';

/** A type of API.md, or `*` for all of them. */
const types = () => z.array(z.enum([...WEBHOOK_TYPES, '*'])).check(z.minLength(1), z.maxLength(WEBHOOK_TYPES.length + 1));
/** Judged as a URL by the handler (invalid_webhook_url); here only its length. */
const url = () => z.string().check(z.minLength(1), z.maxLength(2000));

export const webhookInput = once(() =>
  z.strictObject({
    url: url(),
    types: types(),
    eventId: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  }),
);

export const webhookPatch = once(() =>
  z
    .strictObject({ enabled: z.optional(z.boolean()), types: z.optional(types()), url: z.optional(url()) })
    .check(z.refine((o) => Object.keys(o).length > 0, 'at least one of enabled, types, url')),
);
