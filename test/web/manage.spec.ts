/** /manage, opened from the link in the SES emulator's email: view, change, cancel, bad links, downloads. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { call, createEvent, manageLinkFor, readmeShot, register, site, unique } from './support.ts';

test('from the email: change sessions, cancel after a confirmation step, and the seat goes to the next in line', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ko-KR' });
  const page = await context.newPage();
  const event = await createEvent();
  const first = unique('holder');
  const next = unique('next');
  // `bio` has one seat: the first takes it, the next waits for it.
  const holder = await register(event.id, { email: first, name: '박지훈', locale: 'ko', sessions: ['bio'] });
  const waiting = await register(event.id, { email: next, name: 'Next In Line', sessions: ['bio'] });
  expect(waiting.json.sessions).toEqual([{ id: 'bio', status: 'waitlisted' }]);

  const link = await manageLinkFor(first);
  expect(link.startsWith(`${site()}/manage#token=`)).toBe(true);
  const historyBefore = await page.evaluate(() => history.length);
  await page.goto(link);
  await expect(page.locator('[data-registration-id]')).toHaveAttribute('data-registration-id', holder.json.id);
  // The token leaves the address bar and history at once.
  expect(page.url()).toBe(`${site()}/manage`);
  expect(await page.evaluate(() => location.hash)).toBe('');
  expect(await page.evaluate(() => history.length)).toBe(historyBefore + 1);
  await expect(page.getByText('등록이 확정되었습니다.')).toBeVisible();
  await expect(page.locator('.badge img')).toHaveAttribute('src', /^blob:/);
  await readmeShot(page, 'manage-ko');

  // A reload keeps working: the token is in sessionStorage, not in the URL.
  await page.reload();
  await expect(page.locator('[name=name]')).toHaveValue('박지훈');

  await page.locator('[name=sessions][value=energy]').check();
  await page.fill('[name=jobTitle]', '연구소장');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('[data-notice=saved]')).toBeVisible();
  await expect(page.locator('[data-session=energy]')).toHaveAttribute('data-session-status', 'confirmed');
  const changed = (await call('GET', `/events/${event.id}/registrations/${holder.json.id}`)).json;
  expect(changed).toMatchObject({
    jobTitle: '연구소장',
    sessions: [
      { id: 'bio', status: 'confirmed' },
      { id: 'energy', status: 'confirmed' },
    ],
  });

  await page.locator('[data-action=cancel]').click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  expect((await call('GET', `/events/${event.id}/registrations/${holder.json.id}`)).json.status).toBe('confirmed');
  await page.locator('[data-action=confirm-cancel]').click();
  await expect(page.getByText('등록이 취소되었습니다.')).toBeVisible();
  await expect(page.locator('[data-action=cancel]')).toHaveCount(0);

  // The next in line now holds the seat: seen on their own manage page, opened from their email.
  const promoted = await context.newPage();
  await promoted.goto(await manageLinkFor(next));
  await expect(promoted.locator('[data-session=bio]')).toHaveAttribute('data-session-status', 'confirmed');
  await context.close();
});

test('a bad or replaced token gets a clear message and the resend form, which always says "check your inbox"', async ({ page }) => {
  const event = await createEvent();
  const r = await register(event.id, { email: unique('bad'), name: 'Bad Token' });
  await page.goto(`${site()}/manage#token=not-a-real-token&event=${event.id}&registration=${r.json.id}`);
  await expect(page.locator('[data-bad-link]')).toContainText('no longer works');
  expect(page.url()).toBe(`${site()}/manage`);
  await page.fill('[name=email]', unique('nobody'));
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('[data-resend=sent]')).toContainText('Check your inbox');
});

test('the email\'s download buttons (do=pdf|ics) fetch the file with the header; "send me a new link" falls back to the resend form', async ({
  page,
}) => {
  const event = await createEvent();
  const email = unique('files');
  const r = await register(event.id, { email, name: 'Files Please' });
  const token = r.json.manageToken;
  const headers: (string | undefined)[] = [];
  page.on('request', (req) => req.url().includes('/badge') && headers.push(req.headers()['x-manage-token']));
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    page.goto(`${site()}/manage#token=${token}&event=${event.id}&registration=${r.json.id}&do=pdf`),
  ]);
  expect(
    readFileSync((await pdf.path())!)
      .subarray(0, 5)
      .toString(),
  ).toBe('%PDF-');
  expect(headers.length).toBeGreaterThan(0);
  expect(headers.every((h) => h === token)).toBe(true);
  const [ics] = await Promise.all([
    page.waitForEvent('download'),
    page.goto(`${site()}/manage#token=${token}&event=${event.id}&registration=${r.json.id}&do=ics`),
  ]);
  expect(readFileSync((await ics.path())!, 'utf8')).toContain('SUMMARY:Browser Test Forum');

  // Where the rotation route is not there (404), the page offers the resend form instead.
  await page.route('**/manage-token', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found' }),
    }),
  );
  await page.locator('[data-action=new-link]').click();
  await expect(page.locator('#resend-email')).toBeVisible();
});

test('wallet buttons where the deployment offers passes: do=apple fetches the .pkpass with the header, do=google follows the Save link', async ({
  page,
}) => {
  const event = await createEvent();
  const r = await register(event.id, { email: unique('wallet'), name: 'Wallet Please' });
  const token = r.json.manageToken;
  const base = `${site()}/manage#token=${token}&event=${event.id}&registration=${r.json.id}`;
  const headers: (string | undefined)[] = [];
  page.on('request', (req) => req.url().includes('/wallet/') && headers.push(req.headers()['x-manage-token']));
  // The local stack signs passes with its throwaway keys, so both buttons show on the page.
  await page.goto(base);
  await expect(page.locator('[data-action=apple]')).toBeVisible();
  await expect(page.locator('[data-action=google]')).toBeVisible();
  const [pass] = await Promise.all([page.waitForEvent('download'), page.goto(`${base}&do=apple`)]);
  expect(pass.suggestedFilename()).toMatch(/\.pkpass$/);
  expect(
    readFileSync((await pass.path())!)
      .subarray(0, 2)
      .toString(),
  ).toBe('PK');
  // Google's page is outside this closed network: answer it here and look at where the page went.
  await page.route('https://pay.google.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>saved</title>' }),
  );
  await Promise.all([page.waitForURL(/^https:\/\/pay\.google\.com\/gp\/v\/save\/[\w-]+\.[\w-]+\.[\w-]+$/), page.goto(`${base}&do=google`)]);
  expect(headers.length).toBe(2);
  expect(headers.every((h) => h === token)).toBe(true);
});

test('"send me a new link" rotates the token: the page says so, and the old link stops at once', async ({ page }) => {
  const event = await createEvent();
  const r = await register(event.id, { email: unique('rotate'), name: 'Rotate Me' });
  const token = r.json.manageToken;
  await page.goto(`${site()}/manage#token=${token}&event=${event.id}&registration=${r.json.id}`);
  await page.locator('[data-action=new-link]').click();
  await expect(page.getByText('a new link is on its way')).toBeVisible();
  // (no admin credential here: only the old manage token)
  const old = await fetch(`${site()}/events/${event.id}/registrations/${r.json.id}`, { headers: { 'x-manage-token': token } });
  expect(old.status).toBe(401);
});
