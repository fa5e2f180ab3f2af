/**
 * Korean and English: the browser's first language that Gatepass speaks, then the person's
 * choice from the switch on every page, kept in localStorage (a preference, not personal data).
 */
import { effect, signal } from '@preact/signals';

export type Lang = 'ko' | 'en';
export const langs: readonly Lang[] = ['ko', 'en'];
const KEY = 'gatepass.lang';

function initial(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'ko' || saved === 'en') return saved;
  } catch {
    // storage blocked: the browser's language still works
  }
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}

export const lang = signal<Lang>(initial());

effect(() => {
  document.documentElement.lang = lang.value;
});

export function setLang(l: Lang) {
  lang.value = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // not persisted; the page still switches
  }
}

/** One page's strings, Korean and English side by side: `const t = useStrings(strings)`. */
export function pick<S>(strings: Record<Lang, S>): S {
  return strings[lang.value];
}

/** Bilingual text from the API ({ ko, en }) in the page's language. */
export const local = (text: { ko: string; en: string } | null | undefined) => (text ? text[lang.value] || text.en || text.ko : '');
