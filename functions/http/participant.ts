import { GatepassError } from '#domain/errors';
import type { StoredRegistration } from '#domain/registration';
import type { RouteRequest } from '#http/route';

/** A participant's token must be the registration's current one (POST …/manage-token rotates it; resend never does). */
export function assertCurrentManageToken(req: RouteRequest, registration: StoredRegistration): void {
  if (req.principal.kind === 'participant' && req.principal.tokenVersion !== registration.tokenVersion) {
    throw new GatepassError(401, 'unauthorized', { detail: 'This manage link has been replaced by a newer one.' });
  }
}
