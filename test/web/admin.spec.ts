/**
 * The admin console (/admin) in a real browser, signed in through the local issuer's
 * authorization-code + PKCE flow: figures equal the API's and follow a check-in, a device's
 * pairing QR (read by an independent QR decoder off a screenshot) pairs, staff see no admin
 * controls, sign-out ends the provider's session, an expired session comes back to its view.
 */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { axe, signIn } from './admin-support.ts';
import { call, createEvent, register, site, unique } from './support.ts';

const forum = 'gwangju-2023';

test('signed out, /admin goes straight to the sign-in; an admin sees the seeded forum’s figures as GET attendance gives them', async ({
  page,
}) => {
  await signIn(page, 'admin', `#event=${forum}`);
  // Back at the view asked for, the code gone from the address bar, no token in storage.
  expect(new URL(page.url()).hash).toBe(`#event=${forum}`);
  expect(new URL(page.url()).search).toBe('');
  await expect(page.locator('[data-metric="confirmed"]')).toBeVisible();
  const api = (await call('GET', `/events/${forum}/attendance`)).json;
  for (const name of ['confirmed', 'waitlisted', 'checkedIn'] as const)
    await expect(page.locator(`[data-metric="${name}"]`)).toHaveAttribute('data-value', String(api[name]));
  for (const name of ['inside', 'pending'] as const)
    expect(await page.locator(`[data-metric="${name}"]`).count()).toBe(typeof api[name] === 'number' ? 1 : 0);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT at rest
});

test('a check-in through the API shows in [data-metric="checkedIn"] within 10 s', async ({ page }) => {
  const event = await createEvent();
  const r = await register(event.id, { email: unique('live'), name: 'Live Figure' });
  expect(r.status).toBe(201);
  await signIn(page, 'admin', `#event=${event.id}`);
  await expect(page.locator('[data-metric="checkedIn"]')).toHaveAttribute('data-value', '0');
  await expect(page.locator('[data-metric="confirmed"]')).toHaveAttribute('data-value', '1');
  const scan = await call('POST', `/events/${event.id}/checkins`, { badge: r.json.badge.token });
  expect(scan.status).toBe(201);
  await expect(page.locator('[data-metric="checkedIn"]')).toHaveAttribute('data-value', '1', { timeout: 10_000 });
});

test('a device created in the console shows a pairing QR that decodes to a code that pairs', async ({ page }) => {
  const event = await createEvent();
  await signIn(page, 'admin', `#event=${event.id}&view=devices`);
  const form = page.locator('form[data-form="device"]');
  await form.locator('input[name="name"]').fill('North door');
  await form.locator('input[name="places"][value="venue"]').check();
  await form.locator('button[type="submit"]').click();
  const pairing = page.locator('[data-pairing]');
  await expect(pairing.locator('img')).toBeVisible();
  const deviceId = await pairing.getAttribute('data-pairing');
  const code = (await pairing.locator('[data-pairing-code]').textContent())!.trim();
  // An independent reader (jsQR) on the screenshot's pixels, not the page's own data.
  const shot = PNG.sync.read(await pairing.locator('img').screenshot());
  const read = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
  expect(read, 'the QR code on screen decodes').not.toBeNull();
  const url = new URL(read!.data);
  expect(url.pathname).toBe('/scan');
  const decoded = new URLSearchParams(url.hash.slice(1)).get('pair');
  expect(decoded).toBe(code);
  const paired = await call('POST', '/devices/pair', { code: decoded }, { authorization: '' });
  expect(paired.status).toBe(201);
  expect(paired.json.device).toMatchObject({ id: deviceId, eventId: event.id, name: 'North door', places: ['venue'] });
  await axe(page, 'devices with a pairing QR');
  // Revoke: the device's token stops at once.
  await page.locator(`[data-device="${deviceId}"] [data-action="revoke"]`).click();
  await page.locator(`[data-device="${deviceId}"] [data-action="confirm-revoke"]`).click();
  await expect(page.locator(`[data-device="${deviceId}"] [data-revoked]`)).toBeVisible();
  const after = await call('GET', `/events/${event.id}/badge-keys`, undefined, { authorization: `Bearer ${paired.json.deviceToken}` });
  expect(after.status).toBe(401);
});

test('staff sign in too and see no approval, device or registration controls', async ({ page }) => {
  await signIn(page, 'staff', `#event=${forum}&view=devices`);
  await expect(page.locator('main h1')).toBeVisible();
  await expect(page.locator('[data-view="overview"]')).toBeVisible();
  for (const selector of [
    'form[data-form="device"]',
    '[data-action="approve"]',
    '[data-action="deny"]',
    '[data-view="devices"]',
    '[data-view="registrations"]',
    '[data-metric="confirmed"]',
  ])
    expect(await page.locator(selector).count(), selector).toBe(0);
  await axe(page, 'staff view');
});

test('sign-out ends the session at the provider: /admin then shows the sign-in page again', async ({ page }) => {
  await signIn(page, 'admin', `#event=${forum}`);
  await page.locator('[data-action="sign-out"]').click();
  await page.waitForURL(/\/oauth2\/authorize\?/);
  await expect(page.locator('[data-user="admin"]')).toBeVisible();
  await page.goto(`${site()}/admin`);
  await page.waitForURL(/\/oauth2\/authorize\?/);
  await expect(page.locator('[data-user="staff"]')).toBeVisible();
});

test('an expired session returns to sign-in and back to the same view', async ({ page, context }) => {
  const event = await createEvent();
  await signIn(page, 'admin', `#event=${event.id}&view=registrations`);
  await expect(page.locator('[data-list="registrations"]')).toBeVisible();
  // The provider's session is over too, and the API now refuses the access token (as at its expiry).
  await context.clearCookies();
  await page.route(
    (url) => url.pathname.endsWith('/registrations'),
    (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 401, code: 'unauthorized', title: 'Unauthorized' }),
      }),
  );
  await page.locator('form[data-form="registration-filters"] button[type="submit"]').click();
  await page.waitForURL(/\/oauth2\/authorize\?/);
  await page.unrouteAll();
  await page.locator('[data-user="admin"]').click();
  await expect(page.locator('[data-list="registrations"]')).toBeVisible();
  expect(new URL(page.url()).hash).toBe(`#event=${event.id}&view=registrations`);
});

for (const lang of ['en', 'ko'] as const) {
  test(`axe finds no serious or critical violation in the console in ${lang}`, async ({ page }) => {
    test.setTimeout(60_000);
    const event = await createEvent();
    await register(event.id, { email: unique('axe-admin'), name: 'Axe Admin Person' });
    await signIn(page, 'admin', `#event=${event.id}`);
    await page.getByRole('button', { name: lang === 'ko' ? '한국어' : 'English' }).click();
    await expect(page.locator('[data-metric="confirmed"]')).toBeVisible();
    await axe(page, `overview ${lang}`);
    for (const view of ['registrations', 'waitlists', 'devices', 'duplicates'] as const) {
      await page.locator(`[data-view="${view}"]`).click();
      await expect(page.locator(`[data-view="${view}"]`)).toHaveAttribute('aria-current', 'page');
      await page.waitForLoadState('networkidle');
      await axe(page, `${view} ${lang}`);
    }
    await page.locator('[data-list="registrations"]').waitFor({ state: 'detached' });
    await page.locator('[data-view="registrations"]').click();
    await page.getByRole('button', { name: 'Axe Admin Person' }).click();
    await expect(page.locator('[data-detail] dd[data-status]')).toBeVisible();
    await axe(page, `registration detail ${lang}`);
  });
}

test('the session renews silently with the refresh token: no new sign-in, the figures keep coming with the new token', async ({ page }) => {
  test.setTimeout(90_000);
  // The browser suite's stack issues 90-second access tokens: renewal is due after about 30 s.
  const tokens = new Set<string>();
  page.on('request', (r) => {
    if (r.url().endsWith('/attendance')) tokens.add(r.headers().authorization ?? '');
  });
  const refreshes: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/oauth2/token')) refreshes.push(r.postData() ?? '');
  });
  await signIn(page, 'admin', `#event=${forum}`);
  const url = page.url();
  await expect.poll(() => tokens.size, { timeout: 60_000, intervals: [1_000] }).toBeGreaterThan(1);
  expect(refreshes.some((body) => new URLSearchParams(body).get('grant_type') === 'refresh_token')).toBe(true);
  expect(page.url()).toBe(url);
  await expect(page.locator('[data-metric="confirmed"]')).toBeVisible();
});

test('registrations: filter by search, open a person, cancel as admin, download the CSV', async ({ page }) => {
  const event = await createEvent();
  const email = unique('list');
  const r = await register(event.id, { email, name: 'Listed Person' });
  await register(event.id, { email: unique('other'), name: 'Other Person' });
  await signIn(page, 'admin', `#event=${event.id}&view=registrations`);
  await expect(page.locator('[data-list="registrations"] tbody tr')).toHaveCount(2);
  await page.locator('input[name="q"]').fill('Listed');
  await page.locator('form[data-form="registration-filters"] button[type="submit"]').click();
  await expect(page.locator('[data-list="registrations"] tbody tr')).toHaveCount(1);
  await page.getByRole('button', { name: 'Listed Person' }).click();
  await expect(page.locator(`[data-detail="${r.json.id}"] dd[data-status]`)).toHaveAttribute('data-status', 'confirmed');
  await page.locator('[data-action="cancel-registration"]').click();
  await page.locator('[data-action="confirm-cancel"]').click();
  await expect(page.locator(`[data-detail="${r.json.id}"] dd[data-status]`)).toHaveAttribute('data-status', 'cancelled');
  expect((await call('GET', `/events/${event.id}/registrations/${r.json.id}`)).json.status).toBe('cancelled');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="export-csv"]').click()]);
  const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(email);
});
