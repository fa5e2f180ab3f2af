/**
 * Runs the README's door-scanner block as written, after the "Try it" block whose variables it
 * uses ($API, $ADMIN, $EVENT_ID), against a stack of this test's own.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  const { seedDemoForum } = await import('#local/seed');
  await seedDemoForum();
});
afterAll(() => stack?.stop());

const blockAfter = (readme: string, heading: string) => {
  const block = /```sh\n([\s\S]*?)```/.exec(readme.split(heading)[1] ?? '')?.[1];
  if (!block) throw new Error(`README has no sh block under "${heading}"`);
  return block;
};

it('the README door-scanner examples work as written', async () => {
  // Prepare
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const script = `${blockAfter(readme, '## Try it (curl)')}\necho '--- devices'\n${blockAfter(readme, '### Door scanners: devices (admin)')}`;
  // Act
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: { ...process.env, API: stack.url, GATEPASS_STATE_DIR: stack.stateDir },
    timeout: 90_000,
  });
  // Assess
  const devices = stdout.split('--- devices')[1]!;
  expect(devices).toContain('"syncToken"');
  expect(devices).toMatch(/"name":"정문 1","places":\["venue","bio"\],"createdAt":"[^"]+","pairedAt":"[^"]+"/);
  expect(devices).toContain('{"items":[],"nextCursor":null}');
  expect(devices).toMatch(/"revokedAt":"[^"]+"}/);
  expect(devices).toContain('"code":"device_revoked"');
}, 120_000);
