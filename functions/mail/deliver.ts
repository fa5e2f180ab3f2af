/**
 * Delivers one owed email.
 * 1. Claim the outbox item (conditional write): an item already claimed or sent is skipped, so a
 *    replayed stream batch or a sweeper racing the stream sends nothing twice.
 * 2. Read the registration and event; compose in the registration's locale, with the badge QR
 *    and the calendar when the email confirms a seat, and the manage link (`#mail-composer`,
 *    functions/mail/compose.ts, loaded on the first email).
 * 3. Send as raw email; mark sent. A failure leaves the item pending with its attempt count and
 *    a backoff (the sweeper retries it), or failed after the last attempt.
 */
import { issueManageToken } from '#domain/manage-token';
import type { SecretKeyRing } from '#domain/secret-keys';
import type { StoredEvent } from '#domain/event';
import { countsTowardsCap, isMeetingEmail, type EmailKind, type OutboxItem } from '#domain/outbox';
import type { StoredMeeting } from '#domain/meetings';
import type { StoredRegistration } from '#domain/registration';
import type { EmailLinks } from '#mail/content';
import type { WalletOffer } from '#domain/wallet';

export interface DeliveryPorts {
  claim(id: string, now: Date): Promise<OutboxItem | undefined>;
  markSent(id: string, now: Date, messageId: string | undefined): Promise<void>;
  markAttemptFailed(item: OutboxItem, now: Date, errorName: string): Promise<'pending' | 'failed'>;
  markSuppressed(id: string, now: Date): Promise<void>;
  /** Counts this email against its address's cap for the event; false when the cap is reached. */
  takeEmailAllowance(eventId: string, email: string, outboxId: string, now: Date): Promise<boolean>;
  readRegistration(eventId: string, registrationId: string): Promise<StoredRegistration | undefined>;
  readEvent(eventId: string): Promise<StoredEvent | undefined>;
  /** The meeting a meeting email is about. */
  readMeeting(eventId: string, meetingId: string): Promise<StoredMeeting | undefined>;
  badgeToken(eventId: string, registrationId: string): Promise<string>;
  manageTokenKey(): Promise<SecretKeyRing>;
  sendRaw(mime: Buffer): Promise<string | undefined>;
  /** `wallet`: the passes this deployment offers (buttons only for those). */
  settings: { from: string; managePageUrl?: string; siteUrl?: string; publicApiUrl?: string; wallet?: WalletOffer };
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'retry' | 'failed' | 'suppressed';

const carriesBadge = (kind: EmailKind) => kind === 'confirmed' || kind === 'promoted';

/**
 * The manage page with the token in the fragment (never in a server log): the organiser's page
 * when configured (MANAGE_PAGE_URL), else the site's own /manage (SITE_URL), else the API's own URL.
 */
export function manageUrl(settings: DeliveryPorts['settings'], r: StoredRegistration, token: string): string {
  return emailLinks(settings, r, token).manage;
}

export function emailLinks(settings: DeliveryPorts['settings'], r: StoredRegistration, token: string): EmailLinks {
  const fragment = `#token=${encodeURIComponent(token)}&event=${encodeURIComponent(r.eventId)}&registration=${encodeURIComponent(r.id)}`;
  const page = settings.managePageUrl
    ? settings.managePageUrl.split('#')[0]
    : settings.siteUrl
      ? `${settings.siteUrl.replace(/\/+$/, '')}/manage`
      : undefined;
  if (page) {
    const wallet = settings.wallet;
    return {
      manage: `${page}${fragment}`,
      badgePdf: `${page}${fragment}&do=pdf`,
      calendar: `${page}${fragment}&do=ics`,
      ...(wallet?.apple ? { appleWallet: `${page}${fragment}&do=apple` } : {}),
      ...(wallet?.google ? { googleWallet: `${page}${fragment}&do=google` } : {}),
    };
  }
  // No page to open: the registration's JSON, and no download buttons (a query string would carry the credential).
  const api = (settings.publicApiUrl ?? '').replace(/\/$/, '');
  return { manage: `${api}/events/${encodeURIComponent(r.eventId)}/registrations/${encodeURIComponent(r.id)}${fragment}` };
}

export async function deliver(ports: DeliveryPorts, outboxId: string, now = new Date()): Promise<DeliveryOutcome> {
  const item = await ports.claim(outboxId, now);
  if (!item) return 'skipped';
  try {
    const [registration, event] = await Promise.all([
      ports.readRegistration(item.eventId, item.registrationId),
      ports.readEvent(item.eventId),
    ]);
    // Nothing to write to (data expired under its TTL), or a change notice to someone cancelled or denied since: owed to no one.
    if (
      !registration ||
      !event ||
      (item.kind === 'schedule_changed' && (registration.status === 'cancelled' || registration.status === 'denied'))
    ) {
      await ports.markSent(item.id, now, undefined);
      return 'skipped';
    }
    // Over the address's cap: held back, kept for redrive, never lost (API.md Emails).
    if (
      countsTowardsCap(item.kind) &&
      !item.capExempt &&
      !(await ports.takeEmailAllowance(registration.eventId, registration.email, item.id, now))
    ) {
      await ports.markSuppressed(item.id, now);
      return 'suppressed';
    }
    const token = issueManageToken(await ports.manageTokenKey(), registration.eventId, registration.id, registration.tokenVersion);
    const links = emailLinks(ports.settings, registration, token);
    if (isMeetingEmail(item.kind)) {
      const meeting = item.meetingId ? await ports.readMeeting(item.eventId, item.meetingId) : undefined;
      const otherId = meeting && (meeting.requester === registration.id ? meeting.invitee : meeting.requester);
      const other = otherId ? await ports.readRegistration(item.eventId, otherId) : undefined;
      if (!meeting || !other) {
        await ports.markSent(item.id, now, undefined);
        return 'skipped';
      }
      const { composeMeetingMessage } = await import('#mail-composer');
      const mime = await composeMeetingMessage({
        from: ports.settings.from,
        context: { kind: item.kind, event, meeting, registration, other, manageUrl: links.manage },
      });
      const messageId = await ports.sendRaw(mime);
      await ports.markSent(item.id, new Date(), messageId);
      return 'sent';
    }
    const withBadge = carriesBadge(item.kind) && registration.status === 'confirmed';
    const badgeToken = withBadge ? await ports.badgeToken(registration.eventId, registration.id) : undefined;
    // The composer (content, QR, calendar, MIME: nodemailer, ics, qrcode) loads on the first email:
    // deployed, a file of its own beside index.mjs (lib/bundling.ts), never parsed at cold start.
    const { composeMessage } = await import('#mail-composer');
    const mime = await composeMessage({
      from: ports.settings.from,
      kind: item.kind,
      event,
      registration,
      links,
      ...(badgeToken ? { badgeToken } : {}),
    });
    const messageId = await ports.sendRaw(mime);
    await ports.markSent(item.id, new Date(), messageId);
    return 'sent';
  } catch (error) {
    const state = await ports.markAttemptFailed(item, new Date(), error instanceof Error ? error.name : 'Error');
    return state === 'failed' ? 'failed' : 'retry';
  }
}
