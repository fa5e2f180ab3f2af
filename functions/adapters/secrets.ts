/**
 * The server secret. Deployed: read from Secrets Manager once per container (Powertools
 * Parameters caches it), its current version and, once rotated, its previous one; local: given
 * by configuration (comma-separated, newest first). Each use gets its own derived keys, never
 * the raw secret: the current version's key signs, every version's key verifies, so rotating the
 * secret does not break every manage link and list cursor at once (the previous version keeps
 * verifying until the next rotation retires it).
 */
import { createHash } from 'node:crypto';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from '#config';
import type { SecretKeyRing } from '#domain/secret-keys';

let secrets: Promise<readonly string[]> | undefined;

async function secretVersion(arn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
  try {
    // forceFetch: Powertools caches by name only, so a cached AWSCURRENT would answer for AWSPREVIOUS;
    // this module keeps what it read for the container's life anyway.
    const value = await getSecret(arn, { forceFetch: true, sdkOptions: { VersionStage: stage } });
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    // A secret never rotated has no previous version.
    if (stage === 'AWSPREVIOUS') return undefined;
    throw error;
  }
}

function serverSecrets(): Promise<readonly string[]> {
  secrets ??= (async () => {
    const { SERVER_SECRET, SERVER_SECRET_ARN } = config();
    let values: (string | undefined)[] = [];
    if (SERVER_SECRET) values = SERVER_SECRET.split(',').map((s) => s.trim());
    else if (SERVER_SECRET_ARN)
      values = await Promise.all([secretVersion(SERVER_SECRET_ARN, 'AWSCURRENT'), secretVersion(SERVER_SECRET_ARN, 'AWSPREVIOUS')]);
    const usable = values.filter((s): s is string => typeof s === 'string' && s.length >= 32);
    if (!usable.length || usable[0] !== values[0])
      throw new Error('SERVER_SECRET or SERVER_SECRET_ARN is required (32 characters or more)');
    return usable;
  })();
  secrets.catch(() => (secrets = undefined));
  return secrets;
}

const derived = new Map<string, Promise<SecretKeyRing>>();
function derive(purpose: string): Promise<SecretKeyRing> {
  let ring = derived.get(purpose);
  if (!ring) {
    ring = serverSecrets().then((all) => all.map((s) => createHash('sha256').update(`gatepass:${purpose}:`).update(s).digest()));
    ring.catch(() => derived.delete(purpose));
    derived.set(purpose, ring);
  }
  return ring;
}

/** Manage-token keys: the first signs, each verifies. */
export const manageTokenKey = () => derive('manage-token');
/** List-cursor keys: the first signs, each verifies. */
export const cursorKey = () => derive('cursor');
/** Keys the hash that client addresses are kept under (pairing attempts). */
export const addressKey = () => derive('client-address');
/** Keys the webhook signing secrets are sealed with (AES-256-GCM): the first seals, each opens. */
export const webhookSecretKey = () => derive('webhook-secret');
