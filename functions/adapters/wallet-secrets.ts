/**
 * The wallet signing material. Deployed: one Secrets Manager secret per kind (Powertools
 * Parameters caches it for an hour); local: the same JSON given by configuration.
 * Undefined when that kind is not configured (the route answers 409 wallet_not_configured).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from '#config';

/** The Pass Type ID certificate, its private key and Apple's WWDR certificate, PEM. */
export interface AppleSigning {
  passTypeIdentifier: string;
  teamIdentifier: string;
  signerCert: string;
  signerKey: string;
  signerKeyPassphrase?: string;
  wwdr: string;
}

/** A Google service account's key, as its JSON key file has it. */
export interface GoogleSigning {
  issuerId: string;
  clientEmail: string;
  privateKey: string;
}

async function secretJson(local: string | undefined, arn: string | undefined, what: string): Promise<Record<string, unknown> | undefined> {
  const text = local ?? (arn ? await getSecret(arn, { maxAge: 3600 }) : undefined);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text as Uint8Array));
  } catch {
    // A deployment fault, not the caller's: say which secret, never its content.
    throw new Error(`the ${what} secret is not JSON`);
  }
  if (!value || typeof value !== 'object') throw new Error(`the ${what} secret is not a JSON object`);
  return value as Record<string, unknown>;
}

const text = (o: Record<string, unknown>, key: string, what: string): string => {
  const v = o[key];
  if (typeof v !== 'string' || !v) throw new Error(`the ${what} secret has no ${key}`);
  return v;
};

/** Read on each pass: Powertools keeps the secret an hour, so a replaced certificate is picked up within it. */
export async function appleSigning(): Promise<AppleSigning | undefined> {
  const { APPLE_PASS_TYPE_ID, APPLE_TEAM_ID, APPLE_PASS_CERTIFICATES, APPLE_PASS_SECRET_ARN } = config();
  if (!APPLE_PASS_TYPE_ID || !APPLE_TEAM_ID) return undefined;
  const s = await secretJson(APPLE_PASS_CERTIFICATES, APPLE_PASS_SECRET_ARN, 'Apple pass');
  if (!s) return undefined;
  const passphrase = s.signerKeyPassphrase;
  return {
    passTypeIdentifier: APPLE_PASS_TYPE_ID,
    teamIdentifier: APPLE_TEAM_ID,
    signerCert: text(s, 'signerCert', 'Apple pass'),
    signerKey: text(s, 'signerKey', 'Apple pass'),
    wwdr: text(s, 'wwdr', 'Apple pass'),
    ...(typeof passphrase === 'string' && passphrase ? { signerKeyPassphrase: passphrase } : {}),
  };
}

export async function googleSigning(): Promise<GoogleSigning | undefined> {
  const { GOOGLE_WALLET_ISSUER_ID, GOOGLE_WALLET_KEY, GOOGLE_WALLET_SECRET_ARN } = config();
  if (!GOOGLE_WALLET_ISSUER_ID) return undefined;
  const s = await secretJson(GOOGLE_WALLET_KEY, GOOGLE_WALLET_SECRET_ARN, 'Google Wallet');
  if (!s) return undefined;
  return {
    issuerId: GOOGLE_WALLET_ISSUER_ID,
    clientEmail: text(s, 'client_email', 'Google Wallet'),
    privateKey: text(s, 'private_key', 'Google Wallet'),
  };
}
