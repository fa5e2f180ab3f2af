/**
 * The door scanner (/scan) in a real browser against the local stack: paired with a code from the
 * API, fed badges through a canvas camera (one browser for every badge) and, once, through
 * Chromium's fake-capture device playing a Y4M of a real badge's QR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { qrDataUrl, scan, shellCached, useCanvasCamera, writeBadgeY4m } from './scanner-support.ts';
import { call, createEvent, readmeShot, register, site, unique } from './support.ts';

const phone = { viewport: { width: 390, height: 844 }, locale: 'en-US' };

interface Registration {
  id: string;
  name: string;
  manageToken: string;
  badge: { token: string };
}

async function person(eventId: string, name: string, extra: Record<string, unknown> = {}): Promise<Registration> {
  const r = await register(eventId, { email: unique('door'), name, organization: 'Gwangju Bio Co.', ...extra });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}

const cancel = async (r: Registration, eventId: string) =>
  expect((await call('DELETE', `/events/${eventId}/registrations/${r.id}`)).status).toBe(200);

async function newDevice(eventId: string, name: string, places?: string[]) {
  const r = await call('POST', `/events/${eventId}/devices`, { name, ...(places ? { places } : {}) });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { id: string; pairing: { code: string; url: string } };
}

/** A phone that opened the admin's pairing link (the deep link, as its QR holds it) and finished its first sync. */
async function pairedPhone(
  browser: Browser,
  eventId: string,
  name = 'Door 1',
  places?: string[],
): Promise<{ context: BrowserContext; page: Page; device: { id: string } }> {
  const device = await newDevice(eventId, name, places);
  const link = new URL(device.pairing.url);
  expect(link.pathname + link.hash).toBe(`/scan#pair=${device.pairing.code}`);
  const context = await browser.newContext(phone);
  await useCanvasCamera(context);
  const page = await context.newPage();
  await page.goto(`${site()}${link.pathname}${link.hash}`);
  await expect(page.locator('[data-queue]')).toBeVisible({ timeout: 20_000 });
  return { context, page, device };
}

const attendance = async (eventId: string) => (await call('GET', `/events/${eventId}/attendance`)).json as { checkedIn: number };

test.describe('the door scanner', () => {
  test('pairs by its deep link, scans online, refuses a repeat with the first scan, checks in by name search; Korean; axe-clean', async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const minji = await person(event.id, '김민지', { sessions: ['energy'] });
    const hannah = await person(event.id, 'Hannah Müller');
    const { context, page, device } = await pairedPhone(browser, event.id);
    // The code left the address bar (and history) at once.
    expect(page.url()).toBe(`${site()}/scan`);
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('');
    await expect(page.getByText('Browser Test Forum')).toBeVisible();
    await expect(page.locator('[data-people]')).toHaveAttribute('data-people', '2');
    await expect(page.locator('[name=place]')).toHaveValue('venue');

    const first = await scan(page, minji.badge.token);
    expect(first).toMatchObject({ verdict: 'checked_in', mode: 'online', queue: 0 });
    expect(first.text).toContain('김민지');
    expect(first.text).toContain('Gwangju Bio Co.');
    expect(first.text).toContain('Future Energy');
    // For the README's picture, the badge in front of the camera again (ignored: the same badge within 3 s).
    await page.evaluate(
      async (url) => (globalThis as unknown as { __showBadge(u: string): Promise<void> }).__showBadge(url),
      await qrDataUrl(minji.badge.token),
    );
    await readmeShot(page, 'scanner-verdict');
    await page.evaluate(() => (globalThis as unknown as { __showBadge(u: null): Promise<void> }).__showBadge(null));
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

    // The same badge still in front of the camera is not judged again for 3 s.
    await page.waitForTimeout(3100);
    const again = await scan(page, minji.badge.token);
    expect(again).toMatchObject({ verdict: 'already_checked_in', mode: 'online' });
    expect(again.text).toContain('Door 1');
    await expect(page.locator('[data-first-scan]')).toHaveAttribute('data-first-scan', /^\d{4}-\d\d-\d\dT/);

    // Manual check-in: a Hangul-free prefix of a later word, then the button of that person.
    await page.locator('#manual-search').pressSequentially('mül');
    await page.locator(`[data-person="${hannah.id}"] [data-action=check-in]`).click();
    await expect(page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'checked_in');
    await expect(page.locator('[data-verdict]')).toContainText('Hannah Müller');
    expect((await attendance(event.id)).checkedIn).toBe(2);
    await page.locator('#manual-search').fill('');
    await page.locator('#manual-search').pressSequentially('김');
    await expect(page.locator(`[data-person="${minji.id}"]`)).toBeVisible();

    // Korean, by the switch.
    await page.locator('[data-action=language]').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expect(page.locator('[data-verdict]')).toContainText('체크인 완료');
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

    const devices = (await call('GET', `/events/${event.id}/devices`)).json;
    expect(devices.items.find((d: { id: string }) => d.id === device.id)).toMatchObject({ name: 'Door 1', pairedAt: expect.any(String) });
    await context.close();
  });

  test('offline by itself: the queue grows, a reload offline keeps scanning, back online the queue uploads and each person counts once', async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const event = await createEvent();
    const [a, b, c] = [await person(event.id, '이서연'), await person(event.id, 'Ana Souza'), await person(event.id, '박지훈')];
    const { context, page } = await pairedPhone(browser, event.id);
    await shellCached(page);
    await context.setOffline(true);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline', queue: 1 });
    expect(await scan(page, b.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline', queue: 2 });

    await page.reload();
    await expect(page.locator('[data-queue]')).toHaveAttribute('data-queue', '2', { timeout: 20_000 });
    await expect(page.locator('[data-people]')).toHaveAttribute('data-people', '3');
    const third = await scan(page, c.badge.token);
    expect(third).toMatchObject({ verdict: 'checked_in', mode: 'offline', queue: 3 });
    expect(third.text).toContain('박지훈');
    // This device's own earlier admission, remembered across the reload.
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'already_checked_in', mode: 'offline', queue: 4 });
    expect((await attendance(event.id)).checkedIn).toBe(0);

    await context.setOffline(false);
    await expect(page.locator('[data-queue]')).toHaveAttribute('data-queue', '0', { timeout: 20_000 });
    await expect.poll(async () => (await attendance(event.id)).checkedIn, { timeout: 10_000 }).toBe(3);
    await expect(page.locator('[data-differences]')).toHaveCount(0);
    expect(await scan(page, b.badge.token)).toMatchObject({ verdict: 'already_checked_in', mode: 'online' });
    expect((await attendance(event.id)).checkedIn).toBe(3);
    await context.close();
  });

  test('a badge cancelled after the sync: refused online, refused offline after the next sync; an offline admission the API refuses is shown', async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const event = await createEvent();
    const [a, b, c] = [
      await person(event.id, 'Cancelled Online'),
      await person(event.id, 'Cancelled Synced'),
      await person(event.id, 'Cancelled Unsynced'),
    ];
    const { context, page } = await pairedPhone(browser, event.id);
    await cancel(a, event.id);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'registration_cancelled', mode: 'online' });

    await cancel(b, event.id);
    const lastSync = await page.locator('[data-last-sync]').getAttribute('data-last-sync');
    // A reload syncs at once (as the 60 s timer would).
    await page.reload();
    await expect(page.locator('[data-last-sync]')).not.toHaveAttribute('data-last-sync', lastSync!, { timeout: 20_000 });
    await shellCached(page);
    await context.setOffline(true);
    expect(await scan(page, b.badge.token)).toMatchObject({ verdict: 'registration_cancelled', mode: 'offline' });

    await cancel(c, event.id);
    expect(await scan(page, c.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline', queue: 2 });
    await context.setOffline(false);
    await expect(page.locator('[data-queue]')).toHaveAttribute('data-queue', '0', { timeout: 20_000 });
    await expect(page.locator('[data-difference="registration_cancelled"]')).toContainText('Cancelled Unsynced');
    expect((await attendance(event.id)).checkedIn).toBe(0);
    await context.close();
  });

  test('a session door (the device’s only place): a badge without a seat there is refused online and offline', async ({ browser }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const seated = await person(event.id, 'Seated', { sessions: ['energy'] });
    const unseated = await person(event.id, 'Unseated', { sessions: [] });
    const { context, page } = await pairedPhone(browser, event.id, 'Energy door', ['energy']);
    await expect(page.locator('[data-place]')).toHaveAttribute('data-place', 'energy');
    await expect(page.locator('[data-place]')).toContainText('Future Energy');
    expect(await scan(page, unseated.badge.token)).toMatchObject({ verdict: 'not_registered_for_session', mode: 'online' });
    expect(await scan(page, seated.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'online' });
    await shellCached(page);
    await context.setOffline(true);
    await page.waitForTimeout(3100);
    expect(await scan(page, unseated.badge.token)).toMatchObject({ verdict: 'not_registered_for_session', mode: 'offline', queue: 1 });
    // Its seat here, judged offline from the roster.
    expect(await scan(page, seated.badge.token)).toMatchObject({ verdict: 'already_checked_in', mode: 'offline', queue: 2 });
    await context.close();
  });

  test('a forged badge is refused online and offline, and never queued', async ({ browser }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const real = await person(event.id, 'Real Person');
    const other = await person(event.id, 'Other Person');
    const [header, , signature] = real.badge.token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ e: event.id, r: other.id })).toString('base64url')}.${signature}`;
    const { context, page } = await pairedPhone(browser, event.id);
    expect(await scan(page, forged)).toMatchObject({ verdict: 'invalid_badge', mode: 'online' });
    await shellCached(page);
    await context.setOffline(true);
    await page.waitForTimeout(3100);
    expect(await scan(page, forged)).toMatchObject({ verdict: 'invalid_badge', mode: 'offline', queue: 0 });
    // With WebCrypto Ed25519 the fallback verifier is never downloaded.
    expect(
      await page.evaluate(
        () => (globalThis as any).performance.getEntriesByType('resource').filter((e: any) => /ed25519-/.test(e.name)).length,
      ),
    ).toBe(0);
    await context.close();
  });

  test('without WebCrypto Ed25519 (older Samsung Internet) the small JavaScript verifier is loaded when first needed and judges alike', async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const real = await person(event.id, 'Verified In JS');
    const other = await person(event.id, 'Somebody Else');
    const [header, , signature] = real.badge.token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ e: event.id, r: other.id })).toString('base64url')}.${signature}`;
    const device = await newDevice(event.id, 'Old phone');
    const context = await browser.newContext(phone);
    await useCanvasCamera(context);
    // This browser "lacks" Ed25519: importing such a key fails, as it does where WebCrypto has no Ed25519.
    await context.addInitScript({
      content: `(() => {
        const importKey = crypto.subtle.importKey.bind(crypto.subtle);
        crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
          (typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name) === 'Ed25519'
            ? Promise.reject(new DOMException('Ed25519 is not supported', 'NotSupportedError'))
            : importKey(format, key, algorithm, ...rest);
      })();`,
    });
    const page = await context.newPage();
    const verifierLoads = () =>
      page.evaluate(
        () =>
          (globalThis as any).performance.getEntriesByType('resource').filter((e: any) => /\/assets\/ed25519-[\w-]+\.js$/.test(e.name))
            .length as number,
      );
    await page.goto(`${site()}/scan#pair=${device.pairing.code}`);
    await expect(page.locator('[data-queue]')).toBeVisible({ timeout: 20_000 });
    expect(await verifierLoads()).toBe(0);
    await shellCached(page);
    await context.setOffline(true);
    expect(await scan(page, real.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline', queue: 1 });
    expect(await verifierLoads()).toBe(1);
    expect(await scan(page, forged)).toMatchObject({ verdict: 'invalid_badge', mode: 'offline', queue: 1 });
    await context.close();
  });

  test('two devices admitting one badge offline end up in the duplicates list', async ({ browser }) => {
    test.setTimeout(120_000);
    const event = await createEvent();
    const guest = await person(event.id, '최유나');
    const one = await pairedPhone(browser, event.id, 'North door');
    const two = await pairedPhone(browser, event.id, 'South door');
    await shellCached(one.page);
    await shellCached(two.page);
    await one.context.setOffline(true);
    await two.context.setOffline(true);
    expect(await scan(one.page, guest.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline' });
    expect(await scan(two.page, guest.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'offline' });
    await one.context.setOffline(false);
    await expect(one.page.locator('[data-queue]')).toHaveAttribute('data-queue', '0', { timeout: 20_000 });
    await two.context.setOffline(false);
    await expect(two.page.locator('[data-queue]')).toHaveAttribute('data-queue', '0', { timeout: 20_000 });
    // The later admission is the duplicate, and the volunteer at that door is told.
    await expect(two.page.locator('[data-offline-duplicate]')).toBeVisible();
    const duplicates = (await call('GET', `/events/${event.id}/checkins/duplicates`)).json;
    expect(duplicates.items).toHaveLength(1);
    expect(duplicates.items[0]).toMatchObject({ registrationId: guest.id, name: '최유나', place: 'venue' });
    expect(duplicates.items[0].scans.map((s: { deviceId: string }) => s.deviceId)).toEqual([one.device.id, two.device.id]);
    expect((await attendance(event.id)).checkedIn).toBe(1);
    await one.context.close();
    await two.context.close();
  });

  test('a revoked device is locked out and wipes what it stored, back to pairing', async ({ browser }) => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const [a, b] = [await person(event.id, 'First Guest'), await person(event.id, 'Second Guest')];
    const { context, page, device } = await pairedPhone(browser, event.id);
    expect(await scan(page, a.badge.token)).toMatchObject({ verdict: 'checked_in', mode: 'online' });
    expect((await call('DELETE', `/events/${event.id}/devices/${device.id}`)).status).toBe(200);

    await page.evaluate(
      (url) => (globalThis as unknown as { __showBadge(u: string): Promise<void> }).__showBadge(url),
      await qrDataUrl(b.badge.token),
    );
    await expect(page.locator('[data-revoked]')).toBeVisible({ timeout: 15_000 });
    await expect(page.locator('form[data-form=pair] [name=code]')).toBeVisible();
    const stored = await page.evaluate(async () => {
      const g = globalThis as any;
      const db: any = await new Promise((resolve, reject) => {
        const r = g.indexedDB.open('gatepass-scanner');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const count = (store: string) =>
        new Promise<number>((resolve) => {
          if (!db.objectStoreNames.contains(store)) return resolve(0);
          const r = db.transaction(store).objectStore(store).count();
          r.onsuccess = () => resolve(r.result);
        });
      const out = {
        kv: await count('kv'),
        roster: await count('roster'),
        queue: await count('queue'),
        admissions: await count('admissions'),
        local: g.localStorage.length,
        session: g.sessionStorage.length,
      };
      db.close();
      return out;
    });
    expect(stored).toEqual({ kv: 0, roster: 0, queue: 0, admissions: 0, local: 0, session: 0 });
    // After a reload it is still unpaired.
    await page.reload();
    await expect(page.locator('form[data-form=pair]')).toBeVisible();
    await context.close();
  });
});

test.describe('the scanner on the camera itself', () => {
  test('typed pairing code, then a real badge QR played by Chromium’s fake camera (Y4M) is checked in; not a secure context says so', async () => {
    test.setTimeout(90_000);
    const event = await createEvent();
    const guest = await person(event.id, '정하늘');
    const dir = mkdtempSync(join(tmpdir(), 'gatepass-y4m-'));
    const video = join(dir, 'badge.y4m');
    writeBadgeY4m(video, guest.badge.token);
    const port = new URL(site()).port;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--mute-audio',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
        // A name that is not loopback, so that http:// is not a secure context there.
        '--host-resolver-rules=MAP door.gatepass.test 127.0.0.1',
      ],
    });
    try {
      const context = await browser.newContext({ ...phone, permissions: ['camera'] });
      const page = await context.newPage();
      await page.goto(`${site()}/scan`);
      await page.locator('[name=code]').fill('NOPE-NOPE-NOPE');
      await page.locator('form[data-form=pair] button[type=submit]').click();
      await expect(page.locator('[data-error-for=code]')).toContainText('unknown, already used or expired');
      expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
      const device = await newDevice(event.id, 'Desk');
      await page.locator('[name=code]').fill(device.pairing.code);
      await page.locator('form[data-form=pair] button[type=submit]').click();
      await expect(page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'checked_in', { timeout: 20_000 });
      await expect(page.locator('[data-verdict]')).toHaveAttribute('data-mode', 'online');
      await expect(page.locator('[data-verdict]')).toContainText('정하늘');
      expect((await attendance(event.id)).checkedIn).toBe(1);

      const insecure = await context.newPage();
      await insecure.goto(`http://door.gatepass.test:${port}/scan`);
      await expect(insecure.locator('[data-insecure]')).toContainText('not on a secure (HTTPS) connection');
      expect((await new AxeBuilder({ page: insecure }).analyze()).violations).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
