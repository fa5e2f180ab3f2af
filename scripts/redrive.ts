/**
 * `npm run redrive`: puts failed outbox items back to pending (POST /outbox/redrive), so the
 * mailer sends them again, and failed webhook messages back to retrying. Locally it needs nothing; deployed, pass the API and an admin token:
 *   GATEPASS_API=https://… GATEPASS_TOKEN=… npm run redrive
 */
import { signToken } from '../functions/local/issuer.ts';
import { defaultStateDir } from '../functions/local/stack.ts';

const api = (process.env.GATEPASS_API ?? `http://127.0.0.1:${process.env.GATEPASS_PORT ?? 3000}`).replace(/\/$/, '');
const token = process.env.GATEPASS_TOKEN ?? (await signToken(defaultStateDir, 'admin'));
const response = await fetch(`${api}/outbox/redrive`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
  (error: unknown) => {
    console.error(`Could not reach ${api}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
const body = await response.text();
if (!response.ok) {
  console.error(`redrive failed (${response.status}): ${body}`);
  process.exit(1);
}
const { redriven, emails, webhooks } = JSON.parse(body) as { redriven: number; emails?: number; webhooks?: number };
console.log(
  emails === undefined
    ? `${redriven} failed email(s) put back in the outbox`
    : `${emails} failed email(s) and ${webhooks} webhook message(s) put back`,
);
