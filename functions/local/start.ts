/**
 * `npm start`: the whole stack on this machine. Flags: --no-seed, --persist.
 * Ports: GATEPASS_PORT (3000), GATEPASS_DYNAMODB_PORT (8000), GATEPASS_SES_PORT (8005).
 */
import { javaProblem } from '#local/engines';
import { defaultSiteDir, ensureSiteBuilt } from '#local/site';
import { startLocalStack } from '#local/stack';

const args = new Set(process.argv.slice(2));
const port = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`${name} must be a port number, got ${raw}`);
    process.exit(2);
  }
  return n;
};

const problem = javaProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}

const started = Date.now();
await ensureSiteBuilt().catch((error: unknown) => {
  console.error(`Gatepass could not build the web app: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const stack = await startLocalStack({
  port: port('GATEPASS_PORT', 3000),
  dynamoPort: port('GATEPASS_DYNAMODB_PORT', 8000),
  sesPort: port('GATEPASS_SES_PORT', 8005),
  persist: args.has('--persist'),
  siteDir: defaultSiteDir,
}).catch((error: unknown) => {
  console.error(`Gatepass could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let seeded = '';
if (!args.has('--no-seed')) {
  const { seedDemoForum } = await import('#local/seed');
  const { event, created } = await seedDemoForum().catch(async (error: unknown) => {
    console.error(`Gatepass could not seed the demo forum: ${error instanceof Error ? error.message : String(error)}`);
    await stack.stop();
    process.exit(1);
  });
  seeded = `\n  demo forum   ${stack.url}/e/${event.id}  (${event.name.en}${created ? ', seeded now' : ''}; API: ${stack.url}/events/${event.id})`;
}

console.log(`Gatepass is running (ready in ${Date.now() - started} ms)
  API          ${stack.url}   (try ${stack.url}/health, ${stack.url}/openapi.json)
  pages        ${stack.url}/e/<eventId>, ${stack.url}/manage, ${stack.url}/scan, ${stack.url}/admin   (built from web/; npm run dev:web for hot reload)${seeded}
  email inbox  ${stack.sesEndpoint}/   (JSON: ${stack.sesEndpoint}/store)
  DynamoDB     ${stack.dynamoEndpoint}   table ${stack.tables.data}${args.has('--persist') ? ' (persisted under .gatepass/)' : ' (in memory)'}
  tokens       npm run -s token -- admin   (or staff)
Ctrl-C stops everything.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
