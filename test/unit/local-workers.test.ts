/**
 * The local stream poller (functions/local/workers.ts), against a stream that fails as DynamoDB
 * Local's does on demand only when tables share an engine (aws-sdk-client-mock: a fault the
 * engine will not produce at will): drain() must not call the stream idle after a pass that
 * failed, and a refused iterator is taken anew where reading stopped.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, expect, it } from 'vitest';

Object.assign(process.env, {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'unit',
  AWS_SECRET_ACCESS_KEY: 'unit',
  DATA_TABLE: 'data-workers',
  SERVER_SECRET: Buffer.alloc(32, 1).toString('base64url'),
  MAIL_FROM: 'Gatepass <no-reply@gatepass.local>',
  BADGE_KEY_SEEDS: Buffer.alloc(32, 2).toString('base64url'),
  PUBLIC_API_URL: 'http://127.0.0.1:1',
  SITE_URL: 'http://127.0.0.1:1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

const streams = mockClient(DynamoDBStreamsClient);
const tables = mockClient(DynamoDBClient);
afterEach(() => {
  streams.reset();
  tables.reset();
});

const arn = 'arn:aws:dynamodb:ddblocal:000000000000:table/data-workers/stream/2026-12-01T00:00:00.000';

async function workersOn(getRecords: (input: { ShardIterator?: string }) => unknown) {
  tables.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: arn } });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).callsFake((input: { ShardIteratorType: string; SequenceNumber?: string }) => ({
    ShardIterator: `${input.ShardIteratorType}:${input.SequenceNumber ?? ''}`,
  }));
  streams.on(GetRecordsCommand).callsFake(getRecords);
  const { startWorkers } = await import('#local/workers');
  return startWorkers({
    dynamo: new DynamoDBClient({}),
    endpoint: 'http://127.0.0.1:1',
    table: 'data-workers',
    stateDir: mkdtempSync(join(tmpdir(), 'gatepass-workers-')),
    sweepSeconds: 3600,
    log: () => undefined,
  });
}

/** A record no worker wants (its pk matches no stream filter): read, handed to nobody. */
const record = (seq: string) => ({ dynamodb: { SequenceNumber: seq, Keys: { pk: { S: `NOBODY#${seq}` } } } });

it('drain() waits through failing passes and resolves after one that read the stream', async () => {
  // Prepare: the first five reads fail
  let reads = 0;
  const workers = await workersOn(() => {
    reads++;
    if (reads <= 5) throw new Error('engine busy');
    return { Records: [], NextShardIterator: 'next' };
  });
  try {
    // Act
    await workers.drain();
    // Assess: not before a read succeeded
    expect(reads).toBeGreaterThan(5);
  } finally {
    await workers.stop();
  }
}, 20_000);

it('a refused iterator is taken anew after the last record read, and reading goes on', async () => {
  // Prepare: the first read returns record 1; the next iterator is refused once
  const asked: string[] = [];
  let refused = false;
  const workers = await workersOn(({ ShardIterator }) => {
    asked.push(ShardIterator ?? '');
    if (ShardIterator === 'TRIM_HORIZON:') return { Records: [record('1')], NextShardIterator: 'after-1' };
    if (ShardIterator === 'after-1' && !refused) {
      refused = true;
      throw new TrimmedDataAccessException({ message: 'read past the oldest record', $metadata: {} });
    }
    return { Records: [], NextShardIterator: ShardIterator };
  });
  try {
    // Act
    await workers.drain();
    await workers.drain();
    // Assess: taken anew after sequence number 1, not from the start (which would read 1 twice)
    expect(asked).toContain('AFTER_SEQUENCE_NUMBER:1');
    expect(asked.filter((a) => a === 'TRIM_HORIZON:')).toHaveLength(1);
  } finally {
    await workers.stop();
  }
}, 20_000);
