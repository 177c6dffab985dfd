/**
 * Performance of an assigned case (L-6, L-9, L-12, S-2.9(b), S-4.3, L-11) on the real time-skipping test server.
 * Each test has an agency (and pool) of its own.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  changeCaseStage,
  confirmMember,
  evaluationWorkflowId,
  getState,
  recordEngagement,
  recordEngagementDelay,
  replaceMember,
  reportMatterEnded,
  reportProgress,
  reportTerminationGround,
  reviewCaseFile,
  submitCaseFile,
} from '../../domain/definitions';
import { cstDateOf } from '../../domain/time';
import type { PrismaClient } from '../../prisma/generated/client';
import { caseFixtures, createPool, failureOf } from '../support/cases';
import { startWorkflowSuite, uniqueTaskQueue, untilStage, type WorkflowSuite } from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('performance');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const { grantedCase, events, settled } = caseFixtures(() => suite!, taskQueue);
const today = async () => cstDateOf(new Date(await env.currentTimeMs()));

/** A case assigned to `<agency>-a1` (confirmed by its institution). */
async function assignedCase() {
  const p = await createPool(prisma, { A: { a1: {} }, B: { b1: {} } });
  const c = await grantedCase(p.agency);
  const [slot] = (await c.handle.query(getState)).assignment!.slots;
  await executeStep(c.handle, confirmMember, {
    args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(c.handle, prisma, 'assigned');
  return { ...c, p };
}

/** The case's notices, once `template` has been queued (notices are queued after the event that causes them). */
async function notices(applicationNo: string, template?: string) {
  for (let i = 0; ; i++) {
    const rows = await prisma.notification.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
    if (!template || rows.some((n) => n.template === template) || i >= 100) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('L-6 the engagement agreement signed within 5 days: the case is performed, not flagged late', async () => {
  const { input, handle, p } = await assignedCase();
  const state = await handle.query(getState);
  expect(state.performance).toMatchObject({ memberId: p.id('a1'), caseStage: 'first_instance' });
  const bad = await failureOf(
    executeStep(handle, recordEngagement, { args: [{ signedOn: '2999-01-01', recordedBy: p.id('a1') }] }),
  );
  expect(bad?.type).toBe('InvalidInput');
  const done = await executeStep(handle, recordEngagement, {
    args: [{ signedOn: await today(), recordedBy: p.id('a1') }],
  });
  expect(done.engagement).toMatchObject({ late: false });
  await untilStage(handle, prisma, 'performing');
  expect((await events(input.applicationNo)).at(-1)!.ruleIds).toEqual(['L-6']);
});

test("L-6 unsigned after 4 days the lawyer is reminded; after 5 the agency is told, with the aided person's delay", async () => {
  const { input, handle, p } = await assignedCase();
  await executeStep(handle, recordEngagementDelay, {
    args: [{ cause: 'aided_person', reason: '受援人外出务工，暂不能到场', recordedBy: 'staff-1' }],
  });
  await env.sleep('6 days');
  const sent = await notices(input.applicationNo, 'engagement_overdue');
  expect(sent.find((n) => n.template === 'engagement_reminder')?.recipient).toBe(`member:${p.id('a1')}`);
  const overdue = sent.filter((n) => n.template === 'engagement_overdue');
  expect(overdue).toHaveLength(1);
  expect(overdue[0]!.recipient).toBe(`agency_head:${p.agency}`);
  expect(overdue[0]!.body).toContain('受援人外出务工');
  const late = await executeStep(handle, recordEngagement, {
    args: [{ signedOn: await today(), recordedBy: p.id('a1') }],
  });
  expect(late.engagement!.late).toBe(true);
  await untilStage(handle, prisma, 'performing');
  expect((await events(input.applicationNo)).at(-1)!.note).toContain('受援人原因');
});

test('S-2.9(b) a later stage of the same matter stays with the member, turn deducted; progress and L-9 reports', async () => {
  const { input, handle, p } = await assignedCase();
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: p.id('a1') }] });
  await executeStep(handle, reportProgress, { args: [{ note: '已提起诉讼', reportedBy: p.id('a1') }] });
  const changed = await executeStep(handle, changeCaseStage, {
    args: [{ to: 'second_instance', note: '对方上诉', changedBy: p.id('a1') }],
  });
  expect(changed.caseStage).toBe('second_instance');
  expect(changed.progressReports).toBe(1);
  const ledger = await p.ledger();
  expect(ledger.at(-1)).toMatchObject({ rule: 'S-2.9(b)', turn: 'consumed', chosenId: p.id('a1') });
  expect(await p.turns()).toEqual({ a1: 2, b1: 0 });
  await executeStep(handle, reportTerminationGround, {
    args: [{ ground: 'own_lawyer', facts: '受援人另行委托律师', reportedBy: p.id('a1') }],
  });
  const sent = await notices(input.applicationNo, 'termination_ground_reported');
  expect(sent.find((n) => n.template === 'termination_ground_reported')?.recipient).toBe(`agency_head:${p.agency}`);
});

test('L-12 S-4.3 closure: reminders before the 30-day limit, the quality manager returns then approves the file, the evaluation starts', async () => {
  const { input, handle, p } = await assignedCase();
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: p.id('a1') }] });
  const ended = await executeStep(handle, reportMatterEnded, {
    args: [{ endedOn: await today(), reportedBy: p.id('a1') }],
  });
  expect(ended.closureDueAt).toBeDefined();
  // Past the 1-day reminder (09:00 China time the day before the last day), before the limit: 10:00 that day. The
  // limit moves off a rest day (Civil Code art. 203), so the wait is counted from the due time, not as 30 days.
  const oneDayReminderPassed = Date.parse(ended.closureDueAt!) - 38 * 3_600_000;
  await env.sleep(oneDayReminderPassed - (await env.currentTimeMs()));
  const reminders = (await notices(input.applicationNo, 'closure_reminder')).filter(
    (n) => n.template === 'closure_reminder',
  );
  expect(reminders.map((n) => n.obligationKey.split('-')[2])).toEqual(['7d', '1d']);
  expect((await notices(input.applicationNo)).some((n) => n.template === 'closure_overdue')).toBe(false);
  const noDocs = await failureOf(
    executeStep(handle, submitCaseFile, { args: [{ documents: [], report: '小结', submittedBy: p.id('a1') }] }),
  );
  expect(noDocs?.message).toContain('法律文书');
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事判决书'], report: '胜诉，已执行完毕', submittedBy: p.id('a1') }],
  });
  await untilStage(handle, prisma, 'file_review');
  const returned = await executeStep(handle, reviewCaseFile, {
    args: [{ approved: false, comments: '缺少送达回证', reviewedBy: 'qm-1' }],
  });
  expect(returned.qaReviews).toHaveLength(1);
  await untilStage(handle, prisma, 'performing');
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事判决书', '送达回证'], report: '胜诉，已执行完毕', submittedBy: p.id('a1') }],
  });
  await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
  await untilStage(handle, prisma, 'evaluating');
  expect((await handle.query(getState)).evaluation?.workflowId).toBe(evaluationWorkflowId(input.applicationNo));
  const stages = (await events(input.applicationNo)).map((e) => e.stage);
  expect(stages.slice(-4)).toEqual(['file_review', 'performing', 'file_review', 'evaluating']);
});

test('L-12 a closure report past the limit is escalated once', async () => {
  const { input, handle, p } = await assignedCase();
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: p.id('a1') }] });
  await executeStep(handle, reportMatterEnded, { args: [{ endedOn: await today(), reportedBy: p.id('a1') }] });
  await env.sleep('32 days');
  const overdue = (await notices(input.applicationNo, 'closure_overdue')).filter(
    (n) => n.template === 'closure_overdue',
  );
  expect(overdue).toHaveLength(1);
});

test('L-11 replaced while performing: back to assignment, the new member signs again (L-6)', async () => {
  const { handle, p } = await assignedCase();
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: p.id('a1') }] });
  await untilStage(handle, prisma, 'performing');
  await executeStep(handle, replaceMember, {
    args: [{ memberId: p.id('a1'), reason: '受援人申请更换', decidedBy: 'staff-1' }],
  });
  await settled(handle);
  const state = await handle.query(getState);
  expect(state.stage).toBe('assigning');
  const next = state.assignment!.slots.at(-1)!;
  expect(next.proposedMemberId).toBe(p.id('b1'));
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: next.ledgerSeq, memberId: p.id('b1'), confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(handle, prisma, 'assigned');
  for (let i = 0; i < 100 && (await handle.query(getState)).performance?.memberId !== p.id('b1'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const after = await handle.query(getState);
  expect(after.performance).toMatchObject({ memberId: p.id('b1') });
  expect(after.performance!.engagement).toBeUndefined();
});

test('L-12 S-4.3 a file the quality manager returned is owed again: the limit passing is escalated', async () => {
  const { input, handle, p } = await assignedCase();
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: p.id('a1') }] });
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事判决书'], report: '小结', matterEndedOn: await today(), submittedBy: p.id('a1') }],
  });
  await executeStep(handle, reviewCaseFile, {
    args: [{ approved: false, comments: '缺少送达回证', reviewedBy: 'qm-1' }],
  });
  await untilStage(handle, prisma, 'performing');
  // An hour past the limit (which moves off a rest day, Civil Code art. 203).
  const due = Date.parse((await handle.query(getState)).performance!.closureDueAt!);
  await env.sleep(due + 3_600_000 - (await env.currentTimeMs()));
  const overdue = (await notices(input.applicationNo, 'closure_overdue')).filter(
    (n) => n.template === 'closure_overdue',
  );
  expect(overdue).toHaveLength(1);
});

test('L-11 S-2.10 a group case: the other member replaced, the engaged lead member carries on', async () => {
  const p = await createPool(prisma, { A: { a1: {} }, B: { b1: {} }, C: { c1: {} } });
  const { handle } = await grantedCase(p.agency, {}, { assignment: { aidedPersons: 20 } });
  const slots = (await handle.query(getState)).assignment!.slots;
  expect(slots).toHaveLength(2);
  for (const s of slots) {
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: s.ledgerSeq, memberId: s.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
  }
  await untilStage(handle, prisma, 'assigned');
  const lead = slots[0]!.proposedMemberId;
  await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: lead }] });
  await untilStage(handle, prisma, 'performing');
  await executeStep(handle, replaceMember, {
    args: [{ memberId: slots[1]!.proposedMemberId, reason: '受援人申请更换', decidedBy: 'staff-1' }],
  });
  await settled(handle);
  const next = (await handle.query(getState)).assignment!.slots.at(-1)!;
  expect(next.proposedMemberId).toBe(p.id('c1'));
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: next.ledgerSeq, memberId: next.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
  });
  await untilStage(handle, prisma, 'performing');
  const state = await handle.query(getState);
  expect(state.performance).toMatchObject({ memberId: lead });
  expect(state.performance!.engagement).toBeDefined();
});
