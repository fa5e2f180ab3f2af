/**
 * The deployed web app (DESIGN.md "Web app"): one CloudFront origin for the pages and the API.
 * - default behaviour: a private S3 bucket (origin access control) holding web/dist, page routes
 *   resolved by a CloudFront Function generated from web/site-routes.ts, the site's security
 *   headers (web/site-routes.ts securityHeaders) on every page and asset;
 * - one behaviour per API path (web/site-routes.ts apiPrefixes: `/events` and `/events/*`, …) to
 *   the HTTP API: no cache, every viewer header but Host (API Gateway routes by its own Host).
 *
 * The distribution needs only the API's id (its execute-api domain), never its routes or
 * functions, so functions may take the site's URL (SITE_URL) without a cycle:
 * functions → distribution → HttpApi ← routes → integrations → functions.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AccessLevel,
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type ResponseHeadersPolicyProps,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { apiPrefixes, consoleConfigPath, securityHeaders, securityHeadersFor } from '../web/site-routes.ts';
import { siteFunctionSource } from './site-function.ts';

export interface SiteDomain {
  /** The site's own host name, e.g. `forum.example.org` (its DNS record points at the distribution). */
  readonly name: string;
  /** An ACM certificate for it, in us-east-1 (CloudFront's region for certificates). */
  readonly certificateArn: string;
}

export interface SiteProps {
  /** The HTTP API's execute-api host name (no scheme, no path: the $default stage is at the root). */
  readonly apiDomain: string;
  /** The built web app (web/dist): HTML pages at its root, hashed files under assets/. */
  readonly assetsDir: string;
  readonly domain?: SiteDomain;
  /** Other origins the console fetches (CSP connect-src): the identity provider, the large-export bucket. */
  readonly connectOrigins?: readonly string[];
}

/** CloudFront path patterns that send exactly the paths isApiPath names to the API: `p` and `p/*`. */
export function apiPathPatterns(): string[] {
  return apiPrefixes.flatMap((p) => [p, `${p}/*`]);
}

/**
 * web/site-routes.ts securityHeaders as a CloudFront response-headers policy. CloudFront models the
 * well-known security headers itself and the rest as custom headers; a value it cannot express is
 * a synth error, never a header silently dropped.
 */
export function responseHeadersPolicyProps(headers: Readonly<Record<string, string>> = securityHeaders): ResponseHeadersPolicyProps {
  const security: NonNullable<ResponseHeadersPolicyProps['securityHeadersBehavior']> = {};
  const custom: Array<{ header: string; value: string; override: boolean }> = [];
  const set = <K extends keyof typeof security>(key: K, value: (typeof security)[K]) => Object.assign(security, { [key]: value });
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        set('contentSecurityPolicy', { contentSecurityPolicy: value, override: true });
        break;
      case 'strict-transport-security': {
        const parts = value
          .split(';')
          .map((p) => p.trim().toLowerCase())
          .filter(Boolean);
        const maxAge = /^max-age=(\d+)$/.exec(parts[0] ?? '');
        const rest = new Set(parts.slice(1));
        if (!maxAge || [...rest].some((p) => p !== 'includesubdomains' && p !== 'preload'))
          throw new Error(`strict-transport-security "${value}" is not max-age=N[; includeSubDomains][; preload]`);
        set('strictTransportSecurity', {
          accessControlMaxAge: Duration.seconds(Number(maxAge[1])),
          includeSubdomains: rest.has('includesubdomains'),
          preload: rest.has('preload'),
          override: true,
        });
        break;
      }
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`x-content-type-options "${value}": CloudFront sets only nosniff`);
        set('contentTypeOptions', { override: true });
        break;
      case 'x-frame-options': {
        const option = Object.values(HeadersFrameOption).find((o) => o === value.toUpperCase());
        if (!option) throw new Error(`x-frame-options "${value}" is not DENY or SAMEORIGIN`);
        set('frameOptions', { frameOption: option, override: true });
        break;
      }
      case 'referrer-policy': {
        const policy = Object.values(HeadersReferrerPolicy).find((p) => p === value.toLowerCase());
        if (!policy) throw new Error(`referrer-policy "${value}" is not one CloudFront knows`);
        set('referrerPolicy', { referrerPolicy: policy, override: true });
        break;
      }
      default:
        custom.push({ header: name, value, override: true });
    }
  }
  return {
    comment: 'Gatepass pages: the headers of web/site-routes.ts securityHeaders (the local gateway sends the same)',
    securityHeadersBehavior: security,
    ...(custom.length ? { customHeadersBehavior: { customHeaders: custom } } : {}),
  };
}

export class Site extends Construct {
  readonly bucket: Bucket;
  /** Distribution standard logs and the site bucket's access logs. */
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly pageFunction: EdgeFunction;
  readonly headersPolicy: ResponseHeadersPolicy;
  private readonly pagesDeployment: BucketDeployment;
  /** `https://<custom domain or the distribution's domain>`, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);

    this.logBucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logs are delivered with an ACL grant to the log-delivery account.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No access logs of its own (cdk-nag S1 knows a LogDeliveryWrite bucket is the log bucket).

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/site/',
      // Only the built app, which every deploy uploads again: the deployment empties it on delete.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.pageFunction = new EdgeFunction(this, 'PageRoutes', {
      comment: 'Gatepass site: page routes to their file, anything else to the not-found page with 404 (web/site-routes.ts)',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(siteFunctionSource()),
    });

    this.headersPolicy = new ResponseHeadersPolicy(
      this,
      'SecurityHeaders',
      responseHeadersPolicyProps(securityHeadersFor(props.connectOrigins)),
    );

    const api = new HttpOrigin(props.apiDomain, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehavior: BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Authorization, X-Manage-Token, Idempotency-Key, query strings: all passed. Not Host:
      // API Gateway answers only for its own host name.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    const domain = props.domain;
    if (domain && !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(domain.certificateArn)) {
      throw new Error(
        `siteCertificateArn must be an ACM certificate in us-east-1 (CloudFront reads certificates there), got ${domain.certificateArn}`,
      );
    }

    // LIST (below) would let a request for the bucket's root list its keys: no request reaches S3
    // as the root (the page function rewrites `/`), and the root object is the not-found page.
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'the page function never forwards the root; defaultRootObject is set',
    );
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Gatepass: the pages (S3) and the API (HTTP API) on one origin',
      defaultRootObject: 'not-found.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(domain
        ? {
            domainNames: [domain.name],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        // LIST too: a missing file is S3's 404, not a 403 that reads like a permissions fault.
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessLevels: [AccessLevel.READ, AccessLevel.LIST] }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headersPolicy,
        compress: true,
        functionAssociations: [
          { function: this.pageFunction, eventType: FunctionEventType.VIEWER_REQUEST },
          { function: this.pageFunction, eventType: FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns().map((pattern) => [pattern, apiBehavior])),
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction on purpose: participants register from anywhere (international forums); which countries may register is an organiser decision, not the service default.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL by default (a per-request cost the organiser opts into): the API behind it is guarded by stage throttling and answers problem+json; an organiser can attach a web ACL to the distribution.',
    });
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes (TLSv1); give -c siteDomain=… -c siteCertificateArn=… to serve TLS 1.2+ only.',
      });
    }

    // Hashed files never change under their name; pages and fixed files are revalidated, so a
    // deploy shows at once. Hashed files of the previous build stay for pages still open.
    const hashed = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(`${props.assetsDir}/assets`)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      prune: false,
      retainOnDelete: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const pagesDeployment = (this.pagesDeployment = new BucketDeployment(this, 'DeployPages', {
      sources: [Source.asset(props.assetsDir, { exclude: ['assets', 'assets/**'] })],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      prune: true,
      retainOnDelete: false,
      cacheControl: [CacheControl.fromString('no-cache')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    }));
    // Pages name the hashed files: those are in place first.
    pagesDeployment.node.addDependency(hashed);
    this.acknowledgeDeploymentHandler();

    this.url = `https://${domain ? domain.name : this.distribution.distributionDomainName}`;
  }

  /** The console's sign-in settings, written beside the pages at deploy (tokens resolved then). */
  addConsoleConfig(config: { authority: string; clientId: string; endSessionEndpoint: string }): void {
    this.pagesDeployment.addSource(Source.jsonData(consoleConfigPath.slice(1), config));
  }

  /** BucketDeployment's singleton custom-resource function (one per stack) and its role. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment handler not found');
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as never);
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "BucketDeployment's own custom-resource function (aws-cdk-lib), run only at deploy time: CDK gives its role the basic execution policy (its logs) and no way to replace it.",
    });
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "BucketDeployment's own custom-resource function: aws-cdk-lib pins its runtime (Python, with the AWS CLI layer it ships); it runs only at deploy time, never on a request.",
    });
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::<${bucketId}.Arn>/*`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      'Resource::*',
    ]) {
      Validations.of(handler).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `BucketDeployment's deploy-time copy of the built app (aws-cdk-lib's grants): read the asset staging bucket, write and prune this site bucket only; CloudFront invalidation takes no resource-level permission (${finding}).`,
      });
    }
  }
}
