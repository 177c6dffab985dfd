/**
 * Durability of the embedded setup: the Temporal dev server keeps its state in a file (as `npm start` runs it),
 * so stopping and restarting it keeps an open application and its pending correction deadline (S-3.2, L-2),
 * and the case goes on with a new worker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { correctionDeadline, reminderSchedule } from '../../domain/deadlines';
import { applicationWorkflowId, getState, supplyMaterials } from '../../domain/definitions';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { loadEnv } from '../../platform/env';
import { temporalCli } from '../../platform/temporal';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import { applicationInput, createTestWorker, testDataConverter, testPrisma, uniqueTaskQueue } from '../support/context';
import { executeStep } from '../../platform/step-client';
import { packagedCalendar } from '../../repositories/calendar';

/** The package's holiday calendar: the one these tests' cases count their deadlines with. */
const CALENDAR = packagedCalendar();

const dbFilename = join(mkdtempSync(join(tmpdir(), 'temporal-restart-')), 'temporal.db');
const startServer = () =>
  TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCli(loadEnv()),
      dbFilename,
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'json', level: 'error' },
    },
    client: { dataConverter: testDataConverter },
  });

let prisma: PrismaClient;
beforeAll(() => {
  prisma = testPrisma();
});
afterAll(() => prisma.$disconnect());

test('S-3.2 L-2 a pending correction deadline survives a restart of the file-backed Temporal server', async () => {
  const taskQueue = uniqueTaskQueue('restart');
  const input = applicationInput({ materialsSupplied: ['identity_proof'] });
  const workflowId = applicationWorkflowId(input.applicationNo);
  const dueAt = correctionDeadline(new Date(input.receivedAt), input.rules.correctionDays, CALENDAR);

  // First life: the case starts and waits for materials.
  const first = await startServer();
  const worker1 = await createTestWorker(first.nativeConnection, prisma, taskQueue);
  await worker1.runUntil(async () => {
    const handle = await first.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId,
      taskQueue,
      args: [input],
    });
    for (let i = 0; i < 100 && (await handle.query(getState)).seq < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  await first.teardown();

  // Second life: same state file, new server process, new worker.
  const second = await startServer();
  try {
    const handle = second.client.workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const events = (await handle.fetchHistory()).events ?? [];
    const timer = events.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
    expect(timer).toBeDefined();
    expect(events.some((e) => e.timerFiredEventAttributes)).toBe(false);
    const timerMs = Number(timer!.startToFireTimeout!.seconds) * 1000;
    // The pending timer is the first reminder of the ladder for the rule's deadline (S-3.2), to within the seconds
    // between receipt and start.
    const firstReminder = reminderSchedule(dueAt, [3, 1, 0], 9)[0]!;
    expect(Math.abs(Date.now() + timerMs - firstReminder.at.getTime())).toBeLessThan(60_000);

    const worker2 = await createTestWorker(second.nativeConnection, prisma, taskQueue);
    await worker2.runUntil(async () => {
      const state = await handle.query(getState);
      expect(state.stage).toBe('awaiting_materials');
      expect(state.correctionDueAt).toBe(dueAt.toISOString());
      const result = await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'staff-1' }],
      });
      expect(result.stage).toBe('under_review');
    });
    const record = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
    expect(record.stage).toBe('under_review');
    await handle.terminate('test cleanup');
  } finally {
    await second.teardown();
  }
});
