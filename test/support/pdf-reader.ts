/**
 * A PDF reader independent of the writer (pdf-lib): Mozilla's pdf.js reads the pages, their sizes
 * and text; a page renders through @napi-rs/canvas (pdf.js's own Node canvas) so jsQR can decode
 * its QR code.
 */
import { createCanvas } from '@napi-rs/canvas';
import jsQR from 'jsqr';

export interface PdfPage {
  widthPt: number;
  heightPt: number;
  text: string;
}

async function open(bytes: Uint8Array) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  return { task, doc: await task.promise };
}

export async function readPdf(bytes: Uint8Array): Promise<PdfPage[]> {
  const { task, doc } = await open(bytes);
  const pages: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    pages.push({ widthPt: x1 - x0, heightPt: y1 - y0, text });
  }
  await task.destroy();
  return pages;
}

/** Renders page `n` (1-based) at `scale` and decodes its QR code. */
export async function decodePageQr(bytes: Uint8Array, n: number, scale = 3): Promise<string | undefined> {
  const { task, doc } = await open(bytes);
  try {
    const page = await doc.getPage(n);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
  } finally {
    await task.destroy();
  }
}
