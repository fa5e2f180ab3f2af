/**
 * Loads a package on first use, without weighing on the cold start.
 *
 * Call it as `loadCommonJs('pkg', () => require('pkg'))`. esbuild bundles a `require('pkg')` call
 * with the package's CommonJS build (the `require` condition) inside a wrapper that runs on the
 * first call, along with the Node built-ins that build requires. An ESM import, even a dynamic
 * `import()`, would put the package's built-ins (node:console, node:crypto...) among the bundle's
 * top-level imports, loaded at cold start.
 *
 * In a bundle and under vitest `require` exists; under tsx (the local stack) an ES module has
 * none, and Node's own require loads the same CommonJS build.
 */
export function loadCommonJs<T>(id: string, bundled: () => unknown): T {
  if (typeof require === 'function') return bundled() as T;
  return process.getBuiltinModule('node:module').createRequire(import.meta.url)(id) as T;
}
