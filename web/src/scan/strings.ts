/** Every word the scanner shows, in Korean and English: the browser's language first, then the switch. */

export type Lang = 'ko' | 'en';

const en = {
  title: 'Gatepass scanner',
  insecure:
    'This page is not on a secure (HTTPS) connection, so the camera and badge checks cannot run. Open the scanner through its https:// address.',
  pairTitle: 'Pair this phone',
  pairHelp: 'Scan the pairing QR code shown in the admin console, or type the pairing code.',
  pairCode: 'Pairing code',
  pairButton: 'Pair',
  pairing: 'Pairing…',
  invalidPairingCode: 'This pairing code is unknown, already used or expired. Ask an admin for a new one.',
  tooManyAttempts: 'Too many pairing attempts from this network. Wait a minute and try again.',
  unreachable: 'The server cannot be reached. Check the connection and try again.',
  retry: 'Try again',
  syncing: (n: number) => `Downloading the roster… ${n} people`,
  place: 'Place',
  venue: 'Venue entrance',
  mode: { online: 'Online', offline: 'Offline' } as Record<string, string>,
  queue: 'Waiting to upload',
  lastSync: 'Roster synced',
  never: 'never',
  people: 'People known',
  connection: 'Connection',
  torchOn: 'Torch on',
  torchOff: 'Torch off',
  cameraError: 'The camera could not be started. Allow camera access for this page and reload.',
  ready: 'Ready: hold a badge QR code up to the camera.',
  search: 'Find a person (name or organisation)',
  searchPlaceholder: 'e.g. 김민지, Kim, Gwangju Bio',
  checkIn: 'Check in',
  noMatch: 'No one found.',
  differences: 'The server judged these offline scans differently',
  duplicate: 'admitted offline by another device first',
  judgedOffline: 'Judged offline',
  firstScan: (at: string, device: string) => `First scan ${at}${device ? ` by ${device}` : ''}`,
  otherDevice: 'another device',
  sessions: 'Sessions',
  notInRoster: 'Not yet in the roster (registered after the last sync)',
  revoked: 'This device was revoked by an admin. Everything it stored has been wiped.',
  language: '한국어',
  verdicts: {
    checked_in: 'Checked in',
    already_checked_in: 'Already checked in',
    registration_cancelled: 'Registration cancelled',
    not_registered_for_session: 'No seat in this session',
    invalid_badge: 'Invalid badge',
    place_not_allowed: 'This device may not scan here',
    badge_not_issued: 'No badge issued (waitlisted or not approved)',
    not_found: 'Unknown registration',
    unauthorized: 'This device is not paired any more',
  } as Record<string, string>,
  unknownVerdict: 'Refused',
};

type Strings = typeof en;

const ko: Strings = {
  title: 'Gatepass 스캐너',
  insecure: '이 페이지는 보안(HTTPS) 연결이 아니어서 카메라와 배지 확인을 사용할 수 없습니다. 스캐너를 https:// 주소로 여세요.',
  pairTitle: '이 휴대폰 연결하기',
  pairHelp: '관리자 콘솔에 표시된 연결 QR 코드를 스캔하거나 연결 코드를 입력하세요.',
  pairCode: '연결 코드',
  pairButton: '연결',
  pairing: '연결하는 중…',
  invalidPairingCode: '알 수 없거나 이미 사용했거나 만료된 연결 코드입니다. 관리자에게 새 코드를 요청하세요.',
  tooManyAttempts: '이 네트워크에서 연결 시도가 너무 많습니다. 1분 후에 다시 시도하세요.',
  unreachable: '서버에 연결할 수 없습니다. 연결을 확인하고 다시 시도하세요.',
  retry: '다시 시도',
  syncing: (n: number) => `참가자 명단을 받는 중… ${n}명`,
  place: '장소',
  venue: '행사장 입구',
  mode: { online: '온라인', offline: '오프라인' },
  queue: '업로드 대기',
  lastSync: '명단 동기화',
  never: '없음',
  people: '명단 인원',
  connection: '연결',
  torchOn: '플래시 켜기',
  torchOff: '플래시 끄기',
  cameraError: '카메라를 시작할 수 없습니다. 이 페이지에 카메라 접근을 허용하고 새로 고치세요.',
  ready: '준비됨: 배지의 QR 코드를 카메라에 비추세요.',
  search: '참가자 찾기 (이름 또는 소속)',
  searchPlaceholder: '예: 김민지, Kim, Gwangju Bio',
  checkIn: '체크인',
  noMatch: '찾는 사람이 없습니다.',
  differences: '서버가 오프라인 스캔을 다르게 판정했습니다',
  duplicate: '다른 기기가 먼저 오프라인으로 입장 처리함',
  judgedOffline: '오프라인 판정',
  firstScan: (at: string, device: string) => `첫 스캔 ${at}${device ? ` (${device})` : ''}`,
  otherDevice: '다른 기기',
  sessions: '세션',
  notInRoster: '아직 명단에 없음 (마지막 동기화 이후 등록)',
  revoked: '관리자가 이 기기를 해제했습니다. 저장된 모든 데이터를 지웠습니다.',
  language: 'English',
  verdicts: {
    checked_in: '체크인 완료',
    already_checked_in: '이미 체크인함',
    registration_cancelled: '취소된 등록',
    not_registered_for_session: '이 세션에 좌석 없음',
    invalid_badge: '유효하지 않은 배지',
    place_not_allowed: '이 기기는 여기서 스캔할 수 없습니다',
    badge_not_issued: '배지 미발급 (대기 또는 미승인)',
    not_found: '알 수 없는 등록',
    unauthorized: '이 기기는 더 이상 연결되어 있지 않습니다',
  },
  unknownVerdict: '거부됨',
};

export const strings: Record<Lang, Strings> = { ko, en };

export function browserLang(languages: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}
