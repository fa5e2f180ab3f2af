/** Every page: axe-core (no serious or critical violation), security headers, a phone screen, a keyboard alone. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { securityHeaders } from '../../web/site-routes.ts';
import { createEvent, readmeShot, register, site, unique } from './support.ts';

async function axe(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

for (const lang of ['en', 'ko'] as const) {
  test(`axe finds no serious or critical violation on any page in ${lang}, errors shown included`, async ({ page }) => {
    test.setTimeout(60_000);
    const event = await createEvent();
    const r = await register(event.id, { email: unique('axe'), name: 'Axe Person' });
    await page.goto(`${site()}/e/${event.id}`);
    await page.getByRole('button', { name: lang === 'ko' ? '한국어' : 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await axe(page, `event ${lang}`);
    await page.locator('form button[type=submit]').click();
    await expect(page.locator('#error-summary')).toBeFocused();
    await axe(page, `event with errors ${lang}`);
    await page.goto(`${site()}/manage#token=${r.json.manageToken}&event=${event.id}&registration=${r.json.id}`);
    await expect(page.locator('[data-registration-id]')).toBeVisible();
    await axe(page, `manage ${lang}`);
    await page.goto(`${site()}/manage#token=bad&event=${event.id}&registration=${r.json.id}`);
    await expect(page.locator('[data-bad-link]')).toBeVisible();
    await axe(page, `manage, bad link ${lang}`);
    await page.goto(`${site()}/e/${event.id}/resend`);
    await expect(page.locator('#resend-email')).toBeVisible();
    await axe(page, `resend ${lang}`);
    await page.goto(`${site()}/no/such/page`);
    await expect(page.locator('[data-not-found]')).toBeVisible();
    await axe(page, `not-found ${lang}`);
  });
}

test('pages and assets carry the security headers; hashed assets cache for long, pages not; unknown paths 404', async ({ request }) => {
  const page = await request.get(`${site()}/e/gwangju-2023`);
  expect(page.status()).toBe(200);
  expect(page.headers()['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers()['cache-control']).toBe('no-cache');
  for (const [k, v] of Object.entries(securityHeaders)) expect(page.headers()[k], k).toBe(v);
  expect(page.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(page.headers()['content-security-policy']).not.toContain('unsafe-inline');
  const html = await page.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  const js = await request.get(site() + asset);
  expect(js.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect(js.headers()['cache-control']).toContain('immutable');
  for (const [k, v] of Object.entries(securityHeaders)) expect(js.headers()[k], k).toBe(v);

  const missing = await request.get(`${site()}/nothing-here`, { headers: { accept: 'text/html' } });
  expect(missing.status()).toBe(404);
  expect(missing.headers()['content-type']).toBe('text/html; charset=utf-8');
  expect(missing.headers()['content-security-policy']).toBe(securityHeaders['content-security-policy']);
  // A client that asks for no HTML keeps the API's answer (the shared smoke test's GET /no-such-route).
  const plain = await request.get(`${site()}/nothing-here`, { headers: { accept: '*/*' } });
  expect([plain.status(), plain.headers()['content-type']]).toEqual([404, 'application/problem+json; charset=utf-8']);
  const api = await request.get(`${site()}/events/nosuchevent1/nothing`);
  expect(api.status()).toBe(404);
  expect(api.headers()['content-type']).toContain('application/problem+json');
});

test('on a 390 × 844 phone the demo forum reads without sideways scrolling and registers', async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'ko-KR',
  });
  const page = await context.newPage();
  await page.goto(`${site()}/e/gwangju-2023`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('2023 국제투자유치포럼');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await readmeShot(page, 'event-phone-ko');
  await page.fill('[name=email]', unique('phone'));
  await page.fill('[name=name]', '최유나');
  await page.selectOption('[name="answers.participantType"]', 'press');
  await page.selectOption('[name="answers.country"]', 'KR');
  await page.locator('[name="consent.privacy"]').tap();
  await page.locator('form button[type=submit]').tap();
  await expect(page.locator('[data-registration-id]')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await context.close();
});

test('with a keyboard alone: switch language, fill, tick, submit, reach the manage link', async ({ page }) => {
  const event = await createEvent({
    fields: [
      {
        id: 'companyType',
        type: 'select',
        required: true,
        label: { ko: '기업 유형', en: 'Company type' },
        options: [{ value: 'global', label: { ko: '글로벌', en: 'Global' } }],
      },
    ],
  });
  const email = unique('keys');
  await page.goto(`${site()}/e/${event.id}`);
  const focused = () =>
    page.evaluate(
      () => (document.activeElement as HTMLElement & { name?: string }).getAttribute('name') ?? document.activeElement?.textContent,
    );
  const tabTo = async (name: string) => {
    for (let i = 0; i < 30 && (await focused()) !== name; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe(name);
  };
  await tabTo('email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kim Keyboard');
  await tabTo('sessions');
  await page.keyboard.press('Space');
  await tabTo('answers.companyType');
  await page.keyboard.press('ArrowDown');
  await tabTo('consent.privacy');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLButtonElement).type)).toBe('submit');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Your registration is confirmed.')).toBeVisible();
  await expect(page.locator('[data-session=bio]')).toBeVisible();
  await tabTo('View, change or cancel your registration');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${site()}/manage`);
  await expect(page.locator('[data-registration-id]')).toBeVisible();
});
