/** The console's browser tests: signing in through the local issuer's real sign-in page. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { site } from './support.ts';

/** Opens /admin (with a hash), which goes straight to the authorization endpoint; picks the user there. */
export async function signIn(page: Page, user: 'admin' | 'staff', hash = '') {
  await page.goto(`${site()}/admin${hash}`);
  await page.waitForURL(/\/oauth2\/authorize\?/);
  await page.locator(`[data-user="${user}"]`).click();
  await expect(page.locator('[data-action="sign-out"]')).toBeVisible();
  await expect(page.locator('[data-role]')).toHaveAttribute('data-role', user);
}

export async function axe(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
