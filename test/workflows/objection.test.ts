/** L-10 objection to a refusal, on the real time-skipping test server. */
import { type WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { endOfDayPeriod } from '../../domain/deadlines';
import {
  applicationWorkflowId,
  decide,
  decideObjection,
  fileObjection,
  getState,
  type ApplicationInput,
} from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import { applicationInput, startWorkflowSuite, uniqueTaskQueue, type WorkflowSuite } from '../support/context';

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
  await handle.executeUpdate(decide, {
    args: [{ decision: 'refuse', reason: '家庭人均收入高于标准', decidedBy: 'head-1', requestId: 'r' }],
  });
  return { input, handle };
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
  const filed = await handle.executeUpdate(fileObjection, { args: [{ reason: '收入计算有误', filedBy: 'app-1' }] });
  expect(filed.stage).toBe('objection_review');
  expect(filed.reviewDueAt).toBe(endOfDayPeriod(new Date(await env.currentTimeMs()), 5).toISOString());
  await handle.executeUpdate(decideObjection, {
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
  await handle.executeUpdate(fileObjection, { args: [{ reason: '有新的证明材料', filedBy: 'app-1' }] });
  const corrected = await handle.executeUpdate(decideObjection, {
    args: [{ outcome: 'corrected', reason: '应重新审查', decidedBy: 'bureau-1' }],
  });
  expect(corrected.stage).toBe('under_review');
  await handle.executeUpdate(decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
  expect((await handle.result()).stage).toBe('granted');
});

test('L-10 a review past 5 days is escalated once, and the decision still closes it', async () => {
  const { input, handle } = await refusedCase();
  await handle.executeUpdate(fileObjection, { args: [{ reason: '异议', filedBy: 'app-1' }] });
  await env.sleep('8 days');
  expect((await handle.query(getState)).stage).toBe('objection_review');
  await env.sleep('8 days');
  const overdue = await prisma.notification.findMany({
    where: { applicationNo: input.applicationNo, obligationKey: 'objection-review-overdue' },
  });
  expect(overdue).toHaveLength(1);
  const events = await prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } });
  expect(events.filter((e) => e.note?.includes('超过法定期限'))).toHaveLength(1);
  await handle.executeUpdate(decideObjection, { args: [{ outcome: 'upheld', reason: '维持', decidedBy: 'bureau-1' }] });
  expect((await handle.result()).stage).toBe('refused');
});

test('L-10 an objection needs a reason, is only for refusals, and is decided only once filed', async () => {
  const { handle } = await refusedCase();
  expect((await failureOf(handle.executeUpdate(fileObjection, { args: [{ reason: ' ', filedBy: 'a' }] })))?.type).toBe(
    'InvalidInput',
  );
  expect(
    (
      await failureOf(
        handle.executeUpdate(decideObjection, { args: [{ outcome: 'upheld', reason: 'x', decidedBy: 'b' }] }),
      )
    )?.message,
  ).toContain('没有待审查的异议');
  await handle.executeUpdate(fileObjection, { args: [{ reason: '异议', filedBy: 'a' }] });
  expect(
    (await failureOf(handle.executeUpdate(fileObjection, { args: [{ reason: '再次', filedBy: 'a' }] })))?.message,
  ).toContain('不能提出异议');
});
