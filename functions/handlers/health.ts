import { publicRoute } from '#http/route';
import { json } from '#http/respond';

export const handler = publicRoute('health', async () => json(200, { status: 'ok' }));
