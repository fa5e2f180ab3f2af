/**
 * The CDK app (cdk.json runs it with `npx tsx bin/gatepass.ts`). cdk-nag's AwsSolutions pack runs
 * as a policy-validation plugin at synth: an unacknowledged finding fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatepassStack } from '../lib/gatepass-stack.ts';
import { ensureSiteBuilt } from '../lib/site-build.ts';

const app = new App();

// The stack uploads the built web app (BucketDeployment): build it first when missing or stale,
// unless context siteDir names a build made elsewhere.
if (!app.node.tryGetContext('siteDir')) ensureSiteBuilt();

// Environment-agnostic on purpose: the template deploys to whichever account/region the CLI
// credentials name, and synth never needs to look anything up (it works offline).

new GatepassStack(app, 'Gatepass', {
  description: 'Gatepass: registration, badges and check-in (HTTP API, Lambda, DynamoDB, Cognito)',
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
