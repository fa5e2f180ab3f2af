/**
 * What the exports (CSV, XLSX, the badge print run) share about size: Lambda's response payload is
 * at most 6 MB, counted on the JSON that carries the body; an export over MAX_RESPONSE_BYTES is
 * stored and handed over as a short-lived download URL (303, API.md "CSV export"), or refused
 * with 503 service_unavailable when there is no place to store it.
 */
import { serviceUnavailable } from '#domain/errors';
import type { Locale } from '#domain/messages';

/** Leaves about 1 MB of Lambda's 6 MB for headers and slack. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

/** Bytes a piece of a text body takes inside the Lambda response's JSON (a `"` becomes `\"`, CRLF `\r\n`). */
export const payloadBytes = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

/** Bytes a binary body takes in the response: its base64. */
export const base64Bytes = (bytes: number) => Math.ceil(bytes / 3) * 4;

const tooLarge: Record<Locale, string> = {
  en: `This export is over ${MAX_RESPONSE_BYTES / 1024 / 1024} MB, more than one response can carry, and no download bucket is configured. Use the paginated list (GET /events/{eventId}/registrations) instead.`,
  ko: `내보낼 데이터가 ${MAX_RESPONSE_BYTES / 1024 / 1024}MB를 넘어 한 번의 응답으로 보낼 수 없고, 다운로드용 버킷이 설정되어 있지 않습니다. 페이지 목록(GET /events/{eventId}/registrations)을 사용하세요.`,
};

/** 503 for an export too large for one response where no download URL can be handed out. */
export const exportTooLarge = (locale: Locale) => serviceUnavailable(60, tooLarge[locale]);
