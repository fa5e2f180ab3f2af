/** The timeline chart (needs the timeline route): one chart per place, and staff see it with its figures. */
import { expect, test } from '@playwright/test';
import { axe, signIn } from './admin-support.ts';
import { call, createEvent, register, unique } from './support.ts';

test('the timeline shows a chart per place, with entries and exits as the route gives them; staff see it too', async ({
  page,
  browser,
}) => {
  const event = await createEvent();
  const r = await register(event.id, { email: unique('timeline'), name: 'Timeline Person', sessions: ['energy'] });
  expect((await call('POST', `/events/${event.id}/checkins`, { badge: r.json.badge.token })).status).toBe(201);
  const timeline = await call('GET', `/events/${event.id}/attendance/timeline?bucket=15m`);
  expect(timeline.status).toBe(200);
  await signIn(page, 'admin', `#event=${event.id}`);
  const part = page.locator('[data-part="timeline"]');
  await expect(part).toBeVisible();
  await expect(part.locator('figure.chart')).toHaveCount(timeline.json.places.length);
  await expect(part.locator('figure.chart svg[role="img"]').first()).toHaveAttribute('aria-label', /Entries 1/);
  await axe(page, 'timeline');

  // axe-core needs a page of a context of its own (not browser.newPage()).
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, 'staff', `#event=${event.id}`);
  await expect(staff.locator('[data-part="timeline"] figure.chart')).toHaveCount(timeline.json.places.length);
  await expect(staff.locator('[data-metric="inside"]')).toHaveAttribute(
    'data-value',
    String(timeline.json.places.find((p: { place: string }) => p.place === 'venue').points.at(-1).inside),
  );
  expect(await staff.locator('[data-metric="confirmed"], form[data-form="device"], [data-action="approve"]').count()).toBe(0);
  await axe(staff, 'staff timeline');
  await staffContext.close();
});
