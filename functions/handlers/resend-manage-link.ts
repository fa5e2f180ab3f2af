import { requestManageLink } from '#adapters/resend-store';
import { logger, publicRoute } from '#http/route';
import { json } from '#http/respond';
import { validate } from '#http/validate';
import { isEventId } from '#domain/registration';
import { resendInput } from '#schemas/registration';

/** Always 202, whatever the email: nobody can probe who registered. */
export const handler = publicRoute('resend-manage-link', async (req) => {
  const { email } = validate(resendInput(), req.body, req.locale);
  const eventId = req.params.eventId ?? '';
  const outcome = isEventId(eventId) ? await requestManageLink(eventId, email, new Date()) : 'unknown';
  if (outcome === 'limited') logger.info('manage link resend rate-limited');
  return json(202, { status: 'accepted' });
});
