/** One local stack for the whole browser run (see stack-server.ts); its URLs reach the tests through the environment. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default async function globalSetup() {
  const server = fileURLToPath(new URL('./stack-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', server], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  const ready = await new Promise<{ url: string; ses: string; admin: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the browser suite's stack did not start in 120 s:\n${out}`)), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the browser suite's stack exited (${code}) before it was ready:\n${out}`));
    });
  });
  process.env.GATEPASS_WEB_URL = ready.url;
  process.env.GATEPASS_WEB_SES = ready.ses;
  process.env.GATEPASS_WEB_ADMIN = ready.admin;
  return async () => {
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  };
}
