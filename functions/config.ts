/**
 * Configuration, read once from process.env through one zod schema; fails fast with a clear
 * message naming every missing or malformed variable. Endpoints for local engines come through
 * the AWS SDK's own variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SES).
 */
import * as z from 'zod/mini';

/** Built by the first config() call, not when the module loads (zod/mini schema construction costs a cold start). */
const schema = () => z.object({
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
  /** The site's own URL (CloudFront deployed, the gateway locally): the scanner's pairing deep link names it. */
  SITE_URL: z.optional(z.url()),
  /** The API's public base URL, for links in emails when no manage page is configured. */
  PUBLIC_API_URL: z.optional(z.url()),
  /** Deployed: the bucket that holds exports too large for one response (short-lived objects). */
  EXPORT_BUCKET: z.optional(z.string().check(z.minLength(3))),
  /** Local stack: a folder for such exports, and the URL the local gateway serves it at. */
  EXPORT_DIR: z.optional(z.string().check(z.minLength(1))),
  EXPORT_BASE_URL: z.optional(z.url()),
  JWT_ISSUER: z.optional(z.url()),
  JWT_JWKS_URL: z.optional(z.url()),
  JWT_CLIENT_ID: z.optional(z.string().check(z.minLength(1))),
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

/** Tests and the local stack change the environment between stacks in one process. */
export function resetConfig(): void {
  cached = undefined;
}
