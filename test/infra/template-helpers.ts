/**
 * Small readers over a synthesized CloudFormation template, so the infra tests can follow
 * references (route → integration → function → role → policies) instead of matching text.
 */
import { fileURLToPath } from 'node:url';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
export type Resources = Record<string, CfnResource>;

export interface Synthesized {
  readonly template: Template;
  readonly json: { Resources: Resources; Outputs?: Record<string, { Value: unknown }> };
}

/** A stand-in for web/dist (pages at the root, hashed files under assets/), so infra tests need no web build. */
export const siteFixtureDir = fileURLToPath(new URL('./fixtures/site', import.meta.url));

/** An App that skips bundling (synth in a fraction of a second) and deploys the site fixture, with optional extra context. */
export function appWithoutBundling(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], siteDir: siteFixtureDir, ...context } });
}

export function synth(stack: Stack): Synthesized {
  const template = Template.fromStack(stack);
  return { template, json: template.toJSON() as Synthesized['json'] };
}

export function ofType(resources: Resources, type: string): Array<[string, CfnResource]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points to. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** Every logical id referenced anywhere inside a value. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, into));
  else if (value && typeof value === 'object') {
    const id = refId(value);
    if (id) into.add(id);
    Object.values(value).forEach((v) => referencedIds(v, into));
  }
  return into;
}

/** Renders Ref / GetAtt / Join as readable text: `https://x.<AWS::Region>/<UserPool123>`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${v['Fn::GetAtt'].join('.')}>`;
    if (Array.isArray(v['Fn::Join'])) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** All statements that apply to a role: AWS::IAM::Policy resources attached to it and inline policies. */
export function statementsOfRole(resources: Resources, roleId: string): Statement[] {
  const attached = ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: unknown) => refId(r) === roleId))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Statement[]);
  const inline = ((resources[roleId]?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  return [...attached, ...inline];
}

/** Route resource → its integration → the Lambda function's logical id (undefined if not a Lambda). */
export function functionOfRoute(resources: Resources, route: CfnResource): string | undefined {
  const integrationId = [...referencedIds(route.Properties?.Target)][0];
  const integration = integrationId ? resources[integrationId] : undefined;
  if (integration?.Type !== 'AWS::ApiGatewayV2::Integration' || integration.Properties?.IntegrationType !== 'AWS_PROXY') return undefined;
  const fnId = refId(integration.Properties.IntegrationUri);
  return fnId && resources[fnId]?.Type === 'AWS::Lambda::Function' ? fnId : undefined;
}

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge(...)` recorded in the construct tree under `scope`. */
export function acknowledgements(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        // aws-cdk-lib records ids as `Annotation::<rule id>`; cdk-nag strips the prefix the same way.
        Object.entries(m.data as Record<string, string>)
          // aws-cdk-lib acknowledges its own template warnings (W3045 for a log bucket's LogDeliveryWrite ACL): not ours.
          .filter(([id]) => !id.startsWith('CloudFormation-Validate::'))
          .map(([id, reason]) => ({
            path: c.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
      ),
  );
}

/**
 * Every AwsSolutions finding, acknowledged or not, as `{ ruleName, constructPath }`. cdk-nag keeps
 * its acknowledgement check private (`isAcknowledged`); turning it off on one instance lets a test
 * prove that each acknowledgement still matches a real finding (no stale suppressions).
 */
export function allFindings(scope: IConstruct): Array<{ ruleName: string; constructPath: string }> {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(scope)
    .violations.flatMap((v) => v.violatingResources.map((r) => ({ ruleName: v.ruleName, constructPath: r.constructPath ?? '' })));
}
