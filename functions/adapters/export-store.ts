/**
 * Exports too large for one response: stored as a short-lived object and handed over as a
 * download URL (API.md: 303). Deployed: the export bucket (objects expire after a day) and a
 * presigned GET valid for EXPORT_URL_SECONDS; locally: a folder the local gateway serves.
 * The S3 part (client and presigner) is `#export-bucket` (export-bucket.ts), loaded on first use:
 * most exports fit in one response, and deployed it is a file of its own beside index.mjs.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config } from '#config';

export const EXPORT_URL_SECONDS = 15 * 60;

/** Whether a download URL can be handed out (else an over-large export is refused). */
export function canStoreExports(): boolean {
  const { EXPORT_BUCKET, EXPORT_DIR, EXPORT_BASE_URL } = config();
  return Boolean(EXPORT_BUCKET || (EXPORT_DIR && EXPORT_BASE_URL));
}

/** `body`: the file (CSV text, or a workbook's or PDF's bytes); its type defaults to CSV. */
export async function storeExport(
  eventId: string,
  body: string | Uint8Array,
  filename: string,
  contentType = 'text/csv; charset=utf-8',
): Promise<{ url: string; expiresAt: string }> {
  const { EXPORT_BUCKET, EXPORT_DIR, EXPORT_BASE_URL } = config();
  const extension = /\.([a-z0-9]+)$/.exec(filename)?.[1] ?? 'csv';
  const key = `exports/${eventId}/${randomUUID()}.${extension}`;
  const expiresAt = new Date(Date.now() + EXPORT_URL_SECONDS * 1000).toISOString();
  if (EXPORT_BUCKET) {
    const { putExport } = await import('#export-bucket');
    const url = await putExport({ bucket: EXPORT_BUCKET, key, body, contentType, filename, expiresInSeconds: EXPORT_URL_SECONDS });
    return { url, expiresAt };
  }
  if (!EXPORT_DIR || !EXPORT_BASE_URL) throw new Error('EXPORT_BUCKET (or EXPORT_DIR and EXPORT_BASE_URL) is required');
  const file = key.replaceAll('/', '_');
  await mkdir(EXPORT_DIR, { recursive: true });
  await writeFile(join(EXPORT_DIR, file), body);
  return { url: `${EXPORT_BASE_URL.replace(/\/$/, '')}/${file}`, expiresAt };
}
