/** L-10 objection to a refusal, on the real time-skipping test server. */
import { type WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { endOfDayPeriod, lastDayOfPeriod } from '../../domain/deadlines';
import {
  applicationWorkflowId,
  decide,
  decideObjection,
  fileObjection,
  getState,
  supplyMaterials,
  terminateAid,
  type ApplicationInput,
} from '../../domain/definitions';
import { recipientOf } from '../../domain/obligations';
import { formatCstDay } from '../../domain/time';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import {
  applicationInput,
  startWorkflowSuite,
  uniqueTaskQueue,
  type WorkflowSuite,
  untilStage,
} from '../support/context';
import { executeStep } from '../../platform/step-client';
import { packagedCalendar } from '../../repositories/calendar';

/** The package's holiday calendar: the one these tests' cases count their deadlines with. */
const CALENDAR = packagedCalendar();

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('objection');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

async function refusedCase() {
  const input: ApplicationInput = applicationInput({ receivedAt: new Date(await env.currentTimeMs()).toISOString() });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  await executeStep(handle, decide, {
    args: [{ decision: 'refuse', reason: '家庭人均收入高于标准', decidedBy: 'head-1', requestId: 'r' }],
  });
  return { input, handle };
}

/** Rows the workflow writes after a step's answer (notices of a later batch): polled until there are some. */
async function untilStored<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; i < 100; i++) {
    const rows = await read();
    if (rows.length > 0) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
  );

test('L-10 no objection within the window: the refusal becomes final and the case closes', async () => {
  const { handle } = await refusedCase();
  expect((await handle.result()).stage).toBe('refused');
});

test('L-10 objection upheld: review within 5 days, the refusal stands', async () => {
  const { input, handle } = await refusedCase();
  await env.sleep('3 days');
  const filed = await executeStep(handle, fileObjection, { args: [{ reason: '收入计算有误', filedBy: 'app-1' }] });
  expect(filed.stage).toBe('objection_review');
  expect(filed.reviewDueAt).toBe(endOfDayPeriod(new Date(await env.currentTimeMs()), 5, CALENDAR).toISOString());
  await executeStep(handle, decideObjection, {
    args: [{ outcome: 'upheld', reason: '原决定正确', decidedBy: 'bureau-1' }],
  });
  expect((await handle.result()).stage).toBe('refused');
  const events = await prisma.applicationStageEvent.findMany({
    where: { applicationNo: input.applicationNo },
    orderBy: { seq: 'asc' },
  });
  expect(events.map((e) => e.stage)).toEqual(['received', 'under_review', 'refused', 'objection_review', 'refused']);
  expect(events.at(-1)!.ruleIds).toEqual(['L-10']);
});

test('L-10 objection corrected: back to review, and a new decision grants aid', async () => {
  const { handle } = await refusedCase();
  await executeStep(handle, fileObjection, { args: [{ reason: '有新的证明材料', filedBy: 'app-1' }] });
  const corrected = await executeStep(handle, decideObjection, {
    args: [{ outcome: 'corrected', reason: '应重新审查', decidedBy: 'bureau-1' }],
  });
  expect(corrected.stage).toBe('under_review');
  await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
  await untilStage(handle, prisma, 'assigning');
});

test('L-10 a review past 5 days is escalated once, and the decision still closes it', async () => {
  const { input, handle } = await refusedCase();
  await executeStep(handle, fileObjection, { args: [{ reason: '异议', filedBy: 'app-1' }] });
  await env.sleep('8 days');
  expect((await handle.query(getState)).stage).toBe('objection_review');
  await env.sleep('8 days');
  const overdue = await prisma.notification.findMany({
    where: { applicationNo: input.applicationNo, obligationKey: 'objection-review-overdue' },
  });
  expect(overdue).toHaveLength(1);
  const events = await prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } });
  expect(events.filter((e) => e.note?.includes('超过法定期限'))).toHaveLength(1);
  await executeStep(handle, decideObjection, { args: [{ outcome: 'upheld', reason: '维持', decidedBy: 'bureau-1' }] });
  expect((await handle.result()).stage).toBe('refused');
});

test('L-1 L-10 a refusal sends the applicant a written decision: its reasons, and where and until when to object', async () => {
  const { input, handle } = await refusedCase();
  const decidedAt = new Date((await handle.query(getState)).decision!.decidedAt);
  await untilStored(() =>
    prisma.notification.findMany({ where: { applicationNo: input.applicationNo, template: 'refusal' } }),
  );
  const notices = await prisma.notification.findMany({
    where: { applicationNo: input.applicationNo, template: 'refusal' },
  });
  expect(notices.map((n) => [n.channel, n.recipient])).toEqual([['inbox', 'applicant']]);
  const body = notices[0]!.body;
  expect(body).toContain('不予法律援助');
  expect(body).toContain('理由：家庭人均收入高于标准');
  expect(body).toContain('司法行政部门');
  // The window of the case's rules (15 days by default), its last day a China date as notices write it.
  const lastDay = formatCstDay(lastDayOfPeriod(decidedAt, input.rules.objectionWindowDays));
  expect(body).toContain(`请于 ${lastDay}（含当日）前`);
});

test('L-10 the overdue review is escalated to the justice bureau, not to the applicant', async () => {
  const { input, handle } = await refusedCase();
  await executeStep(handle, fileObjection, { args: [{ reason: '异议', filedBy: 'app-1' }] });
  await env.sleep('8 days');
  const overdue = await untilStored(() =>
    prisma.notification.findMany({
      where: { applicationNo: input.applicationNo, obligationKey: 'objection-review-overdue' },
    }),
  );
  expect(overdue.map((n) => [n.channel, n.recipient])).toEqual([['inbox', `justice_bureau:${input.agencyCode}`]]);
  // The same owner the stuck-case board names for the review (domain/obligations.ts).
  expect(overdue[0]!.recipient).toBe(recipientOf('justice_bureau', input.agencyCode));
});

test('L-1 L-10 no note or notice of a case through pause, resume, refusal and objection shows an ISO instant', async () => {
  const input: ApplicationInput = applicationInput({
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    materialsSupplied: ['identity_proof'],
  });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  await env.sleep('2 days'); // the reminders' ladder and the pause
  await executeStep(handle, supplyMaterials, {
    args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 's' }],
  });
  await executeStep(handle, decide, {
    args: [{ decision: 'refuse', reason: '家庭人均收入高于标准', decidedBy: 'head-1', requestId: 'r' }],
  });
  await executeStep(handle, fileObjection, { args: [{ reason: '收入计算有误', filedBy: 'app-1' }] });
  await env.sleep('8 days'); // the review passes its period: escalated
  await executeStep(handle, decideObjection, { args: [{ outcome: 'upheld', reason: '维持', decidedBy: 'bureau-1' }] });
  expect((await handle.result()).stage).toBe('refused');
  const events = await prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } });
  const notices = await prisma.notification.findMany({ where: { applicationNo: input.applicationNo } });
  const row = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
  const texts = [...events.map((e) => e.note ?? ''), ...notices.map((n) => n.body), row.closedReason ?? ''];
  expect(events.map((e) => e.note ?? '').join('\n')).toContain('审查期限恢复计算');
  expect(texts.filter((t) => /\d{4}-\d{2}-\d{2}T/.test(t))).toEqual([]);
  expect(notices.map((n) => n.template)).toEqual(
    expect.arrayContaining(['correction_notice', 'refusal', 'objection_review_overdue']),
  );
});

test('L-10 an objection needs a reason, is only for refusals, and is decided only once filed', async () => {
  const { handle } = await refusedCase();
  expect((await failureOf(executeStep(handle, fileObjection, { args: [{ reason: ' ', filedBy: 'a' }] })))?.type).toBe(
    'InvalidInput',
  );
  expect(
    (
      await failureOf(
        executeStep(handle, decideObjection, { args: [{ outcome: 'upheld', reason: 'x', decidedBy: 'b' }] }),
      )
    )?.message,
  ).toContain('没有待审查的异议');
  await executeStep(handle, fileObjection, { args: [{ reason: '异议', filedBy: 'a' }] });
  expect(
    (await failureOf(executeStep(handle, fileObjection, { args: [{ reason: '再次', filedBy: 'a' }] })))?.message,
  ).toContain('不能提出异议');
});

describe('L-9 termination of granted aid, open to objection (L-10)', () => {
  async function grantedCase() {
    const input: ApplicationInput = applicationInput({ receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue,
      args: [input],
    });
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
    await untilStage(handle, prisma, 'assigning'); // S-3.3: on to assignment (this agency has no pool: waits)
    for (let i = 0; i < 200 && (await handle.query(getState)).assignment?.status !== 'awaiting_agency'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await untilStage(handle, prisma, 'assigning');
    return { input, handle };
  }

  test('L-9 a granted case stays open; terminated on a ground, the ground is recorded and the applicant notified', async () => {
    const { input, handle } = await grantedCase();
    expect((await handle.query(getState)).stage).toBe('assigning');
    await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '受援人已自行委托律师', terminatedBy: 'head-1' });
    await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '重复信号', terminatedBy: 'head-1' }); // no effect
    await untilStage(handle, prisma, 'terminated');
    const state = await handle.query(getState);
    expect(state.termination).toMatchObject({
      ground: 'own_lawyer',
      fromStage: 'assigning',
      reason: '受援人已自行委托律师',
    });
    expect((await handle.result()).stage).toBe('terminated'); // no objection within the window: final
    const events = await prisma.applicationStageEvent.findMany({
      where: { applicationNo: input.applicationNo },
      orderBy: { seq: 'asc' },
    });
    expect(events.map((e) => e.stage)).toEqual([
      'received',
      'under_review',
      'granted',
      'assigning',
      'assigning',
      'terminated',
    ]);
    expect(events.at(-1)!.ruleIds).toEqual(['L-9']);
    const notices = await prisma.notification.findMany({ where: { applicationNo: input.applicationNo } });
    expect(notices.map((n) => n.body).join('')).toContain('自行委托律师');
  });

  test('L-9 L-10 an objection to the termination, corrected: the aid resumes', async () => {
    const { handle } = await grantedCase();
    await handle.signal(terminateAid, { ground: 'no_longer_qualifies', reason: '收入增加', terminatedBy: 'head-1' });
    await untilStage(handle, prisma, 'terminated');
    await executeStep(handle, fileObjection, { args: [{ reason: '收入未增加，系误报', filedBy: 'app-1' }] });
    const corrected = await executeStep(handle, decideObjection, {
      args: [{ outcome: 'corrected', reason: '终止理由不成立', decidedBy: 'bureau-1' }],
    });
    expect(corrected.stage).toBe('granted'); // and assigned again (S-3.3)
    await untilStage(handle, prisma, 'assigning');
    expect((await handle.query(getState)).termination).toBeUndefined();
  });

  test('L-9 before a decision only an accepted-first case can be terminated', async () => {
    const input: ApplicationInput = applicationInput({ receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue,
      args: [input],
    });
    await handle.signal(terminateAid, { ground: 'asks_to_end', reason: '申请人要求', terminatedBy: 'head-1' });
    expect((await handle.query(getState)).stage).toBe('under_review');
  });
});
