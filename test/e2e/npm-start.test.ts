/**
 * `npm start` as a person runs it (API.md, Local stack): DynamoDB Local answers on 127.0.0.1
 * only, and SIGTERM to the npm process stops every process the stack started, as Ctrl-C does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '#local/engines';

const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-npm-start-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** Whether something accepts a TCP connection at host:port. */
const listening = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

/** Every process below `root` (Linux procps `ps`). */
function descendants(root: number): number[] {
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of table) if (parent === pid && child !== undefined) found.push(child), walk(child);
  };
  walk(root);
  return found;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (what: string, check: () => boolean | Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

it('DynamoDB Local listens on 127.0.0.1 only, and SIGTERM to `npm start` stops every process it started', {
  timeout: 120_000,
}, async () => {
  // Prepare
  const ports = { api: await freePort(), dynamo: await freePort(), ses: await freePort() };
  const npm = spawn('npm', ['start', '--', '--no-seed'], {
    env: {
      ...process.env,
      GATEPASS_PORT: String(ports.api),
      GATEPASS_DYNAMODB_PORT: String(ports.dynamo),
      GATEPASS_SES_PORT: String(ports.ses),
      GATEPASS_STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
  npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  try {
    await until(
      'GET /health',
      async () => (await fetch(`http://127.0.0.1:${ports.api}/health`).catch(() => undefined))?.status === 200,
      90_000,
    );
    const children = descendants(npm.pid!);
    expect(children.length, output).toBeGreaterThan(0);
    // Assess: DynamoDB Local answers on loopback and on no other address of this machine
    expect(await listening('127.0.0.1', ports.dynamo)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !a.address.startsWith('fe80'));
    for (const address of others) expect(await listening(address!.address, ports.dynamo), address!.address).toBe(false);

    // Act: what a process manager (or `kill`) sends
    npm.kill('SIGTERM');
    // Assess: npm ends, every process under it is gone, every port is free
    await exited;
    await until('every child to end', () => children.every((pid) => !alive(pid)), 15_000);
    for (const port of Object.values(ports)) expect(await listening('127.0.0.1', port), `port ${port}`).toBe(false);
  } finally {
    for (const pid of [npm.pid!, ...descendants(npm.pid!)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});
