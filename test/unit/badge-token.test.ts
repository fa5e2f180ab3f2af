import { describe, expect, it } from 'vitest';
import { badgeJwks, badgeKeyFromSecret, signBadge, verifyBadge } from '#domain/badge-token';
import { newRegistrationId } from '#domain/registration';

const oldKey = badgeKeyFromSecret('old-secret-'.padEnd(40, 'x'));
const newKey = badgeKeyFromSecret('new-secret-'.padEnd(40, 'y'));
const claim = { eventId: 'gwangju-2023', registrationId: newRegistrationId() };
const invalid = expect.objectContaining({ status: 422, code: 'invalid_badge' });

describe('badge tokens', () => {
  it('are compact EdDSA JWS with a kid, short enough for a sparse QR code, and verify', async () => {
    const token = await signBadge([newKey], claim);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: newKey.kid });
    expect(token.length).toBeLessThan(220);
    await expect(verifyBadge([newKey], claim.eventId, token)).resolves.toEqual(claim);
  });

  it('derive the same key from the same secret (every container agrees) and another from another', () => {
    expect(badgeKeyFromSecret('old-secret-'.padEnd(40, 'x')).kid).toBe(oldKey.kid);
    expect(newKey.kid).not.toBe(oldKey.kid);
  });

  it('rotate: new badges are signed by the newest key; old badges verify until their key is retired', async () => {
    const oldBadge = await signBadge([oldKey], claim);
    const ring = [newKey, oldKey];
    const newBadge = await signBadge(ring, claim);
    expect(JSON.parse(Buffer.from(newBadge.split('.')[0]!, 'base64url').toString()).kid).toBe(newKey.kid);
    await expect(verifyBadge(ring, claim.eventId, oldBadge)).resolves.toEqual(claim);
    await expect(verifyBadge([newKey], claim.eventId, oldBadge)).rejects.toThrow(invalid);
    expect((await badgeJwks(ring)).keys.map((k) => [k.kty, k.crv, k.kid])).toEqual([
      ['OKP', 'Ed25519', newKey.kid],
      ['OKP', 'Ed25519', oldKey.kid],
    ]);
  });

  it('sign with a named key while the ring holds it (a replayed answer), else with the newest', async () => {
    // Act
    const first = await signBadge([oldKey], claim);
    const pinned = await signBadge([newKey, oldKey], claim, oldKey.kid);
    const retired = await signBadge([newKey], claim, oldKey.kid);
    // Assess: Ed25519 is deterministic, so the pinned key gives the very same token
    expect(pinned).toBe(first);
    expect(retired).toBe(await signBadge([newKey], claim));
  });

  it('refuse a badge for another event', async () => {
    const token = await signBadge([newKey], claim);
    await expect(verifyBadge([newKey], 'another-event', token)).rejects.toThrow(invalid);
  });

  it('refuse every single-character change anywhere in the token', async () => {
    const token = await signBadge([newKey], claim);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!;
      const next = c === '.' ? 'A' : alphabet[(alphabet.indexOf(c) + 1) % alphabet.length]!;
      const changed = token.slice(0, i) + next + token.slice(i + 1);
      await expect(verifyBadge([newKey], claim.eventId, changed), `position ${i}`).rejects.toThrow(invalid);
    }
  });

  it('refuse forgeries: alg none, HS256, another key, garbage', async () => {
    const [, payload] = (await signBadge([newKey], claim)).split('.');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const foreign = badgeKeyFromSecret('attacker'.padEnd(40, 'z'));
    for (const token of [
      `${b64({ alg: 'none', kid: newKey.kid })}.${payload}.`,
      `${b64({ alg: 'HS256', kid: newKey.kid })}.${payload}.${'A'.repeat(43)}`,
      await signBadge([{ ...foreign, kid: newKey.kid }], claim),
      await signBadge([foreign], claim),
      'hello',
      '',
      'a.b.c',
      12345,
      'x'.repeat(5000),
    ]) {
      await expect(verifyBadge([newKey], claim.eventId, token)).rejects.toThrow(invalid);
    }
  });
});
