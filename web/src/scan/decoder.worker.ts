/// <reference lib="webworker" />
/**
 * QR decoding off the main thread: frames arrive as an ImageBitmap (drawn here on an
 * OffscreenCanvas) or, where the browser has no OffscreenCanvas, as ImageData pixels.
 */
import jsQR from 'jsqr';

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;

type Frame = { bitmap: ImageBitmap } | { data: Uint8ClampedArray; width: number; height: number };

self.onmessage = (message: MessageEvent<Frame>) => {
  const frame = message.data;
  let pixels: Uint8ClampedArray;
  let width: number;
  let height: number;
  if ('bitmap' in frame) {
    ({ width, height } = frame.bitmap);
    if (!canvas || canvas.width !== width || canvas.height !== height) {
      canvas = new OffscreenCanvas(width, height);
      context = canvas.getContext('2d', { willReadFrequently: true });
    }
    context!.drawImage(frame.bitmap, 0, 0);
    frame.bitmap.close();
    pixels = context!.getImageData(0, 0, width, height).data;
  } else {
    ({ data: pixels, width, height } = frame);
  }
  // Badges are printed dark on light: skipping the inverted pass halves the work per frame.
  const code = jsQR(pixels, width, height, { inversionAttempts: 'dontInvert' });
  (self as unknown as Worker).postMessage({ text: code?.data ?? null });
};
