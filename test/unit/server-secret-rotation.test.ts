/**
 * Rotating the server secret (Secrets Manager, deployed) must not break every manage link and
 * list cursor at once: the current version signs, the previous one still verifies, the next
 * rotation retires it. Secrets Manager is aws-sdk-client-mock (there is no local engine for it);
 * each phase is a fresh container (module caches reset).
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:ServerSecret-abc';
const secretsManager = mockClient(SecretsManagerClient);

Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  DATA_TABLE: 'data-unit',
  SERVER_SECRET_ARN: ARN,
});
delete process.env.SERVER_SECRET;

/** Secrets Manager holding these versions (a secret never rotated has no AWSPREVIOUS). */
function versions(current: string, previous?: string) {
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: current });
  if (previous)
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: previous });
  else
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' })
      .rejects(new ResourceNotFoundException({ message: 'no previous version', $metadata: {} }));
}

/** A new container: nothing read yet. */
async function container() {
  vi.resetModules();
  const { clearCaches } = await import('@aws-lambda-powertools/parameters');
  clearCaches();
  const secrets = await import('#adapters/secrets');
  const tokens = await import('#domain/manage-token');
  const cursors = await import('#http/cursor');
  return {
    issue: async (registrationId: string) => tokens.issueManageToken(await secrets.manageTokenKey(), 'event-1', registrationId, 1),
    verify: async (token: string) => tokens.verifyManageToken(await secrets.manageTokenKey(), 'event-1', token),
    cursor: async () => cursors.encodeCursor(await secrets.cursorKey(), 'events', { at: 'x' })!,
    pages: async (cursor: string) => {
      try {
        return cursors.decodeCursor(await secrets.cursorKey(), 'events', cursor) !== undefined;
      } catch {
        return false;
      }
    },
  };
}

const v1 = 'first-version-of-the-server-secret-0123456789';
const v2 = 'second-version-of-the-server-secret-0123456789';
const v3 = 'third-version-of-the-server-secret-0123456789';
const regId = 'AAAAAAAAAAAAAAAAAAAAAA';

beforeEach(() => secretsManager.reset());
afterAll(() => secretsManager.restore());

describe('server secret rotation', () => {
  it('links and cursors issued before a rotation keep working; the rotation after retires them', async () => {
    // Prepare: issued under the first version, never rotated.
    versions(v1);
    const before = await container();
    const oldLink = await before.issue(regId);
    const oldCursor = await before.cursor();
    expect(await before.verify(oldLink)).toEqual({ registrationId: regId, version: 1 });

    // Act: rotated once (v2 current, v1 previous).
    versions(v2, v1);
    const rotated = await container();
    const newLink = await rotated.issue(regId);
    // Assess
    expect(await rotated.verify(oldLink)).toEqual({ registrationId: regId, version: 1 });
    expect(await rotated.pages(oldCursor)).toBe(true);
    expect(newLink).not.toBe(oldLink);
    expect(await rotated.verify(newLink)).toEqual({ registrationId: regId, version: 1 });

    // Act: rotated again (v3 current, v2 previous): v1's link and cursor are retired.
    versions(v3, v2);
    const twice = await container();
    expect(await twice.verify(oldLink)).toBeUndefined();
    expect(await twice.pages(oldCursor)).toBe(false);
    expect(await twice.verify(newLink)).toEqual({ registrationId: regId, version: 1 });
  });

  it('reads both versions from Secrets Manager, once per container', async () => {
    versions(v2, v1);
    const c = await container();
    await c.verify(await c.issue(regId));
    await c.pages((await c.cursor()) ?? '');
    const stages = secretsManager
      .commandCalls(GetSecretValueCommand)
      .map((call) => call.args[0].input.VersionStage)
      .sort();
    expect(stages).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  });
});
