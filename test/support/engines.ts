/**
 * Global setup of the integration and e2e projects: one DynamoDB Local (a JVM: one per run on
 * two cores) and one SES emulator, on free ports, shared by every test file of the run; each file
 * makes its own tables. Both projects' setups run in one process, so they share one instance.
 */
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal, startSesEmulator, type RunningDynamo, type RunningSes } from '#local/engines';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

let engines: Promise<{ dynamo: RunningDynamo; ses: RunningSes }> | undefined;
let users = 0;

export default async function setup(project: TestProject) {
  engines ??= (async () => ({ dynamo: await startDynamoDbLocal(await freePort()), ses: await startSesEmulator(await freePort()) }))();
  users++;
  const { dynamo, ses } = await engines;
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    if (--users > 0) return;
    await ses.stop();
    await dynamo.stop();
  };
}
