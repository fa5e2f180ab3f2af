/** The delivery ports wired to the real adapters: what the mailer and the sweeper share. */
import { config } from '#config';
import { badgeKeyRing } from '#adapters/badge-keys';
import { takeEmailAllowance } from '#adapters/email-cap-store';
import { eventStore } from '#adapters/event-store';
import { meetingStore } from '#adapters/meeting-store';
import { outboxStore } from '#adapters/outbox-store';
import { registrationStore } from '#adapters/registration-store';
import { manageTokenKey } from '#adapters/secrets';
import { sendRawEmail } from '#adapters/ses';
import { signBadge } from '#domain/badge-token';
import { walletOffer } from '#domain/wallet';
import type { DeliveryPorts } from '#mail/deliver';

export function deliveryPorts(): DeliveryPorts {
  const settings = config();
  const { MAIL_FROM, MANAGE_PAGE_URL, SITE_URL, PUBLIC_API_URL } = settings;
  if (!MAIL_FROM) throw new Error('MAIL_FROM is required');
  return {
    claim: outboxStore.claim,
    markSent: outboxStore.markSent,
    markAttemptFailed: outboxStore.markAttemptFailed,
    markSuppressed: outboxStore.markSuppressed,
    takeEmailAllowance,
    readRegistration: registrationStore.read,
    readEvent: async (eventId) => (await eventStore.read(eventId))?.event,
    readMeeting: meetingStore.read,
    badgeToken: async (eventId, registrationId) => signBadge(await badgeKeyRing(), { eventId, registrationId }),
    manageTokenKey,
    sendRaw: sendRawEmail,
    settings: {
      from: MAIL_FROM,
      ...(MANAGE_PAGE_URL ? { managePageUrl: MANAGE_PAGE_URL } : {}),
      ...(SITE_URL ? { siteUrl: SITE_URL } : {}),
      ...(PUBLIC_API_URL ? { publicApiUrl: PUBLIC_API_URL } : {}),
      wallet: walletOffer(settings),
    },
  };
}
