/**
 * The QR code alone: its module matrix (for the badge layouts) and a PNG (the email's inline
 * image). Kept apart from render.ts so a function that needs only `qrPng` (the mailer) can import
 * `#badges/qr` and bundle qrcode (~60 KB) without pdf-lib and fontkit (~1.3 MB).
 */
import { lazy } from './lazy.ts';
import { QR_QUIET_ZONE, type QrMatrix } from './layout.ts';

/** Error correction M (15 %): a ~200-character token fits version 10, 57 modules a side. */
export const QR_ERROR_CORRECTION = 'M';

const loadQrcode = lazy(async () => import('qrcode'));

export async function qrMatrix(token: string): Promise<QrMatrix> {
  const { create } = await loadQrcode();
  const { modules } = create(token, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  return { size: modules.size, get: (row, col) => modules.get(row, col) === 1 };
}

/** Just the QR as PNG: `scale` px per module, a 4-module quiet zone; decodes to exactly `token`. */
export async function qrPng(token: string, scale = 6): Promise<Uint8Array> {
  const { toBuffer } = await loadQrcode();
  return toBuffer(token, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_QUIET_ZONE, scale });
}
