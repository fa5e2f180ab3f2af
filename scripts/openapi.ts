/**
 * Generates functions/schemas/openapi.json from the route table and the zod schemas
 * (`npm run openapi`); a unit test fails when the committed document is out of date.
 */
import { writeFileSync } from 'node:fs';
import { buildOpenApi } from '../functions/schemas/openapi-build.ts';

const file = new URL('../functions/schemas/openapi.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(buildOpenApi(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
