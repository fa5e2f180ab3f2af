/** A view in its own chunk: fetched the first time it is shown, so the console's first load stays small. */
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { pick } from '../lib/i18n.ts';
import { strings } from './strings.ts';

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const view = signal<ComponentType<P> | undefined>(undefined);
  const failed = signal(false);
  let started = false;
  return function LazyView(props: P) {
    const t = pick(strings);
    if (!started) {
      started = true;
      load().then(
        (v) => (view.value = v),
        () => {
          started = false; // a later render (another click on the tab) tries again
          failed.value = true;
        },
      );
    }
    const View = view.value;
    if (View) return <View {...props} />;
    return failed.value ? <p role="alert">{t.unreachable}</p> : <p aria-busy="true">{t.loading}</p>;
  };
}
