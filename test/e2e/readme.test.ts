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

/** The shell blocks of "Try it (curl)", in order: the walk-through, then the list and CSV examples. */
function tryItBlocks(): string {
  const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');
  // The door-scanner block (a section of its own, readme-devices.test.ts) is not part of the walk-through.
  const section = ((readme.split('## Try it (curl)')[1] ?? '').split('\n## ')[0] ?? '').split('\n### Door scanners')[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 2) throw new Error(`README's "Try it (curl)" should hold 2 curl blocks, found ${blocks.length}`);
  return blocks.join('\n');
}

it('the README curl examples work as written, and show what their comments say', async () => {
  // Act
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', tryItBlocks()], {
    cwd: root,
    env: { ...process.env, API: stack.url, GATEPASS_STATE_DIR: stack.stateDir },
    timeout: 90_000,
  });
  // Assess: every body printed on a line of its own
  expect(stdout).not.toMatch(/\}\{/);
  const lines = stdout.split('\n');
  expect(stdout).toContain('"id":"gwangju-2023"');
  expect(stdout).toMatch(/created event [A-Za-z0-9_-]{12}\n/);
  expect(stdout).toContain('"name":"김민지"');
  expect(stdout).toContain('"code":"already_registered"');
  expect(stdout).toContain('"capacity":900');
  expect(stdout).toContain('"result":"checked_in"');
  expect(stdout).toContain('"result":"already_checked_in"');
  expect(stdout).toContain('"deviceId":"door-1"');
  // The offline batch: the first upload checks her in, the second (the same scan) changes nothing.
  const uploads = [...stdout.matchAll(/"results":\[\{"index":0,"status":(\d+),"result":"(\w+)"[^\]]*\}\]/g)];
  expect(uploads.map((u) => u[2])).toEqual(['checked_in', 'already_checked_in']);
  expect(stdout).toMatch(/"eventId":"[\w-]{12}","capacity":900,"confirmed":2,"waitlisted":0,"cancelled":0,"checkedIn":2/);
  expect(stdout).toContain('"eventId":"gwangju-2023"');
  // The lists run while both are registered: the filtered one finds 김민지 (confirmed, bio, checked in).
  const lists = lines.filter((l) => l.startsWith('{"items":'));
  expect(lists.length).toBeGreaterThanOrEqual(2);
  expect(lists[0]).toContain('"name":"Hannah Müller"');
  expect(JSON.parse(lists[1]!).items.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([['김민지', 'confirmed']]);
  expect(stdout).toContain('session:bio');
  // Then she changes her details and cancels.
  expect(stdout).toContain('"jobTitle":"CEO"');
  expect(stdout).toContain('"status":"cancelled"');
  expect(stdout).not.toContain('"status":5');
});
