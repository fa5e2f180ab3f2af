/** The frame of every page: a skip link, the language switch, the main landmark. */
import type { ComponentChildren } from 'preact';
import { lang, langs, setLang } from './i18n.ts';

const names = { ko: '한국어', en: 'English' } as const;
const labels = { ko: '언어', en: 'Language' } as const;
const skip = { ko: '본문으로 건너뛰기', en: 'Skip to content' } as const;

export function LangSwitch() {
  return (
    <nav class="lang" aria-label={labels[lang.value]}>
      {langs.map((l) => (
        <button type="button" key={l} lang={l} aria-pressed={lang.value === l} onClick={() => setLang(l)}>
          {names[l]}
        </button>
      ))}
    </nav>
  );
}

export function Page({ children }: { children: ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">
        {skip[lang.value]}
      </a>
      <header class="top">
        <span class="brand">Gatepass</span>
        <LangSwitch />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** Sets the document's title (tabs, screen readers' page announcement). */
export function useTitle(title: string) {
  if (document.title !== title) document.title = title;
}
