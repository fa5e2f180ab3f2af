/** Runs the README's curl examples as written against a stack of this test's own, so they cannot rot. */
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
  // The seeded forum is the first thing the README shows.
  const { seedDemoForum } = await import('#local/seed');
  await seedDemoForum();
});
afterAll(() => stack?.stop());

function tryItBlock(): string {
  const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');
  const section = readme.split('## Try it (curl)')[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README has no curl block under "Try it (curl)"');
  return block;
}

it('the README curl examples work as written', async () => {
  // Act
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', tryItBlock()], {
    cwd: root,
    env: { ...process.env, API: stack.url, GATEPASS_STATE_DIR: stack.stateDir },
    timeout: 60_000,
  });
  // Assess
  expect(stdout).toContain('"id":"gwangju-2023"');
  expect(stdout).toMatch(/created event [A-Za-z0-9_-]{12}\n/);
  expect(stdout).toContain('"name":"김민지"');
  expect(stdout).toContain('"code":"already_registered"');
  expect(stdout).toContain('"capacity":900');
  expect(stdout).toContain('"result":"checked_in"');
  expect(stdout).toContain('"result":"already_checked_in"');
  expect(stdout).toContain('"deviceId":"door-1"');
  // Both uploads of the offline batch: the person was already in, and counts once.
  const uploads = [...stdout.matchAll(/"results":\[\{"index":0,"status":(\d+),"result":"(\w+)"[^\]]*\}\]/g)];
  expect(uploads).toHaveLength(2);
  // The second upload of the same scan changes nothing.
  expect(uploads[1]!.slice(1)).toEqual(['200', 'already_checked_in']);
  expect(stdout).toMatch(/"eventId":"[\w-]{12}","capacity":900,"confirmed":1,"waitlisted":0,"cancelled":0,"checkedIn":1/);
  expect(stdout).toContain('"eventId":"gwangju-2023"');
  expect(stdout).toContain('"jobTitle":"CEO"');
  expect(stdout).toContain('"status":"cancelled"');
  expect(stdout).not.toContain('"status":5');
});
