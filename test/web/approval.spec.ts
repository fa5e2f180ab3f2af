/** Approval on the participant pages: the event page says "received, awaits approval"; the manage page shows pending and denied plainly, with no badge or wallet. */
import { expect, test, type Page } from '@playwright/test';
import { call, createEvent, eventBody, manageLinkFor, register, site, unique } from './support.ts';

const approvalEvent = () => createEvent({ registration: { ...eventBody().registration, approval: true } });

async function fillAndSubmit(page: Page, email: string, name: string) {
  await page.fill('[name=email]', email);
  await page.locator('[name=name]').pressSequentially(name);
  await page.selectOption('[name="answers.companyType"]', 'global');
  await page.selectOption('[name="answers.country"]', 'KR');
  await page.locator('[name="consent.privacy"]').check();
  await page.locator('form button[type=submit]').click();
}

const noBadgeOrWallet = async (page: Page) => {
  await expect(page.locator('.badge img')).toHaveCount(0);
  for (const action of ['pdf', 'ics', 'apple', 'google']) await expect(page.locator(`[data-action=${action}]`)).toHaveCount(0);
};

for (const [locale, received, notice] of [
  ['en-GB', 'Your registration was received and awaits the organiser’s approval.', 'confirmed once the organiser approves'],
  ['ko-KR', '등록 신청이 접수되었습니다. 주최 측 승인을 기다리고 있습니다.', '주최 측 승인 후 등록이 확정됩니다'],
] as const) {
  test(`the event page (${locale}): submitted on an approval event, it says received and awaiting approval, with no badge`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    const event = await approvalEvent();
    await page.goto(`${site()}/e/${event.id}`);
    await expect(page.getByText(notice)).toBeVisible();
    await fillAndSubmit(page, unique('approval-page'), locale === 'ko-KR' ? '김민지' : 'Hannah Müller');
    await expect(page.getByText(received)).toBeVisible();
    await expect(page.locator('[data-status]')).toHaveAttribute('data-status', 'pending');
    await noBadgeOrWallet(page);
    await context.close();
  });
}

test('the manage page shows pending, then denied with its reason, with no badge, wallet, change or cancel once denied', async ({
  browser,
}) => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  const event = await approvalEvent();
  const email = unique('approval-manage');
  const r = await register(event.id, { email, name: 'Pending Person', sessions: ['energy'] });
  expect(r.json.status).toBe('pending');

  await page.goto(await manageLinkFor(email));
  await expect(page.getByText('Your registration was received and awaits the organiser’s approval.')).toBeVisible();
  await expect(page.locator('[data-session=energy]')).toHaveAttribute('data-session-status', 'pending');
  await expect(page.getByText('The badge is issued once your registration is confirmed.')).toBeVisible();
  await noBadgeOrWallet(page);
  // While pending, it may still be changed and cancelled.
  await expect(page.locator('[data-action=cancel]')).toHaveCount(1);

  expect((await call('POST', `/events/${event.id}/registrations/${r.json.id}/deny`, { reason: 'Press only this year' })).status).toBe(200);
  await page.reload();
  await expect(page.getByText('Your registration was not approved.')).toBeVisible();
  await expect(page.locator('[data-denial-reason]')).toHaveText('Reason: Press only this year');
  await noBadgeOrWallet(page);
  await expect(page.locator('[data-action=cancel]')).toHaveCount(0);
  await expect(page.locator('form button[type=submit]')).toHaveCount(0);
  await context.close();
});
