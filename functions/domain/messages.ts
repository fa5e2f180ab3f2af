/** Problem titles by stable code, in the two languages Gatepass speaks. */
export type Locale = 'en' | 'ko';

export const problemTitles: Record<string, Record<Locale, string>> = {
  invalid_json: { en: 'The request body is not valid JSON', ko: '요청 본문이 올바른 JSON이 아닙니다' },
  invalid_cursor: { en: 'The cursor was not issued for this list', ko: '이 목록에 발급된 커서가 아닙니다' },
  unauthorized: { en: 'Missing, expired or invalid credentials', ko: '인증 정보가 없거나 만료되었거나 올바르지 않습니다' },
  forbidden: { en: 'These credentials may not do this', ko: '이 작업을 수행할 권한이 없습니다' },
  not_found: { en: 'Not found', ko: '찾을 수 없습니다' },
  already_registered: { en: 'This email already holds a registration for the event', ko: '이 이메일로 이미 등록되어 있습니다' },
  registration_closed: { en: 'Registration is not open', ko: '등록 기간이 아닙니다' },
  sold_out: { en: 'No seat is left', ko: '남은 좌석이 없습니다' },
  registration_cancelled: { en: 'This registration is cancelled', ko: '취소된 등록입니다' },
  not_registered_for_session: { en: 'No confirmed seat in this session', ko: '이 세션에 확정된 좌석이 없습니다' },
  badge_not_issued: {
    en: 'No badge is issued while waitlisted, pending approval or denied',
    ko: '대기 중이거나 승인 대기·거절된 등록에는 배지가 발급되지 않습니다',
  },
  not_pending: { en: 'Only a pending registration can be approved or denied', ko: '승인 대기 중인 등록만 승인하거나 거절할 수 있습니다' },
  registration_denied: { en: 'This registration was denied', ko: '승인이 거절된 등록입니다' },
  nothing_to_print: { en: 'No confirmed badge to print', ko: '인쇄할 확정 배지가 없습니다' },
  invalid_webhook_url: {
    en: 'The webhook URL must be https on port 443 and reach a public address',
    ko: '웹훅 URL은 443 포트의 https이며 공개 주소여야 합니다',
  },
  wallet_not_configured: {
    en: 'Wallet passes are not set up for this deployment',
    ko: '이 서비스에는 모바일 지갑 패스가 설정되어 있지 않습니다',
  },
  request_in_progress: { en: 'The same request is still being processed', ko: '같은 요청이 아직 처리 중입니다' },
  capacity_below_confirmed: { en: 'Capacity is below the seats already confirmed', ko: '정원이 이미 확정된 좌석 수보다 적습니다' },
  session_in_use: { en: 'A session that holds registrations cannot be removed', ko: '등록이 있는 세션은 삭제할 수 없습니다' },
  payload_too_large: {
    en: 'The request body is over the limit (64 KiB; 256 KiB for a check-in batch)',
    ko: '요청 본문이 한도(64KiB, 체크인 일괄 업로드는 256KiB)를 넘습니다',
  },
  unsupported_media_type: { en: 'The request body must be application/json', ko: '요청 본문은 application/json이어야 합니다' },
  validation_failed: { en: 'The request has invalid fields', ko: '요청에 올바르지 않은 항목이 있습니다' },
  idempotency_key_reused: {
    en: 'This Idempotency-Key was used with another body',
    ko: '이 Idempotency-Key는 다른 요청 본문에 사용되었습니다',
  },
  invalid_badge: { en: 'The badge is not valid for this event', ko: '이 행사에 유효한 배지가 아닙니다' },
  too_many_requests: { en: 'Too many requests', ko: '요청이 너무 많습니다' },
  service_unavailable: { en: 'The service is busy; retry shortly', ko: '서비스가 혼잡합니다. 잠시 후 다시 시도하세요' },
  headers_too_large: { en: 'The request headers are too large', ko: '요청 헤더가 너무 큽니다' },
  bad_request: { en: 'The request is not valid HTTP', ko: '올바른 HTTP 요청이 아닙니다' },
  request_timeout: { en: 'The request took too long to arrive', ko: '요청이 제때 도착하지 않았습니다' },
  internal_error: { en: 'Internal error', ko: '내부 오류' },
  device_revoked: { en: 'This device has been revoked', ko: '이 기기는 해제되었습니다' },
  invalid_pairing_code: { en: 'The pairing code is unknown, used or expired', ko: '페어링 코드가 없거나 이미 사용되었거나 만료되었습니다' },
  place_not_allowed: { en: 'This device may not scan at this place', ko: '이 기기는 이 장소에서 스캔할 수 없습니다' },
  not_inside: { en: 'This person is not inside this place', ko: '이 장소 안에 있지 않은 참가자입니다' },
  reentry_not_allowed: { en: 'This event allows no re-entry after an exit', ko: '이 행사는 퇴장 후 재입장을 허용하지 않습니다' },
};

/** Picks `ko` or `en` from an Accept-Language header, by quality; default `en`. */
export function negotiateLocale(header: string | undefined): Locale {
  if (!header) return 'en';
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const base = tag.split('-')[0];
    if ((base === 'ko' || base === 'en') && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale: base, q };
  }
  return best?.locale ?? 'en';
}
