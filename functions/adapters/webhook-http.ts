/**
 * One webhook attempt over the network. The host is resolved once, every address it resolves to
 * must be public, and the connection goes to the address that was checked (node's `lookup` hook
 * answers with it: no second lookup that a rebinding DNS could answer differently), with SNI and
 * Host still the URL's hostname. 5 s for the whole attempt, redirects never followed, at most a
 * short excerpt of the answer read.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { config } from '#config';
import { ATTEMPT_TIMEOUT_MS, RESPONSE_EXCERPT, checkWebhookUrl, pickAddress, type AttemptResult } from '#domain/webhooks';

/** The local stack's allowance (http://127.0.0.1:<port>), from configuration. */
export const allowsLocalHttp = () => config().WEBHOOK_ALLOW_LOCAL_HTTP === '1';

/** Where a URL would be connected to: undefined when it may not be sent to (422 at creation). */
export async function resolveWebhookUrl(raw: string): Promise<{ url: URL; hostname: string; address: string; family: number } | undefined> {
  const verdict = checkWebhookUrl(raw, allowsLocalHttp());
  if (!verdict.ok) return undefined;
  if (verdict.local) return { url: verdict.url, hostname: verdict.hostname, address: '127.0.0.1', family: 4 };
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(verdict.hostname)
      ? [{ address: verdict.hostname, family: isIP(verdict.hostname) }]
      : await lookup(verdict.hostname, { all: true, verbatim: true });
  } catch {
    return undefined;
  }
  const picked = pickAddress(addresses);
  return picked && { url: verdict.url, hostname: verdict.hostname, ...picked };
}

export async function postWebhook(raw: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
  const started = Date.now();
  const target = await resolveWebhookUrl(raw);
  if (!target) return { ok: false, status: null, excerpt: 'address not allowed' };
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const remaining = Math.max(1, ATTEMPT_TIMEOUT_MS - (Date.now() - started));
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const local = target.url.protocol === 'http:';
    const options = {
      method: 'POST',
      host: target.hostname,
      port: local ? Number(target.url.port) : 443,
      path: `${target.url.pathname}${target.url.search}`,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Gatepass-Webhooks/1',
      },
      lookup: pinned,
      agent: false as const,
      ...(local || isIP(target.hostname) ? {} : { servername: target.hostname }),
    };
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let excerpt = '';
      const done = () =>
        finish({ ok: status >= 200 && status < 300, status, excerpt: excerpt.slice(0, RESPONSE_EXCERPT) } as AttemptResult);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        excerpt += chunk;
        if (excerpt.length >= RESPONSE_EXCERPT) done();
      });
      res.on('end', done);
      res.on('error', done);
    };
    const req = local ? httpRequest(options, onResponse) : httpsRequest(options, onResponse);
    const timer = setTimeout(() => finish({ ok: false, status: null, excerpt: 'timed out' }), remaining);
    req.on('error', (e) => finish({ ok: false, status: null, excerpt: e.name === 'Error' ? 'connection failed' : e.name }));
    req.end(body);
  });
}
