/**
 * The Apple pass packager (`#apple-pass`): passkit-generator (with node-forge and joi) zips and
 * signs what functions/domain/wallet.ts says a pass holds. Deployed, a file of its own beside
 * index.mjs (lib/bundling.ts), loaded on the first pass, so no cold start parses it.
 */
import { crc32, deflateSync } from 'node:zlib';
import { PKPass } from 'passkit-generator';
import type { AppleSigning } from '#adapters/wallet-secrets';
import { PASS_COLOURS, type ApplePass } from '#domain/wallet';

/** A square PNG of one colour (truecolour, 8 bits): Wallet refuses a pass without icon.png. */
function solidPng(size: number, hex: string): Buffer {
  const n = Number.parseInt(hex.slice(1), 16);
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([(n >> 16) & 255, (n >> 8) & 255, n & 255], 1 + x * 3);
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let icons: Record<string, Buffer> | undefined;
const passIcons = () =>
  (icons ??= {
    'icon.png': solidPng(29, PASS_COLOURS.background),
    'icon@2x.png': solidPng(58, PASS_COLOURS.background),
    'icon@3x.png': solidPng(87, PASS_COLOURS.background),
  });

/** passkit-generator writes pass.strings values unescaped: a quote or backslash in an event name would break the file. */
const stringsValue = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');

/** The signed .pkpass (a zip of pass.json, icons, <lang>.lproj/pass.strings, manifest.json, signature). */
export function buildApplePass(pass: ApplePass, signing: AppleSigning): Buffer {
  const pkpass = new PKPass(
    { ...passIcons() },
    {
      wwdr: signing.wwdr,
      signerCert: signing.signerCert,
      signerKey: signing.signerKey,
      ...(signing.signerKeyPassphrase ? { signerKeyPassphrase: signing.signerKeyPassphrase } : {}),
    },
    { formatVersion: 1, passTypeIdentifier: signing.passTypeIdentifier, teamIdentifier: signing.teamIdentifier, ...pass.props },
  );
  pkpass.type = 'eventTicket';
  pkpass.headerFields.push(...pass.fields.headerFields);
  pkpass.primaryFields.push(...pass.fields.primaryFields);
  pkpass.secondaryFields.push(...pass.fields.secondaryFields);
  pkpass.auxiliaryFields.push(...pass.fields.auxiliaryFields);
  pkpass.backFields.push(...pass.fields.backFields);
  pkpass.setBarcodes(pass.barcode);
  pkpass.setRelevantDate(pass.relevantDate);
  pkpass.setExpirationDate(pass.expirationDate);
  for (const [lang, strings] of Object.entries(pass.strings)) {
    pkpass.localize(lang, Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, stringsValue(v)])));
  }
  return pkpass.getAsBuffer();
}
