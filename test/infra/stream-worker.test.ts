/**
 * addStreamWorker: how a worker (the mailer) is wired to the data table's stream. A stack
 * subclass adds a test worker beside the mailer, exactly as the stack wires its own.
 */
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatepassFunction } from '../../lib/gatepass-function.ts';
import { GatepassStack, OUTBOX_PK_PREFIX } from '../../lib/gatepass-stack.ts';
import {
  actionsOf,
  appWithoutBundling,
  ofType,
  refId,
  referencedIds,
  statementsOfRole,
  synth,
  type Resources,
} from './template-helpers.ts';

class StackWithWorker extends GatepassStack {
  readonly worker: GatepassFunction;
  constructor(app: App) {
    super(app, 'GatepassWithWorker');
    // Any existing handler will do: bundling is skipped, only the wiring is under test.
    this.worker = new GatepassFunction(this, 'TestWorker', { handler: 'health' });
    this.addStreamWorker(this.worker);
  }
}

let stack: StackWithWorker;
let resources: Resources;
let ids: { worker: string; role: string; table: string; dlq: string };

beforeAll(() => {
  // Prepare
  stack = new StackWithWorker(appWithoutBundling());
  // Act
  resources = synth(stack).json.Resources;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  ids = { worker: id(stack.worker.fn), role: id(stack.worker.role), table: id(stack.dataTable), dlq: id(stack.streamDlq) };
});

describe('addStreamWorker', () => {
  it('maps the data table stream to the worker: LATEST, batches of 10, bisect, 3 retries, partial failures, DLQ', () => {
    // Act
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties!)
      .filter((m) => refId(m.FunctionName) === ids.worker);
    // Assess
    expect(mappings).toHaveLength(1);
    const m = mappings[0]!;
    expect(refId(m.FunctionName)).toBe(ids.worker);
    expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [ids.table, 'StreamArn'] });
    expect(m).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: 10,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(refId(m.DestinationConfig.OnFailure.Destination)).toBe(ids.dlq);
  });

  it('invokes the worker only for outbox items (stream record key pk begins with OUTBOX#)', () => {
    // Act
    const mapping = ofType(resources, 'AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties!.FunctionName) === ids.worker)!;
    const filters = mapping[1].Properties!.FilterCriteria.Filters as Array<{ Pattern: string }>;
    // Assess: Keys are present on INSERT, MODIFY and REMOVE records alike
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([{ dynamodb: { Keys: { pk: { S: [{ prefix: OUTBOX_PK_PREFIX }] } } } }]);
    expect(OUTBOX_PK_PREFIX).toBe('OUTBOX#');
  });

  it('lets the worker read this table stream and send failure records to the DLQ, and nothing else new', () => {
    // Act
    const statements = statementsOfRole(resources, ids.role);
    const onStream = statements.filter((s) => JSON.stringify(s.Resource).includes(`"${ids.table}","StreamArn"`)).flatMap(actionsOf);
    const onDlq = statements.filter((s) => referencedIds(s.Resource).has(ids.dlq)).flatMap(actionsOf);
    // Assess
    expect(onStream).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']));
    expect(onDlq).toContain('sqs:SendMessage');
    const tableItemActions = statements.filter((s) => JSON.stringify(s.Resource).includes(`"${ids.table}","Arn"`)).flatMap(actionsOf);
    expect(tableItemActions).toEqual([]); // table grants stay the caller's decision
  });

  it('keeps cdk-nag AwsSolutions clean with a worker attached', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);
    // Assess
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
