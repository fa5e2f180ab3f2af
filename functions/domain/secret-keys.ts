/**
 * Keys derived from the server secret's versions, current first: the current one signs, each
 * one verifies (a rotated secret's previous version keeps its links and cursors valid). A single
 * key is a ring of one. Pure.
 */
export type SecretKeyRing = readonly Uint8Array[];

export const ringOf = (keys: Uint8Array | SecretKeyRing): SecretKeyRing => (keys instanceof Uint8Array ? [keys] : keys);

/** The key that signs: the current version's. */
export function signingKey(keys: Uint8Array | SecretKeyRing): Uint8Array {
  const key = ringOf(keys)[0];
  if (!key) throw new Error('no server secret key');
  return key;
}
