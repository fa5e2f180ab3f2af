/**
 * Configuration, read once from process.env through one zod schema; fails fast with a clear
 * message naming every missing or malformed variable. Endpoints for local engines come through
 * the AWS SDK's own variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SES).
 */
import * as z from 'zod/mini';
import { verifiesJwts } from '#routes';

/** Built by the first config() call, not when the module loads (zod/mini schema construction costs a cold start). */
const schema = () =>
  z.object({
    DATA_TABLE: z.string().check(z.minLength(3)),
    /** Deployed: the Secrets Manager secret the manage-token key is derived from. */
    SERVER_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** Local stack and tests: the secret itself (never set in a deployed template). */
    SERVER_SECRET: z.optional(z.string().check(z.minLength(32))),
    /** Deployed: the secret the badge signing keys derive from (current and previous versions). */
    BADGE_KEY_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** Local stack and tests: comma-separated seeds, newest (signing) first. */
    BADGE_KEY_SEEDS: z.optional(z.string().check(z.minLength(32))),
    /** Sender of participant emails (a verified SES identity when deployed). */
    MAIL_FROM: z.optional(z.string().check(z.minLength(3))),
    /** The organiser's page that manages a registration; the token goes in its URL fragment. */
    MANAGE_PAGE_URL: z.optional(z.url()),
    /** The site's own URL (SiteUrl: CloudFront deployed, the local gateway locally), for links in emails and the scanner's pairing deep link; never a request's Host. */
    SITE_URL: z.optional(z.url()),
    /** The API's public base URL, for links in emails when no manage page is configured. */
    PUBLIC_API_URL: z.optional(z.url()),
    /** Deployed: the bucket that holds exports too large for one response (short-lived objects). */
    EXPORT_BUCKET: z.optional(z.string().check(z.minLength(3))),
    /** Local stack: a folder for such exports, and the URL the local gateway serves it at. */
    EXPORT_DIR: z.optional(z.string().check(z.minLength(1))),
    EXPORT_BASE_URL: z.optional(z.url()),
    /** Wallet passes (functions/domain/wallet.ts): non-secret ids, set only where the signing secret is configured too. */
    APPLE_PASS_TYPE_ID: z.optional(z.string().check(z.minLength(1))),
    APPLE_TEAM_ID: z.optional(z.string().check(z.minLength(1))),
    /** Deployed: the secret holding the Pass Type ID certificate, its key and Apple's WWDR certificate (PEMs as JSON). */
    APPLE_PASS_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** Local stack and tests: that JSON itself. */
    APPLE_PASS_CERTIFICATES: z.optional(z.string().check(z.minLength(2))),
    GOOGLE_WALLET_ISSUER_ID: z.optional(z.string().check(z.minLength(1))),
    /** Deployed: the secret holding the Google service-account key (its JSON key file). */
    GOOGLE_WALLET_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** Local stack and tests: that JSON itself. */
    GOOGLE_WALLET_KEY: z.optional(z.string().check(z.minLength(2))),
    /** Deployed: the webhook-sender function, invoked asynchronously per endpoint lane (functions/adapters/webhook-dispatch.ts). */
    WEBHOOK_SENDER_FUNCTION: z.optional(z.string().check(z.minLength(1))),
    /** Local stack only: webhooks may also go to http://127.0.0.1:<port> ("1"). */
    WEBHOOK_ALLOW_LOCAL_HTTP: z.optional(z.enum(['0', '1'])),
    JWT_ISSUER: z.optional(z.url()),
    JWT_JWKS_URL: z.optional(z.url()),
    /** App client ids whose access tokens are accepted, comma-separated (the API's client, the console's). */
    JWT_CLIENT_ID: z.optional(z.string().check(z.regex(/^[\w-]+(,[\w-]+)*$/))),
  });

export type Config = z.infer<ReturnType<typeof schema>>;

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = schema().safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Gatepass configuration is invalid: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** What a function's route-table entry says it touches (functions/routes.ts). */
export interface FunctionNeeds {
  readonly id: string;
  readonly table?: 'none' | 'read' | 'readwrite';
  readonly who?: readonly string[];
  readonly serverSecret?: boolean;
  readonly badgeKeys?: boolean;
  readonly sendsEmail?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables a function cannot serve one request without, from its route's flags: each
 * missing one (or one of a pair) is named. Presence only, and no zod: it runs at every cold
 * start; config() still checks every format on first use.
 */
export function configProblems(needs: FunctionNeeds, env: Env = process.env): string[] {
  const set = (name: string) => typeof env[name] === 'string' && env[name] !== '';
  const problems: string[] = [];
  const need = (...names: string[]) => {
    for (const name of names) if (!set(name)) problems.push(name);
  };
  const either = (a: string, b: string) => {
    if (!set(a) && !set(b)) problems.push(`${a} or ${b}`);
  };
  if (needs.table && needs.table !== 'none') need('DATA_TABLE');
  if (needs.serverSecret) either('SERVER_SECRET', 'SERVER_SECRET_ARN');
  if (needs.badgeKeys) either('BADGE_KEY_SEEDS', 'BADGE_KEY_SECRET_ARN');
  // A route open to staff or admins verifies JWTs: such a caller must not get a 500.
  if (verifiesJwts(needs.who)) need('JWT_ISSUER', 'JWT_JWKS_URL', 'JWT_CLIENT_ID');
  if (needs.sendsEmail) need('MAIL_FROM');
  // An export without a place to store large ones still serves those that fit one response
  // (and answers 503 for the rest): by design, not a missing setting.
  return problems;
}

/**
 * Fails the function's start (its init, deployed), naming every missing variable, instead of
 * answering 500 to each request: called once per handler module, from the route's flags.
 */
export function requireConfigFor(needs: FunctionNeeds, env: Env = process.env): void {
  const missing = configProblems(needs, env);
  if (missing.length) throw new Error(`Gatepass function ${needs.id} cannot start: missing configuration ${missing.join(', ')}`);
}

/** Tests and the local stack change the environment between stacks in one process. */
export function resetConfig(): void {
  cached = undefined;
}
