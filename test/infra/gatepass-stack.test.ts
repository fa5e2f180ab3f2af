/**
 * The synthesized Gatepass template against its sources of truth: the route table
 * (functions/routes.ts), the key design (functions/adapters/table-design.ts), the env names
 * functions/config.ts reads, and cdk-nag's AwsSolutions pack. One synth (no bundling) per file.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataTable as dataDesign } from '#adapters/table-design';
import { configProblems } from '#config';
import { fallbackRoute, routes, workers, type Route, type Worker } from '#routes';
import { CORS_ALLOW_HEADERS, GatepassStack } from '../../lib/gatepass-stack.ts';
import {
  acknowledgements,
  actionsOf,
  allFindings,
  appWithoutBundling,
  functionOfRoute,
  ofType,
  refId,
  referencedIds,
  render,
  statementsOfRole,
  synth,
  type CfnResource,
  type Resources,
  type Statement,
  type Synthesized,
} from './template-helpers.ts';

const DYNAMODB_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'dynamodb:*',
];

/** The routes whose transactions delete items: cancel and change free seat lines and email guards, a PATCH of the event drops session counters. */
// Pairing deletes the used code; a fresh code or a revocation deletes the one outstanding.
const DELETING_ROUTES = [
  'update-event',
  'update-registration',
  'cancel-registration',
  'revoke-device',
  'new-device-pairing',
  'pair-device',
  'outbox-sweeper',
  // A denial frees the email: its guard goes.
  'deny-registration',
  // Meetings: a cancellation or a no-show frees slot items (routes.ts `deletes`).
  'put-meeting-profile',
  'request-meeting',
  'accept-meeting',
  'decline-meeting',
  'cancel-meeting',
  'check-in-meeting',
  'check-in-meeting-table',
  'list-meetings',
  'list-registration-meetings',
  // — webhooks — the endpoint item itself; the consumer and sweeper delete each owed change once fanned out
  'delete-webhook',
  'webhook-consumer',
  'webhook-sweeper',
];
// (the sweeper deletes an owed-promotions marker and a finished expiry move)

type RouteLike = Pick<Route, 'id' | 'table' | 'idempotent' | 'serverSecret' | 'badgeKeys' | 'storesExports'> & { who?: Route['who'] };
/** Every function: the routes, the $default route and the workers. */
const allRouteLikes: RouteLike[] = [...(routes as readonly Route[]), fallbackRoute, ...(workers as readonly Worker[])];
// API.md: staff and admins authenticate with JWTs; participants and devices with tokens of their own.
const needsJwt = (r: RouteLike) =>
  (r.who?.some((who) => who === 'staff' || who === 'admin') ?? false) || (r as Partial<Route>).adminBearer === true;

let stack: GatepassStack;
let out: Synthesized;
let resources: Resources;
let ids: { dataTable: string; secret: string; badgeSecret: string; userPool: string; client: string; consoleClient: string; dlq: string };

function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** The Lambda resource and its statements for a route id, found through the construct tree. */
function fnOf(routeId: string): { id: string; resource: CfnResource; env: Record<string, unknown>; statements: Statement[] } {
  const gf = stack.functions.get(routeId);
  if (!gf) throw new Error(`no function for route ${routeId}`);
  const id = logicalIdOf(gf.fn);
  const resource = resources[id]!;
  const roleId = refId(resource.Properties!.Role)!;
  return { id, resource, env: resource.Properties!.Environment?.Variables ?? {}, statements: statementsOfRole(resources, roleId) };
}

const statementsOn = (statements: Statement[], logicalId: string) => statements.filter((s) => referencedIds(s.Resource).has(logicalId));

beforeAll(() => {
  // Prepare
  const app = appWithoutBundling();
  stack = new GatepassStack(app, 'Gatepass');
  // Act
  out = synth(stack);
  resources = out.json.Resources;
  ids = {
    dataTable: logicalIdOf(stack.dataTable),
    secret: logicalIdOf(stack.serverSecret),
    badgeSecret: logicalIdOf(stack.badgeKeySecret),
    userPool: logicalIdOf(stack.userPool),
    client: logicalIdOf(stack.userPoolClient),
    consoleClient: logicalIdOf(stack.consoleClient),
    dlq: logicalIdOf(stack.streamDlq),
  };
});

describe('HTTP API routes match the route table', () => {
  it('has exactly one Lambda-integrated route per route-table entry, plus $default, and nothing else', () => {
    // Prepare
    const expectedKeys = [...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort();
    // Act
    const apiRoutes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r);
    const keys = apiRoutes.map((r) => r.Properties!.RouteKey as string).sort();
    // Assess
    expect(keys).toEqual(expectedKeys);
    for (const route of apiRoutes) expect(functionOfRoute(resources, route), `route ${route.Properties!.RouteKey}`).toBeDefined();
  });

  const routeKeys = [...routes.map((r) => [r.id, `${r.method} ${r.path}`] as const), [fallbackRoute.id, '$default'] as const];
  it.each(routeKeys)('%s is served by its own function (handlers/<id>.ts) on "%s"', (routeId, key) => {
    // Prepare
    const route = ofType(resources, 'AWS::ApiGatewayV2::Route').find(([, res]) => res.Properties!.RouteKey === key)![1];
    // Act
    const integrated = functionOfRoute(resources, route);
    // Assess
    expect(integrated).toBe(fnOf(routeId).id);
    expect(stack.functions.get(routeId)!.handlerName).toBe(routeId);
  });

  it('lets API Gateway invoke each route function, and only through this API', () => {
    // Prepare
    const apiId = logicalIdOf(stack.api);
    const permissions = ofType(resources, 'AWS::Lambda::Permission').map(([, p]) => p.Properties!);
    // Act / Assess
    for (const r of [...(routes as readonly Route[]), fallbackRoute]) {
      const fnId = fnOf(r.id).id;
      const mine = permissions.filter((p) => refId(p.FunctionName) === fnId);
      expect(mine.length, r.id).toBeGreaterThan(0);
      for (const p of mine) {
        expect(p.Principal).toBe('apigateway.amazonaws.com');
        expect(referencedIds(p.SourceArn).has(apiId)).toBe(true);
      }
    }
  });

  it('has no gateway authorizer (the service verifies JWTs itself)', () => {
    // Act
    const authTypes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.AuthorizationType ?? 'NONE');
    // Assess
    expect(new Set(authTypes)).toEqual(new Set(['NONE']));
    expect(ofType(resources, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(0);
  });

  it('answers CORS preflight for the headers and methods the API uses, any origin by default', () => {
    // Assess
    out.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowHeaders: Match.arrayEquals([...CORS_ALLOW_HEADERS]),
        AllowMethods: Match.arrayEquals(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
      },
    });
    for (const header of ['Authorization', 'Content-Type', 'X-Manage-Token', 'Idempotency-Key']) {
      expect(CORS_ALLOW_HEADERS).toContain(header);
    }
  });

  it('has one auto-deployed $default stage with throttling and JSON access logs', () => {
    // Act
    const stages = ofType(resources, 'AWS::ApiGatewayV2::Stage').map(([, s]) => s.Properties!);
    // Assess
    expect(stages).toHaveLength(1);
    const stage = stages[0]!;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    const logGroup = resources[refId(stage.AccessLogSettings.DestinationArn)!]!;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties!.RetentionInDays).toBeGreaterThan(0);
    const format = JSON.parse(stage.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.routeKey).toBe('$context.routeKey');
    expect(format.status).toBe('$context.status');
  });

  it('takes CORS origins and throttling from context', () => {
    // Prepare
    const app = appWithoutBundling({
      corsOrigins: 'https://forum.example, https://admin.forum.example',
      throttleRate: '20',
      throttleBurst: 40,
    });
    // Act
    const other = synth(new GatepassStack(app, 'GatepassContext'));
    // Assess
    other.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://forum.example', 'https://admin.forum.example'] }),
    });
    other.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('maps stack traces to the sources only when asked (-c sourceMaps=true), for every function', () => {
    // Prepare
    const app = appWithoutBundling({ sourceMaps: 'true' });
    // Act
    const debug = synth(new GatepassStack(app, 'GatepassSourceMaps'));
    // Assess
    // Ours: Node.js (BucketDeployment's deploy-time copier is Python, and not ours to map).
    const functions = Object.values(debug.json.Resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Properties?.Handler === 'index.handler' &&
        String(r.Properties.Runtime).startsWith('nodejs'),
    );
    expect(functions.length).toBeGreaterThan(20);
    expect(functions.map((f) => f.Properties!.Environment?.Variables?.NODE_OPTIONS)).toEqual(functions.map(() => '--enable-source-maps'));
  });
});

describe('functions: defaults and least privilege, per route', () => {
  it.each(allRouteLikes.map((r) => [r.id] as const))(
    '%s: Node.js 24 on arm64, untraced (no client is instrumented), own log group, own role',
    (routeId) => {
      // Act
      const { resource, env } = fnOf(routeId);
      const p = resource.Properties!;
      // Assess
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      // Badge rendering loads fonts and pdf-lib (about 350 MB at peak); everything else fits in 256 MB.
      expect(p.MemorySize).toBe((routes as readonly Route[]).find((r) => r.id === routeId)?.rendersBadges ? 1024 : 256);
      // A webhook worker waits on attempts of up to 5 s: its own time limit (route table).
      expect(p.Timeout).toBe((workers as readonly Worker[]).find((w) => w.id === routeId)?.timeoutSeconds ?? 10);
      expect(p.Handler).toBe('index.handler');
      expect(p.TracingConfig).toBeUndefined(); // Lambda's default, PassThrough
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('gatepass');
      // Source-mapped stack traces cost every cold start: only on request (`-c sourceMaps=true`).
      expect(env.NODE_OPTIONS).toBeUndefined();
      const logGroup = resources[refId(p.LoggingConfig?.LogGroup)!]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties!.RetentionInDays).toBe(30);
      const role = resources[refId(p.Role)!]!;
      expect(role.Properties!.ManagedPolicyArns ?? []).toEqual([]);
    },
  );

  it.each(allRouteLikes.map((r) => [r.id, r] as const))('%s: env and grants follow its table / serverSecret / who flags', (_id, r) => {
    // Act
    const { env, statements } = fnOf(r.id);
    // The stream worker's stream reads (granted by its event source) are on the stream, not the table.
    const onData = statementsOn(statements, ids.dataTable).filter((st) => !render(st.Resource).includes('StreamArn'));
    const dataActions = onData.flatMap(actionsOf);
    const dynamoActions = statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    // Assess: no action is a wildcard, nor a prefix (`s3:GetObject*`, `dynamodb:Batch*`)
    expect(statements.flatMap(actionsOf).filter((a) => a.includes('*') || a.includes('?'))).toEqual([]);

    // Assess: data table
    if (r.table === 'none') {
      expect(dynamoActions).toEqual([]);
      expect(env.DATA_TABLE).toBeUndefined();
    } else {
      expect(refId(env.DATA_TABLE)).toBe(ids.dataTable);
      // Exactly what the adapters call: reads are GetItem, BatchGetItem and Query; writes are the
      // items of a transaction or an UpdateItem; DeleteItem only where a transaction deletes.
      // A read-only route open to devices also moves lastSeenAt, with UpdateItem on device items alone.
      const conditioned = onData.filter((st) => (st as { Condition?: unknown }).Condition);
      const unconditionedActions = onData.filter((st) => !(st as { Condition?: unknown }).Condition).flatMap(actionsOf);
      if (r.table === 'read' && r.who?.includes('device')) {
        expect(conditioned.map((st) => [actionsOf(st), (st as { Condition?: unknown }).Condition])).toEqual([
          [['dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DEVICETOKEN#*', 'EVENT#*#DEVICES'] } }],
        ]);
      } else expect(conditioned).toEqual([]);
      const reads = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
      const writes = ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
      const expected =
        r.table === 'read' ? reads : [...reads, ...writes, ...(DELETING_ROUTES.includes(r.id) ? ['dynamodb:DeleteItem'] : [])];
      expect([...new Set(unconditionedActions)].sort()).toEqual(expected.sort());
      expect(dataActions.filter((a) => ['dynamodb:Scan', 'dynamodb:BatchWriteItem'].includes(a))).toEqual([]);
      if (r.table === 'read') expect(unconditionedActions.filter((a) => DYNAMODB_WRITE_ACTIONS.includes(a))).toEqual([]);
      // Only Query reaches the indexes.
      const onIndexes = onData.filter((st) => render(st.Resource).includes('/index/*')).flatMap(actionsOf);
      expect(onIndexes).toEqual(['dynamodb:Query']);
    }

    // Assess: links to the site's pages (the pairing deep link) name SITE_URL (the API's URL until a site is configured)
    if ((r as Partial<Route>).siteUrl) expect(render(env.SITE_URL)).toBe(`https://<${logicalIdOf(stack.site.distribution)}.DomainName>`);

    // Assess: an idempotent route keeps its keys' records in the data table, in its own transaction
    if (r.idempotent) expect(r.table).toBe('readwrite');

    // Assess: manage-token secret (its ARN, never its value)
    const onSecret = statementsOn(statements, ids.secret).flatMap(actionsOf);
    const secretsActions = statements.flatMap(actionsOf).filter((a) => a.startsWith('secretsmanager:'));
    expect(env.SERVER_SECRET).toBeUndefined();
    if (r.serverSecret) {
      expect(refId(env.SERVER_SECRET_ARN)).toBe(ids.secret);
      expect(onSecret).toEqual(['secretsmanager:GetSecretValue']);
    } else {
      expect(env.SERVER_SECRET_ARN).toBeUndefined();
      expect(onSecret).toEqual([]);
    }

    // Assess: badge signing secret (its ARN, never its value), only where badges are signed or verified
    const onBadgeSecret = statementsOn(statements, ids.badgeSecret).flatMap(actionsOf);
    expect(env.BADGE_KEY_SEEDS).toBeUndefined();
    if (r.badgeKeys) {
      expect(refId(env.BADGE_KEY_SECRET_ARN)).toBe(ids.badgeSecret);
      expect(onBadgeSecret).toEqual(['secretsmanager:GetSecretValue']);
    } else {
      expect(env.BADGE_KEY_SECRET_ARN).toBeUndefined();
      expect(onBadgeSecret).toEqual([]);
    }
    if (!r.serverSecret && !r.badgeKeys) expect(secretsActions).toEqual([]);

    // Assess: only the route that hands large exports over may touch the export bucket
    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    if (r.storesExports) {
      expect(s3Actions.sort()).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(statements.filter((st) => actionsOf(st).some((a) => a.startsWith('s3:'))).map((st) => render(st.Resource))).toEqual([
        `<${logicalIdOf(stack.exportBucket)}.Arn>/exports/*`,
      ]);
      expect(refId(env.EXPORT_BUCKET)).toBe(logicalIdOf(stack.exportBucket));
    } else {
      expect(s3Actions).toEqual([]);
      expect(env.EXPORT_BUCKET).toBeUndefined();
    }

    // Assess: only the workers that send email may, and only as the configured sender
    const sesActions = statements.flatMap(actionsOf).filter((a) => a.startsWith('ses:'));
    if ((r as Worker).sendsEmail) {
      expect(sesActions).toEqual(['ses:SendRawEmail']);
      expect(env.MAIL_FROM).toBe('Gatepass <no-reply@example.org>');
      // Links in emails name the site (CloudFront), never the API's own host.
      expect(render(env.SITE_URL)).toBe(`https://<${logicalIdOf(stack.site.distribution)}.DomainName>`);
    } else {
      expect(sesActions).toEqual([]);
      if (!(r as Partial<Route>).siteUrl) expect(env.SITE_URL).toBeUndefined();
    }

    // Assess: JWT verification settings
    if (needsJwt(r)) {
      const issuer = `https://cognito-idp.<AWS::Region>.amazonaws.com/<${ids.userPool}>`;
      expect(render(env.JWT_ISSUER)).toBe(issuer);
      expect(render(env.JWT_JWKS_URL)).toBe(`${issuer}/.well-known/jwks.json`);
      // Both app clients' access tokens: the API's and the console's.
      expect(render(env.JWT_CLIENT_ID)).toBe(`<${ids.client}>,<${ids.consoleClient}>`);
    } else {
      expect([env.JWT_ISSUER, env.JWT_JWKS_URL, env.JWT_CLIENT_ID]).toEqual([undefined, undefined, undefined]);
    }
  });

  it.each(allRouteLikes.map((r) => [r.id, r] as const))(
    '%s: its environment holds everything the function checks for at start',
    (_id, r) => {
      // Prepare: a template value (a reference) counts as set
      const env = Object.fromEntries(Object.entries(fnOf(r.id).env).map(([k, v]) => [k, typeof v === 'string' ? v : render(v)]));
      // Act / Assess
      expect(configProblems(r, env)).toEqual([]);
    },
  );

  it('covers every kind of route in the table (so the least-privilege checks are not vacuous)', () => {
    // Assess
    const kinds = new Set(allRouteLikes.map((r) => r.table));
    expect(kinds).toEqual(new Set(['none', 'read', 'readwrite']));
    expect(allRouteLikes.some((r) => r.idempotent)).toBe(true);
    expect(allRouteLikes.some((r) => r.serverSecret)).toBe(true);
    expect(allRouteLikes.some((r) => r.badgeKeys)).toBe(true);
    expect(allRouteLikes.some((r) => (r as Worker).sendsEmail)).toBe(true);
    expect(allRouteLikes.some(needsJwt)).toBe(true);
  });

  it.each(allRouteLikes.map((r) => [r.id] as const))('%s: ships the lazy modules its flags call for, and no other', (routeId) => {
    // Prepare
    const r = allRouteLikes.find((x) => x.id === routeId) as Partial<Route & Worker>;
    // Act
    const specifiers = stack.functions.get(routeId)!.lazyModules.map((m) => m.specifier);
    // Assess: one place decides (lib/bundling.ts lazyModulesFor), from rendersBadges, sendsEmail, storesExports
    expect(specifiers).toEqual([
      ...(r.rendersBadges ? ['#badge-renderer'] : []),
      ...(r.sendsEmail ? ['#mail-composer'] : []),
      ...(r.storesExports ? ['#export-bucket'] : []),
      ...(r.writesWorkbooks ? ['#xlsx-writer'] : []),
      ...(r.wallet === 'apple' ? ['#apple-pass'] : []),
    ]);
  });

  it('gives the badge renderer to get-badge, the mail composer to both mail workers, the export bucket to the export', () => {
    const holders = (specifier: string) =>
      [...stack.functions]
        .filter(([, fn]) => fn.lazyModules.some((m) => m.specifier === specifier))
        .map(([id]) => id)
        .sort();
    expect(holders('#badge-renderer')).toEqual(['get-badge', 'print-badges']);
    expect(holders('#mail-composer')).toEqual(['mailer', 'outbox-sweeper']);
    expect(holders('#export-bucket')).toEqual(['export-meetings', 'export-registrations', 'export-registrations-xlsx', 'print-badges']);
    expect(holders('#xlsx-writer')).toEqual(['export-registrations-xlsx']);
    expect(holders('#apple-pass')).toEqual(['get-wallet-apple']);
  });

  it('creates exactly one function per route plus not-found (no stray Lambdas)', () => {
    // Act: the one Lambda that is not ours is BucketDeployment's deploy-time copier (lib/site.ts)
    const lambdas = ofType(resources, 'AWS::Lambda::Function').map(([id]) => id);
    const deployer = lambdas.filter((id) => id.startsWith('CustomCDKBucketDeployment'));
    // Assess
    expect(deployer).toHaveLength(1);
    expect(lambdas.filter((id) => !deployer.includes(id)).sort()).toEqual(allRouteLikes.map((r) => fnOf(r.id).id).sort());
  });
});

describe('export bucket', () => {
  it('logs every access (the presigned download bypasses the API) to a private, TLS-only log bucket', () => {
    const bucket = resources[logicalIdOf(stack.exportBucket)]!.Properties!;
    const logs = resources[logicalIdOf(stack.exportAccessLogs)]!.Properties!;
    expect(refId(bucket.LoggingConfiguration?.DestinationBucketName)).toBe(logicalIdOf(stack.exportAccessLogs));
    expect(logs.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(logs.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('is private, encrypted, TLS-only, and forgets exports after a day', () => {
    const bucket = resources[logicalIdOf(stack.exportBucket)]!.Properties!;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 1, Status: 'Enabled' })]);
    const policy = ofType(resources, 'AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties));
    expect(policy.some((p) => p.includes('aws:SecureTransport'))).toBe(true);
  });
});

describe('workers', () => {
  it('the mailer reads the outbox stream; the sweeper runs every minute; a failed email raises an alarm', () => {
    // Act
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties!);
    const rules = ofType(resources, 'AWS::Events::Rule').map(([, r]) => r.Properties!);
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    // Assess
    expect(mappings.map((m) => refId(m.FunctionName)).sort()).toEqual([fnOf('mailer').id, fnOf('webhook-consumer').id].sort());
    expect(rules).toHaveLength(2);
    expect(rules.map((r) => r.ScheduleExpression)).toEqual(['rate(1 minute)', 'rate(1 minute)']);
    expect(JSON.stringify(rules.map((r) => r.Targets))).toContain(fnOf('outbox-sweeper').id);
    expect(alarms.find((a) => a.MetricName === 'EmailsFailed')).toMatchObject({
      Namespace: 'Gatepass',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('webhooks', () => {
  it('the consumer reads only owed changes; consumer and sweeper may invoke the sender alone, asynchronously, unretried; a failed message raises an alarm', () => {
    // Act
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties!);
    const consumer = mappings.find((m) => refId(m.FunctionName) === fnOf('webhook-consumer').id)!;
    const mailer = mappings.find((m) => refId(m.FunctionName) === fnOf('mailer').id)!;
    const sender = fnOf('webhook-sender');
    const asyncConfig = ofType(resources, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties!);
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    // Assess: each stream worker sees its own records
    expect(JSON.stringify(consumer.FilterCriteria)).toContain('OWED#');
    expect(JSON.stringify(mailer.FilterCriteria)).toContain('OUTBOX#');
    expect(consumer).toMatchObject({ BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    for (const id of ['webhook-consumer', 'webhook-sweeper']) {
      const { env, statements } = fnOf(id);
      expect(refId(env.WEBHOOK_SENDER_FUNCTION)).toBe(sender.id);
      const invoke = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('lambda:')));
      expect(invoke.map(actionsOf)).toEqual([['lambda:InvokeFunction']]);
      expect(render(invoke[0]!.Resource)).toContain(sender.id);
      // Fan-out only: no signing secret for them.
      expect(env.SERVER_SECRET_ARN).toBeUndefined();
    }
    for (const other of allRouteLikes.filter((r) => !['webhook-consumer', 'webhook-sweeper'].includes(r.id)))
      expect(
        fnOf(other.id)
          .statements.flatMap(actionsOf)
          .filter((a) => a.startsWith('lambda:')),
      ).toEqual([]);
    expect(asyncConfig.find((c) => refId(c.FunctionName) === sender.id)).toMatchObject({ MaximumRetryAttempts: 0 });
    expect(fnOf('webhook-sender').env.SERVER_SECRET_ARN).toBeDefined();
    expect(alarms.find((a) => a.MetricName === 'WebhooksFailed')).toMatchObject({
      Namespace: 'Gatepass',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('tables', () => {
  it('data table: keys, GSIs, on-demand, stream with both images, PITR, deletion protection, TTL, encryption', () => {
    // Act
    const table = resources[ids.dataTable]!;
    const p = table.Properties!;
    // Assess
    expect(table.DeletionPolicy).toBe('Retain');
    expect(p.KeySchema).toEqual([
      { AttributeName: dataDesign.partitionKey, KeyType: 'HASH' },
      { AttributeName: dataDesign.sortKey, KeyType: 'RANGE' },
    ]);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: dataDesign.timeToLive, Enabled: true });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true }); // AWS-managed (owned) key, no CMK
    const gsis = (p.GlobalSecondaryIndexes as Array<Record<string, any>>).map((g) => ({
      name: g.IndexName,
      partitionKey: g.KeySchema.find((k: any) => k.KeyType === 'HASH').AttributeName,
      sortKey: g.KeySchema.find((k: any) => k.KeyType === 'RANGE').AttributeName,
      projection: g.Projection.ProjectionType,
    }));
    expect(gsis).toEqual(dataDesign.indexes.map((i) => ({ ...i, projection: 'ALL' })));
    const keyNames = [dataDesign.partitionKey, dataDesign.sortKey, ...dataDesign.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    expect(p.AttributeDefinitions).toEqual(expect.arrayContaining(keyNames.map((n) => ({ AttributeName: n, AttributeType: 'S' }))));
    expect(p.AttributeDefinitions).toHaveLength(keyNames.length);
  });

  it('one table holds all of Gatepass data, Idempotency-Key records included', () => {
    // Assess
    const tables = Object.values(resources).filter((r) => r.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
  });
});

describe('secret and user pool', () => {
  it('generates the manage-token secret at deploy time (≥ 48 chars, no value in the template)', () => {
    // Act
    const secret = resources[ids.secret]!;
    // Assess
    expect(secret.Properties!.SecretString).toBeUndefined();
    expect(secret.Properties!.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(48);
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('user pool: admin-created accounts only, strong passwords, groups admin and staff', () => {
    // Act
    const p = resources[ids.userPool]!.Properties!;
    const groups = ofType(resources, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties!);
    // Assess
    expect(p.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(p.Policies.PasswordPolicy).toMatchObject({
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(p.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    expect(p.MfaConfiguration).toBe('OPTIONAL');
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['admin', 'staff']);
    for (const g of groups) expect(refId(g.UserPoolId)).toBe(ids.userPool);
  });

  it('app client: public (no secret), password and SRP flows, no OAuth', () => {
    // Act
    const p = resources[ids.client]!.Properties!;
    // Assess
    expect(p.GenerateSecret).toBe(false);
    expect(p.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']));
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(refId(p.UserPoolId)).toBe(ids.userPool);
  });
});

describe('console sign-in (managed login)', () => {
  it('the console client: code flow only, no secret, callback and sign-out on <SiteUrl>/admin, Cognito users only', () => {
    // Act
    const p = resources[ids.consoleClient]!.Properties!;
    const site = `https://<${logicalIdOf(stack.site.distribution)}.DomainName>/admin`;
    // Assess
    expect(p.GenerateSecret).toBe(false);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(p.CallbackURLs.map(render)).toEqual([site]);
    expect(p.LogoutURLs.map(render)).toEqual([site]);
    expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(p.ExplicitAuthFlows ?? []).not.toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH']));
    expect(refId(p.UserPoolId)).toBe(ids.userPool);
  });

  it('a managed-login domain (the newer managed login) on a prefix, styled for the console client', () => {
    // Act
    const [domain] = ofType(resources, 'AWS::Cognito::UserPoolDomain').map(([, d]) => d.Properties!);
    const [branding] = ofType(resources, 'AWS::Cognito::ManagedLoginBranding').map(([, b]) => b.Properties!);
    // Assess
    expect(domain).toMatchObject({ ManagedLoginVersion: 2 });
    expect(render(domain!.Domain)).toBe('gatepass-<AWS::AccountId>');
    expect(refId(domain!.UserPoolId)).toBe(ids.userPool);
    expect(refId(branding!.ClientId)).toBe(ids.consoleClient);
    expect(branding!.UseCognitoProvidedValues).toBe(true);
  });

  it('the export bucket answers CORS GETs (presigned URLs only), so the console can follow an export’s 303', () => {
    // Act
    const rules = resources[logicalIdOf(stack.exportBucket)]!.Properties!.CorsConfiguration.CorsRules;
    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0].AllowedMethods).toEqual(['GET']);
    expect(rules[0].AllowedOrigins).toEqual(['*']);
    expect(rules[0].AllowedHeaders ?? []).toEqual([]);
  });

  it('the site serves /admin/config.json, written at deploy with the pool as authority and the console client', () => {
    // Act
    const deployments = ofType(resources, 'Custom::CDKBucketDeployment').map(([, d]) => JSON.stringify(d.Properties));
    const pages = deployments.filter((d) => d.includes(ids.consoleClient));
    // Assess
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('SourceMarkers');
    expect(pages[0]).toContain(ids.userPool);
  });
});

describe('stream dead-letter queue and alarm', () => {
  it('encrypts the DLQ and refuses non-TLS requests', () => {
    // Act
    const queue = resources[ids.dlq]!.Properties!;
    const policies = ofType(resources, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      (p.Properties!.Queues as unknown[]).some((q) => refId(q) === ids.dlq),
    );
    const statements = policies.flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as Statement[]);
    // Assess
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('alarms as soon as one message is visible in the DLQ', () => {
    // Act
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const onDlq = alarms.filter((a) => (a.Dimensions ?? []).some((d: any) => d.Name === 'QueueName' && refId(d.Value) === ids.dlq));
    // Assess
    expect(onDlq).toHaveLength(1);
    expect(onDlq[0]).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });
});

describe('outputs', () => {
  it('exports the site URL, the API URL, user pool id, client id and table name', () => {
    // Act
    const outputs = out.json.Outputs ?? {};
    // Assess
    expect(render(outputs.SiteUrl?.Value)).toBe(`https://<${logicalIdOf(stack.site.distribution)}.DomainName>`);
    expect(render(outputs.ApiUrl?.Value)).toBe(`https://<${logicalIdOf(stack.api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/`);
    expect(refId(outputs.UserPoolId?.Value)).toBe(ids.userPool);
    expect(refId(outputs.UserPoolClientId?.Value)).toBe(ids.client);
    expect(refId(outputs.DataTableName?.Value)).toBe(ids.dataTable);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);
    // Assess
    const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('every acknowledgement names an AwsSolutions rule, gives a reason, and still matches a real finding', () => {
    // Prepare
    const acks = acknowledgements(stack);
    // Act
    const raw = allFindings(stack);
    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
      const matched = raw.some(
        (f) => f.ruleName === ack.id && (f.constructPath === ack.path || f.constructPath.startsWith(`${ack.path}/`)),
      );
      expect(matched, `stale acknowledgement ${ack.id} at ${ack.path}`).toBe(true);
    }
  });

  it('acknowledges only the reviewed rules', () => {
    // Act
    const rules = new Set(acknowledgements(stack).map((a) => a.id.replace(/\[.*$/, '')));
    // Assess
    // CFR1/CFR2/CFR4 on the site's distribution; IAM4/L1 (and part of IAM5) on BucketDeployment's own function (lib/site.ts)
    expect([...rules].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG2',
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
  });
});
