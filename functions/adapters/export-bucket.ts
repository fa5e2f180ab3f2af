/**
 * The export bucket's part of functions/adapters/export-store.ts: put one export object and
 * presign a GET for it. Loaded as `#export-bucket` by the first export too large for one response:
 * deployed, a file of its own beside index.mjs (export-bucket.mjs, lib/bundling.ts), so the S3
 * client and the presigner (~150 KB minified) are never parsed at a cold start. Import only types
 * from it elsewhere; a value import would inline it again.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

let s3: S3Client | undefined;

export interface ExportObject {
  bucket: string;
  key: string;
  body: string | Uint8Array;
  contentType: string;
  /** The download's file name (Content-Disposition). */
  filename: string;
  /** How long the download URL is valid. */
  expiresInSeconds: number;
}

/** Stores the export and returns a presigned GET URL for it. */
export async function putExport(o: ExportObject): Promise<string> {
  s3 ??= new S3Client({});
  await s3.send(
    new PutObjectCommand({
      Bucket: o.bucket,
      Key: o.key,
      Body: o.body,
      ContentType: o.contentType,
      ContentDisposition: `attachment; filename="${o.filename}"`,
    }),
  );
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: o.bucket, Key: o.key }), { expiresIn: o.expiresInSeconds });
}
