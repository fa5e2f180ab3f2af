import { badgeKeyRing } from '#adapters/badge-keys';
import { eventStore } from '#adapters/event-store';
import { GatepassError } from '#domain/errors';
import type { StoredEvent } from '#domain/event';
import { logger } from '#http/route';
import { securedRoute } from '#http/secured-route';
import { json } from '#http/respond';
import { count, publishMetrics } from '#http/metrics';
import { judgeScan, scanningDevice } from '#http/scan';
import { validate } from '#http/validate';
import { checkinBatchInput } from '#schemas/checkin';
import { eventIdOf } from '#http/event-id';

/** Scans judged at once: enough to finish 500 well within the function's time, gentle on the table. */
const CONCURRENCY = 16;

/**
 * An offline scanner's upload: each scan judged as the single route would, results in input
 * order; one bad item never fails the others; uploading again changes nothing.
 */
export const handler = securedRoute(
  'check-in-batch',
  async (req) => {
    const eventId = eventIdOf(req.params);
    const { scans } = validate(checkinBatchInput(), req.body, req.locale);
    const ring = await badgeKeyRing();
    let event: Promise<StoredEvent | undefined> | undefined;
    const loadEvent = () => (event ??= eventStore.read(eventId).then((p) => p?.event));
    const device = scanningDevice(req.principal);
    const results: {
      index: number;
      status: number;
      result?: string;
      code?: string;
      checkedInAt?: string | null;
      deviceId?: string | null;
      offlineDuplicate?: true;
    }[] = new Array(scans.length);
    // Scans of one badge run one after another, in upload order; different badges in parallel. Two
    // scans of one person judged at once would both "set or move" the first-scan time (both
    // checked_in); in order, the repeat reads the first and answers already_checked_in.
    const byPerson = new Map<string, number[]>();
    scans.forEach((scan, index) => {
      const { badge, registrationId } = (scan ?? {}) as { badge?: unknown; registrationId?: unknown };
      const who = typeof badge === 'string' ? `b:${badge}` : `r:${String(registrationId)}`;
      byPerson.set(who, [...(byPerson.get(who) ?? []), index]);
    });
    const groups = [...byPerson.values()];
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        for (const index of groups[next++]!) await judge(index);
      }
    };
    const judge = async (index: number) => {
      try {
        const { status, result } = await judgeScan(eventId, loadEvent, ring, scans[index], req.locale, {
          offline: true,
          device,
          deadline: req.deadline,
        });
        results[index] = {
          index,
          status,
          result: result.result,
          // A repeat names the scan that admitted first, so the scanner can show it.
          checkedInAt: result.checkedInAt,
          ...(result.result === 'already_checked_in' ? { deviceId: result.deviceId ?? null } : {}),
          ...(result.offlineDuplicate ? { offlineDuplicate: true as const } : {}),
        };
      } catch (error) {
        if (!(error instanceof GatepassError)) {
          logger.error('batch scan failed', { index, errorName: error instanceof Error ? error.name : 'unknown' });
          results[index] = { index, status: 500, code: 'internal_error' };
        } else results[index] = { index, status: error.status, code: error.code };
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
    const checkedIn = results.filter((r) => r.result === 'checked_in').length;
    if (checkedIn) count('CheckIns', checkedIn);
    return json(200, { results });
  },
  { use: [publishMetrics()] },
);
