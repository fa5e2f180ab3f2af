/**
 * Business metrics as CloudWatch EMF (Powertools Metrics): registrations and check-ins by
 * outcome. Only the routes that count something bundle this; locally (POWERTOOLS_DEV) nothing
 * is printed. Powertools Metrics is loaded and built on the first count, not at cold start (see
 * commonjs.ts for why with require()).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { loadCommonJs } from '#http/commonjs';
import type { GatepassEvent } from '#http/route';
import type { HttpResult } from '#http/respond';

type MetricsModule = typeof import('@aws-lambda-powertools/metrics');

const load = () => loadCommonJs<MetricsModule>('@aws-lambda-powertools/metrics', () => require('@aws-lambda-powertools/metrics'));

let instance: Metrics | undefined;
const metrics = () => (instance ??= new (load().Metrics)({ namespace: 'Gatepass', serviceName: 'gatepass' }));

export const count = (name: string, value = 1) => metrics().addMetric(name, load().MetricUnit.Count, value);

/** Publishes what was counted since the last publish; nothing counted, nothing published. */
export function publishCounted(): void {
  if (instance?.hasStoredMetrics()) instance.publishStoredMetrics();
}

/** Publishes what the invocation counted; an invocation that counted nothing publishes nothing. */
export const publishMetrics = (): MiddlewareObj<GatepassEvent, HttpResult> => {
  const publish = async () => publishCounted();
  return { after: publish, onError: publish };
};
