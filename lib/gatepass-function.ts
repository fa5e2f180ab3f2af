/**
 * GatepassFunction: the one place that owns every Lambda default (runtime, architecture, memory,
 * timeout, log group and retention, tracing, bundling) and the grants. The stack only says which
 * handler and what it may touch; it never repeats a NodejsFunction block.
 *
 * Each grant helper grants AND sets the environment variable the handler reads (functions/config.ts),
 * so a function can never have a permission without knowing the resource, or the reverse.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  ESBUILD_OPTIONS,
  afterBundlingCommands,
  externalModules,
  needsAfterBundling,
  type BundledAsset,
  type FunctionBundling,
  type LazyModule,
} from './bundling.ts';

export { LAZY_MODULES, badgeAssets, lazyModulesFor, type BundledAsset, type LazyModule } from './bundling.ts';

/** functions/handlers, next to lib/ (resolved from this file, not from the working directory). */
export const HANDLERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'functions', 'handlers');

/** Environment variable names, as functions/config.ts reads them. */
export const ENV = {
  dataTable: 'DATA_TABLE',
  serverSecretArn: 'SERVER_SECRET_ARN',
  jwtIssuer: 'JWT_ISSUER',
  jwtJwksUrl: 'JWT_JWKS_URL',
  jwtClientId: 'JWT_CLIENT_ID',
} as const;

/**
 * The exact DynamoDB actions Gatepass's adapters call (no Scan, no BatchWriteItem, no PartiQL):
 * reads are GetItem, BatchGetItem and Query (Query also on the table's GSIs); writes are the items
 * of TransactWriteItems and UpdateItem (which IAM authorises as PutItem, UpdateItem,
 * ConditionCheckItem, and DeleteItem for the routes whose transactions delete, `deletes`).
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  delete: ['dynamodb:DeleteItem'],
} as const;

/** The export function writes each export and signs the GET of its presigned URL: two actions. */
export const EXPORT_ACTIONS = ['s3:PutObject', 's3:GetObject'] as const;

export interface GatepassFunctionProps {
  /** Handler module: functions/handlers/<handler>.ts exporting `handler`. Defaults to the construct id. */
  readonly handler?: string;
  readonly description?: string;
  /** Overrides for the rare function that needs more (e.g. PDF rendering). */
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Entry file, when it is not functions/handlers/<handler>.ts (test fixtures). */
  readonly entry?: string;
  /** Files copied next to index.mjs after bundling. */
  readonly assets?: readonly BundledAsset[];
  /**
   * Modules loaded on first use, each shipped as its own file beside index.mjs and external in it
   * (lib/bundling.ts: LAZY_MODULES, e.g. the badge renderer with its fonts and wasm, the mail
   * composer, the export bucket). The stack picks them from the route's flags (`lazyModulesFor`).
   */
  readonly lazyModules?: readonly LazyModule[];
}

export interface JwtVerification {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly clientId: string;
}

/** Context `sourceMaps`: `true` (or "true") maps stack traces in the logs to the TypeScript sources. */
function sourceMapsWanted(scope: Construct): boolean {
  const raw: unknown = scope.node.tryGetContext('sourceMaps');
  return raw === true || raw === 'true';
}

export class GatepassFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly handlerName: string;
  /** The lazy modules shipped beside index.mjs (specifier, source, file). */
  readonly lazyModules: readonly LazyModule[];

  constructor(scope: Construct, id: string, props: GatepassFunctionProps = {}) {
    super(scope, id);
    this.handlerName = props.handler ?? id;
    this.lazyModules = [...(props.lazyModules ?? [])];
    const bundling: FunctionBundling = { lazyModules: this.lazyModules, assets: props.assets ?? [] };
    const afterBundling = (inputDir: string, outputDir: string) => afterBundlingCommands(bundling, inputDir, outputDir);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A role of our own, so the function can write to its own log group only (instead of the
    // managed AWSLambdaBasicExecutionRole, which allows every log group in the account).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Gatepass ${this.handlerName} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry ?? path.join(HANDLERS_DIR, `${this.handlerName}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      // Off: active tracing without instrumented SDK clients records only Lambda's own segment,
      // which the REPORT line's Duration and Init Duration already give. Instrumenting them
      // (Powertools Tracer) loads aws-xray-sdk-core in every function at every cold start, where
      // the import budget is 1.10× the DynamoDB client floor and functions already stand at
      // 1.06–1.14× (README, Performance). Off also drops xray:Put* on Resource "*" from every role.
      tracing: Tracing.DISABLED,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'gatepass',
        // Node parses a bundle's source map when it loads it: +15–20% on every cold start
        // (bench/README.md). Off by default; `-c sourceMaps=true` turns it on while debugging.
        ...(sourceMapsWanted(this) ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: ESBUILD_OPTIONS.minify,
        sourceMap: ESBUILD_OPTIONS.sourcemap,
        target: ESBUILD_OPTIONS.target,
        mainFields: [...ESBUILD_OPTIONS.mainFields],
        banner: ESBUILD_OPTIONS.banner,
        // Bundle AWS SDK v3 too: pinned versions, tree-shaken, no dependency on the runtime's copy.
        // Only the lazy modules stay out of index.mjs (files of their own beside it, lib/bundling.ts).
        externalModules: externalModules(bundling),
        ...(needsAfterBundling(bundling) && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling,
          },
        }),
      },
    });
  }

  /**
   * Use the data table with exactly the actions its route needs (TABLE_ACTIONS) and know its name:
   * `read`, or `readwrite` (and DeleteItem only with `deletes`).
   */
  useTable(table: ITable, access: 'read' | 'readwrite', options: { deletes?: boolean } = {}): this {
    const actions = [
      ...TABLE_ACTIONS.read,
      ...(access === 'readwrite' ? TABLE_ACTIONS.write : []),
      ...(access === 'readwrite' && options.deletes ? TABLE_ACTIONS.delete : []),
    ];
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: actions.filter((a) => a !== 'dynamodb:Query'), resources: [table.tableArn] }),
    );
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [table.tableArn, `${table.tableArn}/index/*`] }),
    );
    this.fn.addEnvironment(ENV.dataTable, table.tableName);
    this.acknowledgeIndexWildcard(table);
    return this;
  }

  /**
   * UpdateItem on device items only (their partition keys), for a function that otherwise only
   * reads: a device token's use moves the device's lastSeenAt.
   */
  markDevicesSeen(table: ITable): this {
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DEVICETOKEN#*', 'EVENT#*#DEVICES'] } },
      }),
    );
    return this;
  }

  /** Read a secret's value (GetSecretValue, any version stage); the function gets its ARN (never the value) in `envName`. */
  readSecret(secret: ISecret, envName: string = ENV.serverSecretArn): this {
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    this.fn.addEnvironment(envName, secret.secretArn);
    return this;
  }

  /** Write export objects under `prefix` and sign presigned GETs of them (EXPORT_ACTIONS); the bucket's name in EXPORT_BUCKET. */
  storeExports(bucket: IBucket, prefix: string): this {
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: [...EXPORT_ACTIONS], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    this.fn.addEnvironment('EXPORT_BUCKET', bucket.bucketName);
    const cfn = bucket.node.defaultChild as CfnElement | undefined;
    if (cfn) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(cfn)}.Arn>/${prefix}*]`,
        reason: `Each export is a new object under ${prefix} with a random key: writing and reading them needs that prefix, nothing else in the bucket.`,
      });
    }
    return this;
  }

  /**
   * Read one secret the stack does not own (the organiser's, named by its complete ARN): only
   * GetSecretValue, only on that ARN; the function gets the ARN (never the value) in `envName`.
   */
  readSecretByArn(secretArn: string, envName: string): this {
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
    );
    this.fn.addEnvironment(envName, secretArn);
    return this;
  }

  /** Where the service's own auth middleware finds the issuer, its JWKS and the expected client. */
  /**
   * May invoke `target` asynchronously (lambda:InvokeFunction on that function alone); `envName`
   * names it to the handler (the webhook consumer and sweeper hand lanes to the webhook sender).
   */
  invokesAsync(target: GatepassFunction, envName: string): this {
    this.role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [target.fn.functionArn] }),
    );
    this.fn.addEnvironment(envName, target.fn.functionName);
    return this;
  }

  verifyJwt(jwt: JwtVerification): this {
    this.fn.addEnvironment(ENV.jwtIssuer, jwt.issuer);
    this.fn.addEnvironment(ENV.jwtJwksUrl, jwt.jwksUrl);
    this.fn.addEnvironment(ENV.jwtClientId, jwt.clientId);
    return this;
  }

  /**
   * Queries on a table's GSIs need `<table ARN>/index/*`: a wildcard over this one table's own
   * indexes, which cdk-nag reports as IAM5 with the table's logical id in the finding.
   */
  private acknowledgeIndexWildcard(table: ITable): void {
    const cfn = table.node.defaultChild as CfnElement | undefined;
    if (!cfn) return; // an imported table: no logical id, and no index grant CDK knows of
    const logicalId = Stack.of(table).getLogicalId(cfn);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      reason: `Query on the GSIs of table ${table.node.id} needs <table ARN>/index/*; the wildcard covers only that table's own indexes.`,
    });
  }
}
