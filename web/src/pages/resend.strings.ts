/** Strings of /e/{eventId}/resend (the form's own are in lib/resend-form.strings.ts). */
export const strings = {
  ko: { notFoundTitle: '행사를 찾을 수 없습니다', notFound: '주소를 다시 확인해 주세요. 행사가 없거나 삭제되었습니다.' },
  en: { notFoundTitle: 'Event not found', notFound: 'Check the address: there is no such event.' },
};
