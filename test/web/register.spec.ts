/** The event page (/e/{eventId}) and its confirmation, in a real browser against the local stack. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { call, createEvent, readmeShot, registrationsOf, site, unique } from './support.ts';

test.describe('registering on the event page', () => {
  test('in Korean, with a Hangul name typed and every field type answered', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'ko-KR', acceptDownloads: true });
    const page = await context.newPage();
    const event = await createEvent();
    const email = unique('minji');
    await page.goto(`${site()}/e/${event.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('브라우저 테스트 포럼');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await page.fill('[name=email]', email);
    await page.locator('[name=name]').pressSequentially('김민지');
    await page.fill('[name=organization]', '광주바이오(주)');
    await page.fill('[name=jobTitle]', '최고기술책임자');
    await page.locator('[name=sessions][value=energy]').check();
    await page.selectOption('[name="answers.companyType"]', 'global');
    await page.locator('[name="answers.industries"][value=bio]').check();
    await page.locator('[name="answers.industries"][value=mobility]').check();
    await page.fill('[name="answers.motto"]', '바이오로 세상을 바꿉니다');
    await page.fill('[name="answers.goals"]', '투자 유치\n협력사 발굴');
    await page.locator('[name="answers.b2b"]').check();
    // Country names in the page's language (Intl.DisplayNames), values ISO codes.
    await expect(page.locator('[name="answers.country"] option[value=KR]')).toHaveText('대한민국');
    await page.selectOption('[name="answers.country"]', 'KR');
    await expect(page.locator('[name="answers.phone"]')).toHaveAttribute('type', 'tel');
    await page.fill('[name="answers.phone"]', '+82 62 123 4567');
    await page.fill('[name="answers.website"]', 'https://bio.example.kr');
    await page.locator('[name="consent.privacy"]').check();
    await readmeShot(page, 'event-ko');
    await page.locator('form button[type=submit]').click();

    await expect(page.getByText('등록이 확정되었습니다.')).toBeVisible();
    const id = await page.locator('[data-registration-id]').getAttribute('data-registration-id');
    const stored = (await call('GET', `/events/${event.id}/registrations/${id}`)).json;
    expect(stored).toMatchObject({
      email,
      name: '김민지',
      organization: '광주바이오(주)',
      jobTitle: '최고기술책임자',
      locale: 'ko',
      status: 'confirmed',
      sessions: [{ id: 'energy', status: 'confirmed' }],
      answers: {
        companyType: 'global',
        industries: ['bio', 'mobility'],
        motto: '바이오로 세상을 바꿉니다',
        goals: '투자 유치\n협력사 발굴',
        b2b: true,
        country: 'KR',
        phone: '+82 62 123 4567',
        website: 'https://bio.example.kr',
      },
    });
    await expect(page.getByText(`확인 메일을 ${email}(으)로 보내고 있습니다.`)).toBeVisible();
    // The badge, fetched with the manage token and shown from a blob: URL.
    const badge = page.locator('.badge img');
    await expect(badge).toHaveAttribute('src', /^blob:/);
    await expect.poll(() => badge.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await readmeShot(page, 'confirmation-ko');

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=pdf]').click()]);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const [ics] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=ics]').click()]);
    const calendar = readFileSync((await ics.path())!, 'utf8');
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(calendar).toContain('SUMMARY:브라우저 테스트 포럼');
    await expect(page.getByRole('link', { name: '등록 확인·변경·취소' })).toHaveAttribute(
      'href',
      new RegExp(`^/manage#token=.+&event=${event.id}&registration=${id}$`),
    );
    await context.close();
  });

  test('in English, and the language switch turns the page to Korean and back', async ({ page }) => {
    const event = await createEvent();
    const email = unique('hannah');
    await page.goto(`${site()}/e/${event.id}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Browser Test Forum');
    await page.getByRole('button', { name: '한국어' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('브라우저 테스트 포럼');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('브라우저 테스트 포럼');
    await expect(page.locator('[name=locale]')).toHaveValue('ko');
    await page.getByRole('button', { name: 'English' }).click();
    // Until the person picks one, the emails' language follows the page's.
    await expect(page.locator('[name=locale]')).toHaveValue('en');
    await page.getByRole('textbox', { name: 'Email (required)' }).fill(email);
    await page.getByRole('textbox', { name: 'Name (required)' }).fill('Hannah Müller');
    await page.getByLabel('Company type').selectOption('domestic');
    await page.getByLabel('Country').selectOption('DE');
    await expect(page.locator('[name="answers.country"] option[value=DE]')).toHaveText('Germany');
    await page.getByLabel('I agree', { exact: false }).check();
    await page.locator('form button[type=submit]').click();
    await expect(page.getByText('Your registration is confirmed.')).toBeVisible();
    await expect(page.getByText(`The email with your badge is on its way to ${email}.`)).toBeVisible();
    const [r] = await registrationsOf(event.id, email);
    await expect(page.locator('[data-registration-id]')).toHaveAttribute('data-registration-id', r!.id);
    expect(r).toMatchObject({ status: 'confirmed' });
    expect((await call('GET', `/events/${event.id}/registrations/${r!.id}`)).json.locale).toBe('en');
  });
});
