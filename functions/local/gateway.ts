/**
 * The local gateway: serves the route table the way API Gateway's HTTP API does. It turns each
 * request into an API Gateway v2 (payload 2.0) event and calls the same handler in-process;
 * unmatched requests go to the `$default` handler, as deployed.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { problem } from '#http/respond';
import { serveSite } from '#local/site';
import { fallbackRoute, routes, type Route } from '#routes';
import { isApiPath, resolveSitePath, securityHeaders } from '../../web/site-routes.ts';

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  route: Pick<Route, 'id' | 'method' | 'path'>;
  pattern: RegExp;
  names: string[];
  literals: number;
}

const MAX_BODY = 10 * 1024 * 1024; // API Gateway's own limit
const TIMEOUT_MS = 10_000;

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const pattern = segments
    .map((s) => {
      const m = /^\{(\w+)\}$/.exec(s);
      if (!m) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^/${pattern}$`), names, literals: segments.length - names.length };
}

// Literal segments win over parameters, as in API Gateway.
const table = (routes as readonly Route[]).map(compile).sort((a, b) => b.literals - a.literals);

/** What a stored export is served as, by its extension (S3 keeps the type it was put with). */
const exportTypes: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
};

export function matchRoute(method: string, path: string): { id: string; params: Record<string, string>; routeKey: string } {
  for (const c of table) {
    if (c.route.method !== method) continue;
    const m = c.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    } catch {
      continue;
    }
    return { id: c.route.id, params, routeKey: `${c.route.method} ${c.route.path}` };
  }
  return { id: fallbackRoute.id, params: {}, routeKey: '$default' };
}

const loaded = new Map<string, Promise<LambdaHandler>>();
function loadHandler(id: string): Promise<LambdaHandler> {
  let p = loaded.get(id);
  if (!p) {
    p = import(`../handlers/${id}.ts`).then((m: { handler: LambdaHandler }) => m.handler);
    loaded.set(id, p);
  }
  return p;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const textual = (type: string) => /^(application\/([\w.+-]*json|x-www-form-urlencoded|xml)|text\/)/i.test(type);

export function toApiGatewayEvent(req: IncomingMessage, body: Buffer, match: ReturnType<typeof matchRoute>): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  // As API Gateway does; here the scheme is plain HTTP.
  headers['x-forwarded-proto'] = 'http';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const type = headers['content-type'] ?? '';
  const binary = body.length > 0 && !textual(type);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: headers.cookie?.split(';').map((c) => c.trim()),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(match.params).length ? match.params : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(binary ? 'base64' : 'utf8') : undefined,
    isBase64Encoded: binary,
  };
}

export function lambdaContext(id: string, requestId: string = randomUUID(), timeoutMs = TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `gatepass-${id}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:gatepass-${id}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/gatepass-${id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'Authorization, Content-Type, X-Manage-Token, Idempotency-Key, Accept-Language',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-expose-headers': 'Location, Retry-After, Content-Language, Idempotent-Replayed',
  'access-control-max-age': '600',
};

export interface GatewayOptions {
  /** Extra local-only documents (the issuer's JWKS), served before the route table. */
  extra?: Record<string, () => unknown>;
  /** Local-only files (large exports: S3's part, deployed), served under a path prefix. */
  files?: { prefix: string; dir: string };
  /** Each function's time limit (deployed: 10 s); tests shorten it to reach it. */
  functionTimeoutMs?: number;
  /** The built web app (web/dist): every GET or HEAD outside the API's prefixes, as CloudFront serves the bucket. */
  site?: { dir: string };
  /** The local identity provider's endpoints (functions/local/issuer.ts): true when it answered. */
  issuer?: (req: IncomingMessage, res: ServerResponse, url: URL, pageHeaders: Record<string, string>) => Promise<boolean>;
}

export function createGateway(options: GatewayOptions = {}): Server {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const extra = options.extra?.[url.pathname];
      if (extra && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(extra()));
        return;
      }
      if (options.issuer && (await options.issuer(req, res, url, securityHeaders))) return;
      const files = options.files;
      if (files && req.method === 'GET' && url.pathname.startsWith(files.prefix)) {
        const name = url.pathname.slice(files.prefix.length);
        const body = /^[\w.-]+$/.test(name) ? await readFile(join(files.dir, name)).catch(() => undefined) : undefined;
        if (!body) res.writeHead(404, { 'content-type': 'application/json', ...cors }).end('{"message":"Not Found"}');
        else res.writeHead(200, { 'content-type': exportTypes[extname(name)] ?? 'text/csv; charset=utf-8', ...cors }).end(body);
        return;
      }
      // A path that is no page and no asset gets the site's not-found page where a browser asks
      // for HTML; other clients (curl, fetch: Accept */*) keep the API's 404 problem+json.
      if (
        options.site &&
        (req.method === 'GET' || req.method === 'HEAD') &&
        !isApiPath(url.pathname) &&
        (resolveSitePath(url.pathname).status === 200 || /\btext\/html\b/.test(req.headers.accept ?? ''))
      ) {
        await serveSite(req, res, options.site.dir, url.pathname);
        return;
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors).end();
        return;
      }
      const body = await readBody(req);
      if (body === 'too_large') {
        res.writeHead(413, { 'content-type': 'application/json', ...cors }).end('{"message":"Request Entity Too Large"}');
        return;
      }
      const match = matchRoute(req.method ?? 'GET', url.pathname);
      const event = toApiGatewayEvent(req, body, match);
      const handler = await loadHandler(match.id);
      const result = await handler(event, lambdaContext(match.id, event.requestContext.requestId, options.functionTimeoutMs));
      const headers: Record<string, string> = { ...cors };
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
      const payload = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(result.statusCode ?? 200, headers).end(payload);
    } catch (error) {
      // As API Gateway does when a function fails: the handler itself never lets this happen.
      console.error('local gateway: handler failed', error instanceof Error ? error.name : error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json', ...cors });
      res.end('{"message":"Internal Server Error"}');
    }
  });
  // Requests Node refuses before any handler sees them (headers over its 16 KiB, broken HTTP):
  // problem+json too, rather than Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, code] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout']
          : [400, 'bad_request'];
    const answer = problem(status, code, 'en');
    const body = Buffer.from(answer.body ?? '');
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      ...Object.entries({ ...answer.headers, ...cors, 'content-length': body.length, connection: 'close' }).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
  });
  return server;
}
