/**
 * The badge key ring. Deployed: derived from a Secrets Manager secret, its current version
 * signing and its previous version still verifying (rotating the secret adds a key; the next
 * rotation retires the oldest); read once per container. Local: seeds given by configuration.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from '#config';
import { badgeKeyFromSecret, type BadgeKeyRing } from '#domain/badge-token';

let ring: Promise<BadgeKeyRing> | undefined;

async function secretVersion(arn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
  try {
    const value = await getSecret(arn, { maxAge: 3600, sdkOptions: { VersionStage: stage } });
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    // A secret never rotated has no previous version.
    if (stage === 'AWSPREVIOUS') return undefined;
    throw error;
  }
}

export function badgeKeyRing(): Promise<BadgeKeyRing> {
  ring ??= (async () => {
    const { BADGE_KEY_SEEDS, BADGE_KEY_SECRET_ARN } = config();
    let secrets: string[];
    if (BADGE_KEY_SEEDS)
      secrets = BADGE_KEY_SEEDS.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (BADGE_KEY_SECRET_ARN) {
      const [current, previous] = await Promise.all([
        secretVersion(BADGE_KEY_SECRET_ARN, 'AWSCURRENT'),
        secretVersion(BADGE_KEY_SECRET_ARN, 'AWSPREVIOUS'),
      ]);
      secrets = [current, previous].filter((s): s is string => typeof s === 'string' && s.length > 0);
    } else throw new Error('BADGE_KEY_SEEDS or BADGE_KEY_SECRET_ARN is required');
    if (!secrets.length) throw new Error('no badge key');
    return secrets.map(badgeKeyFromSecret);
  })();
  ring.catch(() => (ring = undefined));
  return ring;
}
