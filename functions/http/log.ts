/**
 * The service's structured logger (Powertools Logger, JSON, no PII), loaded and built on first use:
 * a cold start pays nothing for it (neither the package nor node:console and node:crypto, which it
 * imports) unless something is logged. See commonjs.ts for why it is loaded with require().
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { loadCommonJs } from '#http/commonjs';

type LoggerModule = typeof import('@aws-lambda-powertools/logger');

let instance: Logger | undefined;
const get = () =>
  (instance ??= new (loadCommonJs<LoggerModule>('@aws-lambda-powertools/logger', () => require('@aws-lambda-powertools/logger')).Logger)({
    serviceName: 'gatepass',
  }));

type Log = (message: string, fields?: Record<string, unknown>) => void;

export const logger: { debug: Log; info: Log; warn: Log; error: Log } = {
  debug: (message, fields = {}) => get().debug(message, fields),
  info: (message, fields = {}) => get().info(message, fields),
  warn: (message, fields = {}) => get().warn(message, fields),
  error: (message, fields = {}) => get().error(message, fields),
};
