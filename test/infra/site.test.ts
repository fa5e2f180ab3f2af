/**
 * The deployed site (lib/site.ts) against web/site-routes.ts, the module the local gateway serves
 * by: the API's paths reach the HTTP API uncached with the viewer's headers, everything else the
 * private bucket through origin access control; the CloudFront Function in the template, run in
 * node:vm, resolves every path as resolveSitePath does; the response-headers policy says exactly
 * securityHeaders; SITE_URL has no dependency cycle. One synth (no bundling) per variant.
 */
import vm from 'node:vm';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiPrefixes, isApiPath, resolveSitePath, securityHeaders, securityHeadersFor } from '../../web/site-routes.ts';
import { GatepassStack } from '../../lib/gatepass-stack.ts';
import {
  acknowledgements,
  appWithoutBundling,
  ofType,
  refId,
  referencedIds,
  render,
  synth,
  type CfnResource,
  type Resources,
} from './template-helpers.ts';

// CloudFront's managed policies (fixed ids, the same in every account).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let stack: GatepassStack;
let resources: Resources;
let outputs: Record<string, { Value: unknown }>;
let config: Record<string, any>;

const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

beforeAll(() => {
  // Prepare
  stack = new GatepassStack(appWithoutBundling(), 'Gatepass');
  // Act
  const out = synth(stack);
  resources = out.json.Resources;
  outputs = out.json.Outputs ?? {};
  config = resources[idOf(stack.site.distribution)]!.Properties!.DistributionConfig;
});

type Behavior = Record<string, any>;
const originOf = (behavior: Behavior) => (config.Origins as Behavior[]).find((o) => o.Id === behavior.TargetOriginId)!;

/** CloudFront path patterns: `*` any run of characters, `?` one, case-sensitive, whole path. */
function matches(pattern: string, path: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(path);
}

/** The behaviour CloudFront picks for a path: the first pattern that matches, in order, else the default. */
function behaviorFor(path: string): Behavior {
  return (config.CacheBehaviors as Behavior[]).find((b) => matches(b.PathPattern, path)) ?? config.DefaultCacheBehavior;
}

describe('API paths go to the HTTP API, the rest to the bucket', () => {
  it('has behaviours exactly for the API prefixes (p and p/*), in web/site-routes.ts order', () => {
    // Act
    const patterns = (config.CacheBehaviors as Behavior[]).map((b) => b.PathPattern);
    // Assess
    expect(patterns).toEqual(apiPrefixes.flatMap((p) => [p, `${p}/*`]));
  });

  it.each(apiPrefixes.flatMap((p) => [p, `${p}/*`]))(
    '%s: the HTTP API, caching disabled, every viewer header but Host, every method',
    (pattern) => {
      // Act
      const behavior = (config.CacheBehaviors as Behavior[]).find((b) => b.PathPattern === pattern)!;
      const origin = originOf(behavior);
      // Assess
      expect(render(origin.DomainName)).toBe(`<${idOf(stack.api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`);
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(behavior.CachePolicyId).toBe(CACHING_DISABLED);
      expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
      expect([...behavior.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      // The API answers with its own headers; the page function never sees an API request.
      expect(behavior.FunctionAssociations).toBeUndefined();
      expect(behavior.ResponseHeadersPolicyId).toBeUndefined();
    },
  );

  it.each([
    '/events',
    '/events/e1',
    '/events/e1/registrations/r1/badge.pdf',
    '/devices/pair',
    '/webhooks',
    '/outbox/redrive',
    '/health',
    '/openapi.json',
    '/eventsx',
    '/healthy',
    '/e/events',
    '/manage',
    '/',
    '/assets/event-a1.js',
  ])('%s: CloudFront sends it where isApiPath says (the local gateway decides by isApiPath)', (path) => {
    // Act
    const origin = originOf(behaviorFor(path));
    // Assess
    expect(origin.CustomOriginConfig !== undefined, path).toBe(isApiPath(path));
  });

  it('serves the rest from the private bucket through origin access control (sigv4, always)', () => {
    // Prepare
    const bucketId = idOf(stack.site.bucket);
    // Act
    const behavior = config.DefaultCacheBehavior as Behavior;
    const origin = originOf(behavior);
    const oac = resources[refId(origin.OriginAccessControlId)!]!;
    const policy = ofType(resources, 'AWS::S3::BucketPolicy').find(([, p]) => refId(p.Properties!.Bucket) === bucketId)![1];
    const grant = (policy.Properties!.PolicyDocument.Statement as Behavior[]).find(
      (s) => s.Principal?.Service === 'cloudfront.amazonaws.com',
    )!;
    // Assess
    expect(refId(origin.DomainName)).toBe(bucketId);
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(oac.Type).toBe('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(grant.Effect).toBe('Allow');
    expect([grant.Action].flat().sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(render(grant.Condition.StringEquals['AWS:SourceArn'])).toContain(`distribution/<${idOf(stack.site.distribution)}>`);
    expect(behavior.CachePolicyId).toBe(CACHING_OPTIMIZED);
    expect([...behavior.AllowedMethods].sort()).toEqual(['GET', 'HEAD']);
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('keeps the bucket private, encrypted, TLS-only and its access logged; the distribution logs too', () => {
    // Prepare
    const bucketId = idOf(stack.site.bucket);
    const logsId = idOf(stack.site.logBucket);
    // Act
    const bucket = resources[bucketId]!.Properties!;
    const policies = ofType(resources, 'AWS::S3::BucketPolicy').filter(([, p]) =>
      [bucketId, logsId].includes(refId(p.Properties!.Bucket)!),
    );
    // Assess
    for (const id of [bucketId, logsId]) {
      const props = resources[id]!.Properties!;
      expect(props.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toBe('AES256');
    }
    expect(policies).toHaveLength(2);
    for (const [, p] of policies) {
      const deny = (p.Properties!.PolicyDocument.Statement as Behavior[]).find((s) => s.Effect === 'Deny')!;
      expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
    expect(refId(bucket.LoggingConfiguration.DestinationBucketName)).toBe(logsId);
    expect(refId(config.Logging.Bucket)).toBe(logsId);
  });

  it('synthesizes without a warning (the LIST grant’s root-listing risk is closed and acknowledged in lib/site.ts)', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('uploads the built app with BucketDeployment: hashed files immutable, pages revalidated and the cache invalidated', () => {
    // Act
    const deployments = ofType(resources, 'Custom::CDKBucketDeployment').map(([id, r]): Behavior => ({ id, ...r.Properties! }));
    // Assess
    expect(deployments).toHaveLength(2);
    for (const d of deployments) expect(refId(d.DestinationBucketName)).toBe(idOf(stack.site.bucket));
    const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/')!;
    const pages = deployments.find((d) => d.DestinationBucketKeyPrefix !== 'assets/')!;
    expect(assets.SystemMetadata['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(assets.Prune).toBe(false);
    expect(pages.SystemMetadata['cache-control']).toBe('no-cache');
    expect(pages.Exclude).toEqual(['assets/*']);
    expect(refId(pages.DistributionId)).toBe(idOf(stack.site.distribution));
    expect(pages.DistributionPaths).toEqual(['/*']);
    expect((resources[pages.id] as { DependsOn?: string[] }).DependsOn ?? []).toContain(assets.id);
  });
});

describe('the page function', () => {
  let handler: (event: unknown) => any;
  let fn: CfnResource;

  beforeAll(() => {
    fn = resources[idOf(stack.site.pageFunction)]!;
    // CloudFront's runtime has no Node globals: a bare context, as the edge gives it.
    handler = vm.runInNewContext(`${fn.Properties!.FunctionCode as string}\n;handler`, {});
  });

  /** viewer-request, then (when the request goes on to S3) viewer-response with S3's 200. */
  function atTheEdge(uri: string): { file: string; status: number } {
    const request = { method: 'GET', uri, querystring: {}, headers: { host: { value: 'd1.cloudfront.net' } }, cookies: {} };
    const forwarded = handler({ version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: '192.0.2.1' }, request });
    expect(forwarded.statusCode, `${uri} is forwarded, not answered`).toBeUndefined();
    const response = handler({
      version: '1.0',
      context: { eventType: 'viewer-response' },
      viewer: { ip: '192.0.2.1' },
      request: forwarded,
      response: { statusCode: 200, statusDescription: 'OK', headers: {}, cookies: {} },
    });
    return { file: String(forwarded.uri).slice(1), status: response.statusCode };
  }

  it('runs on the JS 2.0 runtime, at viewer request and viewer response of the default behaviour only', () => {
    expect(fn.Properties!.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const associations = (config.DefaultCacheBehavior.FunctionAssociations as Behavior[]).map((a) => [a.EventType, refId(a.FunctionARN)]);
    expect(associations).toEqual([
      ['viewer-request', idOf(stack.site.pageFunction)],
      ['viewer-response', idOf(stack.site.pageFunction)],
    ]);
  });

  it.each([
    ['/e/x', 'event.html', 200],
    ['/e/gwangju-2023/', 'event.html', 200],
    ['/e/x/resend', 'resend.html', 200],
    ['/manage', 'manage.html', 200],
    ['/manage/', 'manage.html', 200],
    ['/assets/a.js', 'assets/a.js', 200],
    ['/assets/event-Dwc-mSgA.js', 'assets/event-Dwc-mSgA.js', 200],
    ['/favicon.ico', 'favicon.ico', 200],
    ['/', 'not-found.html', 404],
    ['/e', 'not-found.html', 404],
    ['/e/x/y', 'not-found.html', 404],
    ['/nope', 'not-found.html', 404],
    ['/manage.html', 'not-found.html', 404],
    ['/not-found.html', 'not-found.html', 404],
    ['/assets/../event.html', 'not-found.html', 404],
  ] as const)('%s → %s (%i)', (uri, file, status) => {
    // Act
    const edge = atTheEdge(uri);
    // Assess: the same answer as the local gateway's (resolveSitePath), and the one expected
    expect(edge).toEqual(resolveSitePath(uri));
    expect(edge).toEqual({ file, status });
  });

  it('answers 404 for the not-found page even if the response event carries the request as the viewer sent it', () => {
    // The viewer-response event may carry the viewer's original URI; the request header marks it.
    const request = { method: 'GET', uri: '/nope', querystring: {}, headers: {}, cookies: {} };
    const forwarded = handler({ version: '1.0', context: { eventType: 'viewer-request' }, request: structuredClone(request) });
    const response = handler({
      version: '1.0',
      context: { eventType: 'viewer-response' },
      request: { ...request, headers: forwarded.headers },
      response: { statusCode: 200, headers: {} },
    });
    expect(response.statusCode).toBe(404);
  });

  it('drops a mark the viewer sent itself: a page stays 200', () => {
    const request = { method: 'GET', uri: '/manage', querystring: {}, headers: { 'x-gatepass-not-found': { value: '1' } }, cookies: {} };
    const forwarded = handler({ version: '1.0', context: { eventType: 'viewer-request' }, request });
    const response = handler({
      version: '1.0',
      context: { eventType: 'viewer-response' },
      request: forwarded,
      response: { statusCode: 200, headers: {} },
    });
    expect([forwarded.uri, response.statusCode]).toEqual(['/manage.html', 200]);
  });
});

describe('security headers', () => {
  it('the response-headers policy says exactly web/site-routes.ts securityHeaders, on the default behaviour only', () => {
    // Prepare
    const policyId = idOf(stack.site.headersPolicy);
    // Act
    const policy = resources[policyId]!.Properties!.ResponseHeadersPolicyConfig;
    const s = policy.SecurityHeadersConfig;
    const sent: Record<string, string> = {
      'content-security-policy': render(s.ContentSecurityPolicy.ContentSecurityPolicy),
      'strict-transport-security': `max-age=${s.StrictTransportSecurity.AccessControlMaxAgeSec}${s.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''}${s.StrictTransportSecurity.Preload ? '; preload' : ''}`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': s.FrameOptions.FrameOption,
      'referrer-policy': s.ReferrerPolicy.ReferrerPolicy,
      ...Object.fromEntries(((policy.CustomHeadersConfig?.Items ?? []) as Behavior[]).map((h) => [h.Header.toLowerCase(), h.Value])),
    };
    const overrides = [
      s.ContentSecurityPolicy,
      s.StrictTransportSecurity,
      s.ContentTypeOptions,
      s.FrameOptions,
      s.ReferrerPolicy,
      ...(policy.CustomHeadersConfig?.Items ?? []),
    ].map((h) => h.Override);
    // Assess
    // The console may reach Cognito (discovery, the managed-login domain) and the export bucket, nothing else.
    const domain = `<${idOf(stack.loginDomain)}>`;
    expect(sent).toEqual(
      securityHeadersFor([
        'https://cognito-idp.<AWS::Region>.amazonaws.com',
        `https://${domain}.auth.<AWS::Region>.amazoncognito.com`,
        `https://<${idOf(stack.exportBucket)}.RegionalDomainName>`,
      ]),
    );
    expect({ ...sent, 'content-security-policy': securityHeaders['content-security-policy'] }).toEqual(securityHeaders);
    expect(overrides.every(Boolean)).toBe(true);
    expect(refId(config.DefaultCacheBehavior.ResponseHeadersPolicyId)).toBe(policyId);
    expect(sent['content-security-policy']).toContain("script-src 'self'");
    expect(sent['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('SiteUrl and SITE_URL', () => {
  it('outputs SiteUrl (the distribution) and gives it to the functions that write links, with no dependency cycle', () => {
    // Act
    const siteUrl = render(outputs.SiteUrl?.Value);
    const withSiteUrl = ofType(resources, 'AWS::Lambda::Function').filter(([, f]) => f.Properties!.Environment?.Variables?.SITE_URL);
    // Assess
    expect(siteUrl).toBe(`https://<${idOf(stack.site.distribution)}.DomainName>`);
    expect(withSiteUrl.map(([id]) => id).sort()).toEqual(
      ['mailer', 'outbox-sweeper', 'create-device', 'new-device-pairing'].map((f) => idOf(stack.functions.get(f)!.fn)).sort(),
    );
    for (const [, f] of withSiteUrl) expect(render(f.Properties!.Environment.Variables.SITE_URL)).toBe(siteUrl);
    expect(cycleIn(resources)).toBeUndefined();
  });

  it('the dependency check finds a cycle when there is one (so its silence above means something)', () => {
    const looped: Resources = {
      A: { Type: 'T', Properties: { x: { Ref: 'B' } } },
      B: { Type: 'T', Properties: { y: { 'Fn::GetAtt': ['C', 'Arn'] } } },
      C: { Type: 'T', DependsOn: ['A'] } as CfnResource,
    };
    expect(cycleIn(looped)).toEqual(['A', 'B', 'C', 'A']);
  });
});

describe('custom domain (context siteDomain + siteCertificateArn)', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
  let custom: GatepassStack;
  let customResources: Resources;

  beforeAll(() => {
    custom = new GatepassStack(appWithoutBundling({ siteDomain: 'forum.example.org', siteCertificateArn: certificateArn }), 'Gatepass');
    customResources = synth(custom).json.Resources;
  });

  it('serves the domain with its certificate, TLS 1.2 or newer only, and names it in SiteUrl and SITE_URL', () => {
    // Act
    const distribution =
      customResources[custom.getLogicalId(custom.site.distribution.node.defaultChild as never)]!.Properties!.DistributionConfig;
    const mailer = customResources[custom.getLogicalId(custom.functions.get('mailer')!.fn.node.defaultChild as never)]!;
    // Assess
    expect(distribution.Aliases).toEqual(['forum.example.org']);
    expect(distribution.ViewerCertificate).toEqual({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(custom.siteUrl).toBe('https://forum.example.org');
    expect(mailer.Properties!.Environment.Variables.SITE_URL).toBe('https://forum.example.org');
  });

  it('is cdk-nag clean without acknowledging CFR4 (the custom certificate clears it)', () => {
    const report = new AwsSolutionsChecks().validateScope(custom);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(acknowledgements(custom).map((a) => a.id)).not.toContain('AwsSolutions-CFR4');
    expect(acknowledgements(stack).filter((a) => a.id === 'AwsSolutions-CFR4')).toHaveLength(1);
  });

  it('refuses half a domain, or a certificate outside us-east-1, in one clear line', () => {
    expect(() => new GatepassStack(appWithoutBundling({ siteDomain: 'forum.example.org' }), 'Gatepass')).toThrow(
      /siteDomain and siteCertificateArn go together/,
    );
    expect(
      () =>
        new GatepassStack(
          appWithoutBundling({
            siteDomain: 'forum.example.org',
            siteCertificateArn: certificateArn.replace('us-east-1', 'ap-northeast-2'),
          }),
          'Gatepass',
        ),
    ).toThrow(/us-east-1/);
  });

  it('refuses to synthesize without a built app, saying how to build it', () => {
    expect(() => new GatepassStack(appWithoutBundling({ siteDir: '/nonexistent/dist' }), 'Gatepass')).toThrow(
      /web app is not built.*npm run build:web/,
    );
  });
});

/** A dependency cycle among resources (Ref, GetAtt, Sub, DependsOn), as a path, or undefined. */
function cycleIn(all: Resources): string[] | undefined {
  const edges = (r: CfnResource): string[] => {
    const ids = referencedIds((r as { Properties?: unknown }).Properties);
    for (const sub of JSON.stringify(r.Properties ?? {}).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)) ids.add(sub[1]!);
    for (const d of [(r as { DependsOn?: string | string[] }).DependsOn ?? []].flat()) ids.add(d);
    return [...ids].filter((id) => id in all);
  };
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of edges(all[id]!)) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(all)) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
