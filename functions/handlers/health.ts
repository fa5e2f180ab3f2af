import { directRoute } from '#http/direct-route';
import { json } from '#http/respond';

export const handler = directRoute('health', async () => json(200, { status: 'ok' }));
