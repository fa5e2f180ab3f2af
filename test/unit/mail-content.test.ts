import { describe, expect, it } from 'vitest';
import { newEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { calendar, composeMime } from '#mail/compose';
import { emailContent, escapeHtml } from '#mail/content';
import { emailLinks, manageUrl } from '#mail/deliver';
import { eventInput } from '#schemas/event';
import forum from '../../functions/local/forum-2023.json' with { type: 'json' };

const event = newEvent('gwangju-2023', eventInput().parse(forum.event), new Date('2023-08-20T00:00:00Z'));
const registration = (over: Partial<StoredRegistration> = {}): StoredRegistration => ({
  id: 'Reg0000000000000000001',
  eventId: event.id,
  status: 'confirmed',
  email: 'minji.kim@example.com',
  name: '김민지',
  organization: 'Gwangju Bio Co.',
  jobTitle: null,
  locale: 'ko',
  sessions: [
    { id: 'bio', status: 'confirmed' },
    { id: 'b2b', status: 'waitlisted', arrival: '2023-08-21T00:00:00Z' },
  ],
  answers: {},
  consent: { privacy: true },
  createdAt: '2023-08-21T00:00:00Z',
  updatedAt: '2023-08-21T00:00:00Z',
  checkedInAt: null,
  tokenVersion: 1,
  ...over,
});
const link = 'https://forum.example.org/manage#token=t&event=gwangju-2023&registration=Reg0000000000000000001';
const links = { manage: link, badgePdf: `${link}&do=pdf`, calendar: `${link}&do=ics` };

describe('email content', () => {
  it('speaks Korean to a Korean registration, with the event in Gwangju time and each session’s seat', () => {
    const c = emailContent({ kind: 'confirmed', event, registration: registration(), links, badgeCid: 'qr' });
    expect(c.subject).toBe('[2023 국제투자유치포럼] 등록이 확정되었습니다');
    expect(c.text).toContain('김민지 님, 안녕하세요.');
    expect(c.text).toContain('2023년 9월 14일 목요일 오전 9:30');
    expect(c.text).toContain('- 첨단의료·바이오 (확정)');
    expect(c.text).toContain('- 비즈니스 협력 상담회 (B2B) (대기)');
    expect(c.html).toContain('src="cid:qr"');
    expect(c.html).toContain(`href="${escapeHtml(link)}"`);
  });

  it('speaks English to an English registration; every kind has its own subject', () => {
    const subjects = (['confirmed', 'promoted', 'waitlisted', 'cancelled', 'manage_link'] as const).map(
      (kind) => emailContent({ kind, event, registration: registration({ locale: 'en', name: 'Hannah Müller' }), links }).subject,
    );
    expect(new Set(subjects).size).toBe(5);
    expect(subjects[0]).toBe('[2023 International Investment Forum] Your registration is confirmed');
    const cancelled = emailContent({ kind: 'cancelled', event, registration: registration({ locale: 'en' }), links });
    expect(cancelled.text).not.toContain(link);
  });

  it('escapes names and organisations in HTML, keeping them readable in text', () => {
    const r = registration({ name: '<img src=x onerror=alert(1)>', organization: '"Tom & Jerry"' });
    const c = emailContent({ kind: 'confirmed', event, registration: r, links });
    expect(c.html).not.toContain('<img src=x');
    expect(c.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(c.text).toContain('<img src=x onerror=alert(1)> 님');
  });
});

describe('email layout', () => {
  const confirmed = (over: Partial<StoredRegistration> = {}) =>
    emailContent({ kind: 'confirmed', event, registration: registration(over), links, badgeCid: 'badge-qr@gatepass' });
  const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

  it('opens with a header band in the badge’s colour: the status, the event name, when (in the event’s timezone) and where', () => {
    // Act
    const { html } = confirmed();
    const header = /<td data-part="header" style="([^"]*)">([\s\S]*?)<\/td>/.exec(html)!;
    // Assess
    expect(header[1]).toContain('background:#1B2A4A');
    expect(header[2]).toContain('등록 확정');
    expect(header[2]).toContain('<h1');
    expect(header[2]).toContain('2023 국제투자유치포럼');
    expect(header[2]).toContain('2023년 9월 14일 목요일 오전 9:30');
    expect(header[2]).toContain('(Asia/Seoul)');
    expect(header[2]).toContain(`장소: ${escapeHtml(event.venue)}`);
  });

  it('shows the QR inline by CID with alt text that still says what it is when images are blocked, and the name under it', () => {
    const { html } = confirmed();
    const img = /<img [^>]*>/.exec(html)![0];
    expect(img).toContain('src="cid:badge-qr@gatepass"');
    expect(img).toContain('alt="QR 배지: 김민지 (행사장 입구에서 보여 주세요)"');
    expect(img).toMatch(/width="200" height="200"/);
    expect(html).toContain('QR 코드가 보이지 않으면 배지 PDF를 열어');
    expect(html).toContain('Gwangju Bio Co.');
  });

  it('has buttons for manage, badge PDF and calendar, each opening the manage page (downloads with do=pdf|ics), then the address to paste', () => {
    // Act
    const { html, text } = confirmed();
    // Assess
    expect(hrefs(html)).toEqual([link, `${link}&do=pdf`, `${link}&do=ics`, link]);
    for (const label of ['등록 확인·변경·취소', '배지 PDF 받기', '캘린더에 추가']) expect(html).toContain(`>${label}</a>`);
    // No credential in a query string: the token and the download choice ride in the fragment.
    for (const href of hrefs(html)) expect(new URL(href).search).toBe('');
    // The same links, in the same order, in the plain-text part.
    expect(text.match(/https:\/\/\S+/g)).toEqual([link, `${link}&do=pdf`, `${link}&do=ics`]);
    expect(text).toContain('배지 PDF 받기:');
    expect(text).toContain('캘린더에 추가:');
  });

  it('is table-based with inline styles only (no <style>, classes or script), so common clients keep its layout', () => {
    const { html } = confirmed();
    expect(html).toMatch(/^<!doctype html>\n<html lang="ko">/);
    expect(html).toContain('<table role="presentation" width="100%"');
    expect(html).toContain('max-width:560px');
    expect(html).not.toMatch(/<style|<script|<link|class=|<div[^>]*display:flex/);
    expect([...html.matchAll(/<img [^>]*>/g)].every((m) => / alt="[^"]+"/.test(m[0]))).toBe(true);
  });

  it('says the same in the plain-text part: greeting, lead, event, when, where, sessions', () => {
    const { text } = confirmed();
    expect(text.split('\n').slice(0, 8)).toEqual([
      '김민지 님, 안녕하세요.',
      '',
      '등록이 확정되었습니다. 행사장 입구에서 아래 QR 배지를 보여 주세요.',
      '',
      '== 2023 국제투자유치포럼 ==',
      expect.stringMatching(/^일시: 2023년 9월 14일 목요일 오전 9:30 – .* \(Asia\/Seoul\)$/),
      `장소: ${event.venue}`,
      '',
    ]);
    expect(text).toContain('- 첨단의료·바이오 (확정)');
  });

  it('in English too; a waitlist email has the manage button only, a cancelled one no button', () => {
    const en = { locale: 'en' as const, name: 'Hannah Müller' };
    const c = emailContent({ kind: 'confirmed', event, registration: registration(en), links, badgeCid: 'qr' });
    expect(c.html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(c.html).toContain('>Registration confirmed</p>');
    expect(c.html).toContain('alt="QR badge for Hannah Müller (show it at the entrance)"');
    for (const label of ['View, change or cancel your registration', 'Badge (PDF)', 'Add to calendar'])
      expect(c.html).toContain(`>${label}</a>`);
    expect(c.text).toContain('When: Thursday, 14 September 2023 at 09:30 – 18:00 (Asia/Seoul)');
    const waitlisted = emailContent({ kind: 'waitlisted', event, registration: registration({ ...en, status: 'waitlisted' }), links });
    expect(hrefs(waitlisted.html)).toEqual([link, link]);
    expect(waitlisted.html).not.toContain('<img');
    expect(waitlisted.text).not.toContain('do=pdf');
    const cancelled = emailContent({ kind: 'cancelled', event, registration: registration(en), links });
    expect(hrefs(cancelled.html)).toEqual([]);
  });

  it('shows wallet buttons only beside a badge, and only for the passes the deployment offers', () => {
    // Prepare
    const withWallet = { ...links, appleWallet: `${link}&do=apple`, googleWallet: `${link}&do=google` };
    // Act
    const confirmed = emailContent({ kind: 'confirmed', event, registration: registration(), links: withWallet, badgeCid: 'qr' });
    const appleOnly = emailContent({
      kind: 'confirmed',
      event,
      registration: registration(),
      links: { ...links, appleWallet: `${link}&do=apple` },
      badgeCid: 'qr',
    });
    const waitlisted = emailContent({ kind: 'waitlisted', event, registration: registration({ status: 'waitlisted' }), links: withWallet });
    // Assess
    expect(hrefs(confirmed.html)).toEqual([link, `${link}&do=pdf`, `${link}&do=ics`, `${link}&do=apple`, `${link}&do=google`, link]);
    expect(confirmed.html).toContain('>Apple 지갑에 추가</a>');
    expect(confirmed.text).toContain('Google 월렛에 저장:');
    expect(hrefs(appleOnly.html)).not.toContain(`${link}&do=google`);
    expect(`${waitlisted.html}${waitlisted.text}`).not.toMatch(/do=(apple|google)/);
  });

  it('escapes every value from a participant or an organiser, in text, attributes and links', () => {
    // Prepare
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const hostileEvent = {
      ...event,
      name: { ko: hostile, en: hostile },
      venue: `${hostile} & Co`,
      sessions: event.sessions.map((s) => ({ ...s, name: { ko: hostile, en: hostile } })),
    };
    // Act
    const c = emailContent({
      kind: 'confirmed',
      event: hostileEvent,
      registration: registration({ name: hostile, organization: hostile }),
      links,
      badgeCid: 'qr',
    });
    // Assess
    expect(c.html).not.toContain('<script');
    expect(c.html).not.toContain('<img src=x');
    // Only the layout's own elements: nothing a hostile value brought in.
    expect(new Set([...c.html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]))).toEqual(
      new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'table', 'tr', 'td', 'p', 'h1', 'br', 'img', 'a']),
    );
    expect(c.html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(c.html).toContain('&amp; Co');
    expect(c.html).toContain(`alt="QR 배지: ${escapeHtml(hostile)} (행사장 입구에서 보여 주세요)"`);
    expect(c.html).toContain(`href="${escapeHtml(`${link}&do=pdf`)}"`);
    expect(c.html.match(/<img /g)).toHaveLength(1);
    expect(c.text).toContain(`${hostile} 님`);
  });
});

describe('manage link', () => {
  it('defaults to the site’s /manage with the token, event and registration in the fragment; downloads add do=pdf|ics', () => {
    // Prepare
    const r = registration();
    const fragment = `#token=a.1.b&event=gwangju-2023&registration=${r.id}`;
    // Act
    const site = emailLinks({ from: 'x', siteUrl: 'https://d111.cloudfront.net', publicApiUrl: 'https://api.example.org' }, r, 'a.1.b');
    const slashed = emailLinks({ from: 'x', siteUrl: 'http://127.0.0.1:3000/' }, r, 'a.1.b');
    // Assess
    expect(site).toEqual({
      manage: `https://d111.cloudfront.net/manage${fragment}`,
      badgePdf: `https://d111.cloudfront.net/manage${fragment}&do=pdf`,
      calendar: `https://d111.cloudfront.net/manage${fragment}&do=ics`,
    });
    expect(slashed.manage).toBe(`http://127.0.0.1:3000/manage${fragment}`);
  });

  it('a configured manage page (MANAGE_PAGE_URL) overrides the site, downloads included', () => {
    const r = registration();
    const links = emailLinks(
      { from: 'x', managePageUrl: 'https://forum.example.org/my#old', siteUrl: 'https://d111.cloudfront.net' },
      r,
      'tok',
    );
    expect(links.manage).toBe(`https://forum.example.org/my#token=tok&event=gwangju-2023&registration=${r.id}`);
    expect(links.badgePdf).toBe(`${links.manage}&do=pdf`);
  });

  it('encodes the fragment’s values', () => {
    const r = registration({ id: 'a&b=c' });
    expect(emailLinks({ from: 'x', siteUrl: 'https://s.example' }, r, 't+/=').manage).toBe(
      'https://s.example/manage#token=t%2B%2F%3D&event=gwangju-2023&registration=a%26b%3Dc',
    );
  });

  it('without a site or a page, falls back to the API’s own URL, with no download links', () => {
    const r = registration();
    expect(manageUrl({ from: 'x', managePageUrl: 'https://forum.example.org/manage' }, r, 'a.1.b')).toBe(
      `https://forum.example.org/manage#token=a.1.b&event=gwangju-2023&registration=${r.id}`,
    );
    expect(manageUrl({ from: 'x', publicApiUrl: 'https://api.example.org/' }, r, 'tok')).toBe(
      `https://api.example.org/events/gwangju-2023/registrations/${r.id}#token=tok&event=gwangju-2023&registration=${r.id}`,
    );
    expect(emailLinks({ from: 'x', publicApiUrl: 'https://api.example.org/' }, r, 'tok')).toEqual({
      manage: manageUrl({ from: 'x', publicApiUrl: 'https://api.example.org/' }, r, 'tok'),
    });
  });
});

describe('MIME', () => {
  it('holds text and HTML alternatives, the inline QR and a calendar with the event and the confirmed sessions', async () => {
    const r = registration();
    const mime = (
      await composeMime({
        from: 'Gatepass <no-reply@example.org>',
        to: r.email,
        content: emailContent({ kind: 'confirmed', event, registration: r, links, badgeCid: 'badge-qr@gatepass' }),
        badgePng: new Uint8Array([137, 80, 78, 71]),
        ics: await calendar(event, r, link),
      })
    ).toString('utf8');
    expect(mime).toContain('multipart/alternative');
    expect(mime).toContain('Content-ID: <badge-qr@gatepass>');
    expect(mime).toContain('multipart/related');
    expect(mime).toContain('text/calendar');
    const ics = await calendar(event, r, link);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(ics).toContain('DTSTART:20230914T003000Z');
  });
});

describe('composeMessage (#mail-composer, what the mailer loads on its first email)', () => {
  it('carries the QR and the calendar when given a badge token, and neither without one', async () => {
    // Prepare
    const { composeMessage } = await import('#mail-composer');
    const r = registration();
    const base = { from: 'Gatepass <no-reply@example.org>', event, registration: r, links } as const;
    // Act
    const confirmed = (await composeMessage({ ...base, kind: 'confirmed', badgeToken: 'eyJ.token.sig' })).toString('utf8');
    const cancelled = (await composeMessage({ ...base, kind: 'cancelled' })).toString('utf8');
    // Assess
    expect(confirmed).toContain(`To: ${r.email}`);
    expect(confirmed).toContain('Content-ID: <badge-qr@gatepass>');
    expect(confirmed).toContain('Content-Type: image/png');
    expect(confirmed).toContain('text/calendar');
    expect(cancelled).not.toContain('Content-ID:');
    expect(cancelled).not.toContain('text/calendar');
  });
});
