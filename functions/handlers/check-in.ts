import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { count, publishMetrics } from '#http/metrics';
import { judgeScan, scanningDevice } from '#http/scan';
import { eventIdOf } from '#http/event-id';

export const handler = securedRoute(
  'check-in',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const { status, result } = await judgeScan(
      eventId,
      async () => (await eventStore.read(eventId))?.event,
      await badgeKeyRing(),
      req.body,
      req.locale,
      { offline: false, device: scanningDevice(req.principal), deadline: req.deadline },
    );
    if (result.result === 'checked_in') count('CheckIns');
    return json(status, result);
  },
  { use: [publishMetrics()] },
);
