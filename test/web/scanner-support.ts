/**
 * Helpers of the scanner's browser tests: a canvas camera (getUserMedia replaced, before the page
 * loads, by a canvas stream that draws whichever badge QR the test holds up), showing a badge and
 * waiting for the verdict it gets, and a Y4M fake-capture file written from a badge's QR bitmap.
 */
import { writeFileSync } from 'node:fs';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import QRCode from 'qrcode';

/**
 * Runs in the page before its scripts: the camera becomes a 640×480 canvas the test draws on
 * (plain JavaScript: the test tsconfig has no DOM types).
 */
const canvasCamera = `(() => {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 480;
  const context = canvas.getContext('2d');
  let image = null;
  const draw = () => {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 640, 480);
    if (image) context.drawImage(image, 140, 60, 360, 360);
  };
  draw();
  setInterval(draw, 50);
  window.__showBadge = (url) => new Promise((resolve) => {
    if (!url) { image = null; draw(); return resolve(); }
    const next = new Image();
    next.onload = () => { image = next; draw(); resolve(); };
    next.src = url;
  });
  navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
})();`;

export async function useCanvasCamera(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: canvasCamera });
}

type WithCamera = { __showBadge(url: string | null): Promise<void> };

export const qrDataUrl = (text: string) => QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 4, scale: 6 });

export interface SeenVerdict {
  verdict: string;
  mode: string;
  queue: number;
  text: string;
}

/** The number of the verdict on screen (0 before the first), read at once: never a stale 0 when the page is slow. */
async function currentSeq(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(
      (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document
        .querySelector('[data-verdict]')
        ?.getAttribute('data-seq') ?? 0,
    ),
  );
}

/** Holds a badge up to the canvas camera, waits for the next verdict, then takes the badge away. */
export async function scan(page: Page, badge: string): Promise<SeenVerdict> {
  const before = await currentSeq(page);
  await page.evaluate((url) => (globalThis as unknown as WithCamera).__showBadge(url), await qrDataUrl(badge));
  const verdict = page.locator('[data-verdict]');
  await expect.poll(() => currentSeq(page), { timeout: 15_000 }).toBeGreaterThan(before);
  await page.evaluate(() => (globalThis as unknown as WithCamera).__showBadge(null));
  return {
    verdict: (await verdict.getAttribute('data-verdict'))!,
    mode: (await verdict.getAttribute('data-mode'))!,
    queue: Number(await page.locator('[data-queue]').getAttribute('data-queue')),
    // biome-ignore lint/performance/useDomNodeTextContent: what the volunteer sees (rendered text), not every text node
    text: (await verdict.innerText()).replace(/\s+/g, ' '),
  };
}

/** A Y4M (I420) video of one badge QR, for Chromium's --use-file-for-fake-video-capture. */
export function writeBadgeY4m(path: string, text: string): void {
  const width = 640;
  const height = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(440 / (n + 2 * quiet));
  const side = (n + 2 * quiet) * scale;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (top + (y + quiet) * scale + dy) * width;
        luma.fill(16, row + left + (x + quiet) * scale, row + left + (x + quiet + 1) * scale);
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: 10 }, () => frame)]));
}

/**
 * Waits until the scanner's service worker controls the page and holds its shell (the page, its
 * chunks, the lazily loaded verifier): what a phone has once the scanner has been open a moment,
 * before a volunteer can walk out of coverage. Going offline earlier would test the install race.
 */
export async function shellCached(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const nav = navigator as unknown as { serviceWorker: { controller: unknown } };
          if (!nav.serviceWorker.controller) return 0;
          const w = globalThis as unknown as {
            caches: { keys(): Promise<string[]>; open(n: string): Promise<{ keys(): Promise<unknown[]> }> };
          };
          let n = 0;
          for (const name of await w.caches.keys())
            if (name.startsWith('scan-shell-')) n += (await (await w.caches.open(name)).keys()).length;
          return n;
        }),
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(5);
}
