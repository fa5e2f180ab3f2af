/** Strings of the "send me my link again" form, Korean and English side by side. */
export const resendStrings = {
  ko: {
    title: '관리 링크 다시 받기',
    intro: '등록하신 이메일 주소를 입력하시면 등록 확인·변경·취소 링크를 다시 보내 드립니다.',
    email: '이메일',
    send: '링크 보내기',
    sending: '보내는 중…',
    sent: '메일함을 확인해 주세요. 이 주소로 등록되어 있다면 링크가 담긴 메일을 곧 받으실 수 있습니다.',
    networkFailed: '서버에 연결하지 못했습니다. 다시 시도해 주세요.',
  },
  en: {
    title: 'Get your manage link again',
    intro: 'Enter the email you registered with and we will send you the link to view, change or cancel your registration.',
    email: 'Email',
    send: 'Send the link',
    sending: 'Sending…',
    sent: 'Check your inbox: if this address is registered, an email with your link is on its way.',
    networkFailed: 'The server could not be reached. Please try again.',
  },
};
