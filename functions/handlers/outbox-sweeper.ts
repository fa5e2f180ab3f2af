/**
 * The sweeper (every minute, EventBridge; locally a timer): delivers outbox items whose next
 * attempt is due, which is how a failed send is retried with backoff.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { outboxStore } from '#adapters/outbox-store';
import { deliver } from '#mail/deliver';
import { deliveryPorts } from '#mail/ports';

const metrics = new Metrics({ namespace: 'Gatepass', serviceName: 'gatepass' });
const ports = deliveryPorts();

export const handler = async (): Promise<{ attempted: number; sent: number; failed: number }> => {
  const due = await outboxStore.due(new Date());
  let sent = 0;
  let failed = 0;
  for (const item of due) {
    const outcome = await deliver(ports, item.id);
    if (outcome === 'sent') sent++;
    if (outcome === 'failed') failed++;
  }
  if (sent) metrics.addMetric('EmailsSent', MetricUnit.Count, sent);
  if (failed) metrics.addMetric('EmailsFailed', MetricUnit.Count, failed);
  if (sent || failed) metrics.publishStoredMetrics();
  return { attempted: due.length, sent, failed };
};
