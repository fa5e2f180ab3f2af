/**
 * Wallet passes in the deployed shape: the organiser's two secrets (named by complete ARN in
 * context) are read by exactly the route that hands out that kind of pass, with exactly
 * secretsmanager:GetSecretValue; the ids that say a pass can be had go to the functions that hand
 * out badges; cdk-nag stays clean; incomplete settings fail the synth.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, workers, type Route, type Worker } from '#routes';
import { GatepassStack } from '../../lib/gatepass-stack.ts';
import { actionsOf, appWithoutBundling, refId, statementsOfRole, synth, type Resources, type Statement } from './template-helpers.ts';

const APPLE_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:gatepass/apple-pass-AbC123';
const GOOGLE_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:gatepass/google-wallet-XyZ789';
const context = {
  appleWalletSecretArn: APPLE_ARN,
  applePassTypeId: 'pass.org.example.forum',
  appleTeamId: 'ABCDE12345',
  googleWalletSecretArn: GOOGLE_ARN,
  googleWalletIssuerId: '3388000000012345678',
};

let stack: GatepassStack;
let resources: Resources;

function fnOf(id: string): { env: Record<string, unknown>; statements: Statement[] } {
  const fn = stack.functions.get(id)!.fn;
  const resource = resources[stack.getLogicalId(fn.node.defaultChild as never)]!;
  return {
    env: resource.Properties!.Environment?.Variables ?? {},
    statements: statementsOfRole(resources, refId(resource.Properties!.Role)!),
  };
}

const on = (statements: Statement[], arn: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(arn));
const all = [...(routes as readonly Route[]), ...(workers as readonly Worker[])] as readonly (Partial<Route> & {
  id: string;
  badgeKeys?: boolean;
})[];

beforeAll(() => {
  stack = new GatepassStack(appWithoutBundling(context), 'Gatepass');
  resources = synth(stack).json.Resources;
});

describe('wallet secrets', () => {
  it.each(all.map((r) => [r.id, r] as const))('%s: reads a wallet secret only if it hands out that kind of pass', (id, r) => {
    // Act
    const { env, statements } = fnOf(id);
    // Assess
    const apple = on(statements, APPLE_ARN);
    const google = on(statements, GOOGLE_ARN);
    if (r.wallet === 'apple') {
      expect(apple.map((s) => [actionsOf(s), s.Resource])).toEqual([[['secretsmanager:GetSecretValue'], APPLE_ARN]]);
      expect(env.APPLE_PASS_SECRET_ARN).toBe(APPLE_ARN);
    } else {
      expect(apple).toEqual([]);
      expect(env.APPLE_PASS_SECRET_ARN).toBeUndefined();
    }
    if (r.wallet === 'google') {
      expect(google.map((s) => [actionsOf(s), s.Resource])).toEqual([[['secretsmanager:GetSecretValue'], GOOGLE_ARN]]);
      expect(env.GOOGLE_WALLET_SECRET_ARN).toBe(GOOGLE_ARN);
    } else {
      expect(google).toEqual([]);
      expect(env.GOOGLE_WALLET_SECRET_ARN).toBeUndefined();
    }
    // The secrets' values never reach a template.
    expect(env.APPLE_PASS_CERTIFICATES).toBeUndefined();
    expect(env.GOOGLE_WALLET_KEY).toBeUndefined();
    // Functions that hand out badges know which passes can be had (links in answers and emails).
    if (r.badgeKeys) {
      expect([env.APPLE_PASS_TYPE_ID, env.APPLE_TEAM_ID, env.GOOGLE_WALLET_ISSUER_ID]).toEqual([
        context.applePassTypeId,
        context.appleTeamId,
        context.googleWalletIssuerId,
      ]);
    } else {
      expect([env.APPLE_PASS_TYPE_ID, env.APPLE_TEAM_ID, env.GOOGLE_WALLET_ISSUER_ID]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('covers both kinds (so the checks above are not vacuous)', () => {
    expect(all.filter((r) => r.wallet).map((r) => [r.id, r.wallet])).toEqual([
      ['get-wallet-apple', 'apple'],
      ['get-wallet-google', 'google'],
    ]);
  });

  it('keeps cdk-nag AwsSolutions clean with both secrets configured', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((x) => x.constructPath).join(', ')}`)).toEqual([]);
  });

  it('without wallet context: no function knows a wallet id or secret', () => {
    const bare = new GatepassStack(appWithoutBundling(), 'Bare');
    const template = JSON.stringify(synth(bare).json.Resources);
    for (const name of [
      'APPLE_PASS_TYPE_ID',
      'APPLE_TEAM_ID',
      'APPLE_PASS_SECRET_ARN',
      'GOOGLE_WALLET_ISSUER_ID',
      'GOOGLE_WALLET_SECRET_ARN',
    ])
      expect(template).not.toContain(name);
  });

  it('refuses half a configuration and a secret named by anything but its complete ARN', () => {
    expect(() => new GatepassStack(appWithoutBundling({ appleWalletSecretArn: APPLE_ARN, applePassTypeId: 'pass.x' }), 'Half')).toThrow(
      /appleTeamId/,
    );
    expect(() => new GatepassStack(appWithoutBundling({ googleWalletIssuerId: '1' }), 'NoSecret')).toThrow(/googleWalletSecretArn/);
    expect(
      () => new GatepassStack(appWithoutBundling({ googleWalletSecretArn: 'gatepass/google-wallet', googleWalletIssuerId: '1' }), 'Name'),
    ).toThrow(/complete ARN/);
    // A partial ARN (no suffix) would need a wildcard grant.
    expect(
      () => new GatepassStack(appWithoutBundling({ ...context, appleWalletSecretArn: APPLE_ARN.replace(/-AbC123$/, '') }), 'Partial'),
    ).toThrow(/complete ARN/);
  });
});
