/** Helpers of the browser suite: the stack's URLs, API calls beside the browser, the SES emulator's inbox. */
import { expect, type Page } from '@playwright/test';

export const site = () => process.env.GATEPASS_WEB_URL!;
const ses = () => process.env.GATEPASS_WEB_SES!;
const admin = () => process.env.GATEPASS_WEB_ADMIN!;

export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(site() + path, {
    method,
    headers: { authorization: `Bearer ${admin()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    json: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    headers: r.headers,
  };
}

const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

/** An event open for registration now, with every one of the 8 field types. */
export function eventBody(overrides: Record<string, unknown> = {}) {
  return {
    name: { ko: '브라우저 테스트 포럼', en: 'Browser Test Forum' },
    description: { ko: '참가 등록 화면 시험', en: 'Trying the participant pages' },
    venue: 'Kim Dae-jung Convention Center, Gwangju',
    timezone: 'Asia/Seoul',
    startsAt: at(7 * DAY),
    endsAt: at(7 * DAY + 8 * 3600_000),
    registration: { opensAt: at(-DAY), closesAt: at(6 * DAY), waitlist: true },
    capacity: 100,
    sessions: [
      {
        id: 'bio',
        name: { ko: '첨단의료·바이오', en: 'Advanced Medical & Bio' },
        startsAt: at(7 * DAY),
        endsAt: at(7 * DAY + 3600_000),
        capacity: 1,
      },
      {
        id: 'energy',
        name: { ko: '미래 에너지', en: 'Future Energy' },
        startsAt: at(7 * DAY),
        endsAt: at(7 * DAY + 3600_000),
        capacity: 20,
      },
    ],
    fields: [
      {
        id: 'companyType',
        type: 'select',
        required: true,
        label: { ko: '기업 유형', en: 'Company type' },
        options: [
          { value: 'global', label: { ko: '글로벌', en: 'Global' } },
          { value: 'domestic', label: { ko: '국내', en: 'Domestic' } },
        ],
      },
      {
        id: 'industries',
        type: 'multiselect',
        label: { ko: '관심 산업', en: 'Industries' },
        options: [
          { value: 'bio', label: { ko: '바이오', en: 'Bio' } },
          { value: 'energy', label: { ko: '에너지', en: 'Energy' } },
          { value: 'mobility', label: { ko: '모빌리티', en: 'Mobility' } },
        ],
      },
      { id: 'motto', type: 'text', label: { ko: '한 줄 소개', en: 'One-line intro' } },
      { id: 'goals', type: 'textarea', label: { ko: '참가 목적', en: 'Why you come' } },
      { id: 'b2b', type: 'checkbox', label: { ko: 'B2B 상담 희망', en: 'I want B2B meetings' } },
      { id: 'country', type: 'country', required: true, label: { ko: '국가', en: 'Country' } },
      { id: 'phone', type: 'phone', label: { ko: '전화번호', en: 'Phone' } },
      { id: 'website', type: 'url', label: { ko: '웹사이트', en: 'Website' } },
    ],
    ...overrides,
  };
}

export async function createEvent(overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const r = await call('POST', '/events', eventBody(overrides));
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}

export function register(eventId: string, body: Record<string, unknown>) {
  return call(
    'POST',
    `/events/${eventId}/registrations`,
    { locale: 'en', answers: { companyType: 'global', country: 'KR' }, consent: { privacy: true }, ...body },
    { authorization: '' },
  );
}

export async function registrationsOf(eventId: string, email: string) {
  const r = await call('GET', `/events/${eventId}/registrations?q=${encodeURIComponent(email)}`);
  return (r.json.items as { id: string; email: string; status: string; sessions: { id: string; status: string }[] }[]).filter(
    (x) => x.email === email,
  );
}

export const unique = (label: string) => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

interface Mail {
  subject: string;
  destination: { to: string[] };
  body: { text: string; html: string };
}

/** The manage link of the newest email to this address (the mailer runs off the table's stream: poll). */
export async function manageLinkFor(email: string, count = 1): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const store = (await (await fetch(`${ses()}/store`)).json()) as { emails: Mail[] };
        const mails = store.emails.filter((m) => m.destination.to.some((t) => t.includes(email)));
        link = mails.length >= count ? /(https?:\/\/[^\s"<]+\/manage#[^\s"<]+)/.exec(mails.at(-1)!.body.text)?.[1] : undefined;
        return link;
      },
      { timeout: 20_000, intervals: [200] },
    )
    .toBeTruthy();
  return link!;
}

/** Screenshots for the README, written only when asked (`npm run screenshots`), so a test run leaves the tree clean. */
export async function readmeShot(page: Page, name: string) {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  await page.screenshot({ path: new URL(`../../docs/screenshots/${name}.png`, import.meta.url).pathname, fullPage: true });
}
