/**
 * S-1.1 matter scope at the grant: a matter outside the statutory list (Law art. 31, arts. 24-29) only for an
 * applicant who meets the hardship standard, and never one a law, regulation or rule excludes (configured).
 */
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decide, getState, type ApplicationInput } from '../../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { executeStep } from '../../platform/step-client';
import {
  receivedNow,
  residentIdNumber,
  startCase,
  startWorkflowSuite,
  uniqueTaskQueue,
  untilStage,
  until,
  type WorkflowSuite,
} from '../support/context';

let env: TestWorkflowEnvironment;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('matter-scope');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env } = suite);
});
afterAll(() => suite?.stop());

const family = { category: 'family' as const, summary: '离婚纠纷' };

async function underReview(overrides: Partial<ApplicationInput>) {
  const handle = await startCase(env, taskQueue, await receivedNow(env, { matter: family, ...overrides }));
  await until(
    () => handle.query(getState),
    (s) => s.stage === 'under_review',
    (s) => `still ${s?.stage}`,
  );
  return handle;
}

const grantFailure = (handle: Awaited<ReturnType<typeof underReview>>) =>
  executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'g1' }] }).then(
    () => undefined,
    (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
  );

test('S-1.1: a matter outside the statutory list is not granted to an applicant above the hardship standard', async () => {
  const handle = await underReview({
    applicant: { name: '测试申请人', idNumber: residentIdNumber('19800101') },
    economicSituation: { householdSize: 1, monthlyHouseholdIncome: 9000, commitmentSigned: true },
  });
  const failure = await grantFailure(handle);
  expect(failure?.type).toBe('InvalidTransition');
  expect(failure?.message).toContain('S-1.1');
  expect(failure?.message).toContain('婚姻家庭纠纷');
  expect((await handle.query(getState)).stage).toBe('under_review');
});

test('S-1.1: an applicant whose hardship check is waived gets aid for a matter outside the list', async () => {
  const handle = await underReview({}); // born 1956: 70, S-1.2(d)
  expect((await handle.query(getState)).eligibility).toMatchObject({ kind: 'waived', anyMatter: true });
  await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'g2' }] });
  await untilStage(handle, suite!.prisma, 'assigning');
});

test('S-1.1: a configured excluded matter is not granted even when the hardship standard is met', async () => {
  const handle = await underReview({ rules: { ...DEFAULT_RULE_CONFIG, excludedMatters: ['family'] } });
  const failure = await grantFailure(handle);
  expect(failure?.message).toContain('不属于法律援助事项（S-1.1）');
});
