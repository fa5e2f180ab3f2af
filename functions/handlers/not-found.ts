import { GatepassError } from '#domain/errors';
import { directRoute } from '#http/direct-route';

/** API Gateway's `$default` route: whatever matches no route is a problem+json 404. */
export const handler = directRoute('not-found', async (req) => {
  throw new GatepassError(404, 'not_found', { detail: `No route for ${req.event.requestContext.http.method} ${req.event.rawPath}.` });
});
