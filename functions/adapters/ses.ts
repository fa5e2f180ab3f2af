/** SES (v1 API, raw MIME): the one place Gatepass sends email. */
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';

export const ses = new SESClient({ maxAttempts: 3 });

export async function sendRawEmail(mime: Buffer): Promise<string | undefined> {
  const out = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: mime } }));
  return out.MessageId;
}
