import { httpRoute } from '#http/route';
import { json } from '#http/respond';

export const handler = httpRoute('health', async () => json(200, { status: 'ok' }));
