import { render } from 'preact';
import { App } from '../scan/app.tsx';
import { start } from '../scan/scanner.ts';
import { scanServiceWorker } from '../scan/sw-name.ts';
import '../scan/scan.css';

render(<App />, document.getElementById('app')!);
void start();

// The shell works after a reload with no network; the worker's scope is the scanner alone.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register(`/${scanServiceWorker.file}`, { scope: '/scan' }).catch(() => undefined);
}
