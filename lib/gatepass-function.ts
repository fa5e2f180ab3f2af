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
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ESBUILD_OPTIONS, afterBundlingCommands, externalModules, needsAfterBundling, type BundledAsset, type FunctionBundling, type LazyModule } from './bundling.ts';

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
      tracing: Tracing.ACTIVE,
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

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
    });
  }

  /** Read the data table (GetItem, Query, ...) and know its name. */
  readTable(table: ITable): this {
    table.grantReadData(this.role);
    this.fn.addEnvironment(ENV.dataTable, table.tableName);
    this.acknowledgeIndexWildcard(table);
    return this;
  }

  /** Read and write the data table and know its name. */
  writeTable(table: ITable): this {
    table.grantReadWriteData(this.role);
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

  /** Read a secret's value; the function gets its ARN (never the value) in `envName`. */
  readSecret(secret: ISecret, envName: string = ENV.serverSecretArn): this {
    secret.grantRead(this.role);
    this.fn.addEnvironment(envName, secret.secretArn);
    return this;
  }

  /** Where the service's own auth middleware finds the issuer, its JWKS and the expected client. */
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

