/**
 * The local stack's wallet signing material, made once under the state directory and reused:
 * a throwaway root CA, an intermediate standing in for Apple's WWDR certificate, a Pass Type ID
 * signer certificate under it, and a Google service-account RSA key. They are handed to the
 * handlers by configuration in the same JSON a deployed secret holds. A pass signed with them
 * verifies against `ca.pem` (openssl cms) but does not install on a phone: Wallet trusts Apple's
 * chain only.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export const LOCAL_PASS_TYPE_ID = 'pass.local.gatepass';
export const LOCAL_TEAM_ID = 'GATEPASS00';
export const LOCAL_GOOGLE_ISSUER_ID = '3388000000000000000';
export const LOCAL_SERVICE_ACCOUNT = 'gatepass-local@gatepass-local.iam.gserviceaccount.com';
/** Every variable that configures wallet passes (functions/config.ts), cleared for a stack without them. */
export const WALLET_ENV = [
  'APPLE_PASS_TYPE_ID',
  'APPLE_TEAM_ID',
  'APPLE_PASS_CERTIFICATES',
  'APPLE_PASS_SECRET_ARN',
  'GOOGLE_WALLET_ISSUER_ID',
  'GOOGLE_WALLET_KEY',
  'GOOGLE_WALLET_SECRET_ARN',
] as const;

export interface LocalWalletKeys {
  /** The JSON a deployed Apple pass secret holds: signerCert, signerKey, wwdr (PEM). */
  appleSecret: string;
  /** The JSON a deployed Google Wallet secret holds: a service-account key file (client_email, private_key). */
  googleSecret: string;
  /** The throwaway root that the signer chains to (for `openssl cms -verify -CAfile`). */
  caFile: string;
  /** The service account's public key (SPKI PEM), to verify the Save links' JWTs. */
  googlePublicKeyFile: string;
}

const rsaKey = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

function certificate(options: {
  subject: forge.pki.CertificateField[];
  publicKey: string;
  issuer?: { subject: forge.pki.CertificateField[]; privateKey: string };
  selfKey?: string;
  ca: boolean;
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(options.publicKey);
  // A positive serial (leading byte below 0x80).
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer?.subject ?? options.subject);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
        ],
  );
  cert.sign(forge.pki.privateKeyFromPem(options.issuer?.privateKey ?? options.selfKey!), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Makes the material on first use, then reads it back (like the server secret and badge seeds). */
export function localWalletKeys(stateDir: string): LocalWalletKeys {
  const dir = join(stateDir, 'wallet');
  const files = {
    apple: join(dir, 'apple-pass.json'),
    google: join(dir, 'google-service-account.json'),
    ca: join(dir, 'ca.pem'),
    googlePublic: join(dir, 'google-public.pem'),
  };
  if (!Object.values(files).every((f) => existsSync(f))) {
    mkdirSync(dir, { recursive: true });
    const [root, wwdr, signer, google] = [rsaKey(), rsaKey(), rsaKey(), rsaKey()];
    const rootSubject = [
      { name: 'commonName', value: 'Gatepass Local Root (not Apple)' },
      { name: 'organizationName', value: 'Gatepass local stack' },
    ];
    const wwdrSubject = [
      { name: 'commonName', value: 'Gatepass Local WWDR stand-in (not Apple)' },
      { name: 'organizationName', value: 'Gatepass local stack' },
    ];
    const signerSubject = [
      { name: 'commonName', value: `Pass Type ID: ${LOCAL_PASS_TYPE_ID}` },
      { type: '0.9.2342.19200300.100.1.1', value: LOCAL_PASS_TYPE_ID },
      { name: 'organizationalUnitName', value: LOCAL_TEAM_ID },
      { name: 'organizationName', value: 'Gatepass local stack' },
    ];
    const caPem = certificate({ subject: rootSubject, publicKey: root.publicKey, selfKey: root.privateKey, ca: true });
    const wwdrPem = certificate({
      subject: wwdrSubject,
      publicKey: wwdr.publicKey,
      issuer: { subject: rootSubject, privateKey: root.privateKey },
      ca: true,
    });
    const signerPem = certificate({
      subject: signerSubject,
      publicKey: signer.publicKey,
      issuer: { subject: wwdrSubject, privateKey: wwdr.privateKey },
      ca: false,
    });
    writeFileSync(files.ca, caPem);
    writeFileSync(files.apple, JSON.stringify({ signerCert: signerPem, signerKey: signer.privateKey, wwdr: wwdrPem }), { mode: 0o600 });
    writeFileSync(
      files.google,
      JSON.stringify({ type: 'service_account', client_email: LOCAL_SERVICE_ACCOUNT, private_key: google.privateKey }),
      { mode: 0o600 },
    );
    writeFileSync(files.googlePublic, google.publicKey);
  }
  return {
    appleSecret: readFileSync(files.apple, 'utf8'),
    googleSecret: readFileSync(files.google, 'utf8'),
    caFile: files.ca,
    googlePublicKeyFile: files.googlePublic,
  };
}
