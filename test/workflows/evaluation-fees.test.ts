/**
 * S-4.5 who is paid what: a case terminated after its member was assigned is evaluated (or marked special) and paid
 * the configured share of the base fee; each member of a group case (S-3.3) is paid their part. On the real
 * time-skipping test server and PostgreSQL, in a file of its own: its cases sleep through the L-10 objection window,
 * away from the other evaluations' clocks.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  assignEvaluator,
  confirmMember,
  evaluationWorkflowId,
  expertReview,
  getEvaluation,
  getState,
  markSpecial,
  recordEngagement,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  terminateAid,
} from '../../domain/definitions';
import { DEFAULT_RULE_CONFIG, type RuleConfig } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import type { PrismaClient } from '../../prisma/generated/client';
import { caseFixtures, createPool } from '../support/cases';
import { until, startWorkflowSuite, uniqueTaskQueue, untilStage, type WorkflowSuite } from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('evaluation-fees');
const sheetVersion = Math.floor(Math.random() * 1e6) + 1000;
const BASE_FEE = 150_000; // 1,500.00 yuan

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
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
const rules = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 };

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

const lines = (applicationNo: string) =>
  prisma.payoutLine.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });

/**
 * A case whose member was confirmed, then terminated on an L-9 ground by the head; no objection within the window
 * (L-10): final, the work done goes to the evaluation, whose evaluator is then assigned.
 */
async function terminatedAfterAssignment(caseRules: typeof rules) {
  const p = await agency();
  const { input, handle } = await grantedCase(p.agency, { rules: caseRules });
  await settled(handle);
  const [slot] = (await handle.query(getState)).assignment!.slots;
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(handle, prisma, 'assigned');
  await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '受援人已自行委托律师', terminatedBy: 'head-1' });
  await untilStage(handle, prisma, 'terminated');
  await env.sleep(`${caseRules.objectionWindowDays + 3} days`);
  await untilStage(handle, prisma, 'evaluating');
  const evaluation = env.client.workflow.getHandle(evaluationWorkflowId(input.applicationNo));
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
  return { input, handle, evaluation };
}

test('S-4.5 S-4.4 a case terminated (L-9) after its member was assigned is evaluated and paid the configured share of the base fee', async () => {
  const { input, handle, evaluation } = await terminatedAfterAssignment(rules);
  await executeStep(evaluation, submitScore, {
    args: [{ points: { procedure: 40, quality: 40 }, comments: '', scoredBy: 'eval-1' }],
  });
  // Polled, not `handle.result()`: waiting on a result lets the test server skip to far-off timers of other cases.
  await untilStage(handle, prisma, 'closed');
  const paid = await lines(input.applicationNo);
  // 1,500 x 0.5 (the default share for terminated cases) x 0.9 (good)
  expect(paid.map((l) => [l.kind, l.amountCents])).toEqual([['payout', 67_500]]);
  expect(paid[0]!.reason).toContain('终止案件按基本补贴的 50% 发放');
});

test('S-4.5 a terminated case marked special is paid its share of the base fee too', async () => {
  const { input, handle, evaluation } = await terminatedAfterAssignment({ ...rules, terminatedCaseFeeShare: 0.3 });
  await executeStep(evaluation, markSpecial, { args: [{ reason: '终止案件，按规定不予评估', markedBy: 'head-1' }] });
  await untilStage(handle, prisma, 'closed');
  const paid = await lines(input.applicationNo);
  expect(paid.map((l) => [l.kind, l.amountCents])).toEqual([['special', 45_000]]); // 1,500 x 0.3 x 1
  expect(paid[0]!.reason).toContain('终止案件按基本补贴的 30% 发放');
});

/** A group case (two members, S-3.3) through its approved file to the evaluation, its evaluator assigned. */
async function groupCaseInEvaluation(caseRules: RuleConfig = rules) {
  const p = await agency();
  const { input, handle } = await grantedCase(p.agency, { rules: caseRules }, { assignment: { aidedPersons: 20 } });
  await settled(handle);
  const slots = (await handle.query(getState)).assignment!.slots;
  expect(slots).toHaveLength(2);
  for (const s of slots) {
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: s.ledgerSeq, memberId: s.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
  }
  await untilStage(handle, prisma, 'assigned');
  const [lead, other] = slots.map((s) => s.proposedMemberId);
  const today = cstDateOf(new Date(await env.currentTimeMs()));
  await executeStep(handle, recordEngagement, { args: [{ signedOn: today, recordedBy: lead! }] });
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事调解书'], report: '调解结案', matterEndedOn: today, submittedBy: lead! }],
  });
  await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
  await untilStage(handle, prisma, 'evaluating');
  const evaluation = env.client.workflow.getHandle(evaluationWorkflowId(input.applicationNo));
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
  return { input, handle, evaluation, slots, lead: lead!, other: other! };
}

test('S-3.3 S-4.5 each member of a group case is paid their part of the fee (equal parts)', async () => {
  const { input, handle, evaluation, slots, lead, other } = await groupCaseInEvaluation();
  await executeStep(evaluation, submitScore, {
    args: [{ points: { procedure: 40, quality: 40 }, comments: '', scoredBy: 'eval-1' }],
  });
  await untilStage(handle, prisma, 'closed');
  const paid = await lines(input.applicationNo);
  // 1,500 x 0.9 (good), in two equal parts: the lead's line first.
  expect(paid.map((l) => [l.memberId, l.kind, l.amountCents])).toEqual([
    [lead, 'payout', 67_500],
    [other, 'payout', 67_500],
  ]);
  expect(paid[1]!.institutionId).toBe(slots[1]!.institutionId);
  expect(paid[0]!.reason).toContain('集体承办（2 人），本人按 50% 发放');
  const stored = await prisma.application.findUnique({ where: { applicationNo: input.applicationNo } });
  expect(stored?.closedReason).toContain('1350.00');
});

test('S-3.3 S-2.8(a) S-4.6 a group case scored 65 or below removes each member, and each is called to the interview', async () => {
  const { input, evaluation, slots, lead, other } = await groupCaseInEvaluation();
  await executeStep(evaluation, submitScore, {
    args: [{ points: { procedure: 40, quality: 22 }, comments: '', scoredBy: 'eval-1' }],
  });
  const status = async (id: string) => (await prisma.poolMember.findUnique({ where: { id } }))!.status;
  expect(await status(lead)).toBe('removed');
  expect(await status(other)).toBe('removed');
  const sent = await until(
    () => prisma.notification.findMany({ where: { applicationNo: input.applicationNo } }),
    (rows) => rows.filter((n) => n.template === 'interview_scheduled').length === 4,
    () => 'not every member and institution was called to the interview',
  );
  const to = (template: string) =>
    sent
      .filter((n) => n.template === template)
      .map((n) => n.recipient)
      .sort();
  expect(to('interview_scheduled')).toEqual(
    [`member:${lead}`, `member:${other}`, ...slots.map((s) => `institution:${s.institutionId}`)].sort(),
  );
  expect(to('evaluation_result')).toEqual([`member:${lead}`, `member:${other}`].sort());
  // 1,500 x 0.6 (pass), in two equal parts
  expect((await lines(input.applicationNo)).map((l) => l.amountCents)).toEqual([45_000, 45_000]);
});

test("S-3.3 S-4.5 a group case's fee split by the configured lead member's share, the rest to the others", async () => {
  const { input, handle, evaluation, lead, other } = await groupCaseInEvaluation({ ...rules, groupLeadFeeShare: 0.6 });
  await executeStep(evaluation, submitScore, {
    args: [{ points: { procedure: 40, quality: 40 }, comments: '', scoredBy: 'eval-1' }],
  });
  await untilStage(handle, prisma, 'closed');
  const paid = await lines(input.applicationNo);
  // 1,350.00 (good): 60% to the lead, 40% to the other member
  expect(paid.map((l) => [l.memberId, l.amountCents])).toEqual([
    [lead, 81_000],
    [other, 54_000],
  ]);
  expect(paid[1]!.reason).toContain('本人按 40% 发放');
});

test('S-3.3 S-4.4 an unqualified group case invites every member to object, as it removes each of them', async () => {
  const { input, evaluation, lead, other } = await groupCaseInEvaluation();
  await executeStep(evaluation, submitScore, {
    args: [{ points: { procedure: 30, quality: 20 }, comments: '', scoredBy: 'eval-1' }],
  });
  // S-4.4: an unqualified result goes to an expert first.
  await executeStep(evaluation, expertReview, {
    args: [{ score: 50, comments: '专家复核维持', reviewedBy: 'expert-1' }],
  });
  const sent = await until(
    () => prisma.notification.findMany({ where: { applicationNo: input.applicationNo } }),
    (rows) => rows.filter((n) => n.template === 'evaluation_unqualified').length === 2,
    () => 'not every member was invited to object',
  );
  expect(
    sent
      .filter((n) => n.template === 'evaluation_unqualified')
      .map((n) => n.recipient)
      .sort(),
  ).toEqual([`member:${lead}`, `member:${other}`].sort());
});
