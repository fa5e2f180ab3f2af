/** The console's approval queue (needs the approval branch's routes): approve and deny with a reason. */
import { expect, test } from '@playwright/test';
import { axe, signIn } from './admin-support.ts';
import { call, createEvent, eventBody, register, unique } from './support.ts';

const withApproval = () => createEvent({ registration: { ...(eventBody().registration as object), approval: true } });

test('an admin approves one pending registration and denies another with a reason', async ({ page }) => {
  const base = await withApproval();
  const a = await register(base.id, { email: unique('approve'), name: 'To Approve' });
  const d = await register(base.id, { email: unique('deny'), name: 'To Deny' });
  expect([a.json.status, d.json.status]).toEqual(['pending', 'pending']);
  await signIn(page, 'admin', `#event=${base.id}`);
  await expect(page.locator('[data-metric="pending"]')).toHaveAttribute('data-value', '2');
  await page.locator('[data-view="approvals"]').click();
  const rowA = page.locator(`[data-registration="${a.json.id}"]`);
  const rowD = page.locator(`[data-registration="${d.json.id}"]`);
  await expect(rowA.locator('[data-action="approve"]')).toBeVisible();
  await expect(rowD.locator('[data-action="deny"]')).toBeVisible();
  await axe(page, 'approval queue');
  await rowA.locator('[data-action="approve"]').click();
  await expect(rowA).toHaveCount(0);
  await rowD.locator('input[name="reason"]').fill('Seats are for invited companies.');
  await rowD.locator('[data-action="deny"]').click();
  await expect(rowD).toHaveCount(0);
  expect((await call('GET', `/events/${base.id}/registrations/${a.json.id}`)).json.status).toBe('confirmed');
  expect((await call('GET', `/events/${base.id}/registrations/${d.json.id}`)).json.status).toBe('denied');
});

test('staff see no approval controls', async ({ page }) => {
  const base = await withApproval();
  await register(base.id, { email: unique('pending'), name: 'Still Pending' });
  await signIn(page, 'staff', `#event=${base.id}&view=approvals`);
  await expect(page.locator('[data-view="overview"]')).toBeVisible();
  expect(await page.locator('[data-action="approve"], [data-action="deny"], [data-view="approvals"]').count()).toBe(0);
});
