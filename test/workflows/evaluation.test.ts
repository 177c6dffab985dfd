/**
 * The evaluation of every closed case (S-4.4) and its consequences (S-4.5 payout, S-2.8(a) removal, S-4.6 interview),
 * and the full lifecycle from intake to payout, on the real time-skipping test server and PostgreSQL.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import {
  applicationWorkflowId,
  assignEvaluator,
  confirmMember,
  decide,
  decideScoreObjection,
  evaluationWorkflowId,
  expertReview,
  getEvaluation,
  getState,
  markSpecial,
  objectToScore,
  recordEngagement,
  recordInterview,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  supplyMaterials,
  type ApplicationInput,
} from '../../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import type { AgencyCode } from '../../domain/agencies';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow, evaluationWorkflow } from '../../workflows';
import { caseFixtures, createPool, failureOf } from '../support/cases';
import {
  until,
  applicationInput,
  startWorkflowSuite,
  testDataConverter,
  uniqueTaskQueue,
  untilStage,
  workflowBundle,
  type WorkflowSuite,
} from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('evaluation');
const sheetVersion = Math.floor(Math.random() * 1e6) + 1000;
const BASE_FEE = 150_000; // 1,500.00 yuan
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
  // S-4.4: a civil/administrative scoring sheet (test data: two items, weighted maximums adding up to 100).
  await prisma.scoringSheet.create({
    data: {
      id: `test-civil-${sheetVersion}`,
      kind: 'civil_administrative',
      version: sheetVersion,
      title: '测试评分表',
      items: [
        { code: 'procedure', label: '办案程序', max: 40, weight: 1 },
        { code: 'quality', label: '办案质量', max: 60, weight: 1 },
      ],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'test',
    },
  });
});
afterAll(() => suite?.stop());

const { grantedCase, settled } = caseFixtures(() => suite!, taskQueue);
const today = async () => cstDateOf(new Date(await env.currentTimeMs()));
/** No random spot check in these tests unless asked for: results are then deterministic. */
const rules = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 };

/** A pool and a fee schedule (S-4.5) for an agency of the test's own. */
async function agency() {
  const p = await createPool(prisma, { A: { a1: {} }, B: { b1: {} } });
  await prisma.feeSchedule.create({
    data: {
      agencyCode: p.agency,
      matterType: 'civil',
      caseStage: 'any',
      amountCents: BASE_FEE,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'test',
    },
  });
  return p;
}

type Handle = Awaited<ReturnType<typeof grantedCase>>['handle'];

/** From the assignment to the submitted file (S-2.10, L-6, L-12): it then waits for the quality manager (S-4.3). */
async function toFileSubmitted(handle: Handle) {
  await settled(handle);
  const [slot] = (await handle.query(getState)).assignment!.slots;
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(handle, prisma, 'assigned');
  const member = slot!.proposedMemberId;
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: member }] });
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事调解书'], report: '调解结案', matterEndedOn: await today(), submittedBy: member }],
  });
  return member;
}

/** From the assignment to the approved file: the case is then being evaluated (S-4.3 -> S-4.4). */
async function toEvaluation(p: Awaited<ReturnType<typeof agency>>, handle: Handle) {
  const member = await toFileSubmitted(handle);
  await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
  await untilStage(handle, prisma, 'evaluating');
  const { applicationNo } = await handle.query(getState);
  const evaluation = env.client.workflow.getHandle(evaluationWorkflowId(applicationNo));
  await until(
    () =>
      evaluation.query(getEvaluation).then(
        () => true,
        () => false,
      ),
    (started) => started,
    () => 'the evaluation workflow never started',
  );
  await executeStep(evaluation, assignEvaluator, {
    args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 'staff-1' }],
  });
  return { evaluation, member };
}

async function evaluatedCase(extra: Partial<ApplicationInput> = {}) {
  const p = await agency();
  const { input, handle } = await grantedCase(p.agency, { rules, ...extra });
  const { evaluation, member } = await toEvaluation(p, handle);
  return { p, input, handle, evaluation, member };
}

/** Points for a score: procedure gets up to 40, quality the rest. */
const points = (score: number) => ({
  procedure: Math.min(40, score),
  quality: Math.round((score - Math.min(40, score)) * 100) / 100,
});
const lines = (applicationNo: string) =>
  prisma.payoutLine.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
const memberStatus = async (id: string) => (await prisma.poolMember.findUnique({ where: { id } }))!.status;
const score = (evaluation: Awaited<ReturnType<typeof evaluatedCase>>['evaluation'], s: number) =>
  executeStep(evaluation, submitScore, { args: [{ points: points(s), comments: '', scoredBy: 'eval-1' }] });

test('S-4.4 S-4.5 full lifecycle: deferred documents, grant, rotation, engagement, closure, evaluation 80 (good), payout 0.9 x base, closed', async () => {
  const p = await agency();
  const input: ApplicationInput = applicationInput({
    agencyCode: p.agency as AgencyCode,
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true },
    rules,
  });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  await env.sleep('3 days'); // S-3.2: the correction period runs; the documents come later
  await executeStep(handle, supplyMaterials, {
    args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'staff-1' }],
  });
  await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] });
  await untilStage(handle, prisma, 'assigning');
  const { evaluation } = await toEvaluation(p, handle);
  const refused = await failureOf(
    executeStep(evaluation, submitScore, { args: [{ points: { procedure: 50 }, comments: '', scoredBy: 'eval-1' }] }),
  );
  expect(refused?.type).toBe('InvalidInput'); // over the item's maximum, and an item missing
  const scored = await score(evaluation, 80);
  expect(scored.current).toMatchObject({ score: 80, tier: 'good', coefficient: 0.9, version: 1 });
  const outcome = await handle.result();
  expect(outcome.stage).toBe('closed');
  const paid = await lines(input.applicationNo);
  expect(paid.map((l) => [l.kind, l.amountCents])).toEqual([['payout', 135_000]]); // 1,500 x 0.9
  const row = await prisma.evaluation.findUnique({ where: { applicationNo: input.applicationNo } });
  expect(row).toMatchObject({ status: 'final', tier: 'good', scoreVersion: 1 });
  const stored = await prisma.application.findUnique({ where: { applicationNo: input.applicationNo } });
  expect(stored?.stage).toBe('closed');
  expect(stored?.closedReason).toContain('1350.00');
});

test('S-4.4 an excellent result goes to an expert, who changes it to good: paid at 0.9, not 1.2', async () => {
  const { input, evaluation } = await evaluatedCase();
  const first = await score(evaluation, 92);
  expect(first.status).toBe('expert_review');
  expect(await lines(input.applicationNo)).toEqual([]); // nothing counts before the re-review
  const reviewed = await executeStep(evaluation, expertReview, {
    args: [{ score: 85, comments: '证据组织一般', reviewedBy: 'expert-1' }],
  });
  expect(reviewed.current).toMatchObject({ score: 85, tier: 'good' });
  expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([135_000]);
});

test('S-2.8(a) S-4.4 S-4.6 unqualified: member removed, interview scheduled, nothing paid; the objection succeeds: member restored, payout corrected, interview cancelled', async () => {
  const { input, handle, evaluation, member } = await evaluatedCase();
  await score(evaluation, 50);
  const confirmed = await executeStep(evaluation, expertReview, {
    args: [{ score: 50, comments: '维持', reviewedBy: 'expert-1' }],
  });
  expect(confirmed).toMatchObject({ status: 'objection_window', current: { tier: 'unqualified', version: 1 } });
  expect(confirmed.interview).toMatchObject({ version: 1 });
  expect(await memberStatus(member)).toBe('removed');
  expect((await lines(input.applicationNo)).map((l) => [l.kind, l.amountCents])).toEqual([['payout', 0]]);
  await executeStep(evaluation, objectToScore, { args: [{ reason: '评分遗漏调解成果', filedBy: member }] });
  const decided = await executeStep(evaluation, decideScoreObjection, {
    args: [{ score: 78, comments: '异议成立', reviewedBy: 'city-1' }],
  });
  expect(decided).toMatchObject({ status: 'final', current: { score: 78, tier: 'good', version: 2 } });
  expect(decided.interview?.cancelled).toBe(true);
  expect(decided.removal).toMatchObject({ removed: true, reversed: true });
  expect(await memberStatus(member)).toBe('active');
  expect((await lines(input.applicationNo)).map((l) => [l.kind, l.amountCents])).toEqual([
    ['payout', 0],
    ['adjustment', 135_000],
  ]);
  expect((await handle.result()).stage).toBe('closed');
});

test("S-4.4 the city centre's objection decision that lands on excellent goes to an expert before it counts", async () => {
  const { input, evaluation, member } = await evaluatedCase();
  await score(evaluation, 50);
  await executeStep(evaluation, expertReview, { args: [{ score: 50, comments: '维持', reviewedBy: 'expert-1' }] });
  await executeStep(evaluation, objectToScore, { args: [{ reason: '评分遗漏胜诉结果', filedBy: member }] });
  const decided = await executeStep(evaluation, decideScoreObjection, {
    args: [{ score: 92, comments: '异议成立', reviewedBy: 'city-1' }],
  });
  expect(decided).toMatchObject({ status: 'expert_review', current: { score: 50, version: 1 } });
  expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([0]); // 1.2 not paid yet
  const reviewed = await executeStep(evaluation, expertReview, {
    args: [{ score: 88, comments: '良好', reviewedBy: 'expert-2' }],
  });
  expect(reviewed).toMatchObject({ status: 'final', current: { score: 88, tier: 'good', version: 2 } });
  expect(await memberStatus(member)).toBe('active');
  expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([0, 135_000]);
});

test("S-4.5 a reviewer's score with more than two decimals is refused (89.995 never pays 1.2)", async () => {
  const { evaluation } = await evaluatedCase();
  await score(evaluation, 92);
  const refused = await failureOf(
    executeStep(evaluation, expertReview, { args: [{ score: 89.995, comments: '复核', reviewedBy: 'expert-1' }] }),
  );
  expect(refused?.type).toBe('InvalidInput');
  expect((await evaluation.query(getEvaluation)).status).toBe('expert_review');
});

test('S-2.8(a) a score of 65 removes the member; 65.01 does not (S-4.6 interview only at 65)', async () => {
  const at65 = await evaluatedCase();
  const r65 = await score(at65.evaluation, 65);
  expect(r65.current).toMatchObject({ tier: 'pass', coefficient: 0.6 });
  expect(r65.interview).toBeDefined();
  expect(await memberStatus(at65.member)).toBe('removed');
  await executeStep(at65.evaluation, recordInterview, {
    args: [{ heldOn: await today(), notes: '已约谈承办律师及律所主任', recordedBy: 'staff-1' }],
  });
  expect((await at65.handle.result()).stage).toBe('closed');

  const above = await evaluatedCase();
  const r = await score(above.evaluation, 65.01);
  expect(r.current).toMatchObject({ score: 65.01, tier: 'pass' });
  expect(r.interview).toBeUndefined();
  expect(await memberStatus(above.member)).toBe('active');
  expect((await lines(above.input.applicationNo)).map((l) => l.amountCents)).toEqual([90_000]);
});

test('S-4.4 S-4.5 a special case is not evaluated and is paid by the agency rule', async () => {
  const { input, handle, evaluation } = await evaluatedCase();
  const noReason = await failureOf(
    executeStep(evaluation, markSpecial, { args: [{ reason: ' ', markedBy: 'head-1' }] }),
  );
  expect(noReason?.type).toBe('InvalidInput');
  const special = await executeStep(evaluation, markSpecial, {
    args: [{ reason: '涉密案件，按规定不予评估', markedBy: 'head-1' }],
  });
  expect(special.status).toBe('special');
  expect((await lines(input.applicationNo)).map((l) => [l.kind, l.amountCents])).toEqual([['special', BASE_FEE]]);
  expect((await handle.result()).stage).toBe('closed');
});

test("S-4.5 a special case is paid at its county centre's own coefficient", async () => {
  const p = await agency();
  const perCounty = { ...rules, specialCaseCoefficients: { [p.agency]: 0.5 } };
  const { input, handle } = await grantedCase(p.agency, { rules: perCounty });
  const { evaluation } = await toEvaluation(p, handle);
  await executeStep(evaluation, markSpecial, { args: [{ reason: '本中心规定不予评估的案件', markedBy: 'head-1' }] });
  expect((await lines(input.applicationNo)).map((l) => [l.kind, l.amountCents])).toEqual([['special', BASE_FEE / 2]]);
  expect((await handle.result()).stage).toBe('closed');
});

test('S-4.4 a step past its deadline: the owner is reminded, then the agency told, once each', async () => {
  const p = await agency();
  const { input, handle } = await grantedCase(p.agency, { rules });
  const { evaluation } = await toEvaluation(p, handle);
  // Past the step's due time as counted (a last day on a rest day moves, Civil Code art. 203), plus a day.
  const { dueAt } = await evaluation.query(getEvaluation);
  await env.sleep(new Date(dueAt!).getTime() - (await env.currentTimeMs()) + DAY_MS);
  const sent = await until(
    () => prisma.notification.findMany({ where: { applicationNo: input.applicationNo } }),
    (rows) => rows.some((n) => n.template === 'evaluation_overdue'),
    () => 'the agency was never told of the overdue step',
  );
  expect(sent.filter((n) => n.template === 'evaluation_reminder').map((n) => n.recipient)).toEqual([
    'evaluator:eval-1',
  ]);
  expect(sent.filter((n) => n.template === 'evaluation_overdue')).toHaveLength(1);
  expect((await evaluation.query(getEvaluation)).status).toBe('scoring');
}, 300_000); // 17 days of reminder timers, each a workflow task: slow when the machine's cores are busy

test('S-4.5 exactly one payout when the worker dies between recording the line and reporting it', async () => {
  // A worker whose recordPayout commits and then "crashes" once before acknowledging: Temporal retries the
  // activity, which finds its own line (idempotency key per case and score version) and writes nothing more.
  const crashQueue = uniqueTaskQueue('crash');
  const activities = createActivities({ prisma });
  let crashes = 0;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: crashQueue,
    workflowBundle: workflowBundle(),
    dataConverter: testDataConverter,
    activities: {
      ...activities,
      async recordPayout(args: Parameters<typeof activities.recordPayout>[0]) {
        const result = await activities.recordPayout(args);
        if (crashes++ === 0) throw new Error('worker lost after the commit');
        return result;
      },
    },
  });
  await worker.runUntil(async () => {
    const p = await agency();
    const fixtures = caseFixtures(() => suite!, crashQueue);
    const { input, handle } = await fixtures.grantedCase(p.agency, { rules });
    const { evaluation } = await toEvaluation(p, handle);
    await score(evaluation, 76);
    expect((await handle.result()).stage).toBe('closed');
    expect(crashes).toBe(2);
    expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([135_000]);
  });
});

/**
 * An operator's reset (test/chaos/operator.ts, the runbook for a stuck workflow) can take a case back to before its
 * evaluation began while that evaluation lives on (Temporal resets leave children alone). The case then finds it
 * there when it gets to S-4.4 again: it must wait for that evaluation, not fail, and not evaluate or pay twice.
 */
describe('S-4.4 S-4.5 a case that finds its evaluation already there (after an operator reset)', () => {
  /** A case up to the quality manager's review, with the evaluation its earlier run had started. */
  async function caseWithEvaluationLeftOver() {
    const p = await agency();
    const { input, handle } = await grantedCase(p.agency, { rules });
    await toFileSubmitted(handle);
    const performance = (await handle.query(getState)).performance!;
    const evaluation = await env.client.workflow.start<typeof evaluationWorkflow>('evaluationWorkflow', {
      workflowId: evaluationWorkflowId(input.applicationNo),
      taskQueue,
      args: [
        {
          applicationNo: input.applicationNo,
          agencyCode: input.agencyCode,
          memberId: performance.memberId,
          institutionId: performance.institutionId,
          matterType: 'civil',
          caseStage: performance.caseStage,
          assignedOn: performance.assignedOn,
          rules,
        },
      ],
    });
    await executeStep(evaluation, assignEvaluator, {
      args: [{ evaluatorId: 'eval-1', kind: 'peer', assignedBy: 'staff-1' }],
    });
    return { input, handle, evaluation };
  }
  /** The evaluation's latest run is still the one left over: no second evaluation was started. */
  const onlyRun = async (evaluation: { workflowId: string; firstExecutionRunId: string }) =>
    (await env.client.workflow.getHandle(evaluation.workflowId).describe()).runId === evaluation.firstExecutionRunId;

  test('still running: the case waits for it, then closes with its result and one payout line', async () => {
    const { input, handle, evaluation } = await caseWithEvaluationLeftOver();
    await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
    await untilStage(handle, prisma, 'evaluating');
    await score(evaluation, 80);
    const outcome = await handle.result();
    expect(outcome.stage).toBe('closed');
    expect(outcome.closedReason).toContain('质量评估 80 分');
    expect(outcome.closedReason).toContain('1350.00');
    expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([135_000]);
    expect(await onlyRun(evaluation)).toBe(true);
  });

  test('already completed: the case closes with its result at once, evaluated and paid once', async () => {
    const { input, handle, evaluation } = await caseWithEvaluationLeftOver();
    await score(evaluation, 80);
    await evaluation.result();
    await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
    const outcome = await handle.result();
    expect(outcome.closedReason).toContain('质量评估 80 分');
    expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([135_000]);
    expect(await onlyRun(evaluation)).toBe(true);
  });
});
