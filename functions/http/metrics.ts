/**
 * Business metrics as CloudWatch EMF (Powertools Metrics): registrations and check-ins by
 * outcome. Only the routes that count something bundle this; locally (POWERTOOLS_DEV) nothing
 * is printed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { GatepassEvent } from '#http/route';
import type { HttpResult } from '#http/respond';

export const metrics = new Metrics({ namespace: 'Gatepass', serviceName: 'gatepass' });

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);

/** Publishes what the invocation counted; an invocation that counted nothing publishes nothing. */
export const publishMetrics = (): MiddlewareObj<GatepassEvent, HttpResult> => {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
};
