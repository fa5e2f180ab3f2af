/**
 * Wallet passes: whether this deployment offers them, where they are fetched, and what an Apple
 * pass and a Google "Save" link say. Pure: the pass library (functions/wallet/apple-pass.ts), the
 * signing keys (adapters/wallet-secrets.ts) and the JWT signature stay outside.
 */
import type { Localized, StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { zonedParts } from '#domain/zoned-time';

export type WalletKind = 'apple' | 'google';
export type WalletOffer = Readonly<Record<WalletKind, boolean>>;
export const NO_WALLET: WalletOffer = { apple: false, google: false };

/** The non-secret wallet settings (functions/config.ts names). */
export interface WalletSettings {
  APPLE_PASS_TYPE_ID?: string | undefined;
  APPLE_TEAM_ID?: string | undefined;
  GOOGLE_WALLET_ISSUER_ID?: string | undefined;
}

/**
 * Which passes can be had, from the ids alone: the stack (and the local stack) sets them only
 * together with their signing secret, so functions that merely link to a pass need no access to
 * the secret. The wallet routes still answer 409 `wallet_not_configured` when the secret is absent.
 */
export function walletOffer(s: WalletSettings): WalletOffer {
  return { apple: Boolean(s.APPLE_PASS_TYPE_ID && s.APPLE_TEAM_ID), google: Boolean(s.GOOGLE_WALLET_ISSUER_ID) };
}

export type WalletLinks = { appleUrl: string | null; googleUrl: string | null } | null;

/** The wallet routes of a registration, for the kinds offered; null where none is. The caller checks it holds a badge. */
export function walletLinks(r: Pick<StoredRegistration, 'eventId' | 'id'>, offer: WalletOffer, baseUrl = ''): WalletLinks {
  if (!offer.apple && !offer.google) return null;
  const base = `${baseUrl}/events/${encodeURIComponent(r.eventId)}/registrations/${encodeURIComponent(r.id)}/wallet`;
  return { appleUrl: offer.apple ? `${base}/apple` : null, googleUrl: offer.google ? `${base}/google` : null };
}

/**
 * Pass colours. Events carry no colours of their own (API.md names none), so every pass wears the
 * badge's palette (functions/badges/layout.ts): navy, white text, muted labels.
 */
export const PASS_COLOURS = { background: '#1B2A4A', foreground: '#FFFFFF', label: '#C5CEE0' } as const;

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

type Locale = 'ko' | 'en';
const intlLocale = (l: Locale) => (l === 'ko' ? 'ko-KR' : 'en-GB');

/** The event's time span in its own time zone, as a person reads it in `locale`. */
export function eventTimeText(event: Pick<StoredEvent, 'startsAt' | 'endsAt' | 'timezone'>, locale: Locale): string {
  const fmt = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeStyle: 'short', timeZone: event.timezone });
  return `${fmt.formatRange(new Date(event.startsAt), new Date(event.endsAt))} (${event.timezone})`;
}

/** An instant as local date-time with the zone's offset (`2027-09-14T09:30:00+09:00`): Google shows that local time. */
export function zonedIso(instant: string, timeZone: string): string {
  const parts = zonedParts(new Date(instant), timeZone);
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export interface PassSubject {
  event: Pick<StoredEvent, 'id' | 'name' | 'venue' | 'timezone' | 'startsAt' | 'endsAt' | 'sessions'>;
  registration: Pick<StoredRegistration, 'id' | 'eventId' | 'name' | 'organization' | 'sessions'>;
  /** The badge token: the barcode's exact text. */
  badgeToken: string;
}

/** Session names the registration holds a confirmed seat in. */
function confirmedSessions({ event, registration }: PassSubject): Localized[] {
  return registration.sessions
    .filter((s) => s.status === 'confirmed')
    .flatMap((s) => event.sessions.filter((x) => x.id === s.id).map((x) => x.name));
}

export interface PassField {
  key: string;
  label: string;
  value: string;
}

/** An Apple event ticket: pass.json's own props and fields, and each language's pass.strings. */
export interface ApplePass {
  props: {
    serialNumber: string;
    description: string;
    organizationName: string;
    logoText: string;
    backgroundColor: string;
    foregroundColor: string;
    labelColor: string;
    sharingProhibited: boolean;
  };
  relevantDate: Date;
  expirationDate: Date;
  barcode: { format: 'PKBarcodeFormatQR'; message: string; messageEncoding: 'iso-8859-1' };
  fields: {
    headerFields: PassField[];
    primaryFields: PassField[];
    secondaryFields: PassField[];
    auxiliaryFields: PassField[];
    backFields: PassField[];
  };
  /** Keys used as labels and values above, per language (ko.lproj, en.lproj). */
  strings: Record<Locale, Record<string, string>>;
}

const labels: Record<Locale, Record<string, string>> = {
  ko: {
    'label.attendee': '참가자',
    'label.organization': '소속',
    'label.when': '일시',
    'label.venue': '장소',
    'label.event': '행사',
    'label.sessions': '세션',
    'label.date': '날짜',
  },
  en: {
    'label.attendee': 'Attendee',
    'label.organization': 'Organization',
    'label.when': 'When',
    'label.venue': 'Venue',
    'label.event': 'Event',
    'label.sessions': 'Sessions',
    'label.date': 'Date',
  },
};

/** What the Apple pass of a confirmed registration shows: names as given, event texts in Korean and English. */
export function applePass(subject: PassSubject): ApplePass {
  const { event, registration, badgeToken } = subject;
  const sessions = confirmedSessions(subject);
  const texts = (l: Locale): Record<string, string> => ({
    ...labels[l],
    'value.event': event.name[l],
    'value.when': eventTimeText(event, l),
    'value.date': new Intl.DateTimeFormat(intlLocale(l), { month: 'short', day: 'numeric', timeZone: event.timezone }).format(
      new Date(event.startsAt),
    ),
    ...(sessions.length ? { 'value.sessions': sessions.map((s) => s[l]).join(', ') } : {}),
  });
  const strings = { ko: texts('ko'), en: texts('en') };
  return {
    props: {
      serialNumber: `${registration.eventId}.${registration.id}`,
      description: `${event.name.en} badge`,
      organizationName: event.name.en,
      logoText: 'value.event',
      backgroundColor: rgb(PASS_COLOURS.background),
      foregroundColor: rgb(PASS_COLOURS.foreground),
      labelColor: rgb(PASS_COLOURS.label),
      // The barcode admits its holder: not for forwarding.
      sharingProhibited: true,
    },
    relevantDate: new Date(event.startsAt),
    expirationDate: new Date(event.endsAt),
    // The JWS is ASCII, so ISO-8859-1 carries it byte for byte.
    barcode: { format: 'PKBarcodeFormatQR', message: badgeToken, messageEncoding: 'iso-8859-1' },
    fields: {
      headerFields: [{ key: 'date', label: 'label.date', value: 'value.date' }],
      primaryFields: [{ key: 'attendee', label: 'label.attendee', value: registration.name }],
      secondaryFields: registration.organization
        ? [{ key: 'organization', label: 'label.organization', value: registration.organization }]
        : [],
      auxiliaryFields: [
        { key: 'when', label: 'label.when', value: 'value.when' },
        { key: 'venue', label: 'label.venue', value: event.venue },
      ],
      backFields: [
        { key: 'event', label: 'label.event', value: 'value.event' },
        { key: 'when-back', label: 'label.when', value: 'value.when' },
        { key: 'venue-back', label: 'label.venue', value: event.venue },
        ...(sessions.length ? [{ key: 'sessions', label: 'label.sessions', value: 'value.sessions' }] : []),
      ],
    },
    strings,
  };
}

const localized = (text: Localized) => ({
  defaultValue: { language: 'en', value: text.en },
  translatedValues: [{ language: 'ko', value: text.ko }],
});
const plain = (value: string) => ({ defaultValue: { language: 'en', value } });

/** Google ids are `<issuer id>.<suffix>`, the suffix of letters, digits, `.`, `_` and `-` (event and registration ids are base64url). */
export const googleClassId = (issuerId: string, eventId: string) => `${issuerId}.gatepass-${eventId}`;
export const googleObjectId = (issuerId: string, eventId: string, registrationId: string) => `${issuerId}.${eventId}-${registrationId}`;

/**
 * The claims of a "Save to Google Wallet" JWT: the event's ticket class and this person's ticket
 * object, whose barcode is the badge token. Signed RS256 with the service-account key.
 */
export function googleSaveClaims(
  subject: PassSubject,
  settings: { issuerId: string; serviceAccountEmail: string; origins: readonly string[] },
  now: Date,
) {
  const { event, registration, badgeToken } = subject;
  const classId = googleClassId(settings.issuerId, event.id);
  const sessions = confirmedSessions(subject);
  return {
    iss: settings.serviceAccountEmail,
    aud: 'google',
    typ: 'savetowallet',
    iat: Math.floor(now.getTime() / 1000),
    origins: [...settings.origins],
    payload: {
      eventTicketClasses: [
        {
          id: classId,
          issuerName: event.name.en,
          reviewStatus: 'UNDER_REVIEW',
          eventName: localized(event.name),
          venue: { name: plain(event.venue), address: plain(event.venue) },
          dateTime: { start: zonedIso(event.startsAt, event.timezone), end: zonedIso(event.endsAt, event.timezone) },
          hexBackgroundColor: PASS_COLOURS.background,
        },
      ],
      eventTicketObjects: [
        {
          id: googleObjectId(settings.issuerId, event.id, registration.id),
          classId,
          state: 'ACTIVE',
          ticketHolderName: registration.name,
          barcode: { type: 'QR_CODE', value: badgeToken },
          hexBackgroundColor: PASS_COLOURS.background,
          textModulesData: [
            ...(registration.organization
              ? [
                  {
                    id: 'organization',
                    header: labels.en['label.organization'],
                    body: registration.organization,
                    localizedHeader: localized({ ko: labels.ko['label.organization']!, en: labels.en['label.organization']! }),
                  },
                ]
              : []),
            ...(sessions.length
              ? [
                  {
                    id: 'sessions',
                    header: labels.en['label.sessions'],
                    body: sessions.map((s) => s.en).join(', '),
                    localizedHeader: localized({ ko: labels.ko['label.sessions']!, en: labels.en['label.sessions']! }),
                    localizedBody: localized({ ko: sessions.map((s) => s.ko).join(', '), en: sessions.map((s) => s.en).join(', ') }),
                  },
                ]
              : []),
          ],
        },
      ],
    },
  };
}
