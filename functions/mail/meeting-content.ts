/**
 * Meeting emails (API.md "B2B meetings"): each side hears of each change, in their own locale;
 * a scheduled meeting carries an .ics with its time, table and the other person. Every value a
 * participant typed is escaped in HTML.
 */
import type { StoredEvent } from '#domain/event';
import type { StoredMeeting } from '#domain/meetings';
import type { MeetingEmailKind } from '#domain/outbox';
import type { StoredRegistration } from '#domain/registration';
import { escapeHtml, type EmailContent } from '#mail/content';

export interface MeetingEmailContext {
  kind: MeetingEmailKind;
  event: StoredEvent;
  meeting: StoredMeeting;
  /** The recipient. */
  registration: StoredRegistration;
  other: StoredRegistration;
  manageUrl: string;
}

const subjects: Record<MeetingEmailKind, Record<'ko' | 'en', (who: string, event: string) => string>> = {
  meeting_requested: { ko: (w, e) => `[${e}] ${w}님과의 미팅 요청`, en: (w, e) => `[${e}] Meeting request with ${w}` },
  meeting_scheduled: {
    ko: (w, e) => `[${e}] ${w}님과의 미팅이 확정되었습니다`,
    en: (w, e) => `[${e}] Your meeting with ${w} is scheduled`,
  },
  meeting_declined: {
    ko: (w, e) => `[${e}] ${w}님과의 미팅 요청이 거절되었습니다`,
    en: (w, e) => `[${e}] Meeting request with ${w} declined`,
  },
  meeting_cancelled: { ko: (w, e) => `[${e}] ${w}님과의 미팅이 취소되었습니다`, en: (w, e) => `[${e}] Meeting with ${w} cancelled` },
  meeting_expired: {
    ko: (w, e) => `[${e}] ${w}님과의 미팅 요청이 만료되었습니다`,
    en: (w, e) => `[${e}] Meeting request with ${w} expired`,
  },
};

const leads: Record<MeetingEmailKind, Record<'ko' | 'en', (sent: boolean) => string>> = {
  meeting_requested: {
    ko: (sent) =>
      sent
        ? '미팅 요청을 보냈습니다. 상대방이 수락하면 시간과 테이블을 알려 드립니다.'
        : '미팅 요청을 받았습니다. 관리 페이지에서 수락하거나 거절하세요.',
    en: (sent) =>
      sent
        ? 'Your meeting request was sent. You will hear the time and table once it is accepted.'
        : 'You have a meeting request. Accept or decline it on your manage page.',
  },
  meeting_scheduled: {
    ko: () => '미팅 시간과 테이블이 정해졌습니다. 첨부된 일정 파일을 캘린더에 추가하세요.',
    en: () => 'Your meeting has a time and a table. The attached calendar file adds it to your calendar.',
  },
  meeting_declined: { ko: () => '미팅 요청이 거절되었습니다.', en: () => 'The meeting request was declined.' },
  meeting_cancelled: {
    ko: () => '미팅이 취소되었습니다. 시간과 테이블은 다른 미팅에 배정될 수 있습니다.',
    en: () => 'The meeting was cancelled; its time and table are free again.',
  },
  meeting_expired: {
    ko: () => '기한 내에 응답이 없어 미팅 요청이 만료되었습니다.',
    en: () => 'The meeting request was not answered in time and has expired.',
  },
};

const who = (r: StoredRegistration) => (r.organization ? `${r.name} (${r.organization})` : r.name);

export function meetingTime(event: StoredEvent, m: StoredMeeting, locale: 'ko' | 'en'): string | undefined {
  if (!m.startsAt || !m.endsAt) return undefined;
  const tag = locale === 'ko' ? 'ko-KR' : 'en-GB';
  const start = new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeStyle: 'short', timeZone: event.timezone }).format(
    new Date(m.startsAt),
  );
  const end = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone: event.timezone }).format(new Date(m.endsAt));
  return `${start} – ${end} (${event.timezone})`;
}

export function meetingEmailContent(ctx: MeetingEmailContext): EmailContent {
  const { kind, event, meeting: m, registration: r, other, manageUrl } = ctx;
  const locale = r.locale;
  const eventName = event.name[locale];
  const subject = subjects[kind][locale](other.name, eventName);
  const lead = leads[kind][locale](m.requester === r.id);
  const l =
    locale === 'ko'
      ? { hello: `${r.name}님, 안녕하세요.`, with: '상대', time: '시간', table: '테이블', message: '메시지', manage: '미팅 관리' }
      : { hello: `Dear ${r.name},`, with: 'With', time: 'Time', table: 'Table', message: 'Message', manage: 'Manage your meetings' };
  const rows: [string, string][] = [[l.with, who(other)]];
  const time = kind === 'meeting_scheduled' ? meetingTime(event, m, locale) : undefined;
  if (time) rows.push([l.time, time]);
  if (kind === 'meeting_scheduled' && m.table) rows.push([l.table, m.table]);
  if (kind === 'meeting_requested' && m.message) rows.push([l.message, m.message]);
  const text = [l.hello, '', lead, '', ...rows.map(([k, v]) => `${k}: ${v}`), '', `${l.manage}: ${manageUrl}`, ''].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#111">
<p>${e(l.hello)}</p><p>${e(lead)}</p>
<table role="presentation">${rows.map(([k, v]) => `<tr><th align="left" style="padding-right:12px">${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>
<p><a href="${e(manageUrl)}">${e(l.manage)}</a></p></body></html>`;
  return { subject, html, text };
}
