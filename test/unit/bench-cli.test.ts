/** `npm run bench -- --help` prints a usage text; a wrong flag says what is accepted, never a stack trace. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('the bench command line', () => {
  it.each(['--help'])('%s prints the usage and measures nothing', (flag) => {
    const r = bench(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run bench/);
    expect(r.stdout).toContain('--only <figures>');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([['--bogus'], ['--only', 'nothing']])('%s → exit 2 with the usage on stderr, no stack trace', (...args) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: npm run bench');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
