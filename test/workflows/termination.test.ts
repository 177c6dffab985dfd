/**
 * L-9 terminations after aid started, on the real time-skipping test server: aid accepted first (S-3.2, L-7) is
 * granted and assigned while the S-3.1 verification runs, and a refutation ends it; work done by a member goes to the
 * evaluation once the termination is final (S-4.4).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  confirmMember,
  decide,
  evaluationWorkflowId,
  getState,
  recordVerificationResult,
  requestVerification,
  terminateAid,
  type ApplicationInput,
} from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import { executeStep } from '../../platform/step-client';
import { caseFixtures, createPool } from '../support/cases';
import {
  receivedNow,
  residentIdNumber,
  startCase,
  startWorkflowSuite,
  uniqueTaskQueue,
  until,
  untilStage,
  type WorkflowSuite,
} from '../support/context';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('termination');
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const { settled, grantedCase } = caseFixtures(() => suite!, taskQueue);
const notices = (applicationNo: string) =>
  prisma.notification.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
const stageEvents = (applicationNo: string) =>
  prisma.applicationStageEvent.findMany({ where: { applicationNo }, orderBy: { seq: 'asc' } });

/** The institution confirms the member the rotation proposed: `<agency>-a1` handles the case. */
async function confirm(handle: Awaited<ReturnType<typeof startCase>>) {
  await settled(handle);
  const [slot] = (await handle.query(getState)).assignment!.slots;
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(handle, prisma, 'assigned');
}

test('S-3.2 L-7 S-3.1: aid accepted first is granted and assigned while verification runs; a refutation terminates it (L-9), all told, the work evaluated', async () => {
  const p = await createPool(prisma, { A: { a1: {} } });
  // Aged 40: the statement must be verified (S-1.3); urgent preservation: accepted first (L-7).
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() - 40;
  const input = await receivedNow(env, {
    agencyCode: p.agency as ApplicationInput['agencyCode'],
    applicant: { name: '先行样例', idNumber: residentIdNumber(`${year}0101`, '301') },
    intake: { urgentPreservation: true },
  });
  const handle = await startCase(env, taskQueue, input);
  await untilStage(handle, prisma, 'under_review');
  const opened = await handle.query(getState);
  expect(opened.acceptedFirst).toBeDefined();
  expect(opened.verification?.status).toBe('pending');

  const granted = await executeStep(handle, decide, {
    args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'early' }],
  });
  expect(granted.stage).toBe('granted');
  await untilStage(handle, prisma, ['assigning', 'assigned']);
  await confirm(handle);

  // The verification goes on after the grant, and refutes the hardship.
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'phone', dueDays: 3, requestedBy: 'staff-1' }],
  });
  await executeStep(handle, recordVerificationResult, {
    args: [{ taskId: v.tasks[0]!.id, result: 'refuted', note: '知情人称申请人收入较高', resultBy: 'staff-1' }],
  });
  await untilStage(handle, prisma, 'terminated');
  const state = await handle.query(getState);
  expect(state.termination).toMatchObject({
    ground: 'no_longer_qualifies',
    terminatedBy: 'system',
    fromStage: 'assigned',
  });
  const terminated = (await stageEvents(input.applicationNo)).at(-1)!;
  expect(terminated.ruleIds).toEqual(['S-3.1', 'L-9']);
  expect(terminated.note).toContain('经济困难状况经核查被否定');
  const sent = await until(
    () => notices(input.applicationNo),
    (rows) => rows.filter((n) => n.template === 'aid_terminated_handler').length === 2,
    () => 'the lawyer and institution were never told',
  );
  const told = sent.filter((n) => n.template === 'aid_terminated_handler');
  expect(told.map((n) => n.recipient).sort()).toEqual([`institution:${p.agency}-A`, `member:${p.id('a1')}`]);
  expect(told[0]!.body).toContain('终止法律援助');
  const toApplicant = sent.find((n) => n.template === 'aid_terminated')!;
  expect(toApplicant.recipient).toBe('applicant');
  expect(toApplicant.body).toContain('不再符合法律援助条件');
  expect(toApplicant.body).toContain('如对本决定有异议');

  // Once the objection window passes, the work done is evaluated (S-4.4).
  await env.sleep(input.rules.objectionWindowDays * DAY_MS + 3 * DAY_MS);
  await untilStage(handle, prisma, 'evaluating');
  expect((await handle.query(getState)).evaluation?.workflowId).toBe(evaluationWorkflowId(input.applicationNo));
  await handle.terminate('test over');
});

test('L-9: aid terminated after a member was assigned goes to the evaluation once the termination is final', async () => {
  const p = await createPool(prisma, { A: { a1: {} } });
  const { input, handle } = await grantedCase(p.agency);
  await confirm(handle);
  await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '受援人已自行委托律师', terminatedBy: 'head-1' });
  await untilStage(handle, prisma, 'terminated');
  const told = await until(
    () => notices(input.applicationNo),
    (rows) => rows.filter((n) => n.template === 'aid_terminated_handler').length === 2,
    () => 'the lawyer and institution were never told',
  );
  expect(told.find((n) => n.template === 'aid_terminated_handler')!.body).toContain('自行委托律师');
  await env.sleep(input.rules.objectionWindowDays * DAY_MS + 3 * DAY_MS);
  await untilStage(handle, prisma, 'evaluating');
  const stages = (await stageEvents(input.applicationNo)).map((e) => e.stage);
  expect(stages.slice(-2)).toEqual(['terminated', 'evaluating']);
  const state = await handle.query(getState);
  expect(state.evaluation?.workflowId).toBe(evaluationWorkflowId(input.applicationNo));
  expect(state.closedReason).toContain('自行委托律师');
  await handle.terminate('test over');
});

test('L-9: aid terminated before any member was assigned still closes after its objection window', async () => {
  const p = await createPool(prisma, { A: { a1: {} } });
  const { input, handle } = await grantedCase(p.agency);
  await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '受援人已自行委托律师', terminatedBy: 'head-1' });
  expect((await handle.result()).stage).toBe('terminated');
  expect((await stageEvents(input.applicationNo)).map((e) => e.stage)).not.toContain('evaluating');
});
