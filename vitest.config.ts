import { defineConfig } from 'vitest/config';

// One run starts a pool of DynamoDB Local engines (test/support/engines.ts) for the integration,
// e2e and load projects; each test file leases an engine, makes its own tables and starts its own
// SES emulator (test/support/stack.ts).
//
// Two groups: first everything else, two files at a time; then the load project, one file at a
// time, alone on the machine.
const load = [
  // Tests that race hundreds of requests against each other or against a function's time limit:
  // what they measure is then the code, not the neighbours.
  'test/integration/registration-concurrency.test.ts',
  'test/e2e/approval-concurrency.test.ts',
  'test/e2e/meetings-concurrency.test.ts',
  'test/e2e/seat-plans-time.test.ts',
  'test/e2e/seat-plans.test.ts',
  // The README's examples as written: both run its walk-through, which writes registration.json
  // into the working directory, the project's root.
  'test/e2e/readme.test.ts',
  'test/e2e/readme-devices.test.ts',
];
const engines = { globalSetup: ['test/support/engines.ts'] };
const first = { maxWorkers: 2, sequence: { groupOrder: 0 } };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...first } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], ...first } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: load, ...engines, ...first } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: load, ...engines, ...first } },
      { extends: true, test: { name: 'load', include: load, ...engines, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
