/**
 * The route table: the one list of Gatepass's HTTP routes. The CDK stack builds API Gateway
 * routes and one Lambda function per entry from it, the local gateway serves it, the OpenAPI
 * document is generated from it and the auth middleware reads who may call each route.
 * Keep this module free of runtime imports: every handler bundles it.
 */
export type Role = 'anyone' | 'participant' | 'staff' | 'admin' | 'device';

/** Staff and admins sign in with Cognito JWTs; participants and devices bring tokens of Gatepass's own. */
export const verifiesJwts = (who: readonly string[] | undefined): boolean => who?.some((w) => w === 'staff' || w === 'admin') ?? false;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /** Its transactions delete items (seat lines, email guards, session counters): dynamodb:DeleteItem. */
  readonly deletes?: boolean;
  /** Honours the `Idempotency-Key` header (its record is written in the route's own transaction). */
  readonly idempotent?: boolean;
  /** Needs the server secret (manage tokens, signed list cursors). */
  readonly serverSecret?: boolean;
  /** Signs or verifies badges (reads the badge key ring). */
  readonly badgeKeys?: boolean;
  /** Hands large exports over through the export bucket (a short-lived download URL). */
  readonly storesExports?: boolean;
  /**
   * Open to anyone, with more for an admin's bearer token (POST …/registrations: outside the
   * window, over capacity, no approval): gets the JWT settings though no JWT is required.
   */
  readonly adminBearer?: boolean;
  /** Writes links to the site's pages (the scanner's pairing deep link): gets SITE_URL. */
  readonly siteUrl?: boolean;
  /** Writes XLSX workbooks (the exceljs writer ships as a lazy module). */
  readonly writesWorkbooks?: boolean;
  /** Renders badges (SVG, PNG, PDF): ships the fonts and needs more memory. */
  readonly rendersBadges?: boolean;
  /** Hands out a wallet pass of this kind: reads that kind's signing secret (Apple's is packaged by a lazy module). */
  readonly wallet?: 'apple' | 'google';
  /** Names in functions/schemas/openapi-registry.ts, for the OpenAPI document. */
  readonly request?: string;
  readonly response?: string;
  /** Query parameters, for the OpenAPI document. */
  readonly query?: readonly string[];
  /** The body limit in bytes when it is not the default 64 KiB (API.md: 413 payload_too_large beyond). */
  readonly maxBodyBytes?: number;
  /** Media types of a success body that is not JSON. */
  readonly produces?: readonly string[];
  readonly status: number;
  readonly summary: string;
}

export const routes = [
  {
    id: 'health',
    method: 'GET',
    path: '/health',
    who: ['anyone'],
    table: 'none',
    status: 200,
    response: 'Health',
    summary: 'Liveness check',
  },
  { id: 'openapi', method: 'GET', path: '/openapi.json', who: ['anyone'], table: 'none', status: 200, summary: 'This OpenAPI document' },
  {
    id: 'list-events',
    method: 'GET',
    path: '/events',
    who: ['admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['limit', 'cursor'],
    response: 'EventList',
    summary: 'List events, newest first',
  },
  {
    id: 'create-event',
    method: 'POST',
    path: '/events',
    who: ['admin'],
    table: 'readwrite',
    status: 201,
    request: 'EventInput',
    response: 'Event',
    summary: 'Create an event with its sessions and form fields',
  },
  {
    id: 'get-event',
    method: 'GET',
    path: '/events/{eventId}',
    who: ['anyone', 'device'],
    table: 'read',
    status: 200,
    response: 'Event',
    summary: 'Public event page: sessions and seats left',
  },
  {
    id: 'update-event',
    method: 'PATCH',
    path: '/events/{eventId}',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    status: 200,
    request: 'EventPatch',
    response: 'Event',
    summary: "Change any subset of an event's fields",
  },
  {
    id: 'create-registration',
    method: 'POST',
    path: '/events/{eventId}/registrations',
    who: ['anyone'],
    adminBearer: true,
    table: 'readwrite',
    idempotent: true,
    serverSecret: true,
    badgeKeys: true,
    status: 201,
    request: 'RegistrationInput',
    response: 'Registration',
    summary: 'Register for an event',
  },
  {
    id: 'get-registration',
    method: 'GET',
    path: '/events/{eventId}/registrations/{registrationId}',
    who: ['participant', 'staff', 'admin'],
    table: 'read',
    serverSecret: true,
    badgeKeys: true,
    status: 200,
    query: ['token'],
    response: 'Registration',
    summary: 'One registration (manage token, staff or admin)',
  },
  {
    id: 'update-registration',
    method: 'PATCH',
    path: '/events/{eventId}/registrations/{registrationId}',
    who: ['participant', 'admin'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    badgeKeys: true,
    status: 200,
    query: ['token'],
    request: 'RegistrationPatch',
    response: 'Registration',
    summary: "Change a registration's details or sessions (not its email)",
  },
  {
    id: 'cancel-registration',
    method: 'DELETE',
    path: '/events/{eventId}/registrations/{registrationId}',
    who: ['participant', 'admin'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    response: 'Registration',
    summary: 'Cancel: frees its seats and email, promotes the waitlist',
  },
  {
    id: 'resend-manage-link',
    method: 'POST',
    path: '/events/{eventId}/registrations/resend',
    who: ['anyone'],
    table: 'readwrite',
    status: 202,
    request: 'ResendInput',
    response: 'Accepted',
    summary: 'Email the manage link again, if that email is registered (always 202)',
  },
  {
    id: 'rotate-manage-token',
    method: 'POST',
    path: '/events/{eventId}/registrations/{registrationId}/manage-token',
    who: ['participant', 'admin'],
    table: 'readwrite',
    serverSecret: true,
    status: 202,
    query: ['token'],
    response: 'Accepted',
    summary: 'Replace the manage link: the old token stops at once, the new link is emailed',
  },
  {
    id: 'get-attendance',
    method: 'GET',
    path: '/events/{eventId}/attendance',
    who: ['admin'],
    table: 'read',
    status: 200,
    response: 'Attendance',
    summary: 'Live attendance summary',
  },
  {
    id: 'get-badge-keys',
    method: 'GET',
    path: '/events/{eventId}/badge-keys',
    who: ['staff', 'admin', 'device'],
    table: 'read',
    badgeKeys: true,
    status: 200,
    response: 'BadgeKeys',
    summary: "Public keys (JWKS) that verify this event's badges",
  },
  {
    id: 'get-badge',
    method: 'GET',
    path: '/events/{eventId}/registrations/{registrationId}/badge',
    who: ['participant', 'staff', 'admin'],
    table: 'read',
    serverSecret: true,
    badgeKeys: true,
    rendersBadges: true,
    status: 200,
    query: ['format', 'token'],
    produces: ['image/svg+xml', 'image/png', 'application/pdf'],
    summary: 'The badge as SVG, PNG or print-ready PDF (?format=svg|png|pdf)',
  },
  {
    id: 'get-wallet-apple',
    method: 'GET',
    path: '/events/{eventId}/registrations/{registrationId}/wallet/apple',
    who: ['participant', 'staff', 'admin'],
    table: 'read',
    serverSecret: true,
    badgeKeys: true,
    wallet: 'apple',
    status: 200,
    query: ['token'],
    produces: ['application/vnd.apple.pkpass'],
    summary: 'The badge as an Apple Wallet event ticket (.pkpass)',
  },
  {
    id: 'get-wallet-google',
    method: 'GET',
    path: '/events/{eventId}/registrations/{registrationId}/wallet/google',
    who: ['participant', 'staff', 'admin'],
    table: 'read',
    serverSecret: true,
    badgeKeys: true,
    wallet: 'google',
    status: 200,
    query: ['token'],
    response: 'WalletSaveLink',
    summary: 'A "Save to Google Wallet" link for the badge',
  },
  {
    id: 'check-in',
    method: 'POST',
    path: '/events/{eventId}/checkins',
    who: ['staff', 'admin', 'device'],
    table: 'readwrite',
    badgeKeys: true,
    status: 201,
    request: 'CheckinInput',
    response: 'Checkin',
    summary: 'One scan at the entrance or a session door: first scan wins',
  },
  {
    id: 'check-in-batch',
    method: 'POST',
    path: '/events/{eventId}/checkins/batch',
    who: ['staff', 'admin', 'device'],
    table: 'readwrite',
    badgeKeys: true,
    maxBodyBytes: 256 * 1024,
    status: 200,
    request: 'CheckinBatchInput',
    response: 'CheckinBatch',
    summary: 'Up to 500 scans from an offline scanner, each judged as one scan',
  },
  {
    id: 'get-roster',
    method: 'GET',
    path: '/events/{eventId}/roster',
    who: ['staff', 'admin', 'device'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['since', 'cursor', 'limit'],
    response: 'Roster',
    summary: 'Offline-scanner sync: registrations changed since a sync token',
  },
  {
    id: 'redrive-outbox',
    method: 'POST',
    path: '/outbox/redrive',
    who: ['admin'],
    table: 'readwrite',
    status: 200,
    response: 'Redrive',
    summary: 'Put failed emails back in the outbox',
  },
  {
    id: 'list-registrations',
    method: 'GET',
    path: '/events/{eventId}/registrations',
    who: ['admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['status', 'sessionId', 'checkedIn', 'q', 'limit', 'cursor'],
    response: 'RegistrationList',
    summary: 'List registrations, oldest first; filters status, sessionId, checkedIn, q',
  },
  {
    id: 'create-device',
    method: 'POST',
    path: '/events/{eventId}/devices',
    who: ['admin'],
    table: 'readwrite',
    siteUrl: true,
    status: 201,
    request: 'DeviceInput',
    response: 'DeviceWithPairing',
    summary: 'Create a door scanner with a one-time pairing code (15 minutes)',
  },
  {
    id: 'list-devices',
    method: 'GET',
    path: '/events/{eventId}/devices',
    who: ['admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['limit', 'cursor'],
    response: 'DeviceList',
    summary: "The event's door scanners, oldest first",
  },
  {
    id: 'revoke-device',
    method: 'DELETE',
    path: '/events/{eventId}/devices/{deviceId}',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    status: 200,
    response: 'Device',
    summary: 'Revoke a door scanner: its token answers device_revoked at once',
  },
  {
    id: 'new-device-pairing',
    method: 'POST',
    path: '/events/{eventId}/devices/{deviceId}/pairing',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    siteUrl: true,
    status: 201,
    response: 'DeviceWithPairing',
    summary: 'A fresh pairing code for a device (the previous code stops; pairing replaces its token)',
  },
  {
    id: 'pair-device',
    method: 'POST',
    path: '/devices/pair',
    who: ['anyone'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 201,
    request: 'PairingInput',
    response: 'Pairing',
    summary: 'Trade a pairing code for a device token (once; rate-limited per client address)',
  },
  {
    id: 'list-checkin-duplicates',
    method: 'GET',
    path: '/events/{eventId}/checkins/duplicates',
    who: ['admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['limit', 'cursor'],
    response: 'CheckinDuplicates',
    summary: 'Badges admitted offline by one device after another had admitted them',
  },
  {
    id: 'export-registrations',
    method: 'GET',
    path: '/events/{eventId}/registrations/export.csv',
    who: ['admin'],
    table: 'read',
    status: 200,
    storesExports: true,
    produces: ['text/csv'],
    summary: 'Every registration as CSV (text/csv, UTF-8 with BOM)',
  },
  // — approval —
  {
    id: 'approve-registration',
    method: 'POST',
    path: '/events/{eventId}/registrations/{registrationId}/approve',
    who: ['admin'],
    table: 'readwrite',
    status: 200,
    response: 'Registration',
    summary: 'Approve a pending registration: it takes seats as a new one would now (confirmed, waitlisted or 409 sold_out)',
  },
  {
    id: 'deny-registration',
    method: 'POST',
    path: '/events/{eventId}/registrations/{registrationId}/deny',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    status: 200,
    request: 'DenyInput',
    response: 'Registration',
    summary: 'Deny a pending registration (with an optional reason): its email is freed',
  },
  // — exits, re-entry and occupancy —
  {
    id: 'get-attendance-timeline',
    method: 'GET',
    path: '/events/{eventId}/attendance/timeline',
    who: ['admin', 'staff'],
    table: 'read',
    status: 200,
    query: ['bucket'],
    response: 'AttendanceTimeline',
    summary: 'Entries, exits and people inside per place per time bucket (5m, 15m or 60m)',
  },
  // — exports: XLSX export, badge print run —
  {
    id: 'export-registrations-xlsx',
    method: 'GET',
    path: '/events/{eventId}/registrations/export.xlsx',
    who: ['admin'],
    table: 'read',
    status: 200,
    storesExports: true,
    writesWorkbooks: true,
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    summary: "Every registration as an XLSX workbook: the CSV's rows and columns, typed cells",
  },
  {
    id: 'print-badges',
    method: 'GET',
    path: '/events/{eventId}/badges.pdf',
    who: ['admin'],
    table: 'read',
    badgeKeys: true,
    rendersBadges: true,
    storesExports: true,
    status: 200,
    query: ['sort', 'sessionId', 'part'],
    produces: ['application/pdf'],
    summary: 'All confirmed badges, one A6 page each (?sort=name|organization, ?sessionId=, ?part=: parts of 100)',
  },
  // — meetings (B2B matchmaking) —
  {
    id: 'put-meeting-profile',
    method: 'PUT',
    path: '/events/{eventId}/registrations/{registrationId}/meeting-profile',
    who: ['participant'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    request: 'MeetingProfileInput',
    response: 'MeetingProfile',
    summary: "Opt in to (or out of) the event's meeting directory",
  },
  {
    id: 'list-meeting-profiles',
    method: 'GET',
    path: '/events/{eventId}/meeting-profiles',
    who: ['participant', 'staff', 'admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['sector', 'q', 'limit', 'cursor', 'token'],
    response: 'MeetingProfileList',
    summary: 'The meeting directory: visible profiles of confirmed registrations (never an email)',
  },
  {
    id: 'request-meeting',
    method: 'POST',
    path: '/events/{eventId}/meetings',
    who: ['participant'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 201,
    query: ['token'],
    request: 'MeetingRequestInput',
    response: 'Meeting',
    summary: 'Ask another participant for a meeting',
  },
  {
    id: 'accept-meeting',
    method: 'POST',
    path: '/events/{eventId}/meetings/{meetingId}/accept',
    who: ['participant'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    response: 'Meeting',
    summary: 'Accept a request: the earliest slot with both people and a table free',
  },
  {
    id: 'decline-meeting',
    method: 'POST',
    path: '/events/{eventId}/meetings/{meetingId}/decline',
    who: ['participant'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    response: 'Meeting',
    summary: 'Decline a request',
  },
  {
    id: 'cancel-meeting',
    method: 'POST',
    path: '/events/{eventId}/meetings/{meetingId}/cancel',
    who: ['participant', 'admin'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    response: 'Meeting',
    summary: 'Cancel a request or meeting (either side, or an admin): frees its slot and table',
  },
  {
    id: 'check-in-meeting',
    method: 'POST',
    path: '/events/{eventId}/meetings/{meetingId}/checkins',
    who: ['staff', 'admin', 'device'],
    table: 'readwrite',
    deletes: true,
    badgeKeys: true,
    status: 200,
    request: 'MeetingCheckinInput',
    response: 'Meeting',
    summary: "A badge at a meeting's table: that side is present; both present makes it held",
  },
  {
    id: 'list-meetings',
    method: 'GET',
    path: '/events/{eventId}/meetings',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['table', 'status', 'limit', 'cursor'],
    response: 'MeetingList',
    summary: "The event's meeting schedule (by slot); filters table, status",
  },
  {
    id: 'export-meetings',
    method: 'GET',
    path: '/events/{eventId}/meetings/export.csv',
    who: ['admin'],
    table: 'read',
    status: 200,
    storesExports: true,
    produces: ['text/csv'],
    summary: 'Every meeting as CSV (text/csv, UTF-8 with BOM)',
  },
  {
    id: 'list-registration-meetings',
    method: 'GET',
    path: '/events/{eventId}/registrations/{registrationId}/meetings',
    who: ['participant'],
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    status: 200,
    query: ['token'],
    response: 'MeetingList',
    summary: "A participant's meetings, requests in and out",
  },
  // — webhooks —
  {
    id: 'create-webhook',
    method: 'POST',
    path: '/webhooks',
    who: ['admin'],
    table: 'readwrite',
    serverSecret: true,
    status: 201,
    request: 'WebhookInput',
    response: 'WebhookWithSecret',
    summary: 'Add a webhook endpoint; its signing secret is shown once',
  },
  {
    id: 'list-webhooks',
    method: 'GET',
    path: '/webhooks',
    who: ['admin'],
    table: 'read',
    status: 200,
    response: 'WebhookList',
    summary: 'The webhook endpoints, oldest first (no secrets)',
  },
  {
    id: 'update-webhook',
    method: 'PATCH',
    path: '/webhooks/{webhookId}',
    who: ['admin'],
    table: 'readwrite',
    status: 200,
    request: 'WebhookPatch',
    response: 'Webhook',
    summary: 'Change enabled, types or url (enabled: true after a 410 turns it on again)',
  },
  {
    id: 'rotate-webhook-secret',
    method: 'POST',
    path: '/webhooks/{webhookId}/secret',
    who: ['admin'],
    table: 'readwrite',
    serverSecret: true,
    status: 201,
    response: 'WebhookSecret',
    summary: 'A new signing secret, shown once; the previous one signs too for 24 hours',
  },
  {
    id: 'delete-webhook',
    method: 'DELETE',
    path: '/webhooks/{webhookId}',
    who: ['admin'],
    table: 'readwrite',
    deletes: true,
    status: 204,
    summary: 'Remove a webhook endpoint',
  },
  {
    id: 'list-webhook-deliveries',
    method: 'GET',
    path: '/webhooks/{webhookId}/deliveries',
    who: ['admin'],
    table: 'read',
    serverSecret: true,
    status: 200,
    query: ['limit', 'cursor'],
    response: 'WebhookDeliveryList',
    summary: "Recent attempts of one endpoint's messages, newest first",
  },
  // — meetings: the scanner's table mode —
  {
    id: 'check-in-meeting-table',
    method: 'POST',
    path: '/events/{eventId}/meetings/checkins',
    who: ['staff', 'admin', 'device'],
    table: 'readwrite',
    deletes: true,
    badgeKeys: true,
    status: 200,
    request: 'MeetingTableCheckinInput',
    response: 'Meeting',
    summary: "A badge at a table: checks in to the table's meeting under way (or starting within 10 minutes)",
  },
] as const satisfies readonly Route[];

/**
 * Functions that no HTTP route calls: the stack wires them to the table's stream (outbox items)
 * or to a schedule; the local stack polls the stream and runs the timer with the same handlers.
 */
export interface Worker {
  readonly id: string;
  /** `invoke`: invoked asynchronously by another worker (`invokes` names it). */
  readonly trigger: 'outbox-stream' | 'schedule' | 'invoke';
  /** The worker it invokes asynchronously (lambda:InvokeFunction on that function only). */
  readonly invokes?: string;
  readonly everyMinutes?: number;
  readonly table: TableAccess;
  /** Deletes items (dynamodb:DeleteItem is granted only then). */
  readonly deletes?: boolean;
  readonly serverSecret?: boolean;
  readonly badgeKeys?: boolean;
  readonly sendsEmail?: boolean;
  /** The stream records it is invoked for: pk prefix (default `OUTBOX#`, the email outbox). */
  readonly streamPrefix?: string;
  /** Its time limit when the default 10 s is too short (a webhook attempt takes up to 5 s). */
  readonly timeoutSeconds?: number;
  readonly summary: string;
}

export const workers = [
  {
    id: 'mailer',
    trigger: 'outbox-stream',
    table: 'readwrite',
    serverSecret: true,
    badgeKeys: true,
    sendsEmail: true,
    summary: 'Sends the emails owed by outbox items',
  },
  {
    id: 'outbox-sweeper',
    trigger: 'schedule',
    everyMinutes: 1,
    table: 'readwrite',
    deletes: true,
    serverSecret: true,
    badgeKeys: true,
    sendsEmail: true,
    summary: 'Retries owed emails whose next attempt is due; finishes owed promotions; moves data expiry after an event change',
  },
  // — webhooks —
  {
    id: 'webhook-consumer',
    trigger: 'outbox-stream',
    streamPrefix: 'OWED#',
    table: 'readwrite',
    deletes: true,
    invokes: 'webhook-sender',
    summary: 'Fans owed changes out to the subscribed webhook endpoints; hands each endpoint its own sender',
  },
  {
    id: 'webhook-sweeper',
    trigger: 'schedule',
    everyMinutes: 1,
    table: 'readwrite',
    deletes: true,
    invokes: 'webhook-sender',
    summary: 'Retries webhook messages whose next attempt is due, with backoff for 24 hours; fans out owed changes the stream missed',
  },
  {
    id: 'webhook-sender',
    trigger: 'invoke',
    table: 'readwrite',
    serverSecret: true,
    timeoutSeconds: 70,
    summary: "Sends one endpoint's lane of webhook messages, signed, 5 s an attempt",
  },
] as const satisfies readonly Worker[];

export type RouteId = (typeof routes)[number]['id'];

/** Handles every request that matches no route (API Gateway's `$default`), so 404s stay problem+json. */
export const fallbackRoute = { id: 'not-found', who: ['anyone'], table: 'none' } as const;

/** The route a handler serves (the fallback included); a handler for no route is a build error. */
export function routeOfHandler(id: string): Route | typeof fallbackRoute {
  const route = id === fallbackRoute.id ? fallbackRoute : routeById(id);
  if (!route) throw new Error(`route ${id} is not in the route table`);
  return route;
}

/** The worker a handler serves (the mailer, the sweeper). */
export function workerOfHandler(id: string): Worker {
  const worker = (workers as readonly Worker[]).find((w) => w.id === id);
  if (!worker) throw new Error(`worker ${id} is not in the route table`);
  return worker;
}

export function routeById(id: string): Route | undefined {
  return (routes as readonly Route[]).find((r) => r.id === id);
}
