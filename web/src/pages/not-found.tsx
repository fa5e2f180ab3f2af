/** The site's not-found page (served with 404 for any path that is neither a page nor the API). */
import { render } from 'preact';
import { pick } from '../lib/i18n.ts';
import { Page, useTitle } from '../lib/layout.tsx';
import '../styles.css';

const strings = {
  ko: { title: '페이지를 찾을 수 없습니다', body: '주소를 다시 확인해 주세요. 등록 확인·변경 링크는 확인 메일에 있습니다.' },
  en: { title: 'Page not found', body: 'Check the address. The link to view or change your registration is in your confirmation email.' },
};

function App() {
  const t = pick(strings);
  useTitle(t.title);
  return (
    <Page>
      <h1 data-not-found>{t.title}</h1>
      <p>{t.body}</p>
    </Page>
  );
}

render(<App />, document.getElementById('app')!);
