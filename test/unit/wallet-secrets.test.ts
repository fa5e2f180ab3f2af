/**
 * The deployed path of the wallet signing material: the organiser's Secrets Manager secrets (no
 * local engine serves Secrets Manager, so aws-sdk-client-mock answers for it). Each test names a
 * secret of its own: Powertools keeps a value an hour.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appleSigning, googleSigning } from '#adapters/wallet-secrets';
import { resetConfig } from '#config';

const sm = mockClient(SecretsManagerClient);
const arn = (name: string) => `arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:${name}-AbC123`;
const names = [
  'APPLE_PASS_TYPE_ID',
  'APPLE_TEAM_ID',
  'APPLE_PASS_SECRET_ARN',
  'APPLE_PASS_CERTIFICATES',
  'GOOGLE_WALLET_ISSUER_ID',
  'GOOGLE_WALLET_SECRET_ARN',
  'GOOGLE_WALLET_KEY',
];

function configure(env: Record<string, string>) {
  for (const n of names) delete process.env[n];
  Object.assign(process.env, {
    DATA_TABLE: 'data-test',
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    ...env,
  });
  resetConfig();
}

beforeEach(() => sm.reset());
afterEach(() => {
  for (const n of names) delete process.env[n];
  resetConfig();
});

describe('wallet secrets, deployed', () => {
  it('reads the Apple secret by its ARN: the three PEMs, with the ids from configuration', async () => {
    // Prepare
    configure({ APPLE_PASS_TYPE_ID: 'pass.org.example', APPLE_TEAM_ID: 'ABCDE12345', APPLE_PASS_SECRET_ARN: arn('apple-1') });
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ signerCert: 'CERT', signerKey: 'KEY', wwdr: 'WWDR' }) });
    // Act
    const signing = await appleSigning();
    // Assess
    expect(signing).toEqual({
      passTypeIdentifier: 'pass.org.example',
      teamIdentifier: 'ABCDE12345',
      signerCert: 'CERT',
      signerKey: 'KEY',
      wwdr: 'WWDR',
    });
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(arn('apple-1'));
  });

  it('reads the Google secret as the service account key file it is', async () => {
    configure({ GOOGLE_WALLET_ISSUER_ID: '338800', GOOGLE_WALLET_SECRET_ARN: arn('google-1') });
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: 'PEM' }),
    });
    expect(await googleSigning()).toEqual({ issuerId: '338800', clientEmail: 'sa@p.iam.gserviceaccount.com', privateKey: 'PEM' });
  });

  it('is not configured without the ids or without a secret, and then asks Secrets Manager nothing', async () => {
    configure({ APPLE_PASS_SECRET_ARN: arn('apple-2'), GOOGLE_WALLET_SECRET_ARN: arn('google-2') });
    expect([await appleSigning(), await googleSigning()]).toEqual([undefined, undefined]);
    configure({ APPLE_PASS_TYPE_ID: 'pass.org.example', APPLE_TEAM_ID: 'ABCDE12345', GOOGLE_WALLET_ISSUER_ID: '338800' });
    expect([await appleSigning(), await googleSigning()]).toEqual([undefined, undefined]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('fails on a malformed secret naming what is wrong, never its content', async () => {
    configure({
      APPLE_PASS_TYPE_ID: 'pass.org.example',
      APPLE_TEAM_ID: 'ABCDE12345',
      APPLE_PASS_SECRET_ARN: arn('apple-3'),
      GOOGLE_WALLET_ISSUER_ID: '338800',
      GOOGLE_WALLET_SECRET_ARN: arn('google-3'),
    });
    sm.on(GetSecretValueCommand, { SecretId: arn('apple-3') }).resolves({ SecretString: '-----BEGIN PRIVATE KEY----- secret' });
    sm.on(GetSecretValueCommand, { SecretId: arn('google-3') }).resolves({ SecretString: JSON.stringify({ client_email: 'sa@x' }) });
    const apple = await appleSigning().catch((e: Error) => e);
    expect(apple).toBeInstanceOf(Error);
    expect((apple as Error).message).toBe('the Apple pass secret is not JSON');
    await expect(googleSigning()).rejects.toThrow('the Google Wallet secret has no private_key');
  });
});
