/** Request schemas of the device routes, built on first use (see common.ts). */
import * as z from 'zod/mini';
import { once, text } from '#schemas/common';

/** Control, format and blank-looking filler characters make a name that reads as something else. */
const UNREADABLE = /[\p{Cc}\p{Cf}\u3164\u115F\u1160\uFFA0]/u;

/** `{ name, places? }`: places are "venue" and/or session ids, checked against the event by the handler. */
export const deviceInput = once(() =>
  z.strictObject({
    name: text(1, 100).check(
      z.refine((s) => !UNREADABLE.test(s), 'no control or invisible characters'),
      z.refine((s) => /[\p{L}\p{N}]/u.test(s), 'at least one letter or digit'),
    ),
    places: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.minLength(1), z.maxLength(101))),
  }),
);

/** The code as typed: its shape is judged with the code itself (a malformed code is an unknown one). */
export const pairingInput = once(() => z.strictObject({ code: z.string().check(z.minLength(1), z.maxLength(64)) }));
