/**
 * S-3.2 / L-2 correction reminders, extension and the deadline on the real time-skipping test server, with the
 * notification outbox in PostgreSQL and a local fake SMS gateway.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { correctionDeadline, extendDeadline, lastDayBefore, reminderSchedule } from '../../domain/deadlines';
import {
  applicationWorkflowId,
  extendCorrectionDeadline,
  getState,
  supplyMaterials,
  type ApplicationInput,
} from '../../domain/definitions';
import { CST_OFFSET_MS } from '../../domain/time';
import { httpSmsGateway } from '../../platform/sms';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import { applicationInput, createTestWorker, startTimeSkipping, testPrisma, uniqueTaskQueue } from '../support/context';
import { startFakeSmsGateway } from '../support/fake-sms-gateway';
import { executeStep } from '../../platform/step-client';
import { packagedCalendar } from '../../repositories/calendar';

/** The package's holiday calendar: the one these tests' cases count their deadlines with. */
const CALENDAR = packagedCalendar();

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let gateway: Awaited<ReturnType<typeof startFakeSmsGateway>>;
const taskQueue = uniqueTaskQueue('reminders');
const newWorker = (options = {}) =>
  createTestWorker(env.nativeConnection, prisma, taskQueue, httpSmsGateway({ url: gateway.url }), options);

beforeAll(async () => {
  env = await startTimeSkipping();
  prisma = testPrisma();
  gateway = await startFakeSmsGateway();
});
afterAll(async () => {
  await env?.teardown();
  await prisma?.$disconnect();
  await gateway?.close();
});

async function received(overrides: Partial<ApplicationInput> = {}): Promise<ApplicationInput> {
  return applicationInput({
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    applicant: { name: '测试', idNumber: '11010519491231002X', phone: '13900000000' },
    materialsSupplied: ['identity_proof'],
    ...overrides,
  });
}

const start = (input: ApplicationInput) =>
  env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });

const sleepUntil = async (instant: Date) => env.sleep(Math.max(1, instant.getTime() - (await env.currentTimeMs())));

async function sentNotices(applicationNo: string) {
  const rows = await prisma.notification.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
  return rows.map((r) => `${r.obligationKey}/${r.channel}/${r.status}`);
}
const smsFor = (applicationNo: string) => gateway.received.filter((m) => m.content.includes(applicationNo));

test('S-3.2 the reminder ladder: notice, 3 days, 1 day and on the last day, each once, then the termination notice (L-2)', async () => {
  const worker = await newWorker();
  await worker.runUntil(async () => {
    const input = await received();
    const handle = await start(input);
    expect((await handle.result()).stage).toBe('terminated');
    const last = lastDayBefore(correctionDeadline(new Date(input.receivedAt), 15, CALENDAR));
    const keys = [
      'correction-notice',
      `correction-reminder-3d-${last}`,
      `correction-reminder-1d-${last}`,
      `correction-reminder-0d-${last}`,
      'correction-terminated',
    ];
    expect(await sentNotices(input.applicationNo)).toEqual(keys.flatMap((k) => [`${k}/inbox/sent`, `${k}/sms/sent`]));
    const texts = smsFor(input.applicationNo).map((m) => m.content);
    expect(texts).toHaveLength(5);
    expect(texts[1]).toContain('补正提醒');
    expect(texts[4]).toContain('视为撤回申请');
  });
});

test('S-3.2 reminders go out at 09:00 China time on their days', () => {
  const due = new Date('2026-12-11T16:00:00Z'); // end of 11 Dec in Shanghai
  expect(
    reminderSchedule(due, [3, 1, 0], 9).map((r) => new Date(r.at.getTime() + CST_OFFSET_MS).toISOString()),
  ).toEqual(['2026-12-08T09:00:00.000Z', '2026-12-10T09:00:00.000Z', '2026-12-11T09:00:00.000Z']);
});

test('S-3.2 no reminder after the materials arrive', async () => {
  const worker = await newWorker();
  await worker.runUntil(async () => {
    const input = await received();
    const handle = await start(input);
    const due = correctionDeadline(new Date(input.receivedAt), 15, CALENDAR);
    const [threeDays] = reminderSchedule(due, [3, 1, 0], 9);
    await sleepUntil(new Date(threeDays!.at.getTime() + 3_600_000));
    await executeStep(handle, supplyMaterials, {
      args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'agent-1' }],
    });
    await sleepUntil(new Date(due.getTime() + 86_400_000));
    expect((await handle.query(getState)).stage).toBe('under_review');
    expect((await sentNotices(input.applicationNo)).filter((n) => n.endsWith('/inbox/sent'))).toEqual([
      'correction-notice/inbox/sent',
      `correction-reminder-3d-${lastDayBefore(due)}/inbox/sent`,
    ]);
  });
});

test('S-3.2 each reminder is sent exactly once across a worker restart', async () => {
  const input = await received();
  const due = correctionDeadline(new Date(input.receivedAt), 15, CALENDAR);
  const [threeDays] = reminderSchedule(due, [3, 1, 0], 9);
  // No workflow cache on the first worker: with a cache, the server would hold the next task for it on its sticky
  // queue, and the time-skipping server does not advance time while a task waits there.
  const first = await newWorker({ maxCachedWorkflows: 0 });
  const handle = await first.runUntil(async () => {
    const h = await start(input);
    await sleepUntil(new Date(threeDays!.at.getTime() + 3_600_000));
    return h;
  });
  expect(smsFor(input.applicationNo)).toHaveLength(2); // notice + 3-day reminder, before the restart
  const second = await newWorker();
  await second.runUntil(handle.result());
  const notices = await sentNotices(input.applicationNo);
  expect(notices).toHaveLength(10);
  expect(new Set(notices).size).toBe(10);
  expect(smsFor(input.applicationNo)).toHaveLength(5);
});

describe('S-3.2 extension once, with a reason; the last day counts', () => {
  test('S-3.2 an extension moves the deadline; materials on the new last day are in time; a second extension is refused', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const input = await received();
      const handle = await start(input);
      const due = correctionDeadline(new Date(input.receivedAt), 15, CALENDAR);
      const result = await executeStep(handle, extendCorrectionDeadline, {
        args: [{ days: 5, reason: '申请人住院，无法按期提交', extendedBy: 'staff-1' }],
      });
      const extended = extendDeadline(due, 5, CALENDAR);
      expect(result.correctionDueAt).toBe(extended.toISOString());
      const again = await executeStep(handle, extendCorrectionDeadline, {
        args: [{ days: 1, reason: '再延', extendedBy: 'staff-1' }],
      }).then(
        () => undefined,
        (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
      );
      expect(again?.message).toContain('只能延长一次');

      await sleepUntil(new Date(extended.getTime() - 3_600_000)); // 23:00 on the new last day
      expect((await handle.query(getState)).stage).toBe('awaiting_materials');
      const done = await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'applicant' }],
      });
      expect(done.stage).toBe('under_review');
      const notices = await sentNotices(input.applicationNo);
      expect(notices).toContain('correction-extended/inbox/sent');
      // The old ladder's last-day reminder was replaced by the new ladder's.
      expect(notices).toContain(`correction-reminder-0d-${lastDayBefore(extended)}/inbox/sent`);
      expect(notices).not.toContain(`correction-reminder-0d-${lastDayBefore(due)}/inbox/sent`);
    });
  });

  test('S-3.2 L-2 one moment after the last day the application is terminated and late materials are refused', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const input = await received();
      const handle = await start(input);
      const due = correctionDeadline(new Date(input.receivedAt), 15, CALENDAR);
      await sleepUntil(new Date(due.getTime() + 60_000));
      expect((await handle.query(getState)).stage).toBe('terminated');
      const late = await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement'], receivedBy: 'applicant' }],
      }).then(
        () => 'accepted',
        (err: unknown) => (err instanceof WorkflowUpdateFailedError ? 'refused' : String(err)),
      );
      expect(late).not.toBe('accepted');
    });
  });

  test('S-3.2 an extension is refused without a reason or beyond the configured maximum', async () => {
    const worker = await newWorker();
    await worker.runUntil(async () => {
      const handle = await start(await received());
      for (const args of [
        { days: 3, reason: ' ', extendedBy: 's' },
        { days: 16, reason: '理由', extendedBy: 's' },
      ]) {
        const failure = await executeStep(handle, extendCorrectionDeadline, { args: [args] }).then(
          () => undefined,
          (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
        );
        expect(failure?.type).toBe('InvalidInput');
      }
    });
  });
});
