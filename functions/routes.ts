/**
 * The route table: the one list of Gatepass's HTTP routes. The CDK stack builds API Gateway
 * routes and one Lambda function per entry from it, the local gateway serves it, the OpenAPI
 * document is generated from it and the auth middleware reads who may call each route.
 * Keep this module free of runtime imports: every handler bundles it.
 */
export type Role = 'anyone' | 'participant' | 'staff' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a route's function may do with the data table (least privilege, granted by the stack). */
export type TableAccess = 'none' | 'read' | 'readwrite';

export interface Route {
  /** Also the handler module: functions/handlers/<id>.ts exporting `handler`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/events/{eventId}`. */
  readonly path: string;
  /** Who may call it; `anyone` means no credential is checked. */
  readonly who: readonly Role[];
  readonly table: TableAccess;
  /** Honours the `Idempotency-Key` header (uses the idempotency table). */
  readonly idempotent?: boolean;
  /** Needs the server secret (manage tokens, signed list cursors). */
  readonly serverSecret?: boolean;
  /** Names in functions/schemas/openapi-registry.ts, for the OpenAPI document. */
  readonly request?: string;
  readonly response?: string;
  readonly status: number;
  readonly summary: string;
}

export const routes = [
  { id: 'health', method: 'GET', path: '/health', who: ['anyone'], table: 'none', status: 200, response: 'Health', summary: 'Liveness check' },
  { id: 'openapi', method: 'GET', path: '/openapi.json', who: ['anyone'], table: 'none', status: 200, summary: 'This OpenAPI document' },
  { id: 'list-events', method: 'GET', path: '/events', who: ['admin'], table: 'read', serverSecret: true, status: 200, response: 'EventList', summary: 'List events, newest first' },
  { id: 'create-event', method: 'POST', path: '/events', who: ['admin'], table: 'readwrite', status: 201, request: 'EventInput', response: 'Event', summary: 'Create an event with its sessions and form fields' },
  { id: 'get-event', method: 'GET', path: '/events/{eventId}', who: ['anyone'], table: 'read', status: 200, response: 'Event', summary: 'Public event page: sessions and seats left' },
  { id: 'update-event', method: 'PATCH', path: '/events/{eventId}', who: ['admin'], table: 'readwrite', status: 200, request: 'EventPatch', response: 'Event', summary: "Change any subset of an event's fields" },
  { id: 'create-registration', method: 'POST', path: '/events/{eventId}/registrations', who: ['anyone'], table: 'readwrite', idempotent: true, serverSecret: true, status: 201, request: 'RegistrationInput', response: 'Registration', summary: 'Register for an event' },
  { id: 'get-registration', method: 'GET', path: '/events/{eventId}/registrations/{registrationId}', who: ['participant', 'staff', 'admin'], table: 'read', serverSecret: true, status: 200, response: 'Registration', summary: 'One registration (manage token, staff or admin)' },
] as const satisfies readonly Route[];

export type RouteId = (typeof routes)[number]['id'];

/** Handles every request that matches no route (API Gateway's `$default`), so 404s stay problem+json. */
export const fallbackRoute = { id: 'not-found', who: ['anyone'], table: 'none' } as const;

export function routeById(id: string): Route | undefined {
  return (routes as readonly Route[]).find((r) => r.id === id);
}
