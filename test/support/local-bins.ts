/**
 * NodejsFunction runs esbuild as `npx --no-install esbuild …` in an npm project: npm's start-up
 * costs more than many a bundle (~0.5 s of each of the ~80 launches a bundled synth makes). While
 * `fn` runs, an `npx` first on PATH execs the project's own node_modules/.bin/<bin> for exactly
 * that form (the binary npx would have found, with the same arguments: the same bundles), and
 * hands anything else to the real npx.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function withLocalBins<T>(projectRoot: string, fn: () => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatepass-npx-'));
  const bin = path.join(projectRoot, 'node_modules', '.bin');
  writeFileSync(
    path.join(dir, 'npx'),
    `#!/bin/sh
if [ "$1" = "--no-install" ] && [ -n "$2" ] && [ -x ${JSON.stringify(bin)}/"$2" ]; then
  name="$2"; shift 2; exec ${JSON.stringify(bin)}/"$name" "$@"
fi
PATH="\${PATH#*:}" exec npx "$@"
`,
  );
  chmodSync(path.join(dir, 'npx'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${saved ?? ''}`;
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}
