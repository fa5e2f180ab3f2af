/**
 * GatepassStack: the deployed shape of DESIGN.md. Everything that varies per route comes from
 * the route table (functions/routes.ts) and the table keys from functions/adapters/table-design.ts,
 * so the template, the local stack and the handlers cannot drift apart (test/infra holds them).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Fn, Lazy, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { dataTable as dataTableDesign } from '#adapters/table-design';
import { fallbackRoute, routes, verifiesJwts, workers, type Route, type Worker } from '#routes';
import { GatepassFunction, lazyModulesFor, type JwtVerification } from './gatepass-function.ts';
import { Site, type SiteDomain } from './site.ts';

/** Where `npm run build:web` writes the app (bin/gatepass.ts builds it before synth when missing or stale). */
export const DEFAULT_SITE_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

/** Outbox items (pk `OUTBOX#…`) are the only stream records a stream worker is invoked for. */
export const OUTBOX_PK_PREFIX = 'OUTBOX#';

export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'X-Manage-Token', 'Idempotency-Key'] as const;

export interface GatepassStackProps extends StackProps {
  /** CORS origins; default: context `corsOrigins` (JSON array or comma-separated), else ['*']. */
  readonly corsOrigins?: readonly string[];
  /** Stage throttling; default: context `throttleRate` / `throttleBurst`, else 100 / 200. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Sender of participant emails, a verified SES identity; default: context `mailFrom`. */
  readonly mailFrom?: string;
  /** The organiser's manage page (token in the URL fragment); default: context `managePageUrl`. */
  readonly managePageUrl?: string;
  /** The built web app; default: context `siteDir`, else web/dist. */
  readonly siteDir?: string;
  /** The site's own domain and its us-east-1 certificate; default: context `siteDomain` + `siteCertificateArn`. */
  readonly siteDomain?: SiteDomain;
  /** Wallet passes; default: context `appleWalletSecretArn` + `applePassTypeId` + `appleTeamId`, `googleWalletSecretArn` + `googleWalletIssuerId`. */
  readonly wallet?: WalletSettings;
}

/**
 * The organiser's wallet signing secrets (created by them, named by complete ARN, so the grant is
 * that one secret) and the ids that go with them. Apple's secret holds `{"signerCert","signerKey",
 * "wwdr"}` (PEM; `signerKeyPassphrase` if the key has one); Google's is the service account's JSON key.
 */
export interface WalletSettings {
  readonly apple?: { readonly secretArn: string; readonly passTypeId: string; readonly teamId: string };
  readonly google?: { readonly secretArn: string; readonly issuerId: string };
}

export class GatepassStack extends Stack {
  readonly dataTable: Table;
  readonly serverSecret: Secret;
  readonly badgeKeySecret: Secret;
  /** Exports too large for one response, handed over by a presigned URL; objects live a day. */
  readonly exportBucket: Bucket;
  /** The export bucket's server access logs: each download of an export, by whom and from where. */
  readonly exportAccessLogs: Bucket;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The admin console's app client (/admin): authorization code + PKCE through managed login, no secret. */
  readonly consoleClient: UserPoolClient;
  /** Cognito's managed-login domain, where the console sends organisers to sign in. */
  readonly loginDomain: UserPoolDomain;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The pages and the API on one CloudFront origin (lib/site.ts). */
  readonly site: Site;
  /** The site's URL (SiteUrl): what links in emails name, never a request's Host. */
  readonly siteUrl: string;
  /** One function per route id (plus `not-found`). */
  readonly functions: ReadonlyMap<string, GatepassFunction>;
  /** Where stream batches that keep failing are recorded (metadata only; the outbox holds what is owed). */
  readonly streamDlq: Queue;
  readonly streamDlqAlarm: Alarm;
  /** Fires when an email has failed its last attempt (`npm run redrive` puts it back). */
  readonly emailsFailedAlarm: Alarm;
  /** A webhook message marked failed (24 hours of retries, or a 410). */
  readonly webhooksFailedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GatepassStackProps = {}) {
    super(scope, id, props);
    // S3 log delivery by bucket policy, not by the legacy LogDeliveryWrite ACL (set before any
    // construct is added: context cannot change afterwards).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    // ---- data ------------------------------------------------------------------------------
    this.dataTable = new Table(this, 'DataTable', {
      partitionKey: { name: dataTableDesign.partitionKey, type: AttributeType.STRING },
      sortKey: { name: dataTableDesign.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: dataTableDesign.timeToLive,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of dataTableDesign.indexes) {
      this.dataTable.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // The manage-token key material: generated by Secrets Manager at deploy time, so the value
    // never appears in the template; functions get the ARN and read it once per container.
    this.serverSecret = new Secret(this, 'ServerSecret', {
      description: 'Gatepass manage-token key material (generated; functions derive their key from it)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Tokens already mailed to participants are verified with it: keep it with the retained data.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.serverSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not a credential of another service: it is key material for manage tokens already emailed to participants and for list cursors. Functions sign with its current version and verify with the current and the previous one (adapters/secrets.ts), so one rotation keeps mailed manage links and cursors working and a second retires them: rotating it is a deliberate operator action after a leak, never a schedule.',
    });

    // The badge signing key material: Ed25519 keys derive from it (SHA-256 → seed). Rotating the
    // secret adds a key (AWSCURRENT signs); the previous version keeps verifying until the next
    // rotation retires it.
    this.badgeKeySecret = new Secret(this, 'BadgeKeySecret', {
      description: 'Gatepass badge signing key material (generated; Ed25519 keys derive from it)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.badgeKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Badge signing key material, not a credential of another service: printed badges must keep verifying, so rotation is a deliberate operator action (the previous version keeps verifying until the next rotation), not a scheduled rotation Lambda.',
    });

    // Who downloaded which export, and from where: the presigned GET goes to S3, not through the
    // API, so the API's access log never sees it. Server access logs (SSE-S3 only) land here.
    this.exportAccessLogs = new Bucket(this, 'ExportAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // As long as the API's access log.
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.exportBucket = new Bucket(this, 'ExportBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      // Exports hold personal data: gone a day after they are made (the URL lives 15 minutes).
      lifecycleRules: [{ expiration: Duration.days(1) }],
      serverAccessLogsBucket: this.exportAccessLogs,
      serverAccessLogsPrefix: 'export-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- auth ------------------------------------------------------------------------------
    // Staff and admins only (participants use manage tokens): accounts are created by admins.
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP, no SMS): check-in staff are often temporary crew signing in on shared scanners at the door; admins are expected to enrol TOTP, and the Plus tier threat protection (compromised credentials, adaptive authentication) is on for everyone.',
    });
    this.userPool.addGroup('AdminGroup', { groupName: 'admin', description: 'Set up events, query attendance' });
    this.userPool.addGroup('StaffGroup', { groupName: 'staff', description: 'Check-in staff' });
    this.userPoolClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    // The console signs in through managed login (code + PKCE, a public client). Its callback is
    // the site's /admin, known once the distribution exists (below): hence the Lazy.
    const consoleUrl = Lazy.string({ produce: () => `${this.siteUrl}/admin` });
    this.loginDomain = this.userPool.addDomain('LoginDomain', {
      cognitoDomain: { domainPrefix: loginDomainPrefix(this) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    // The newer managed login shows a client only with a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'ConsoleLoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;
    const jwt: JwtVerification = {
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      // Access tokens of both app clients: the API's (scripts, curl) and the console's.
      clientId: Fn.join(',', [this.userPoolClient.userPoolClientId, this.consoleClient.userPoolClientId]),
    };

    // ---- functions -------------------------------------------------------------------------
    const wallet = props.wallet ?? walletFromContext(this);
    for (const w of [wallet.apple, wallet.google]) {
      if (w && !Token.isUnresolved(w.secretArn) && !COMPLETE_SECRET_ARN.test(w.secretArn)) {
        throw new Error(`A wallet secret must be named by its complete ARN (…:secret:<name>-<6 characters>), got ${w.secretArn}`);
      }
    }
    // The ids say a pass can be had: functions that hand out badges link to passes with them
    // (functions/domain/wallet.ts walletOffer); only the wallet routes read the secrets.
    const walletIds: Record<string, string> = {
      ...(wallet.apple ? { APPLE_PASS_TYPE_ID: wallet.apple.passTypeId, APPLE_TEAM_ID: wallet.apple.teamId } : {}),
      ...(wallet.google ? { GOOGLE_WALLET_ISSUER_ID: wallet.google.issuerId } : {}),
    };
    const functions = new Map<string, GatepassFunction>();
    type Needs = Pick<
      Route,
      | 'id'
      | 'table'
      | 'deletes'
      | 'serverSecret'
      | 'badgeKeys'
      | 'rendersBadges'
      | 'storesExports'
      | 'writesWorkbooks'
      | 'wallet'
      | 'adminBearer'
    > &
      Pick<Worker, 'sendsEmail' | 'timeoutSeconds'> & { who?: Route['who'] };
    const routeFunction = (route: Needs, description: string) => {
      // Code only some invocations run (badge renderer, mail composer, export bucket) ships as
      // files of their own beside index.mjs, chosen from the flags (lib/bundling.ts).
      const lazyModules = lazyModulesFor(route);
      // Rendering a badge loads fonts and a PDF library: give it room (~350 MB peak).
      const fn = new GatepassFunction(this, `Fn-${route.id}`, {
        handler: route.id,
        description,
        lazyModules,
        ...(route.rendersBadges ? { memorySize: 1024 } : {}),
        ...(route.timeoutSeconds ? { timeout: Duration.seconds(route.timeoutSeconds) } : {}),
      });
      if (route.table === 'read' || route.table === 'readwrite') fn.useTable(this.dataTable, route.table, { deletes: route.deletes });
      // A device token's use marks the device seen (at most once a minute), also on routes that only read.
      if (route.table === 'read' && route.who?.includes('device')) fn.markDevicesSeen(this.dataTable);
      if (route.serverSecret) fn.readSecret(this.serverSecret);
      if (route.badgeKeys) {
        fn.readSecret(this.badgeKeySecret, 'BADGE_KEY_SECRET_ARN');
        for (const [name, value] of Object.entries(walletIds)) fn.fn.addEnvironment(name, value);
      }
      if (route.wallet === 'apple' && wallet.apple) fn.readSecretByArn(wallet.apple.secretArn, 'APPLE_PASS_SECRET_ARN');
      if (route.wallet === 'google' && wallet.google) fn.readSecretByArn(wallet.google.secretArn, 'GOOGLE_WALLET_SECRET_ARN');
      // A public route that gives an admin's bearer more must be able to verify it too.
      if (verifiesJwts(route.who) || route.adminBearer) fn.verifyJwt(jwt);
      if (route.storesExports) fn.storeExports(this.exportBucket, 'exports/');
      functions.set(route.id, fn);
      return fn;
    };

    // ---- HTTP API --------------------------------------------------------------------------
    // No gateway authorizer, on purpose: several routes accept a participant's manage token OR a
    // staff/admin JWT, which an authorizer in front of the route cannot express; the service's own
    // middleware verifies Cognito access tokens against the pool's JWKS (env JWT_*), keeps array
    // claims intact (an HTTP API JWT authorizer flattens cognito:groups to a string) and answers
    // every refusal as problem+json. cdk-nag COG4 checks REST API methods (AWS::ApiGateway::Method)
    // only and so does not fire on these HTTP API routes; APIG4 does and is acknowledged below.
    const notFound = routeFunction(fallbackRoute, 'Any unmatched route: problem+json 404');
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Gatepass registration and check-in API',
      createDefaultStage: false,
      // API Gateway's own 404 is {"message":"Not Found"}: $default keeps every 404 problem+json.
      defaultIntegration: new HttpLambdaIntegration('NotFoundIntegration', notFound.fn),
      corsPreflight: {
        allowOrigins: [...(props.corsOrigins ?? corsOriginsFromContext(this))],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        // What a browser client may read of an answer (the local gateway exposes the same).
        exposeHeaders: ['Location', 'Retry-After', 'Content-Language', 'Idempotent-Replayed'],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.PATCH,
          CorsHttpMethod.DELETE,
          CorsHttpMethod.OPTIONS,
        ],
        maxAge: Duration.hours(1),
      },
    });
    // The site needs only the API's id (its execute-api host), not its routes: the functions may
    // then take SITE_URL from the distribution without a cycle (lib/site.ts).
    this.site = new Site(this, 'Site', {
      apiDomain: Fn.join('', [this.api.apiId, '.execute-api.', this.region, '.', this.urlSuffix]),
      assetsDir: siteDirOf(this, props.siteDir),
      // The console fetches Cognito's discovery, the managed-login domain's token endpoint, and a
      // large export where its 303 hands over (a presigned URL on the bucket's regional host).
      connectOrigins: [
        `https://cognito-idp.${this.region}.amazonaws.com`,
        this.loginDomain.baseUrl(),
        `https://${this.exportBucket.bucketRegionalDomainName}`,
      ],
      ...optional('domain', props.siteDomain ?? siteDomainFromContext(this)),
    });
    this.siteUrl = this.site.url;
    // The console's download follows an export's 303 to the bucket. Any origin: the presigned URL
    // is the credential (no cookies, no Authorization), and naming the site here would make a
    // cycle (the site's CSP names this bucket).
    this.exportBucket.addCorsRule({ allowedMethods: [HttpMethods.GET], allowedOrigins: ['*'], maxAge: 600 });
    // What the console learns at run time (web/site-routes.ts consoleConfigPath); Cognito's
    // discovery names no end-session endpoint, so this does.
    this.site.addConsoleConfig({
      authority: issuer,
      clientId: this.consoleClient.userPoolClientId,
      endSessionEndpoint: `${this.loginDomain.baseUrl()}/logout`,
    });

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "No gateway authorizer by design (DESIGN.md): routes accept a manage token OR a Cognito JWT, which an authorizer cannot express; the service verifies JWTs itself against the user pool's JWKS and refuses with problem+json. Public routes are guarded by stage throttling.",
    });

    for (const route of routes) {
      const fn = routeFunction(route, `${route.method} ${route.path}: ${route.summary}`);
      // The pairing deep link names the site (CloudFront), never the request's host.
      if ((route as Route).siteUrl) fn.fn.addEnvironment('SITE_URL', this.siteUrl);
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`Integration-${route.id}`, fn.fn),
      });
    }
    this.functions = functions;

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? throttleFromContext(this),
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integration.latency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });

    // ---- mailer preparation: stream DLQ and its alarm ---------------------------------------
    this.streamDlq = new Queue(this, 'StreamDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.streamDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue IS the dead-letter destination of the DynamoDB stream event source mapping (failure metadata only); a DLQ of a DLQ would add nothing.',
    });
    this.streamDlqAlarm = new Alarm(this, 'StreamDlqAlarm', {
      alarmDescription: 'A DynamoDB stream batch kept failing (see the stream DLQ); pending outbox items are retried by the sweeper.',
      metric: this.streamDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // ---- workers: the mailer on the outbox stream, the sweeper on a schedule ----------------
    const mailFrom = props.mailFrom ?? stringContext(this, 'mailFrom') ?? 'Gatepass <no-reply@example.org>';
    const managePageUrl = props.managePageUrl ?? stringContext(this, 'managePageUrl');
    const senderDomain = /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1];
    if (!senderDomain) throw new Error(`mailFrom must be an email address, got ${mailFrom}`);
    const workerFunctions = new Map<string, GatepassFunction>();
    for (const worker of workers as readonly Worker[]) {
      const fn = routeFunction(worker, worker.summary);
      workerFunctions.set(worker.id, fn);
      if (worker.sendsEmail) {
        // Only as the configured sender, through its verified identity (domain or address).
        fn.role.addToPolicy(
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['ses:SendRawEmail'],
            resources: [
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom.replace(/^.*<|>.*$/g, '') }),
            ],
          }),
        );
        fn.fn.addEnvironment('MAIL_FROM', mailFrom);
        fn.fn.addEnvironment('PUBLIC_API_URL', this.api.apiEndpoint);
        fn.fn.addEnvironment('SITE_URL', this.siteUrl);
        if (managePageUrl) fn.fn.addEnvironment('MANAGE_PAGE_URL', managePageUrl);
      }
      if (worker.trigger === 'outbox-stream') this.addStreamWorker(fn, worker.streamPrefix);
      if (worker.trigger === 'schedule') {
        new Rule(this, `Schedule-${worker.id}`, {
          description: worker.summary,
          schedule: Schedule.rate(Duration.minutes(worker.everyMinutes ?? 1)),
          targets: [new LambdaFunction(fn.fn, { retryAttempts: 0 })],
        });
      }
    }
    // Workers invoked asynchronously: no Lambda retries (the webhook sweeper retries with backoff).
    for (const worker of workers as readonly Worker[]) {
      if (worker.trigger === 'invoke')
        workerFunctions.get(worker.id)!.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.hours(1) });
      if (worker.invokes) workerFunctions.get(worker.id)!.invokesAsync(workerFunctions.get(worker.invokes)!, 'WEBHOOK_SENDER_FUNCTION');
    }
    this.webhooksFailedAlarm = new Alarm(this, 'WebhooksFailedAlarm', {
      alarmDescription:
        'A webhook message failed after 24 hours of retries (or its endpoint answered 410): see GET /webhooks/{id}/deliveries, fix the receiver, then POST /outbox/redrive.',
      metric: new Metric({
        namespace: 'Gatepass',
        metricName: 'WebhooksFailed',
        dimensionsMap: { service: 'gatepass' },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.emailsFailedAlarm = new Alarm(this, 'EmailsFailedAlarm', {
      alarmDescription:
        'An email failed its last attempt and is marked failed in the outbox: fix the cause, then `npm run redrive` (or POST /outbox/redrive).',
      metric: new Metric({
        namespace: 'Gatepass',
        metricName: 'EmailsFailed',
        dimensionsMap: { service: 'gatepass' },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // ---- outputs ---------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'SiteUrl', {
      value: this.siteUrl,
      description: 'The pages and the API on one origin (CloudFront): participants open <SiteUrl>/e/<eventId>',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${this.siteUrl}/admin`,
      description: 'The admin console: sign in with a user of the admin (or staff) group',
    });
    new CfnOutput(this, 'DataTableName', { value: this.dataTable.tableName });
  }

  /**
   * Invoke `worker` for the data table's outbox items (pk `OUTBOX#…`, or `pkPrefix`: `OWED#` for
   * the webhook consumer) from its stream. A batch that
   * keeps failing is bisected, retried 3 times, then recorded in the stream DLQ (metadata only).
   * The worker reports partial batch failures. Grants (table, SES, ...) remain the caller's.
   */
  addStreamWorker(worker: GatepassFunction, pkPrefix: string = OUTBOX_PK_PREFIX): this {
    worker.fn.addEventSource(
      new DynamoEventSource(this.dataTable, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 3,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.streamDlq),
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: FilterRule.beginsWith(pkPrefix) } } } })],
      }),
    );
    Validations.of(worker).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DynamoDB stream event source: dynamodb:ListStreams supports no resource-level permissions (Resource "*"); reading records is scoped to this table\'s stream ARN.',
    });
    return this;
  }
}

/**
 * The managed-login domain's prefix (unique in the region): `-c authDomainPrefix=…`, or the
 * stack's name and account (a prefix may not say aws, amazon or cognito).
 */
function loginDomainPrefix(stack: Stack): string {
  const given = stringContext(stack, 'authDomainPrefix');
  if (given !== undefined) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(given) || /aws|amazon|cognito/.test(given))
      throw new Error('authDomainPrefix: lowercase letters, digits and hyphens (up to 63), without aws, amazon or cognito');
    return given;
  }
  const name = stack.stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/aws|amazon|cognito/g, 'x')
    .slice(0, 40);
  return Fn.join('-', [name, stack.account]);
}

function stringContext(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  return typeof raw === 'string' && raw.trim() ? raw.trim() : undefined;
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });

function siteDirOf(scope: Construct, given: string | undefined): string {
  const dir = given ?? stringContext(scope, 'siteDir') ?? DEFAULT_SITE_DIR;
  if (!existsSync(`${dir}/assets`))
    throw new Error(`The web app is not built: ${dir} has no assets/ (run npm run build:web; npx cdk synth builds it itself)`);
  return dir;
}

function siteDomainFromContext(scope: Construct): SiteDomain | undefined {
  const name = stringContext(scope, 'siteDomain');
  const certificateArn = stringContext(scope, 'siteCertificateArn');
  if (!name && !certificateArn) return undefined;
  if (!name || !certificateArn)
    throw new Error('Context siteDomain and siteCertificateArn go together (the domain and its us-east-1 ACM certificate)');
  return { name, certificateArn };
}

/** A secret's complete ARN (with its 6-character suffix): a partial ARN or a name would need a wildcard grant. */
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;

function walletFromContext(scope: Construct): WalletSettings {
  const read = (keys: readonly string[]) => {
    const values = keys.map((k) => stringContext(scope, k));
    if (values.every((v) => v === undefined)) return undefined;
    const missing = keys.filter((_, i) => values[i] === undefined);
    if (missing.length)
      throw new Error(`Context ${missing.join(', ')} must be given with ${keys.filter((k) => !missing.includes(k)).join(', ')}`);
    return values as string[];
  };
  const apple = read(['appleWalletSecretArn', 'applePassTypeId', 'appleTeamId']);
  const google = read(['googleWalletSecretArn', 'googleWalletIssuerId']);
  return {
    ...(apple ? { apple: { secretArn: apple[0]!, passTypeId: apple[1]!, teamId: apple[2]! } } : {}),
    ...(google ? { google: { secretArn: google[0]!, issuerId: google[1]! } } : {}),
  };
}

function corsOriginsFromContext(scope: Construct): string[] {
  const raw: unknown = scope.node.tryGetContext('corsOrigins');
  if (raw === undefined || raw === null || raw === '') return ['*'];
  if (Array.isArray(raw)) return raw.map(String);
  const text = String(raw).trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.map(String);
  }
  return text
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

function throttleFromContext(scope: Construct): { rateLimit: number; burstLimit: number } {
  const number = (key: string, fallback: number): number => {
    const raw: unknown = scope.node.tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`Context ${key} must be a positive number, got ${String(raw)}`);
    return value;
  };
  return { rateLimit: number('throttleRate', 100), burstLimit: number('throttleBurst', 200) };
}
