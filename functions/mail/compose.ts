/**
 * Raw MIME for one email, composed by nodemailer's MailComposer: HTML and text alternatives,
 * the QR badge inline (CID) and an .ics calendar file for the event and the sessions with a seat.
 *
 * The mailer and the sweeper load this module as `#mail-composer` on the first email
 * (functions/mail/deliver.ts): deployed, it is a file of its own beside index.mjs
 * (mail-composer.mjs, lib/bundling.ts), so a cold start never parses nodemailer, ics and yup,
 * qrcode and pngjs. Import only types from it elsewhere; a value import would inline it again.
 */
import type { EventAttributes } from 'ics';
import type { StoredEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { emailContent, type EmailContent, type EmailLinks, type RegistrationEmailKind } from '#mail/content';
import { qrPng } from '#badges/qr';
import { loadCommonJs } from '#http/commonjs';

export const BADGE_CID = 'badge-qr@gatepass';

/** The event and each session the participant holds a seat in, as one calendar. */
export async function calendar(event: StoredEvent, registration: StoredRegistration, manageUrl: string): Promise<string> {
  // Loaded on first use: ics builds its validation schemas when it loads.
  const { createEvents } = await import('ics');
  const locale = registration.locale;
  // One SEQUENCE for every .ics of the event: a change notice raised it, so calendars replace the older copy.
  const base = {
    startInputType: 'utc',
    startOutputType: 'utc',
    endInputType: 'utc',
    endOutputType: 'utc',
    location: event.venue,
    sequence: event.calendarSequence ?? 0,
  } as const;
  const items: EventAttributes[] = [
    {
      ...base,
      uid: `${event.id}@gatepass`,
      title: event.name[locale],
      description: event.description?.[locale] ?? '',
      start: Date.parse(event.startsAt),
      end: Date.parse(event.endsAt),
      url: manageUrl,
      status: 'CONFIRMED',
    },
    ...registration.sessions
      .filter((s) => s.status === 'confirmed')
      .flatMap((s) => {
        const session = event.sessions.find((x) => x.id === s.id);
        return session
          ? [
              {
                ...base,
                uid: `${event.id}.${session.id}@gatepass`,
                title: `${session.name[locale]} · ${event.name[locale]}`,
                start: Date.parse(session.startsAt),
                end: Date.parse(session.endsAt),
                status: 'CONFIRMED' as const,
              },
            ]
          : [];
      }),
  ];
  const { error, value } = createEvents(items, { productId: 'gatepass', method: 'PUBLISH', calName: event.name[locale] });
  if (error || !value) throw error ?? new Error('calendar could not be built');
  return value;
}

export interface ComposeInput {
  from: string;
  to: string;
  content: EmailContent;
  badgePng?: Uint8Array;
  ics?: string;
  /** The calendar attachment's file name (default event.ics). */
  icsName?: string;
}

export async function composeMime(input: ComposeInput): Promise<Buffer> {
  // nodemailer's CommonJS build, loaded on first use: its ESM build's built-ins (node:net, node:url...)
  // would load at every cold start of the bundle, even behind a dynamic import (http/commonjs.ts).
  const { default: MailComposer } = loadCommonJs<typeof import('nodemailer/lib/mail-composer/index.js')>(
    'nodemailer/lib/mail-composer',
    () => require('nodemailer/lib/mail-composer'),
  );
  const mail = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.content.subject,
    text: input.content.text,
    html: input.content.html,
    textEncoding: 'base64',
    attachments: [
      ...(input.badgePng
        ? [
            {
              filename: 'badge.png',
              content: Buffer.from(input.badgePng),
              contentType: 'image/png',
              cid: BADGE_CID,
              contentDisposition: 'inline' as const,
            },
          ]
        : []),
      ...(input.ics
        ? [{ filename: input.icsName ?? 'event.ics', content: input.ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
        : []),
    ],
  });
  return mail.compile().build();
}

export interface MessageInput {
  from: string;
  kind: RegistrationEmailKind;
  event: StoredEvent;
  /** The recipient (its email, name, locale, sessions). */
  registration: StoredRegistration;
  /** The manage page (token in the fragment) and, with a badge, its download links. */
  links: EmailLinks;
  /** A signed badge token: the email then carries it as an inline QR, and the calendar. */
  badgeToken?: string;
}

/** Emails that carry the calendar without a badge: a change notice's whole point is the fresh .ics. */
const carriesCalendar = (kind: RegistrationEmailKind) => kind === 'schedule_changed';

/** The whole email, as raw MIME: content in the registration's locale, the QR and calendar when it carries the badge. */
export async function composeMessage(input: MessageInput): Promise<Buffer> {
  const { from, kind, event, registration, links, badgeToken } = input;
  const content = emailContent({ kind, event, registration, links, ...(badgeToken ? { badgeCid: BADGE_CID } : {}) });
  const [badgePng, ics] = badgeToken
    ? await Promise.all([qrPng(badgeToken), calendar(event, registration, links.manage)])
    : // No calendar for a registration still awaiting approval (its pages hide it too).
      carriesCalendar(kind) && registration.status !== 'pending'
      ? [undefined, await calendar(event, registration, links.manage)]
      : [];
  return composeMime({ from, to: registration.email, content, ...(badgePng ? { badgePng } : {}), ...(ics ? { ics } : {}) });
}

export interface MeetingMessageInput {
  from: string;
  context: import('#mail/meeting-content').MeetingEmailContext;
}

/** A meeting email; a scheduled meeting carries its own .ics (time, table, the other person). */
export async function composeMeetingMessage(input: MeetingMessageInput): Promise<Buffer> {
  const { meetingEmailContent } = await import('#mail/meeting-content');
  const { context } = input;
  const content = meetingEmailContent(context);
  const ics = context.kind === 'meeting_scheduled' ? await meetingCalendar(context) : undefined;
  return composeMime({ from: input.from, to: context.registration.email, content, ...(ics ? { ics, icsName: 'meeting.ics' } : {}) });
}

async function meetingCalendar(ctx: import('#mail/meeting-content').MeetingEmailContext): Promise<string | undefined> {
  const { meeting: m, event, other, registration } = ctx;
  if (!m.startsAt || !m.endsAt) return undefined;
  const { createEvents } = await import('ics');
  const locale = registration.locale;
  const withWhom = other.organization ? `${other.name} (${other.organization})` : other.name;
  const title = locale === 'ko' ? `미팅: ${withWhom}` : `Meeting: ${withWhom}`;
  const where = locale === 'ko' ? `테이블 ${m.table}` : `Table ${m.table}`;
  const { error, value } = createEvents(
    [
      {
        uid: `${m.id}@gatepass`,
        title,
        description: `${event.name[locale]} · ${where}`,
        location: `${where}, ${event.venue}`,
        start: Date.parse(m.startsAt),
        end: Date.parse(m.endsAt),
        startInputType: 'utc',
        startOutputType: 'utc',
        endInputType: 'utc',
        endOutputType: 'utc',
        url: ctx.manageUrl,
        status: 'CONFIRMED',
      },
    ],
    { productId: 'gatepass', method: 'PUBLISH', calName: event.name[locale] },
  );
  if (error || !value) throw error ?? new Error('calendar could not be built');
  return value;
}
