/** What the event page says before and after a submit: client and server errors at their inputs, retries, states. */
import { expect, test } from '@playwright/test';
import { call, createEvent, register, registrationsOf, site, unique } from './support.ts';

const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

async function fillMinimal(page: import('@playwright/test').Page, email: string, name = 'Alex Kim') {
  await page.fill('[name=email]', email);
  await page.fill('[name=name]', name);
  await page.selectOption('[name="answers.companyType"]', 'global');
  await page.selectOption('[name="answers.country"]', 'KR');
  await page.locator('[name="consent.privacy"]').check();
}

test('an empty form is refused in the browser, each error beside its input, announced and tied by aria-describedby', async ({ page }) => {
  const event = await createEvent();
  let posted = 0;
  page.on('request', (r) => r.method() === 'POST' && posted++);
  await page.goto(`${site()}/e/${event.id}`);
  await page.fill('[name="answers.website"]', 'not a url');
  await page.locator('form button[type=submit]').click();
  for (const path of ['email', 'name', 'answers.companyType', 'answers.country', 'answers.website', 'consent.privacy']) {
    await expect(page.locator(`[data-error-for="${path}"]`)).not.toBeEmpty();
    const input = page.locator(`[name="${path}"]`);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    const describedBy = (await input.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[data-error-for="${path}"]`).getAttribute('id')).toBe(describedBy.split(' ').at(-1));
  }
  await expect(page.locator('[data-error-for="answers.motto"]')).toBeEmpty();
  const summary = page.locator('#error-summary');
  await expect(summary).toHaveAttribute('aria-live', 'assertive');
  await expect(summary).toBeFocused();
  expect(posted).toBe(0);
});

test('server-side errors land at their inputs: already_registered on email, a 422 the stale page let through', async ({ page }) => {
  const event = await createEvent();
  const taken = unique('taken');
  expect((await register(event.id, { email: taken, name: 'First' })).status).toBe(201);
  await page.goto(`${site()}/e/${event.id}`);
  await fillMinimal(page, taken);
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('[data-error-for=email]')).toContainText(/already/i);
  await expect(page.locator('[name=email]')).toHaveAttribute('aria-invalid', 'true');

  // The organiser drops an option while the page is open: the browser's copy still allows it, the API does not.
  const fields = (await call('GET', `/events/${event.id}`)).json.fields;
  fields[0].options = fields[0].options.filter((o: { value: string }) => o.value !== 'domestic');
  expect((await call('PATCH', `/events/${event.id}`, { fields })).status).toBe(200);
  await page.fill('[name=email]', unique('stale'));
  await page.selectOption('[name="answers.companyType"]', 'domestic');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('[data-error-for="answers.companyType"]')).not.toBeEmpty();
  await expect(page.locator('[data-error-for=email]')).toBeEmpty();
});

test('a double click makes one registration', async ({ page }) => {
  const event = await createEvent();
  const email = unique('double');
  await page.goto(`${site()}/e/${event.id}`);
  await fillMinimal(page, email);
  await page.locator('form button[type=submit]').dblclick();
  await expect(page.locator('[data-registration-id]')).toBeVisible();
  expect(await registrationsOf(event.id, email)).toHaveLength(1);
});

test('a retry after a dropped answer replays the first registration (same Idempotency-Key), nothing typed is lost', async ({ page }) => {
  const event = await createEvent();
  const email = unique('dropped');
  await page.goto(`${site()}/e/${event.id}`);
  await fillMinimal(page, email, '이서연');
  const keys: string[] = [];
  let drop = true;
  await page.route('**/registrations', async (route) => {
    keys.push(route.request().headers()['idempotency-key']!);
    if (!drop) return route.continue();
    drop = false;
    await route.fetch(); // the API registers…
    await route.abort('connectionreset'); // …and the answer never reaches the browser
  });
  await page.locator('form button[type=submit]').click();
  await expect(page.getByText('What you typed is still here')).toBeVisible();
  await page.reload();
  await expect(page.locator('[name=name]')).toHaveValue('이서연');
  await expect(page.locator('[name=email]')).toHaveValue(email);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByText('Your registration is confirmed.')).toBeVisible();
  expect(keys).toHaveLength(2);
  expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(keys[1]).toBe(keys[0]);
  const [r, ...more] = await registrationsOf(event.id, email);
  expect(more).toHaveLength(0);
  await expect(page.locator('[data-registration-id]')).toHaveAttribute('data-registration-id', r!.id);
  // The full replay carries the manage token: the badge still shows.
  await expect(page.locator('.badge img')).toHaveAttribute('src', /^blob:/);
});

test('closed, sold-out and waitlist states are said before anyone types', async ({ page }) => {
  const closed = await createEvent({ registration: { opensAt: at(-3 * DAY), closesAt: at(-DAY), waitlist: true } });
  await page.goto(`${site()}/e/${closed.id}`);
  await expect(page.locator('[data-availability=closed]')).toHaveText('Registration is closed.');
  await expect(page.locator('form')).toHaveCount(0);

  const soon = await createEvent({ registration: { opensAt: at(DAY), closesAt: at(3 * DAY), waitlist: true } });
  await page.goto(`${site()}/e/${soon.id}`);
  await expect(page.locator('[data-availability=not-yet]')).toContainText('Registration opens on');

  const soldOut = await createEvent({ capacity: 1, registration: { opensAt: at(-DAY), closesAt: at(3 * DAY), waitlist: false } });
  expect((await register(soldOut.id, { email: unique('only'), name: 'Only One' })).status).toBe(201);
  await page.goto(`${site()}/e/${soldOut.id}`);
  await expect(page.locator('[data-availability=sold-out]')).toBeVisible();
  await expect(page.locator('form')).toHaveCount(0);

  const full = await createEvent({ capacity: 1 });
  expect((await register(full.id, { email: unique('first'), name: 'First One', sessions: ['bio'] })).status).toBe(201);
  await page.goto(`${site()}/e/${full.id}`);
  await expect(page.locator('[data-availability=waitlist]')).toContainText('waitlist');
  await expect(page.locator('.programme li', { hasText: 'Advanced Medical & Bio' }).locator('.mark.waitlist')).toHaveText('Waitlist');
  await fillMinimal(page, unique('second'));
  await page.locator('form button[type=submit]').click();
  await expect(page.getByText("You're on the waitlist.")).toBeVisible();
  await expect(page.locator('.badge img')).toHaveCount(0);
});

test('an unknown event shows the not-found view; an unreachable API a retry that loses nothing', async ({ page }) => {
  await page.goto(`${site()}/e/nosuchevent1`);
  await expect(page.locator('[data-not-found]')).toHaveText('Event not found');

  const event = await createEvent();
  await page.route(`**/events/${event.id}`, (route) => route.abort('connectionrefused'));
  await page.goto(`${site()}/e/${event.id}`);
  await expect(page.getByRole('alert')).toContainText('cannot be reached');
  await page.unroute(`**/events/${event.id}`);
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Browser Test Forum');
});
