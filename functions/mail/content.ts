/**
 * What each email says, in Korean or English: subject, HTML and plain text. Every value from a
 * participant or organiser is escaped in HTML (a name like `<img src=x>` shows as text).
 */
import type { StoredEvent } from '#domain/event';
import type { EmailKind } from '#domain/outbox';
import type { StoredRegistration } from '#domain/registration';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface EmailContext {
  kind: EmailKind;
  event: StoredEvent;
  registration: StoredRegistration;
  manageUrl: string;
  /** Content-ID of the inline QR image, when the email carries the badge. */
  badgeCid?: string;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

type Copy = { subject: string; lead: string };

const copy: Record<EmailKind, Record<'ko' | 'en', (event: string) => Copy>> = {
  confirmed: {
    ko: (e) => ({ subject: `[${e}] 등록이 확정되었습니다`, lead: '등록이 확정되었습니다. 행사장 입구에서 아래 QR 배지를 보여 주세요.' }),
    en: (e) => ({ subject: `[${e}] Your registration is confirmed`, lead: 'Your registration is confirmed. Show the QR badge below at the entrance.' }),
  },
  promoted: {
    ko: (e) => ({ subject: `[${e}] 대기 중이던 좌석이 확정되었습니다`, lead: '대기자 명단에서 좌석이 확정되었습니다. 행사장 입구에서 아래 QR 배지를 보여 주세요.' }),
    en: (e) => ({ subject: `[${e}] A seat is now yours`, lead: 'A seat came free and is now yours. Show the QR badge below at the entrance.' }),
  },
  waitlisted: {
    ko: (e) => ({ subject: `[${e}] 대기자 명단에 등록되었습니다`, lead: '현재 정원이 모두 찼습니다. 좌석이 생기면 신청 순서대로 확정하고 이메일로 알려 드립니다.' }),
    en: (e) => ({ subject: `[${e}] You are on the waitlist`, lead: 'The event is full for now. When a seat frees up, it goes to the next in line and we will email you.' }),
  },
  cancelled: {
    ko: (e) => ({ subject: `[${e}] 등록이 취소되었습니다`, lead: '등록이 취소되었습니다. 배지는 더 이상 사용할 수 없습니다.' }),
    en: (e) => ({ subject: `[${e}] Your registration is cancelled`, lead: 'Your registration is cancelled. Its badge no longer admits.' }),
  },
  manage_link: {
    ko: (e) => ({ subject: `[${e}] 등록 관리 링크`, lead: '요청하신 등록 관리 링크입니다. 이 링크로 등록 내용을 확인, 변경 또는 취소할 수 있습니다.' }),
    en: (e) => ({ subject: `[${e}] Your registration link`, lead: 'Here is the link you asked for: view, change or cancel your registration with it.' }),
  },
};

const labels = {
  ko: { hello: (n: string) => `${n} 님, 안녕하세요.`, when: '일시', where: '장소', sessions: '세션', manage: '등록 확인·변경·취소', confirmed: '확정', waitlisted: '대기', badge: 'QR 배지' },
  en: { hello: (n: string) => `Dear ${n},`, when: 'When', where: 'Where', sessions: 'Sessions', manage: 'View, change or cancel your registration', confirmed: 'confirmed', waitlisted: 'waitlisted', badge: 'QR badge' },
};

function when(event: StoredEvent, locale: 'ko' | 'en'): string {
  const fmt = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: event.timezone });
  const end = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { timeStyle: 'short', timeZone: event.timezone });
  return `${fmt.format(new Date(event.startsAt))} – ${end.format(new Date(event.endsAt))} (${event.timezone})`;
}

export function emailContent(ctx: EmailContext): EmailContent {
  const { event, registration: r, kind } = ctx;
  const locale = r.locale;
  const l = labels[locale];
  const eventName = event.name[locale];
  const c = copy[kind][locale](eventName);
  const sessionLines = r.sessions.map((s) => {
    const name = event.sessions.find((x) => x.id === s.id)?.name[locale] ?? s.id;
    return { name, status: s.status === 'confirmed' ? l.confirmed : l.waitlisted };
  });
  const showSessions = kind !== 'cancelled' && sessionLines.length > 0;

  const text = [
    l.hello(r.name),
    '',
    c.lead,
    '',
    `${eventName}`,
    `${l.when}: ${when(event, locale)}`,
    `${l.where}: ${event.venue}`,
    ...(showSessions ? ['', `${l.sessions}:`, ...sessionLines.map((s) => `- ${s.name} (${s.status})`)] : []),
    ...(kind !== 'cancelled' ? ['', `${l.manage}: ${ctx.manageUrl}`] : []),
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${e(c.subject)}</title></head>
<body style="font-family:'Apple SD Gothic Neo','Malgun Gothic',Arial,sans-serif;color:#1a1a1a;max-width:560px;margin:auto">
<p>${e(l.hello(r.name))}</p>
<p>${e(c.lead)}</p>
<h2 style="margin-bottom:4px">${e(eventName)}</h2>
<p style="margin-top:0">${e(l.when)}: ${e(when(event, locale))}<br>${e(l.where)}: ${e(event.venue)}</p>
${showSessions ? `<p>${e(l.sessions)}:</p><ul>${sessionLines.map((s) => `<li>${e(s.name)} (${e(s.status)})</li>`).join('')}</ul>` : ''}
${ctx.badgeCid ? `<p><img src="cid:${e(ctx.badgeCid)}" alt="${e(l.badge)}" width="240" height="240"></p>` : ''}
${kind !== 'cancelled' ? `<p><a href="${e(ctx.manageUrl)}">${e(l.manage)}</a></p>` : ''}
</body></html>`;
  return { subject: c.subject, html, text };
}
