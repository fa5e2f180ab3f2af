import { GatepassError } from '#domain/errors';
import { publicRoute } from '#http/route';

/** API Gateway's `$default` route: whatever matches no route is a problem+json 404. */
export const handler = publicRoute('not-found', async (req) => {
  throw new GatepassError(404, 'not_found', { detail: `No route for ${req.event.requestContext.http.method} ${req.event.rawPath}.` });
});
