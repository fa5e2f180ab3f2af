/**
 * Business metrics as CloudWatch EMF (Powertools Metrics): registrations and check-ins by
 * outcome. Only the routes that count something bundle this; locally (POWERTOOLS_DEV) nothing
 * is printed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { GatepassEvent } from '#http/route';
import type { HttpResult } from '#http/respond';

export const metrics = new Metrics({ namespace: 'Gatepass', serviceName: 'gatepass' });

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);

/** Publishes what the invocation counted (nothing is published when nothing was counted). */
export const publishMetrics = () => logMetrics(metrics) as unknown as MiddlewareObj<GatepassEvent, HttpResult>;
