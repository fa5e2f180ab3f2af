/**
 * The server secret. Deployed: read from Secrets Manager once per container (Powertools
 * Parameters caches it); local: given by configuration. Each use gets its own derived key,
 * never the raw secret.
 */
import { createHash } from 'node:crypto';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from '#config';

let secret: Promise<string> | undefined;

function serverSecret(): Promise<string> {
  secret ??= (async () => {
    const { SERVER_SECRET, SERVER_SECRET_ARN } = config();
    const value = SERVER_SECRET ?? (SERVER_SECRET_ARN ? await getSecret(SERVER_SECRET_ARN, { maxAge: 3600 }) : undefined);
    if (typeof value !== 'string' || value.length < 32) throw new Error('SERVER_SECRET or SERVER_SECRET_ARN is required');
    return value;
  })();
  secret.catch(() => (secret = undefined));
  return secret;
}

const derived = new Map<string, Promise<Uint8Array>>();
function derive(purpose: string): Promise<Uint8Array> {
  let key = derived.get(purpose);
  if (!key) {
    key = serverSecret().then((s) => createHash('sha256').update(`gatepass:${purpose}:`).update(s).digest());
    key.catch(() => derived.delete(purpose));
    derived.set(purpose, key);
  }
  return key;
}

export const manageTokenKey = () => derive('manage-token');
export const cursorKey = () => derive('cursor');
/** Keys the hash that client addresses are kept under (pairing attempts). */
export const addressKey = () => derive('client-address');
