/**
 * The console's webhooks view in a real browser, against a real receiver on 127.0.0.1: an admin
 * adds an endpoint for one event and sees its secret once (it verifies a delivered message with
 * the `standardwebhooks` library), the delivery is listed as delivered, the endpoint is turned
 * off, its secret rotated, then deleted; with the keyboard alone, a refusing receiver's messages
 * show as retrying with its status code; a bad URL shows invalid_webhook_url beside the field in
 * both languages; staff see no webhooks view; axe finds nothing serious in ko or en.
 */
import { expect, type Page, test } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';
import { axe, signIn } from './admin-support.ts';
import { call, createEvent, register, unique } from './support.ts';

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver({ status: 204 });
});
test.afterAll(async () => {
  await receiver.close();
});

/** Endpoints are the deployment's: each test removes the ones it made (the stack is shared). */
const made: string[] = [];
test.afterEach(async () => {
  for (const id of made.splice(0)) await call('DELETE', `/webhooks/${id}`);
});

async function openView(page: Page, eventId: string) {
  await signIn(page, 'admin', `#event=${eventId}`);
  await page.locator('[data-view="webhooks"]').click();
  await expect(page.locator('[data-view="webhooks"]')).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('form[data-form="webhook"]')).toBeVisible();
}

test('an admin adds an endpoint for an event, keeps the secret shown once, sees the delivery, turns it off, rotates and deletes it', async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const event = await createEvent();
  await openView(page, event.id);

  // The checkboxes are the API's types, each once, and "*".
  const openapi = (await call('GET', '/openapi.json')).json;
  const apiTypes: string[] = openapi.components.schemas.WebhookInput.properties.types.items.enum;
  const form = page.locator('form[data-form="webhook"]');
  const boxes = await form.locator('input[name="types"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  expect([...boxes].sort()).toEqual([...apiTypes].sort());

  await form.locator('input[name="url"]').fill(receiver.url);
  await form.locator('input[name="types"][value="registration.confirmed"]').check();
  await expect(form.locator('input[name="eventId"]')).toBeChecked();
  await form.locator('button[type="submit"]').click();

  const shown = page.locator('[data-secret-for]');
  await expect(shown).toBeVisible();
  await expect(shown).toContainText('shown this once');
  const webhookId = (await shown.getAttribute('data-secret-for'))!;
  made.push(webhookId);
  const secret = (await shown.locator('[data-secret]').textContent())!.trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  await shown.locator('[data-action="copy-secret"]').click();
  await expect(shown.locator('[role="status"]')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // Listed as the API lists it, and no listing carries the secret.
  const listed = (await call('GET', '/webhooks')).json.items.find((w: { id: string }) => w.id === webhookId);
  expect(listed).toMatchObject({ url: receiver.url, types: ['registration.confirmed'], eventId: event.id, enabled: true });
  expect(JSON.stringify((await call('GET', '/webhooks')).json)).not.toContain(secret);
  const row = page.locator(`[data-webhook="${webhookId}"]`);
  await expect(row).toContainText(receiver.url);
  await expect(row.locator('[data-enabled]')).toHaveAttribute('data-enabled', 'true');
  await axe(page, 'webhooks with a secret shown, en');

  // Someone registers: the receiver gets one message, signed with that very secret.
  const before = receiver.received.length;
  const r = await register(event.id, { email: unique('hooked'), name: 'Hooked Person' });
  expect(r.status).toBe(201);
  const got = (await receiver.waitFor(before + 1, 15_000))[before]!;
  const headers = {
    'webhook-id': String(got.headers['webhook-id']),
    'webhook-timestamp': String(got.headers['webhook-timestamp']),
    'webhook-signature': String(got.headers['webhook-signature']),
  };
  const payload = new Webhook(secret).verify(got.body, headers) as { type: string; data: { id: string } };
  expect(payload).toMatchObject({ type: 'registration.confirmed', data: { id: r.json.id } });
  expect(() =>
    new Webhook(`whsec_${Buffer.from('another key, 32 bytes long......').toString('base64')}`).verify(got.body, headers),
  ).toThrow();

  // The delivery, listed as delivered (the list refreshes by itself).
  await row.locator('[data-action="deliveries"]').click();
  await expect(row.locator('[data-action="deliveries"]')).toHaveAttribute('aria-expanded', 'true');
  const delivery = row.locator(`[data-deliveries] tr[data-message="${headers['webhook-id']}"]`);
  await expect(delivery.locator('[data-status]')).toHaveAttribute('data-status', 'delivered', { timeout: 15_000 });
  await expect(delivery).toContainText('registration.confirmed');
  await expect(delivery.locator('[data-attempts]')).toHaveText('1');
  await expect(delivery.locator('[data-status-code]')).toHaveText('204');

  // Dismissed, the secret is nowhere on the page, nor after a reload.
  await shown.locator('[data-action="dismiss-secret"]').click();
  await expect(shown).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // Turned off: the API says so, and the button now turns it on.
  await row.locator('[data-action="disable"]').click();
  await expect(row.locator('[data-enabled]')).toHaveAttribute('data-enabled', 'false');
  await expect(row.locator('[data-action="enable"]')).toBeVisible();
  expect((await call('GET', '/webhooks')).json.items.find((w: { id: string }) => w.id === webhookId).enabled).toBe(false);

  // Rotated: a new secret, shown once again.
  await row.locator('[data-action="rotate-secret"]').click();
  await expect(page.locator(`[data-secret-for="${webhookId}"] [data-secret]`)).toBeVisible();
  const rotated = (await page.locator('[data-secret]').textContent())!.trim();
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);

  // Deleted, after a confirm.
  await row.locator('[data-action="delete"]').click();
  await row.locator('[data-action="confirm-delete"]').click();
  await expect(row).toHaveCount(0);
  await expect(page.locator('[data-secret-for]')).toHaveCount(0);
  expect((await call('GET', '/webhooks')).json.items.some((w: { id: string }) => w.id === webhookId)).toBe(false);
  made.splice(made.indexOf(webhookId), 1);
});

test('with the keyboard alone: an endpoint for every type whose receiver answers 500 shows its deliveries as retrying', async ({
  page,
}) => {
  const event = await createEvent();
  await openView(page, event.id);
  receiver.answer = { status: 500 };
  try {
    const url = page.locator('form[data-form="webhook"] input[name="url"]');
    await url.focus();
    await page.keyboard.type(receiver.url);
    await page.keyboard.press('Tab');
    await expect(page.locator('input[name="types"][value="*"]')).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter'); // implicit submission from the URL field
    const shown = page.locator('[data-secret-for]');
    await expect(shown).toBeFocused();
    const webhookId = (await shown.getAttribute('data-secret-for'))!;
    made.push(webhookId);
    expect((await call('GET', '/webhooks')).json.items.find((w: { id: string }) => w.id === webhookId).types).toEqual(['*']);
    await page.keyboard.press('Tab');
    await expect(shown.locator('[data-action="copy-secret"]')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(shown.locator('[data-action="dismiss-secret"]')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(shown).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Endpoints' })).toBeFocused();

    const before = receiver.received.length;
    expect((await register(event.id, { email: unique('refused'), name: 'Refused Hook' })).status).toBe(201);
    // The endpoint's lane tries the first message and keeps the rest back until it is retried.
    const tried = (await receiver.waitFor(before + 1, 15_000))[before]!;
    const row = page.locator(`[data-webhook="${webhookId}"]`);
    await row.locator('[data-action="deliveries"]').focus();
    await page.keyboard.press('Enter');
    const rows = row.locator('[data-deliveries] tr[data-message]');
    await expect(rows).toHaveCount(2, { timeout: 15_000 }); // registration.created and .confirmed
    for (const r of await rows.all()) await expect(r.locator('[data-status]')).toHaveAttribute('data-status', 'retrying');
    const first = row.locator(`[data-deliveries] tr[data-message="${tried.headers['webhook-id']}"]`);
    await expect(first.locator('[data-status-code]')).toHaveText('500', { timeout: 15_000 });
    await expect(first.locator('[data-attempts]')).toHaveText('1');
    await expect(row.locator('[data-deliveries]')).toContainText('registration.created');
    await expect(row.locator('[data-deliveries]')).toContainText('registration.confirmed');
  } finally {
    receiver.answer = { status: 204 };
  }
});

test('deliveries come in pages: the first 20, then the rest on "Load more"', async ({ page }) => {
  test.setTimeout(60_000);
  const event = await createEvent();
  const created = await call('POST', '/webhooks', { url: receiver.url, types: ['registration.confirmed'], eventId: event.id });
  expect(created.status).toBe(201);
  made.push(created.json.id);
  const before = receiver.received.length;
  for (let i = 0; i < 22; i++) expect((await register(event.id, { email: unique(`paged${i}`), name: `Paged ${i}` })).status).toBe(201);
  await receiver.waitFor(before + 22, 30_000);
  await openView(page, event.id);
  const row = page.locator(`[data-webhook="${created.json.id}"]`);
  await row.locator('[data-action="deliveries"]').click();
  const rows = row.locator('[data-deliveries] tr[data-message]');
  await expect(rows).toHaveCount(20);
  await row.locator('[data-action="more-deliveries"]').click();
  await expect(rows).toHaveCount(22);
  await expect(row.locator('[data-action="more-deliveries"]')).toHaveCount(0);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-message')));
  expect(new Set(ids).size).toBe(22);
});

test('a URL the API refuses shows invalid_webhook_url beside the field, in English and Korean; nothing is added', async ({ page }) => {
  const event = await createEvent();
  await openView(page, event.id);
  const count = (await call('GET', '/webhooks')).json.items.length;
  const form = page.locator('form[data-form="webhook"]');
  await form.locator('input[name="url"]').fill('http://example.com/hooks');
  await form.locator('input[name="types"][value="*"]').check();
  await expect(form.locator('input[name="types"][value="checkin.created"]')).toBeDisabled();
  await form.locator('button[type="submit"]').click();
  const error = form.locator('[data-error-for="url"]');
  await expect(error).toHaveText('The webhook URL must be https on port 443 and reach a public address.');
  await expect(form.locator('input[name="url"]')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: '한국어' }).click();
  await expect(error).toHaveText('웹훅 URL은 443 포트의 https이며 공개 주소여야 합니다.');
  await expect(page.locator('[data-secret-for]')).toHaveCount(0);
  expect((await call('GET', '/webhooks')).json.items.length).toBe(count);
  // No type ticked: said beside the types, before any request.
  await form.locator('input[name="types"][value="*"]').uncheck();
  await form.locator('input[name="url"]').fill(receiver.url);
  await form.locator('button[type="submit"]').click();
  await expect(form.locator('[data-error-for="types"]')).toHaveText('종류를 하나 이상 고르세요.');
  expect((await call('GET', '/webhooks')).json.items.length).toBe(count);
});

test('staff see no webhooks view, even when the address asks for it', async ({ page }) => {
  const event = await createEvent();
  await signIn(page, 'staff', `#event=${event.id}&view=webhooks`);
  await expect(page.locator('[data-view="overview"]')).toHaveAttribute('aria-current', 'page');
  expect(await page.locator('[data-view="webhooks"], form[data-form="webhook"], [data-part="webhooks"]').count()).toBe(0);
});

for (const lang of ['en', 'ko'] as const) {
  test(`axe finds no serious or critical violation in the webhooks view in ${lang}`, async ({ page }) => {
    const event = await createEvent();
    const created = await call('POST', '/webhooks', { url: receiver.url, types: ['*'], eventId: event.id });
    expect(created.status).toBe(201);
    made.push(created.json.id);
    await register(event.id, { email: unique('axe-hook'), name: 'Axe Hook Person' });
    await openView(page, event.id);
    await page.getByRole('button', { name: lang === 'ko' ? '한국어' : 'English' }).click();
    const row = page.locator(`[data-webhook="${created.json.id}"]`);
    await row.locator('[data-action="deliveries"]').click();
    await expect(row.locator('[data-deliveries] tr[data-message]').first()).toBeVisible({ timeout: 15_000 });
    await page.locator('[data-action="redrive"]').click();
    await expect(page.locator('[data-redriven]')).not.toBeEmpty();
    await row.locator('[data-action="delete"]').click();
    await axe(page, `webhooks ${lang}`);
  });
}
