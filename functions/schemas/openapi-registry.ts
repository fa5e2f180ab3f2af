/** Names the route table uses for request and response schemas in the OpenAPI document. */
import * as z from 'zod/mini';
import { eventInput, eventList, eventOutput, eventPatch } from '#schemas/event';
import { registrationInputDoc, registrationOutput } from '#schemas/registration';

export const problemDoc = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: z.string(),
  detail: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

export const schemas: Record<string, z.ZodMiniType> = {
  Health: z.object({ status: z.literal('ok') }),
  EventInput: eventInput,
  EventPatch: eventPatch,
  Event: eventOutput,
  EventList: eventList,
  RegistrationInput: registrationInputDoc,
  Registration: registrationOutput,
  Problem: problemDoc,
  Redrive: z.object({ redriven: z.int() }),
};
