/**
 * A raw HTTP client for tests that must send what `fetch` refuses or rewrites: a body on GET,
 * bytes that are not UTF-8, a path with `..`, `%00` or `%2F` kept as they are, any content type.
 * One keep-alive agent per client; `close()` ends its sockets.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as it is (path and query): percent-encode anything outside \x21-\xff. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  type: string;
  text: string;
  /** The parsed body when the type is JSON and it parses; undefined otherwise. */
  json: unknown;
}

export interface RawClient {
  send(req: RawRequest): Promise<RawResponse>;
  close(): void;
}

export function rawClient(baseUrl: string): RawClient {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const send = (req: RawRequest) =>
    new Promise<RawResponse>((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
      const headers: Record<string, string | number> = { ...req.headers };
      if (body) headers['content-length'] = body.length;
      const r = request({ hostname, port, method: req.method, path: req.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const type = String(res.headers['content-type'] ?? '');
          let json: unknown;
          if (/json/i.test(type)) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, type, text, json });
        });
      });
      r.on('error', reject);
      r.end(body);
    });
  return { send, close: () => agent.destroy() };
}
