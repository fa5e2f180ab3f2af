/** Names the route table uses for request and response schemas in the OpenAPI document. */
import * as z from 'zod/mini';
import { eventInput, eventPatch } from '#schemas/event';
import { denyInput, resendInput } from '#schemas/registration';
import { batchScanInput, checkinBatchInput, checkinInput } from '#schemas/checkin';
import { deviceInput, pairingInput } from '#schemas/device';
import * as meetings from '#schemas/meetings';
import { webhookInput, webhookPatch } from '#schemas/webhook';
import { webhookDeliveryList, webhookList, webhookOutput, webhookSecret, webhookWithSecret } from '#schemas/webhook-documents';
import { checkinDuplicates, deviceList, deviceOutput, deviceWithPairing, pairingOutput } from '#schemas/device-documents';
import {
  attendanceOutput,
  attendanceTimelineOutput,
  checkinBatchOutput,
  checkinOutput,
  eventList,
  eventOutput,
  registrationInputDoc,
  registrationList,
  registrationOutput,
  registrationPatchDoc,
  rosterOutput,
  walletSaveLink,
} from '#schemas/documents';

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
  EventInput: eventInput(),
  EventPatch: eventPatch(),
  Event: eventOutput,
  EventList: eventList,
  RegistrationInput: registrationInputDoc,
  Registration: registrationOutput,
  RegistrationList: registrationList,
  Problem: problemDoc,
  Redrive: z.object({ redriven: z.int() }),
  RegistrationPatch: registrationPatchDoc,
  ResendInput: resendInput(),
  DenyInput: denyInput(),
  Accepted: z.object({ status: z.literal('accepted') }),
  Attendance: attendanceOutput,
  AttendanceTimeline: attendanceTimelineOutput,
  CheckinInput: checkinInput(),
  Checkin: checkinOutput,
  CheckinBatchInput: checkinBatchInput(),
  CheckinBatch: checkinBatchOutput,
  Roster: rosterOutput,
  WalletSaveLink: walletSaveLink,
  BatchScan: batchScanInput(),
  DeviceInput: deviceInput(),
  Device: deviceOutput,
  DeviceWithPairing: deviceWithPairing,
  DeviceList: deviceList,
  PairingInput: pairingInput(),
  Pairing: pairingOutput,
  CheckinDuplicates: checkinDuplicates,
  MeetingProfileInput: meetings.meetingProfileInput(),
  MeetingProfile: meetings.meetingProfileOutput(),
  MeetingProfileList: meetings.meetingProfileList(),
  MeetingRequestInput: meetings.meetingRequestInput(),
  MeetingCheckinInput: meetings.meetingCheckinInput(),
  MeetingTableCheckinInput: meetings.meetingTableCheckinInput(),
  Meeting: meetings.meetingOutput(),
  MeetingList: meetings.meetingList(),
  WebhookInput: webhookInput(),
  WebhookPatch: webhookPatch(),
  Webhook: webhookOutput,
  WebhookWithSecret: webhookWithSecret,
  WebhookSecret: webhookSecret,
  WebhookList: webhookList,
  WebhookDeliveryList: webhookDeliveryList,
  BadgeKeys: z.object({ keys: z.array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), kid: z.string(), x: z.string() })) }),
};
