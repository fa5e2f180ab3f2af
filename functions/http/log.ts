/**
 * The service's structured logger (Powertools Logger, JSON, no PII), loaded and built on first use:
 * a cold start pays nothing for it unless something is logged.
 *
 * Loaded with require(), not import: esbuild inlines a required package (Powertools' CommonJS
 * build, picked by the `require` condition) inside a wrapper that runs on the first call, along
 * with the built-ins it needs (node:console, node:crypto). An ESM import, even a dynamic one,
 * would put those built-ins among the bundle's top-level imports, loaded at cold start.
 */
import type { Logger } from '@aws-lambda-powertools/logger';

type LoggerModule = typeof import('@aws-lambda-powertools/logger');

/**
 * In a bundle (and under vitest) `require` is there, and esbuild bundles the call; under tsx
 * (the local stack) an ES module has none, so Node's own require loads the same CommonJS build.
 */
const loadLogger = (): LoggerModule =>
  typeof require === 'function'
    ? (require('@aws-lambda-powertools/logger') as LoggerModule)
    : (process.getBuiltinModule('node:module').createRequire(import.meta.url)('@aws-lambda-powertools/logger') as LoggerModule);

let instance: Logger | undefined;
const get = () => (instance ??= new (loadLogger().Logger)({ serviceName: 'gatepass' }));

type Log = (message: string, fields?: Record<string, unknown>) => void;

export const logger: { debug: Log; info: Log; warn: Log; error: Log } = {
  debug: (message, fields = {}) => get().debug(message, fields),
  info: (message, fields = {}) => get().info(message, fields),
  warn: (message, fields = {}) => get().warn(message, fields),
  error: (message, fields = {}) => get().error(message, fields),
};
