/**
 * B2B meetings in the browser (API.md "B2B meetings"): two participants' manage pages (A finds B
 * in the directory and asks; B accepts; both see the time and table), the scanner's table mode
 * checking both in (held), and the console's meetings view and CSV; axe-core on the new parts.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { signIn } from './admin-support.ts';
import { scan, useCanvasCamera } from './scanner-support.ts';
import { call, createEvent, register, site, unique } from './support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const minuteFrom = (ms: number) => new Date(Math.floor((Date.now() + ms) / MINUTE) * MINUTE).toISOString();

async function axe(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A programme whose first slot began five minutes ago: it is the earliest bookable one and under way now. */
async function meetingEvent(registration: Record<string, unknown> = {}) {
  const start = minuteFrom(-5 * MINUTE);
  const event = await createEvent({
    startsAt: minuteFrom(-HOUR),
    endsAt: minuteFrom(8 * HOUR),
    registration: { opensAt: minuteFrom(-24 * HOUR), closesAt: minuteFrom(7 * HOUR), waitlist: true, ...registration },
    sessions: [],
    meetings: {
      blocks: [{ startsAt: start, endsAt: new Date(Date.parse(start) + HOUR).toISOString() }],
      slotMinutes: 30,
      tables: ['A1', 'A2'],
      maxPerParticipant: 4,
      requestHours: 48,
    },
  });
  return event as { id: string; meetings: { blocks: { startsAt: string }[] } };
}

async function person(eventId: string, body: Record<string, unknown>) {
  const r = await register(eventId, { email: unique('meet'), ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; manageToken: string; badge: { token: string } };
}

async function managePage(browser: Browser, eventId: string, p: { id: string; manageToken: string }, locale: string) {
  const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${site()}/manage#token=${p.manageToken}&event=${eventId}&registration=${p.id}`);
  await expect(page.locator('[data-meetings] [data-form="meeting-profile"]')).toBeVisible();
  return { context, page };
}

test('two participants meet: directory, request, accept, the schedule on both pages, table check-in (held), the console', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const event = await meetingEvent();
  const a = await person(event.id, { name: 'Hannah Müller', organization: 'Berlin Energy GmbH', locale: 'en' });
  const b = await person(event.id, { name: '김민지', organization: '광주바이오', locale: 'ko' });

  // B (Korean) lists herself: her consent, a headline in both languages, a sector.
  const pb = await managePage(browser, event.id, b, 'ko-KR');
  await expect(pb.page.locator('#meetings-h')).toHaveText('비즈니스 미팅');
  const formB = pb.page.locator('[data-form="meeting-profile"]');
  await formB.locator('[name="visible"]').check();
  await formB.locator('[name="headline.ko"]').fill('바이오 투자 유치');
  await formB.locator('[name="headline.en"]').fill('Raising bio investment');
  await formB.locator('[name="sectors"]').fill('bio, energy');
  await formB.locator('[name="seeks"]').fill('에너지 분야 파트너');
  await formB.locator('button[type=submit]').click();
  await expect(pb.page.locator('[data-notice="profile-saved"]')).toBeVisible();

  // A (English, a phone) lists himself too, finds B by a Hangul prefix within a sector, and asks.
  const pa = await managePage(browser, event.id, a, 'en-US');
  const formA = pa.page.locator('[data-form="meeting-profile"]');
  await formA.locator('[name="visible"]').check();
  await formA.locator('[name="offers"]').fill('Hydrogen storage know-how');
  await formA.locator('button[type=submit]').click();
  await expect(pa.page.locator('[data-notice="profile-saved"]')).toBeVisible();
  const directory = pa.page.locator('[data-form="meeting-directory"]');
  await directory.locator('[name="q"]').fill('김');
  await directory.locator('button[type=submit]').click();
  const entryB = pa.page.locator(`[data-profile="${b.id}"]`);
  await expect(entryB).toContainText('김민지');
  await expect(entryB).toContainText('Raising bio investment');
  await expect(pa.page.locator('[data-directory]')).not.toContainText('@example.com');
  await directory.locator('[name="sector"]').selectOption('bio');
  await expect(entryB).toBeVisible();
  await entryB.locator('[data-action="request-meeting"]').click();
  await expect(entryB.locator('[name="message"]')).toBeFocused();
  await axe(pa.page, 'manage meetings, request form (en)');
  await pa.page.keyboard.type('Shall we talk about storage?');
  await entryB.locator('[data-action="send-request"]').click();
  await expect(pa.page.locator('[data-notice="request-sent"]')).toBeVisible();
  const out = pa.page.locator('[data-requests="out"] [data-meeting]');
  await expect(out).toContainText('김민지');
  const meetingId = (await out.getAttribute('data-meeting'))!;

  // Asking again is refused by the API, and the page says why.
  await entryB.locator('[data-action="request-meeting"]').click();
  await entryB.locator('[data-action="send-request"]').click();
  await expect(entryB.locator('[data-meeting-error="meeting_exists"]')).toContainText('already have an open request');

  // B sees the request (with its message) and accepts it with the keyboard.
  await pb.page.reload();
  const incoming = pb.page.locator(`[data-requests="in"] [data-meeting="${meetingId}"]`);
  await expect(incoming).toContainText('Hannah Müller');
  await expect(incoming).toContainText('Shall we talk about storage?');
  await incoming.locator('[data-action="accept"]').focus();
  await pb.page.keyboard.press('Enter');
  const mineB = pb.page.locator(`[data-schedule] [data-meeting="${meetingId}"]`);
  await expect(mineB).toHaveAttribute('data-status', 'scheduled');
  await expect(mineB.locator('[data-table]')).toHaveText('A1');
  await expect(mineB).toContainText('Hannah Müller');
  await expect(mineB).toContainText('Berlin Energy GmbH');
  await expect(mineB).toContainText('테이블');
  await axe(pb.page, 'manage meetings, schedule (ko)');

  const accepted = (await call('GET', `/events/${event.id}/meetings?status=scheduled`)).json.items[0];
  expect(accepted).toMatchObject({ id: meetingId, table: 'A1', startsAt: event.meetings.blocks[0].startsAt });
  await pa.page.reload();
  const mineA = pa.page.locator(`[data-schedule] [data-meeting="${meetingId}"]`);
  await expect(mineA.locator('[data-table]')).toHaveText('A1');
  await expect(mineA.locator('[data-starts-at]')).toHaveAttribute('data-starts-at', accepted.startsAt);
  await expect(mineA).toContainText('김민지');
  await expect(mineA).toContainText('광주바이오');
  // On the phone the part reads without sideways scrolling.
  expect(await pa.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  // A reload finds A's own profile again (the directory lists it).
  await expect(pa.page.locator('[name="visible"]')).toBeChecked();
  await expect(pa.page.locator('[name="offers"]')).toHaveValue('Hydrogen storage know-how');
  await pa.context.close();
  await pb.context.close();

  // The scanner at table A1: both badges → held.
  const device = await call('POST', `/events/${event.id}/devices`, { name: 'Table A1' });
  expect(device.status).toBe(201);
  const scanner = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  await useCanvasCamera(scanner);
  const phone = await scanner.newPage();
  await phone.goto(`${site()}/scan#pair=${device.json.pairing.code}`);
  await expect(phone.locator('[data-queue]')).toBeVisible({ timeout: 20_000 });
  await phone.locator('[name="table"]').selectOption('A1');
  await expect(phone.locator('[data-table-mode="A1"]')).toContainText('Online only');
  await expect(phone.locator('[data-action="entry"]')).toHaveCount(0);
  const first = await scan(phone, a.badge.token);
  expect(first).toMatchObject({ verdict: 'scheduled', mode: 'online' });
  expect(first.text).toContain('Hannah Müller');
  expect(first.text).toContain('Table A1');
  const both = await scan(phone, b.badge.token);
  expect(both).toMatchObject({ verdict: 'held', mode: 'online' });
  expect(both.text).toContain('meeting held');
  await axe(phone, 'scanner table mode (en)');
  await phone.locator('[data-action="language"]').click();
  await expect(phone.locator('[data-verdict]')).toContainText('미팅 진행');
  await axe(phone, 'scanner table mode (ko)');
  // A badge at the other table has no meeting there now.
  await phone.locator('[name="table"]').selectOption('A2');
  expect(await scan(phone, a.badge.token)).toMatchObject({ verdict: 'not_in_meeting' });
  // Table mode is online only: without the API it says so and checks nobody in.
  await scanner.setOffline(true);
  expect(await scan(phone, b.badge.token)).toMatchObject({ verdict: 'offline', mode: 'offline', queue: 0 });
  await expect(phone.locator('[data-table-offline]')).toContainText('서버가 필요합니다');
  await scanner.close();

  // The console: the schedule by table and slot, its filters, the CSV.
  const consoleContext = await browser.newContext({ locale: 'en-US' });
  const admin = await consoleContext.newPage();
  await signIn(admin, 'admin', `#event=${event.id}&view=meetings`);
  const cell = admin.locator(`[data-meeting-schedule] [data-meeting="${meetingId}"]`);
  await expect(cell).toHaveAttribute('data-status', 'held');
  await expect(cell).toHaveAttribute('data-table', 'A1');
  await expect(cell).toContainText('Hannah Müller');
  await expect(cell).toContainText('김민지');
  await axe(admin, 'console meetings (en)');
  const filters = admin.locator('[data-form="meeting-filters"]');
  await filters.locator('[name="status"]').selectOption('cancelled');
  await filters.locator('button[type=submit]').click();
  await expect(cell).toHaveCount(0);
  await filters.locator('[name="status"]').selectOption('held');
  await filters.locator('[name="table"]').selectOption('A1');
  await filters.locator('button[type=submit]').click();
  await expect(cell).toBeVisible();
  const [download] = await Promise.all([admin.waitForEvent('download'), admin.locator('[data-action="export-meetings-csv"]').click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(meetingId);
  await admin.locator('.lang button[lang="ko"]').click();
  await expect(admin.locator('#meetings-title')).toHaveText('미팅 일정');
  await axe(admin, 'console meetings (ko)');
  await consoleContext.close();
});

test('a registration not yet confirmed sees the meetings part closed, and never reaches the directory', async ({ page }) => {
  const event = await meetingEvent({ approval: true });
  const r = await person(event.id, { name: 'Pending Person' });
  const seen: string[] = [];
  page.on('request', (req) => seen.push(req.url()));
  await page.goto(`${site()}/manage#token=${r.manageToken}&event=${event.id}&registration=${r.id}`);
  await expect(page.locator('[data-meetings-closed]')).toHaveText('Meetings are open to confirmed registrations only.');
  expect(seen.filter((u) => u.includes('/meeting'))).toEqual([]);
});

test('an event without a programme shows no meetings part, and the console no meetings view', async ({ page }) => {
  const event = await createEvent();
  const r = await person(event.id, { name: 'No Meetings' });
  await page.goto(`${site()}/manage#token=${r.manageToken}&event=${event.id}&registration=${r.id}`);
  await expect(page.locator('[data-registration-id]')).toBeVisible();
  await expect(page.locator('[data-meetings]')).toHaveCount(0);
  await signIn(page, 'admin', `#event=${event.id}`);
  await expect(page.locator('[data-view="devices"]')).toBeVisible();
  await expect(page.locator('[data-view="meetings"]')).toHaveCount(0);
});
