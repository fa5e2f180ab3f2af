/**
 * The door scanner's exit mode (API.md "Exits, re-entry and occupancy"): an entry / exit toggle
 * per place, both languages, judged online by the API and offline by the same rules from the
 * roster's `inside` and the device's own scans; queued exits carry their direction and scanId.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { scan, shellCached, useCanvasCamera } from './scanner-support.ts';
import { call, createEvent, register, site, unique } from './support.ts';

async function person(eventId: string, name: string) {
  const r = await register(eventId, { email: unique('exit'), name, organization: 'Gwangju Bio Co.' });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; badge: { token: string } };
}

async function pairedPhone(browser: Browser, eventId: string, locale = 'en-US') {
  const r = await call('POST', `/events/${eventId}/devices`, { name: 'Door' });
  expect(r.status).toBe(201);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale });
  await useCanvasCamera(context);
  const page = await context.newPage();
  await page.goto(`${site()}/scan#pair=${r.json.pairing.code}`);
  await expect(page.locator('[data-queue]')).toBeVisible({ timeout: 20_000 });
  return { context, page };
}

const inside = async (eventId: string) => (await call('GET', `/events/${eventId}/attendance`)).json.inside as number;
/** The scanner ignores the badge it just judged for 3 s (it is still in front of the camera). */
const again = (page: Page) => page.waitForTimeout(3_100);

test.describe('the door scanner, exits', () => {
  test('online: entry, then the exit toggle checks out; not inside is refused; back to entry is a re-entry', async ({ browser }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const a = await person(event.id, '이서연');
    const { context, page } = await pairedPhone(browser, event.id);
    const entry = page.locator('[data-action="entry"]');
    const exit = page.locator('[data-action="exit"]');
    await expect(entry).toHaveText('Entry');
    await expect(exit).toHaveText('Exit');
    await expect(entry).toHaveAttribute('aria-pressed', 'true');

    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'checked_in' });
    await exit.click();
    await expect(exit).toHaveAttribute('aria-pressed', 'true');
    await again(page);
    const out = await scan(page, a.badge.token);
    expect(out).toMatchObject({ verdict: 'checked_out' });
    expect(out.text).toContain('Checked out');
    // Online within 1.5 s, or judged offline and uploaded (a loaded machine): either way it counts.
    await expect.poll(() => inside(event.id), { timeout: 15_000 }).toBe(0);
    await again(page);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'not_inside' });
    // The choice is kept for this place across a reload.
    await page.reload();
    await expect(page.locator('[data-action="exit"]')).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
    await page.locator('[data-action="entry"]').click();
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 're_entered' });
    await expect.poll(() => inside(event.id), { timeout: 15_000 }).toBe(1);
    await context.close();
  });

  test('offline: exits judged from what the device knows, queued with their direction, uploaded and counted; Korean labels', async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const event = await createEvent();
    const [a, b] = [await person(event.id, '박지훈'), await person(event.id, 'Ana Souza')];
    const { context, page } = await pairedPhone(browser, event.id, 'ko-KR');
    await expect(page.locator('[data-action="entry"]')).toHaveText('입장');
    await expect(page.locator('[data-action="exit"]')).toHaveText('퇴장');
    // a comes in online; the device remembers it.
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'online' });
    await shellCached(page);
    await context.setOffline(true);
    await page.locator('[data-action="exit"]').click();
    await again(page);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'checked_out', mode: 'offline', queue: 1 });
    // b never came in: not inside, offline as online.
    expect(await scan(page, b.badge.token)).toMatchObject({ verdict: 'not_inside', mode: 'offline', queue: 2 });
    await page.locator('[data-action="entry"]').click();
    await again(page);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 're_entered', mode: 'offline', queue: 3 });
    expect(await inside(event.id)).toBe(1);

    await context.setOffline(false);
    await expect(page.locator('[data-queue]')).toHaveAttribute('data-queue', '0', { timeout: 20_000 });
    // The API judged each as the device showed it.
    await expect(page.locator('[data-differences]')).toHaveCount(0);
    expect(await inside(event.id)).toBe(1);
    const roster = (await call('GET', `/events/${event.id}/roster`)).json.items as { id: string; inside: string[] }[];
    expect(roster.find((p) => p.id === a.id)?.inside).toEqual(['venue']);
    expect(roster.find((p) => p.id === b.id)?.inside).toEqual([]);
    await context.close();
  });
});
