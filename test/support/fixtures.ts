/** Request bodies the tests and the bench share (no test-runner imports: the bench uses them too). */

/** An event whose registration is open now, in API.md's shape. */
export function openEvent(overrides: Record<string, unknown> = {}) {
  const day = 86_400_000;
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();
  return {
    name: { ko: '테스트 포럼', en: 'Test Forum' },
    venue: 'Gwangju',
    timezone: 'Asia/Seoul',
    startsAt: at(7 * day),
    endsAt: at(7 * day + 8 * 3600_000),
    registration: { opensAt: at(-day), closesAt: at(6 * day), waitlist: true },
    capacity: 100,
    sessions: [
      { id: 'bio', name: { ko: '바이오', en: 'Bio' }, startsAt: at(7 * day), endsAt: at(7 * day + 3600_000), capacity: 20 },
      { id: 'energy', name: { ko: '에너지', en: 'Energy' }, startsAt: at(7 * day), endsAt: at(7 * day + 3600_000), capacity: 20 },
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
      { id: 'website', type: 'url', label: { ko: '웹사이트', en: 'Website' } },
    ],
    ...overrides,
  };
}

export const participant = (i: number, overrides: Record<string, unknown> = {}) => ({
  email: `person${i}@example.com`,
  name: i % 2 ? `김민지${i}` : `Hannah Müller ${i}`,
  organization: 'Gwangju Bio Co.',
  locale: i % 2 ? 'ko' : 'en',
  answers: { companyType: 'global' },
  consent: { privacy: true },
  ...overrides,
});

/**
 * The string with one character changed in its middle. Changing the last characters of base64url
 * may change only padding bits (the same bytes: a "tampered" value that still verifies).
 */
export function tampered(value: string): string {
  const i = Math.floor(value.length / 2);
  return `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
}
