/**
 * The one error type Gatepass raises on purpose. It carries its own HTTP status and stable
 * `code` (API.md), so a single middleware renders every refusal as problem+json without
 * knowing which layer raised it.
 */
export interface FieldError {
  /** Dotted path into the request body: `answers.companyType`, `sessions.1`. */
  readonly path: string;
  readonly message: string;
}

export class GatepassError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly options: { detail?: string; errors?: readonly FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(options.detail ?? code);
    this.name = 'GatepassError';
  }
}

export const notFound = (detail?: string) => new GatepassError(404, 'not_found', { detail });
/** Busy, nothing written: come back after `retryAfterSeconds`. */
/** Every 503 comes from here, so every one carries Retry-After (API.md). */
export const serviceUnavailable = (retryAfterSeconds = 1, detail?: string) =>
  new GatepassError(503, 'service_unavailable', { headers: { 'Retry-After': String(retryAfterSeconds) }, ...(detail ? { detail } : {}) });
export const validationFailed = (errors: readonly FieldError[]) => new GatepassError(422, 'validation_failed', { errors });
/** A wallet pass asked for where the deployment has no signing certificate or key for it. */
export const walletNotConfigured = () => new GatepassError(409, 'wallet_not_configured');
