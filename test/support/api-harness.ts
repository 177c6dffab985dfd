/** The API on a real HTTP port, with a running worker on this run's Temporal dev server and PostgreSQL. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp, type AppDeps } from '../../api/app';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { createLogger } from '../../platform/logger';
import { RecordChanges } from '../../platform/record-changes';
import {
  createTestWorker,
  TEST_AUTH,
  TEST_STATUS_SECRET,
  testCodec,
  testDataConverter,
  testAppDatabaseUrl,
  testPrisma,
  testTemporalAddress,
  uniqueTaskQueue,
} from './context';

/** The API's dependencies in tests: test keys and secrets, generous rate limits, a silent log. */
export function testAppDeps(prisma: AppDeps['prisma'], temporal: AppDeps['temporal'], taskQueue: string): AppDeps {
  return {
    prisma,
    temporal,
    taskQueue,
    rules: DEFAULT_RULE_CONFIG,
    log: createLogger('silent'),
    auth: TEST_AUTH,
    codec: testCodec,
    statusCodeSecret: TEST_STATUS_SECRET,
    codecCorsOrigins: ['http://localhost:8233'],
    requireTraining: true,
    limits: { intakePerMinute: 10_000, actionsPerMinute: 10_000, lookupsPerMinute: 10_000 },
    checkAnswers: true,
  };
}

export async function startApi(overrides: Partial<AppDeps> = {}) {
  const prisma = testPrisma();
  const taskQueue = uniqueTaskQueue('api');
  const nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  const worker = await createTestWorker(nativeConnection, prisma, taskQueue);
  const running = worker.run();
  const connection = await Connection.connect({ address: testTemporalAddress() });
  const client = new Client({ connection, dataConverter: testDataConverter });
  const recordChanges = await RecordChanges.listen(testAppDatabaseUrl(), createLogger('silent'));
  const app = createApp({ ...testAppDeps(prisma, client, taskQueue), recordChanges, ...overrides });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    prisma,
    client,
    taskQueue,
    connection,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await recordChanges.close();
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await prisma.$disconnect();
    },
  };
}

export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** S-2.2: gives people a filing training in force (village agents and advisors need one to file for others). */
export async function trainForFiling(prisma: Awaited<ReturnType<typeof startApi>>['prisma'], ...personIds: string[]) {
  await train(prisma, 'agent_filing', personIds);
}

/** S-2.6: hotline duty training for these officers. */
export async function trainForDuty(prisma: Awaited<ReturnType<typeof startApi>>['prisma'], ...personIds: string[]) {
  await train(prisma, 'hotline_duty', personIds);
}

async function train(
  prisma: Awaited<ReturnType<typeof startApi>>['prisma'],
  kind: 'agent_filing' | 'hotline_duty',
  personIds: string[],
) {
  await prisma.trainingRecord.createMany({
    data: personIds.map((personId) => ({
      personId,
      kind,
      course: kind === 'agent_filing' ? '村居代办培训（测试）' : '热线值班培训（测试）',
      completedOn: new Date('2020-01-01T00:00:00.000Z'),
      recordedBy: 'test-setup',
    })),
  });
}
