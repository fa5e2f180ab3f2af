/**
 * Every answer the e2e tests get is held against the response schemas the OpenAPI document is
 * built from (functions/schemas/openapi-registry.ts): a route's success body against its
 * `response` schema, every problem+json against the Problem schema. A handler that drifts from
 * its documented shape fails whichever test called it.
 */
import { problemDoc, schemas } from '#schemas/openapi-registry';
import { routes, type Route } from '#routes';

const matchers = (routes as readonly Route[]).map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The route a request went to, if any (the gateway's own paths, such as exports, have none). */
export function routeOf(method: string, path: string): Route | undefined {
  const bare = path.split('?')[0]!;
  return matchers.find((m) => m.route.method === method.toUpperCase() && m.pattern.test(bare))?.route;
}

/** Throws, naming the fields, when a JSON answer does not have its documented shape. */
export function checkAnswer(method: string, path: string, status: number, type: string, json: unknown): void {
  if (json === null || !type.includes('json')) return;
  if (type.startsWith('application/problem+json')) {
    const r = problemDoc.safeParse(json);
    if (!r.success) throw new Error(`${method} ${path} → ${status}: not a Problem: ${JSON.stringify(r.error.issues)}`);
    return;
  }
  const route = routeOf(method, path);
  if (!route?.response || status !== route.status) return;
  const schema = schemas[route.response];
  if (!schema) throw new Error(`no schema ${route.response} for ${route.id}`);
  const r = schema.safeParse(json);
  if (!r.success)
    throw new Error(`${method} ${path} → ${status}: not a ${route.response}: ${JSON.stringify(r.error.issues).slice(0, 800)}`);
}
