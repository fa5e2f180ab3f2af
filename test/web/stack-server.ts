/**
 * The browser suite's one local stack, in a process of its own (the stack sets process.env for its
 * handlers): builds web/dist when stale, starts DynamoDB Local and the SES emulator on free ports,
 * the local stack serving the pages beside the API, seeds the demo forum, then prints one line
 * `READY {json}` and runs until SIGTERM. Emails' manage links point at this origin's /manage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal, startSesEmulator } from '#local/engines';
import { signToken } from '#local/issuer';
import { defaultSiteDir, ensureSiteBuilt } from '#local/site';
import { startLocalStack } from '#local/stack';

await ensureSiteBuilt((line) => console.error(line));
const stateDir = mkdtempSync(join(tmpdir(), 'gatepass-web-'));
const [dynamo, ses] = await Promise.all([freePort().then((p) => startDynamoDbLocal(p)), freePort().then((p) => startSesEmulator(p))]);
const port = await freePort();
const stack = await startLocalStack({
  port,
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: ses.endpoint,
  stateDir,
  siteDir: defaultSiteDir,
  sweepSeconds: 3600,
  // The console's sign-ins renew within a test's time (oidc-client-ts renews a minute before expiry).
  accessTokenSeconds: 90,
});
const { seedDemoForum } = await import('#local/seed');
await seedDemoForum();
const admin = await signToken(stateDir, 'admin', { hours: 6 });
console.log(`READY ${JSON.stringify({ url: stack.url, ses: stack.sesEndpoint, admin })}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await ses.stop();
    await dynamo.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  });
}
