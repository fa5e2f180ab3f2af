/**
 * The webhook message types of API.md "Webhooks", in its order. A module of its own, with no
 * imports, so the admin console (web/) lists the very same types the API accepts.
 */
/** Every type of API.md, so an endpoint can subscribe to one before its change emits it. */
export const WEBHOOK_TYPES = [
  'registration.created',
  'registration.confirmed',
  'registration.waitlisted',
  'registration.pending',
  'registration.promoted',
  'registration.updated',
  'registration.cancelled',
  'registration.approved',
  'registration.denied',
  'checkin.created',
  'checkout.created',
  'meeting.requested',
  'meeting.scheduled',
  'meeting.declined',
  'meeting.cancelled',
  'meeting.expired',
  'meeting.held',
  'meeting.no_show',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];
