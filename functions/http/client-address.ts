/**
 * The client address that pairing attempts are counted by. Deployed behind CloudFront, the
 * viewer's own address arrives in `CloudFront-Viewer-Address` (`<ip>:<port>`); API Gateway's
 * source address would be CloudFront's edge. An IPv6 client holds a whole /64, so it counts as one.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

function expandIpv6(ip: string): string[] | undefined {
  const [head = '', tail, ...more] = ip.split('::');
  if (more.length) return undefined;
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array.from({ length: 8 - a.length - b.length }, () => '0');
  const groups = [...a, ...fill, ...b];
  return groups.length === 8 && groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups : undefined;
}

export function clientAddress(event: APIGatewayProxyEventV2): string {
  const viewer = event.headers?.['cloudfront-viewer-address']?.trim();
  // Strip the port (the last `:<digits>`); brackets too, should an IPv6 address carry them.
  const raw = (viewer ? viewer.replace(/:\d+$/, '') : (event.requestContext?.http?.sourceIp ?? '')).replace(/^\[|\]$/g, '').toLowerCase();
  if (!raw.includes(':')) return raw;
  const groups = expandIpv6(raw);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.padStart(4, '0'))
        .join(':')}::/64`
    : raw;
}
