/**
 * The service's structured logger (Powertools Logger, JSON, no PII), built on first use: building
 * it costs several milliseconds that a cold start should not pay unless something is logged.
 */
import { Logger } from '@aws-lambda-powertools/logger';

let instance: Logger | undefined;
const get = () => (instance ??= new Logger({ serviceName: 'gatepass' }));

type Log = (message: string, fields?: Record<string, unknown>) => void;

export const logger: { debug: Log; info: Log; warn: Log; error: Log } = {
  debug: (message, fields = {}) => get().debug(message, fields),
  info: (message, fields = {}) => get().info(message, fields),
  warn: (message, fields = {}) => get().warn(message, fields),
  error: (message, fields = {}) => get().error(message, fields),
};
