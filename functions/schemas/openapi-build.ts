/** Builds the OpenAPI 3.1 document: routes from the route table, bodies from the zod schemas. */
import * as z from 'zod/mini';
import { routes, type Route } from '#routes';
import { schemas } from '#schemas/openapi-registry';

const errorCodes: Record<number, string> = {
  400: 'Bad request (invalid_json, invalid_cursor)',
  401: 'Missing, expired or invalid credentials (unauthorized)',
  403: 'Valid credentials that may not do this (forbidden)',
  404: 'Unknown event, registration or route (not_found)',
  409: 'Conflict (already_registered, registration_closed, sold_out, request_in_progress, …)',
  413: 'Body over 64 KiB, or 256 KiB for a check-in batch (payload_too_large)',
  415: 'Body is not application/json (unsupported_media_type)',
  422: 'Validation failed (validation_failed, idempotency_key_reused, capacity_below_confirmed)',
  503: 'Database busy after retries (service_unavailable)',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function buildOpenApi() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly Route[]) {
    const security = route.who.includes('anyone')
      ? // Public; a device token, when sent, is still judged (GET /events/{eventId}).
        route.who.includes('device')
        ? [{}, { deviceToken: [] }]
        : []
      : [
          ...(route.who.some((w) => w === 'admin' || w === 'staff') ? [{ cognito: [] }] : []),
          ...(route.who.includes('participant') ? [{ manageToken: [] }] : []),
          ...(route.who.includes('device') ? [{ deviceToken: [] }] : []),
        ];
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const success = route.produces
      ? { content: Object.fromEntries(route.produces.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) }
      : route.response
        ? { content: { 'application/json': { schema: ref(route.response) } } }
        : {};
    const responses: Record<string, unknown> = { [route.status]: { description: 'Success', ...success } };
    if (route.idempotent) {
      (responses[route.status] as Record<string, unknown>).headers = {
        'Idempotent-Replayed': {
          description: 'true when this is the first answer to the same Idempotency-Key and body, replayed',
          schema: { type: 'string', enum: ['true'] },
        },
      };
    }
    if (route.storesExports) {
      responses[303] = {
        description: 'The export is over 5 MB: fetch it from Location, a URL valid for 15 minutes',
        headers: { Location: { required: true, schema: { type: 'string', format: 'uri' } } },
      };
    }
    for (const [status, description] of Object.entries(errorCodes)) {
      responses[status] = { description, content: { 'application/problem+json': { schema: ref('Problem') } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      'x-gatepass-who': route.who,
      security,
      parameters: [
        ...params,
        ...(route.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
        ...(route.idempotent
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
          : []),
        { name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string', examples: ['ko', 'en'] } },
      ],
      ...(route.request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.request) } } } } : {}),
      responses,
    };
  }
  const components: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $schema: _s, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    components[name] = json;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Gatepass', version: '0.1.0', description: 'Registration, badge and check-in API for conferences and forums.' },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito access token; groups admin / staff' },
        manageToken: { type: 'apiKey', in: 'header', name: 'X-Manage-Token', description: "A registration's manage token" },
        deviceToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'gpd_…',
          description: "A paired door scanner's device token (POST /devices/pair): its own event's scanner routes, at its own places",
        },
      },
    },
  };
}
