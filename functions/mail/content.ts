/**
 * What each email says, in Korean or English: subject, HTML and plain text. Every value from a
 * participant or organiser is escaped in HTML (a name like `<img src=x>` shows as text).
 */
import { COLORS } from '#badges/layout';
import type { StoredEvent } from '#domain/event';
import type { EmailKind, MeetingEmailKind } from '#domain/outbox';

/** The registration's own emails (meeting emails: meeting-content.ts). */
export type RegistrationEmailKind = Exclude<EmailKind, MeetingEmailKind>;
import type { StoredRegistration } from '#domain/registration';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What an email links to. Downloads open the manage page (`&do=pdf|ics`), which fetches them with the token in a header (API.md, Emails). */
export interface EmailLinks {
  manage: string;
  badgePdf?: string;
  calendar?: string;
  /** Only where the deployment offers that pass (API.md, Wallet passes). */
  appleWallet?: string;
  googleWallet?: string;
}

export interface EmailContext {
  kind: RegistrationEmailKind;
  event: StoredEvent;
  registration: StoredRegistration;
  links: EmailLinks;
  /** Content-ID of the inline QR image, when the email carries the badge. */
  badgeCid?: string;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

type Copy = { subject: string; lead: string };

const copy: Record<RegistrationEmailKind, Record<'ko' | 'en', (event: string) => Copy>> = {
  confirmed: {
    ko: (e) => ({ subject: `[${e}] 등록이 확정되었습니다`, lead: '등록이 확정되었습니다. 행사장 입구에서 아래 QR 배지를 보여 주세요.' }),
    en: (e) => ({
      subject: `[${e}] Your registration is confirmed`,
      lead: 'Your registration is confirmed. Show the QR badge below at the entrance.',
    }),
  },
  promoted: {
    ko: (e) => ({
      subject: `[${e}] 대기 중이던 좌석이 확정되었습니다`,
      lead: '대기자 명단에서 좌석이 확정되었습니다. 행사장 입구에서 아래 QR 배지를 보여 주세요.',
    }),
    en: (e) => ({
      subject: `[${e}] A seat is now yours`,
      lead: 'A seat came free and is now yours. Show the QR badge below at the entrance.',
    }),
  },
  waitlisted: {
    ko: (e) => ({
      subject: `[${e}] 대기자 명단에 등록되었습니다`,
      lead: '현재 정원이 모두 찼습니다. 좌석이 생기면 신청 순서대로 확정하고 이메일로 알려 드립니다.',
    }),
    en: (e) => ({
      subject: `[${e}] You are on the waitlist`,
      lead: 'The event is full for now. When a seat frees up, it goes to the next in line and we will email you.',
    }),
  },
  cancelled: {
    ko: (e) => ({ subject: `[${e}] 등록이 취소되었습니다`, lead: '등록이 취소되었습니다. 배지는 더 이상 사용할 수 없습니다.' }),
    en: (e) => ({ subject: `[${e}] Your registration is cancelled`, lead: 'Your registration is cancelled. Its badge no longer admits.' }),
  },
  pending: {
    ko: (e) => ({
      subject: `[${e}] 등록 신청이 접수되었습니다 (승인 대기)`,
      lead: '등록 신청이 접수되었습니다. 주최 측의 승인을 기다리고 있으며, 결과는 이메일로 알려 드립니다. 그동안 아래 링크로 신청 내용을 확인, 변경 또는 취소할 수 있습니다.',
    }),
    en: (e) => ({
      subject: `[${e}] Registration received, awaiting approval`,
      lead: 'We received your registration. It awaits the organiser’s approval, and we will email you the outcome. Meanwhile you can view, change or cancel it with the link below.',
    }),
  },
  denied: {
    ko: (e) => ({ subject: `[${e}] 등록 신청이 승인되지 않았습니다`, lead: '죄송합니다. 주최 측이 이번 등록 신청을 승인하지 않았습니다.' }),
    en: (e) => ({
      subject: `[${e}] Your registration was not approved`,
      lead: 'We are sorry: the organiser did not approve your registration.',
    }),
  },
  schedule_changed: {
    ko: (e) => ({
      subject: `[${e}] 행사 일정 또는 장소가 변경되었습니다`,
      lead: '행사 일정 또는 장소가 변경되었습니다. 아래의 새 일시와 장소를 확인해 주세요. 첨부된 캘린더 파일(.ics)을 열면 캘린더의 일정이 바뀝니다.',
    }),
    en: (e) => ({
      subject: `[${e}] The schedule or venue has changed`,
      lead: 'The event’s schedule or venue has changed: please check the new time and place below. Open the attached calendar file (.ics) to update your calendar.',
    }),
  },
  manage_link: {
    ko: (e) => ({
      subject: `[${e}] 등록 관리 링크`,
      lead: '요청하신 등록 관리 링크입니다. 이 링크로 등록 내용을 확인, 변경 또는 취소할 수 있습니다.',
    }),
    en: (e) => ({
      subject: `[${e}] Your registration link`,
      lead: 'Here is the link you asked for: view, change or cancel your registration with it.',
    }),
  },
};

const labels = {
  ko: {
    hello: (n: string) => `${n} 님, 안녕하세요.`,
    when: '일시',
    where: '장소',
    sessions: '세션',
    manage: '등록 확인·변경·취소',
    badgePdf: '배지 PDF 받기',
    calendar: '캘린더에 추가',
    appleWallet: 'Apple 지갑에 추가',
    googleWallet: 'Google 월렛에 저장',
    confirmed: '확정',
    waitlisted: '대기',
    pending: '승인 대기',
    reason: '사유',
    badgeAlt: (n: string) => `QR 배지: ${n} (행사장 입구에서 보여 주세요)`,
    imagesOff: 'QR 코드가 보이지 않으면 배지 PDF를 열어 입구에서 보여 주세요.',
    copyLink: '버튼이 열리지 않으면 이 주소를 브라우저에 붙여 넣으세요:',
    private: '이 이메일의 링크는 본인만 사용하세요. 링크를 가진 사람은 누구나 이 등록을 변경하거나 취소할 수 있습니다.',
    status: {
      confirmed: '등록 확정',
      promoted: '좌석 확정',
      waitlisted: '대기자 명단 등록',
      cancelled: '등록 취소',
      manage_link: '등록 관리 링크',
      pending: '승인 대기',
      denied: '승인 거절',
      schedule_changed: '일정·장소 변경',
    },
  },
  en: {
    hello: (n: string) => `Dear ${n},`,
    when: 'When',
    where: 'Where',
    sessions: 'Sessions',
    manage: 'View, change or cancel your registration',
    badgePdf: 'Badge (PDF)',
    calendar: 'Add to calendar',
    appleWallet: 'Add to Apple Wallet',
    googleWallet: 'Save to Google Wallet',
    confirmed: 'confirmed',
    waitlisted: 'waitlisted',
    pending: 'awaiting approval',
    reason: 'Reason',
    badgeAlt: (n: string) => `QR badge for ${n} (show it at the entrance)`,
    imagesOff: 'No QR code above? Open the badge PDF and show it at the entrance.',
    copyLink: 'If a button does not open, paste this address into your browser:',
    private: 'Keep this email to yourself: anyone with its links can change or cancel this registration.',
    status: {
      confirmed: 'Registration confirmed',
      promoted: 'Seat confirmed',
      waitlisted: 'On the waitlist',
      cancelled: 'Registration cancelled',
      manage_link: 'Your registration link',
      pending: 'Awaiting approval',
      denied: 'Not approved',
      schedule_changed: 'Schedule or venue changed',
    },
  },
} satisfies Record<'ko' | 'en', { status: Record<RegistrationEmailKind, string> } & Record<string, unknown>>;

/** The badge's own colours, so the email and the printed badge look alike; the page and rules are the email's. */
const colour = { ...COLORS, page: '#EEF1F6', rule: '#D9DEE8' } as const;
const font = "'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',Arial,Helvetica,sans-serif";

function when(event: StoredEvent, locale: 'ko' | 'en'): string {
  const fmt = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: event.timezone,
  });
  const end = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { timeStyle: 'short', timeZone: event.timezone });
  return `${fmt.format(new Date(event.startsAt))} – ${end.format(new Date(event.endsAt))} (${event.timezone})`;
}

function sessionWhen(s: { startsAt: string; endsAt: string }, timeZone: string, locale: 'ko' | 'en'): string {
  const tag = locale === 'ko' ? 'ko-KR' : 'en-GB';
  const start = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const end = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone });
  return `${start.format(new Date(s.startsAt))} – ${end.format(new Date(s.endsAt))}`;
}

export function emailContent(ctx: EmailContext): EmailContent {
  const { event, registration: r, kind, links } = ctx;
  const locale = r.locale;
  const l = labels[locale];
  const eventName = event.name[locale];
  const c = copy[kind][locale](eventName);
  const sessionLines = r.sessions.map((s) => {
    const session = event.sessions.find((x) => x.id === s.id);
    const name = session?.name[locale] ?? s.id;
    // A change notice names each session's (new) time too: a session may be what moved.
    const timed = kind === 'schedule_changed' && session ? `${name} (${sessionWhen(session, event.timezone, locale)})` : name;
    return { name: timed, status: s.status === 'confirmed' ? l.confirmed : s.status === 'pending' ? l.pending : l.waitlisted };
  });
  // Cancelled and denied: nothing left to open or attend.
  const over = kind === 'cancelled' || kind === 'denied';
  const showSessions = !over && sessionLines.length > 0;
  const reason = kind === 'denied' && r.denialReason ? r.denialReason : undefined;
  const time = when(event, locale);
  // A cancelled registration has nothing left to open; downloads only beside the badge they fetch.
  const buttons = over
    ? []
    : [
        { label: l.manage, href: links.manage, primary: true },
        ...(ctx.badgeCid && links.badgePdf ? [{ label: l.badgePdf, href: links.badgePdf, primary: false }] : []),
        ...(ctx.badgeCid && links.calendar ? [{ label: l.calendar, href: links.calendar, primary: false }] : []),
        ...(ctx.badgeCid && links.appleWallet ? [{ label: l.appleWallet, href: links.appleWallet, primary: false }] : []),
        ...(ctx.badgeCid && links.googleWallet ? [{ label: l.googleWallet, href: links.googleWallet, primary: false }] : []),
      ];

  const text = [
    l.hello(r.name),
    '',
    c.lead,
    ...(reason ? ['', `${l.reason}: ${reason}`] : []),
    '',
    `== ${eventName} ==`,
    `${l.when}: ${time}`,
    `${l.where}: ${event.venue}`,
    ...(showSessions ? ['', `${l.sessions}:`, ...sessionLines.map((s) => `- ${s.name} (${s.status})`)] : []),
    ...buttons.flatMap((b) => ['', `${b.label}:`, b.href]),
    ...(!over ? ['', l.private] : []),
    '',
  ].join('\n');

  const e = escapeHtml;
  const cell = `font-family:${font};color:${colour.ink};font-size:15px;line-height:1.6`;
  const row = (content: string, style = '') => `<tr><td style="${cell};padding:0 28px;${style}">${content}</td></tr>`;
  // "Bulletproof" buttons: a table cell carries the colour, so Outlook (no padding on <a>) still shows a button.
  const button = (b: (typeof buttons)[number]) =>
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 10px"><tr><td style="border-radius:6px;background:${b.primary ? colour.header : colour.paper};border:2px solid ${colour.header}">` +
    `<a href="${e(b.href)}" target="_blank" style="display:inline-block;padding:11px 20px;font-family:${font};font-size:15px;font-weight:bold;line-height:1.2;color:${b.primary ? colour.onHeader : colour.header};text-decoration:none;border-radius:6px">${e(b.label)}</a></td></tr></table>`;
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light only"><title>${e(c.subject)}</title></head>
<body style="margin:0;padding:0;background:${colour.page}">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${e(c.lead)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${colour.page}"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:560px;background:${colour.paper};border-radius:8px">
<tr><td data-part="header" style="background:${colour.header};padding:24px 28px;border-radius:8px 8px 0 0;font-family:${font}">
<p style="margin:0 0 6px;font-size:13px;line-height:1.4;color:${colour.onHeaderMuted}">${e(l.status[kind])}</p>
<h1 style="margin:0;font-size:22px;line-height:1.3;color:${colour.onHeader};font-weight:bold">${e(eventName)}</h1>
<p style="margin:10px 0 0;font-size:14px;line-height:1.5;color:${colour.onHeaderMuted}">${e(l.when)}: ${e(time)}<br>${e(l.where)}: ${e(event.venue)}</p>
</td></tr>
${row(`<p style="margin:0 0 12px">${e(l.hello(r.name))}</p><p style="margin:0">${e(c.lead)}</p>${reason ? `<p data-part="reason" style="margin:12px 0 0"><strong>${e(l.reason)}:</strong> ${e(reason)}</p>` : ''}`, 'padding-top:24px;padding-bottom:16px')}
${
  ctx.badgeCid
    ? row(
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" align="center" style="margin:0 auto;border:1px solid ${colour.rule};border-radius:8px"><tr><td align="center" style="padding:16px;font-family:${font}">` +
          `<img src="cid:${e(ctx.badgeCid)}" alt="${e(l.badgeAlt(r.name))}" width="200" height="200" style="display:block;width:200px;height:200px;border:0;outline:none;text-decoration:none;font-family:${font};font-size:13px;color:${colour.muted}">` +
          `<p style="margin:12px 0 0;font-size:17px;line-height:1.3;font-weight:bold;color:${colour.ink}">${e(r.name)}</p>` +
          (r.organization
            ? `<p style="margin:4px 0 0;font-size:14px;line-height:1.4;color:${colour.muted}">${e(r.organization)}</p>`
            : '') +
          `</td></tr></table><p style="margin:8px 0 0;font-size:13px;line-height:1.5;color:${colour.muted};text-align:center">${e(l.imagesOff)}</p>`,
        'padding-bottom:16px',
      )
    : ''
}
${showSessions ? row(`<p style="margin:0 0 6px;font-weight:bold">${e(l.sessions)}</p><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${sessionLines.map((s) => `<tr><td style="${cell};padding:6px 0;border-top:1px solid ${colour.rule}">${e(s.name)}</td><td align="right" style="${cell};padding:6px 0;border-top:1px solid ${colour.rule};color:${colour.muted};white-space:nowrap">${e(s.status)}</td></tr>`).join('')}</table>`, 'padding-bottom:16px') : ''}
${buttons.length ? row(`${buttons.map(button).join('\n')}<p style="margin:8px 0 0;font-size:12px;line-height:1.5;color:${colour.muted}">${e(l.copyLink)}<br><a href="${e(links.manage)}" style="color:${colour.header};word-break:break-all">${e(links.manage)}</a></p>`, 'padding-bottom:20px') : ''}
${!over ? `<tr><td style="font-family:${font};padding:16px 28px 24px;border-top:1px solid ${colour.rule};font-size:12px;line-height:1.5;color:${colour.muted}">${e(l.private)}</td></tr>` : '<tr><td style="padding:0 0 8px"></td></tr>'}
</table>
</td></tr></table>
</body></html>`;
  return { subject: c.subject, html, text };
}
