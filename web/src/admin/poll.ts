/**
 * Refreshes while the tab is visible: at once on mount and on becoming visible again, then every
 * `ms`; nothing while hidden (an organiser's forgotten tab costs the API nothing).
 */
import { useEffect } from 'preact/hooks';

export function usePoll(load: () => Promise<void>, ms: number, deps: unknown[]) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      timer = undefined;
      if (stopped || document.visibilityState !== 'visible') return;
      await load().catch(() => undefined);
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(tick, ms);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible' && !timer) void tick();
      else if (document.visibilityState !== 'visible' && timer) {
        clearTimeout(timer);
        timer = undefined;
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, deps);
}
