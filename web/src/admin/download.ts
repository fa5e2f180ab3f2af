import { lang } from '../lib/i18n.ts';
import { session } from './auth.ts';

/**
 * Saves an export fetched with the session's token (a link cannot carry the header): a large
 * export answers 303 and fetch follows it to the short-lived URL; `onProgress` hears the KB
 * that have arrived. Resolves to 'saved', or to the refusing answer's status (0: no answer).
 */
export async function downloadWithToken(path: string, filename: string, onProgress: (kb: number) => void): Promise<'saved' | number> {
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { authorization: `Bearer ${session.value?.accessToken ?? ''}`, 'accept-language': lang.value },
      cache: 'no-store',
    });
  } catch {
    return 0;
  }
  if (!response.ok) return response.status;
  try {
    const reader = response.body!.getReader();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(Math.round(received / 1024));
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob(chunks, { type: response.headers.get('content-type') ?? 'application/octet-stream' }));
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return 'saved';
  } catch {
    return 0;
  }
}
