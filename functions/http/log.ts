/**
 * The service's structured logger (Powertools Logger, JSON, no PII), loaded and built on first use:
 * a cold start pays nothing for it (neither the package nor node:console and node:crypto, which it
 * imports) unless something is logged. See commonjs.ts for why it is loaded with require().
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadCommonJs } from '#http/commonjs';

type LoggerModule = typeof import('@aws-lambda-powertools/logger');

import type { Context } from 'aws-lambda';

let instance: Logger | undefined;
/** The invocation being served, and how many this container has served (the first is the cold start). */
let current: Context | undefined;
let invocations = 0;
let applied: Context | undefined;

/**
 * Called at the start of every invocation (requestContext, the workers): each log line then
 * carries the request id and the cold-start flag. Cheap: the logger is still built on first use.
 */
export function useLambdaContext(context: Context | undefined): void {
  if (!context) return;
  current = context;
  invocations++;
}

const get = () => {
  if (!instance) {
    instance = new (loadCommonJs<LoggerModule>('@aws-lambda-powertools/logger', () => require('@aws-lambda-powertools/logger')).Logger)({
      serviceName: 'gatepass',
    });
    // Built after the first invocation (nothing logged until now): this one is not a cold start,
    // whatever the logger's own first-call flag says: consume it (protected in the types only).
    if (invocations > 1) (instance as unknown as { getColdStart(): boolean }).getColdStart();
  }
  if (current && applied !== current) {
    instance.addContext(current);
    applied = current;
  }
  return instance;
};

type Log = (message: string, fields?: Record<string, unknown>) => void;

export const logger: { debug: Log; info: Log; warn: Log; error: Log } = {
  debug: (message, fields = {}) => get().debug(message, fields),
  info: (message, fields = {}) => get().info(message, fields),
  warn: (message, fields = {}) => get().warn(message, fields),
  error: (message, fields = {}) => get().error(message, fields),
};
