import { describe, expect, it } from 'vitest';
import { newEvent } from '#domain/event';
import type { StoredRegistration } from '#domain/registration';
import { calendar, composeMime } from '#mail/compose';
import { emailContent, escapeHtml } from '#mail/content';
import { manageUrl } from '#mail/deliver';
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
const link = 'https://forum.example.org/manage#token=t';

describe('email content', () => {
  it('speaks Korean to a Korean registration, with the event in Gwangju time and each session’s seat', () => {
    const c = emailContent({ kind: 'confirmed', event, registration: registration(), manageUrl: link, badgeCid: 'qr' });
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
      (kind) => emailContent({ kind, event, registration: registration({ locale: 'en', name: 'Hannah Müller' }), manageUrl: link }).subject,
    );
    expect(new Set(subjects).size).toBe(5);
    expect(subjects[0]).toBe('[2023 International Investment Forum] Your registration is confirmed');
    const cancelled = emailContent({ kind: 'cancelled', event, registration: registration({ locale: 'en' }), manageUrl: link });
    expect(cancelled.text).not.toContain(link);
  });

  it('escapes names and organisations in HTML, keeping them readable in text', () => {
    const r = registration({ name: '<img src=x onerror=alert(1)>', organization: '"Tom & Jerry"' });
    const c = emailContent({ kind: 'confirmed', event, registration: r, manageUrl: link });
    expect(c.html).not.toContain('<img src=x');
    expect(c.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(c.text).toContain('<img src=x onerror=alert(1)> 님');
  });
});

describe('manage link', () => {
  it('puts the token in the fragment of the organiser’s page, or of the API’s own URL', () => {
    const r = registration();
    expect(manageUrl({ from: 'x', managePageUrl: 'https://forum.example.org/manage' }, r, 'a.1.b')).toBe(
      `https://forum.example.org/manage#token=a.1.b&event=gwangju-2023&registration=${r.id}`,
    );
    expect(manageUrl({ from: 'x', publicApiUrl: 'https://api.example.org/' }, r, 'tok')).toBe(
      `https://api.example.org/events/gwangju-2023/registrations/${r.id}#token=tok&event=gwangju-2023&registration=${r.id}`,
    );
  });
});

describe('MIME', () => {
  it('holds text and HTML alternatives, the inline QR and a calendar with the event and the confirmed sessions', async () => {
    const r = registration();
    const mime = (
      await composeMime({
        from: 'Gatepass <no-reply@example.org>',
        to: r.email,
        content: emailContent({ kind: 'confirmed', event, registration: r, manageUrl: link, badgeCid: 'badge-qr@gatepass' }),
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
    const base = { from: 'Gatepass <no-reply@example.org>', event, registration: r, manageUrl: link } as const;
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
