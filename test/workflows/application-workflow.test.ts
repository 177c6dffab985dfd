/**
 * Workflows are left running at the end of a test rather than terminated: terminating one while its activity is in
 * flight leaves the time-skipping server's clock locked, and later tests' sleeps would hang.
 *
 * applicationWorkflow on the real time-skipping test server (temporal-test-server): a 15-day correction deadline
 * passes in seconds. Activities write to the real PostgreSQL of this run.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { correctionDeadline, dayPeriod, endOfDayPeriod, lastDayBefore } from '../../domain/deadlines';
import { formatCst, formatCstDay } from '../../domain/time';
import {
  applicationWorkflowId,
  confirmMember,
  decide,
  evaluationWorkflowId,
  recordEngagement,
  getState,
  supplyMaterials,
  type ApplicationInput,
} from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import {
  until,
  startWorkflowSuite,
  receivedNow,
  startCase,
  residentIdNumber,
  uniqueTaskQueue,
  type WorkflowSuite,
  untilStage,
} from '../support/context';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { objectable } from '../../domain/termination';
import { cstDateOf } from '../../domain/time';
import { caseFixtures, createPool, failureOf } from '../support/cases';
import { executeStep } from '../../platform/step-client';
import { movedText } from '../../domain/calendar';
import { packagedCalendar } from '../../repositories/calendar';

/** The package's holiday calendar: the one these tests' cases count their deadlines with. */
const CALENDAR = packagedCalendar();

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('wf');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

/** The test server's clock runs ahead of the wall clock once a test has skipped time: take "now" from it. */
const received = (overrides: Partial<ApplicationInput>) => receivedNow(env, overrides);
const start = (input: ApplicationInput) => startCase(env, taskQueue, input);

/** The stored record once the workflow's first activity has written it. */
async function recorded(applicationNo: string) {
  await until(
    () => prisma.application.findUnique({ where: { applicationNo } }),
    (row) => !!row,
    () => 'the application was never recorded',
  );
  return stored(applicationNo);
}

const stored = (applicationNo: string) =>
  prisma.application.findUniqueOrThrow({
    where: { applicationNo },
    include: { stageEvents: { orderBy: { seq: 'asc' } } },
  });

describe('S-3.2 / L-2 deferred documents (容缺受理)', () => {
  test('S-3.2 L-2 materials not supplied by the 15-day deadline: the application is terminated and the reason recorded', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await start(input);
    const outcome = await handle.result(); // the test server skips the 15 days
    expect(outcome.stage).toBe('terminated');
    expect(outcome.closedReason).toContain('视为撤回申请');

    const record = await stored(input.applicationNo);
    expect(record.stage).toBe('terminated');
    expect(record.closedReason).toContain('S-3.2');
    expect(record.stageEvents.map((e) => e.stage)).toEqual(['received', 'awaiting_materials', 'terminated']);
    expect(record.stageEvents[1]!.ruleIds).toEqual(['S-3.2', 'L-2']);
    // L-2: the one notice lists every missing material and the last day.
    expect(record.stageEvents[1]!.note).toContain('经济困难状况说明表');
    expect(record.stageEvents[1]!.note).toContain('与所申请法律援助事项有关的材料');
    const due = correctionDeadline(new Date(input.receivedAt), 15, CALENDAR);
    expect(record.correctionDueAt?.toISOString()).toBe(due.toISOString());
    // The termination happened at the deadline, not before it.
    expect(record.stageEvents[2]!.enteredAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
  });

  test('S-3.2 one second before the deadline the application is still waiting for materials', async () => {
    const input = await received({ materialsSupplied: [] });
    const handle = await start(input);
    const due = correctionDeadline(new Date(input.receivedAt), input.rules.correctionDays, CALENDAR);
    await env.sleep(due.getTime() - (await env.currentTimeMs()) - 1000);
    const state = await handle.query(getState);
    expect(state.stage).toBe('awaiting_materials');
    expect(state.materialsMissing).toEqual(['identity_proof', 'economic_statement', 'matter_evidence']);
    expect((await handle.result()).stage).toBe('terminated');
  });

  test('S-3.2 a configured 3-day correction period is honoured instead of the default', async () => {
    const input = await received({
      materialsSupplied: [],
      rules: { ...DEFAULT_RULE_CONFIG, correctionDays: 3, reviewDays: 7 },
    });
    const handle = await start(input);
    await handle.result();
    const record = await stored(input.applicationNo);
    expect(record.correctionDueAt?.toISOString()).toBe(
      correctionDeadline(new Date(input.receivedAt), 3, CALENDAR).toISOString(),
    );
  });

  test('L-2 the withdrawal notice offers no objection: it says how to apply again with the missing materials', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await start(input);
    expect((await handle.result()).stage).toBe('terminated');
    const notices = await prisma.notification.findMany({
      where: { applicationNo: input.applicationNo, obligationKey: 'correction-terminated', channel: 'inbox' },
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.recipient).toBe('applicant');
    expect(notices[0]!.body).toContain('视为撤回申请');
    expect(notices[0]!.body).not.toContain('异议');
    expect(notices[0]!.body).toContain('重新提出法律援助申请');
    expect(notices[0]!.body).toContain('经济困难状况说明表');
    // L-10 lies against a refusal or a termination, and the system takes none after a withdrawal.
    expect(objectable(await handle.query(getState))).toBe(false);
  });
});

describe('supplying materials and deciding (S-3.2, L-2, L-1)', () => {
  test('S-3.2 materials supplied in two parts before the deadline move the application to review; the deadline is cleared', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await start(input);
    const first = await executeStep(handle, supplyMaterials, {
      args: [{ items: ['economic_statement'], receivedBy: 'staff-7' }],
    });
    expect(first).toEqual({ stage: 'awaiting_materials', materialsMissing: ['matter_evidence'] });
    await env.sleep('10 days');
    const second = await executeStep(handle, supplyMaterials, {
      args: [{ items: ['matter_evidence', 'economic_statement'], receivedBy: 'staff-7' }],
    });
    expect(second).toEqual({ stage: 'under_review', materialsMissing: [] });
    await env.sleep('30 days'); // long past the old deadline: nothing terminates it now
    expect((await handle.query(getState)).stage).toBe('under_review');

    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'staff-7', requestId: 'r1' }] });
    await untilStage(handle, prisma, 'assigning'); // S-3.3: granted aid goes straight on to assignment
    const record = await stored(input.applicationNo);
    expect(record.stageEvents.map((e) => e.stage).slice(0, 6)).toEqual([
      'received',
      'awaiting_materials',
      'awaiting_materials',
      'under_review',
      'granted',
      'assigning',
    ]);
    expect(record.correctionDueAt).toBeNull();
    expect(record.decidedBy).toBe('staff-7');
  });

  test('S-3.2 materials sent together with the start are validated against the first stage', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await env.client.workflow.signalWithStart('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationNo),
      taskQueue,
      args: [input],
      signal: supplyMaterials.signal,
      signalArgs: [{ id: 'with-start', input: { items: ['economic_statement'], receivedBy: 'agent-1' } }],
    });
    const result = await executeStep(handle, supplyMaterials, {
      args: [{ items: ['economic_statement'], receivedBy: 'agent-1' }],
      updateId: 'with-start',
    });
    expect(result).toEqual({ stage: 'awaiting_materials', materialsMissing: ['matter_evidence'] });
  });

  test('L-2 materials sent twice with the same update id are recorded once', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await start(input);
    for (let i = 0; i < 3; i++) {
      await executeStep(handle, supplyMaterials, {
        args: [{ items: ['economic_statement'], receivedBy: 'staff-7' }],
        updateId: 'same-request',
      });
    }
    // A different request carrying an already-supplied item changes nothing either.
    await executeStep(handle, supplyMaterials, { args: [{ items: ['economic_statement'], receivedBy: 'staff-8' }] });
    const state = await handle.query(getState);
    expect(state.seq).toBe(3);
    const record = await stored(input.applicationNo);
    expect(record.stageEvents).toHaveLength(3);
  });

  test('L-1 a decision while materials are missing is rejected with InvalidTransition and changes nothing', async () => {
    const input = await received({ materialsSupplied: [] });
    const handle = await start(input);
    const attempt = executeStep(handle, decide, {
      args: [{ decision: 'grant', decidedBy: 'staff-1', requestId: 'r2' }],
    });
    await expect(attempt).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const failure = await attempt.catch((err: WorkflowUpdateFailedError) => err.cause);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('InvalidTransition');
    expect((failure as ApplicationFailure).message).toContain('待补正材料');
    expect((await handle.query(getState)).stage).toBe('awaiting_materials');
  });

  test('L-1 a refusal without written reasons is rejected; with reasons the application is refused', async () => {
    const input = await received({});
    const handle = await start(input);
    const attempt = executeStep(handle, decide, {
      args: [{ decision: 'refuse', decidedBy: 'staff-1', requestId: 'r3' }],
    });
    const failure = await attempt.then(
      () => undefined,
      (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
    );
    expect(failure?.type).toBe('InvalidInput');
    const result = await executeStep(handle, decide, {
      args: [{ decision: 'refuse', reason: '申请事项不属于法律援助范围', decidedBy: 'staff-1', requestId: 'r4' }],
    });
    expect(result.stage).toBe('refused');
    expect((await handle.result()).stage).toBe('refused');
    const record = await stored(input.applicationNo);
    expect(record.decisionReason).toBe('申请事项不属于法律援助范围');
    expect(record.decisionRequestId).toBe('r4');
  });

  test('complete materials go straight to review (L-1), with no correction deadline', async () => {
    const input = await received({});
    const handle = await start(input);
    // The first stage follows as soon as the holiday calendar is fetched (its deadlines are counted with it).
    const state = await until(
      () => handle.query(getState),
      (s) => s.stage !== 'received',
      (s) => `still ${s?.stage}`,
    );
    expect(state.stage).toBe('under_review');
    expect(state.correctionDueAt).toBeUndefined();
  });
});

describe('eligibility decided at intake and stored with the case (S-1.x, L-4, L-8)', () => {
  test('L-4 a notification case skips the hardship test; the decision record is stored and shown in the history', async () => {
    const input = await received({
      channel: 'notification',
      economicSituation: { householdSize: 1, monthlyHouseholdIncome: 99999, commitmentSigned: false },
    });
    const handle = await start(input);
    expect((await handle.query(getState)).eligibility).toEqual({ kind: 'no_test', ruleIds: ['L-4'], anyMatter: false });
    const record = await recorded(input.applicationNo);
    expect(record.eligibility).toMatchObject({
      outcome: { kind: 'no_test', ruleIds: ['L-4'] },
      version: expect.stringMatching(/^shaoxing-/),
    });
    expect(record.stageEvents[0]).toMatchObject({ stage: 'received', ruleIds: ['L-4'] });
    expect(record.stageEvents[0]!.note).toContain('L-4');
  });

  test('S-1.2(d) an applicant aged 70 or more on the application date is waived from the hardship check', async () => {
    const input = await received({ applicant: { name: '测试', idNumber: '11010519491231002X' } });
    await start(input);
    const record = await recorded(input.applicationNo);
    expect(record.eligibility).toMatchObject({ outcome: { kind: 'waived', grounds: ['S-1.2(d)'] }, anyMatter: true });
    // S-2.3: 70 is also elderly for the home-visit advice, an intake check of the first event.
    expect(record.stageEvents[0]!.ruleIds).toEqual(['S-1.2(d)', 'S-1.1', 'S-2.3']);
    expect(record.stageEvents[0]!.note).toContain('建议上门服务（S-2.3）：申请人年满60周岁');
  });

  test('S-1.3 L-8 a claimed ground of Law art. 32 needs no test; without one the city standard applies', async () => {
    // Thirty years old on the test server's clock (which runs ahead once tests have skipped time).
    const thirty = async (serial: string) => {
      const year = new Date(await env.currentTimeMs()).getUTCFullYear() - 30;
      return { name: '测试', idNumber: residentIdNumber(`${year}0101`, serial) };
    };
    const bravery = await received({ eligibilityClaims: { noTestGround: 'bravery' }, applicant: await thirty('111') });
    const plain = await received({ applicant: await thirty('222') });
    for (const input of [bravery, plain]) await start(input);
    expect((await recorded(bravery.applicationNo)).eligibility).toMatchObject({
      outcome: { kind: 'no_test', ruleIds: ['L-8'] },
    });
    expect((await recorded(plain.applicationNo)).eligibility).toMatchObject({
      outcome: { kind: 'verify', standardId: 'SX-unset' },
    });
  });
});

describe('L-1 the 7-day review clock', () => {
  test('L-1 the review clock pauses while materials are awaited and resumes with the whole days that were left, to 24:00 China time', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'] });
    const handle = await start(input);
    const paused = await handle.query(getState);
    expect(paused.reviewDueAt).toBeUndefined();
    // Paused on the day of receipt: all 7 days are left.
    expect(paused.reviewRemainingMs).toBe(7 * 24 * 60 * 60 * 1000);
    await env.sleep('10 days');
    await env.sleep('5 hours'); // resume at another time of day than the receipt
    const suppliedAt = await env.currentTimeMs();
    await executeStep(handle, supplyMaterials, {
      args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 's' }],
    });
    const resumed = await handle.query(getState);
    // The 7 days count again from the day after the materials arrived and end at 24:00 China time of the last.
    // Civil Code art. 203: a new last day on a rest day moves to the next working day.
    const period = dayPeriod(new Date(suppliedAt), 7, CALENDAR);
    expect(resumed.reviewDueAt).toBe(period.dueAt.toISOString());
    expect(formatCst(new Date(resumed.reviewDueAt!)).slice(11)).toBe('00:00');
    const record = await recorded(input.applicationNo);
    const notes = record.stageEvents.map((e) => e.note ?? '').join('\n');
    expect(notes).toMatch(/审查期限暂停[\s\S]*审查期限恢复计算/);
    const lastDay = formatCstDay(lastDayBefore(new Date(resumed.reviewDueAt!)));
    expect(notes).toContain(`审查期限恢复计算，至 ${lastDay}（含当日）届满${movedText(period.moved)}（L-1）`);
  });

  test('L-1 with the pause policy off, the clock keeps running while materials are awaited', async () => {
    const input = await received({
      materialsSupplied: ['identity_proof'],
      rules: { ...DEFAULT_RULE_CONFIG, correctionDays: 15, reviewDays: 7, reviewPausesForMaterials: false },
    });
    const handle = await start(input);
    const state = await until(
      () => handle.query(getState),
      (s) => s.stage === 'awaiting_materials',
      (s) => `still ${s?.stage}`,
    );
    expect(state.reviewDueAt).toBe(endOfDayPeriod(new Date(input.receivedAt), 7, CALENDAR).toISOString());
    expect(state.reviewRemainingMs).toBeUndefined();
  });

  test('L-1 a decision after the review period is still possible but flagged late', async () => {
    const input = await received({});
    const handle = await start(input);
    // An hour past the review period, which moves off a rest day (Civil Code art. 203): not a fixed 8 days.
    const { reviewDueAt } = await until(
      () => handle.query(getState),
      (s) => s.reviewDueAt !== undefined,
      (s) => `no review clock in ${s?.stage}`,
    );
    await env.sleep(Date.parse(reviewDueAt!) + 3_600_000 - (await env.currentTimeMs()));
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'late-1' }] });
    await untilStage(handle, prisma, 'assigning');
    const record = await recorded(input.applicationNo);
    expect(record.decisionLate).toBe(true);
    expect(record.stageEvents.find((e) => e.stage === 'granted')!.note).toContain('超过审查期限');
  });

  test('L-1 a decision within the review period is not flagged', async () => {
    const input = await received({});
    const handle = await start(input);
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'ok-1' }] });
    await untilStage(handle, prisma, 'assigning');
    expect((await recorded(input.applicationNo)).decisionLate).toBe(false);
  });
});

describe('S-3.2 / L-7 accepted first (先行受理)', () => {
  test('S-3.2 L-7 a migrant worker wage claim accepted first, not corrected in time: the aid is terminated, not withdrawn', async () => {
    const input = await received({
      materialsSupplied: ['identity_proof'],
      matter: { category: 'labour_remuneration', summary: '工地欠薪' },
      eligibilityClaims: { migrantWorker: true },
    });
    const handle = await start(input);
    expect((await handle.query(getState)).acceptedFirst).toEqual([expect.objectContaining({ ruleId: 'S-3.2' })]);
    const outcome = await handle.result();
    expect(outcome.closedReason).toContain('终止法律援助');
    expect(outcome.closedReason).not.toContain('视为撤回');
    const record = await recorded(input.applicationNo);
    expect(record.stageEvents[0]!.note).toContain('先行受理');
    expect(record.stageEvents.at(-1)!.ruleIds).toEqual(['S-3.2', 'L-7']);
  });
});

describe('S-3.2 / L-7 aid accepted first starts before the documents arrive', () => {
  const { settled } = caseFixtures(() => suite!, taskQueue);
  /** A migrant worker's wage claim (the green channel) of a pooled agency, two documents deferred. */
  async function wageClaim(agency: string) {
    const input = await received({
      agencyCode: agency as ApplicationInput['agencyCode'],
      materialsSupplied: ['identity_proof'],
      matter: { category: 'labour_remuneration', summary: '工地欠薪' },
      eligibilityClaims: { migrantWorker: true, documentsSeen: ['labour_relation_proof'] },
      intake: { correctionCommitment: true },
    });
    const handle = await start(input);
    await untilStage(handle, prisma, 'awaiting_materials');
    return { input, handle };
  }
  /** Granted at once, assigned by rotation and confirmed by the institution: `<agency>-a1` handles it. */
  async function grantedEarly(agency: string) {
    const c = await wageClaim(agency);
    const granted = await executeStep(c.handle, decide, {
      args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'early' }],
    });
    expect(granted.stage).toBe('granted');
    await untilStage(c.handle, prisma, ['assigning', 'assigned']);
    await settled(c.handle);
    const [slot] = (await c.handle.query(getState)).assignment!.slots;
    await executeStep(c.handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await untilStage(c.handle, prisma, 'assigned');
    return c;
  }
  const notices = (applicationNo: string) =>
    prisma.notification.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });

  test('S-3.2 L-7 a wage claim accepted first is granted and assigned before its documents arrive; missing at the deadline, the aid is terminated, the lawyer and institution told, the work done evaluated', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await grantedEarly(p.agency);
    const state = await handle.query(getState);
    expect(state.materialsMissing).toEqual(['economic_statement', 'matter_evidence']);
    expect(state.correctionDueAt).toBeDefined();
    await executeStep(handle, recordEngagement, {
      args: [{ signedOn: cstDateOf(new Date(await env.currentTimeMs())), recordedBy: p.id('a1') }],
    });
    await untilStage(handle, prisma, 'performing');
    const grant = (await stored(input.applicationNo)).stageEvents.find((e) => e.stage === 'granted')!;
    expect(grant.ruleIds).toEqual(['L-1', 'S-3.2', 'L-7']);
    expect(grant.note).toContain('先行受理');
    // The one-time notice says aid may start before the materials, and what missing them at the deadline does.
    const notice = (await stored(input.applicationNo)).stageEvents.find((e) => e.stage === 'awaiting_materials')!;
    expect(notice.note).toContain('本案先行受理');
    expect(notice.note).toContain('逾期未补齐的，终止法律援助');

    const due = correctionDeadline(new Date(input.receivedAt), input.rules.correctionDays, CALENDAR);
    await env.sleep(due.getTime() - (await env.currentTimeMs()) + 1000);
    await untilStage(handle, prisma, 'evaluating');
    const record = await stored(input.applicationNo);
    const stages = record.stageEvents.map((e) => e.stage);
    expect(stages.slice(-2)).toEqual(['terminated', 'evaluating']);
    const terminated = record.stageEvents.at(-2)!;
    expect(terminated.ruleIds).toEqual(['S-3.2', 'L-7']);
    expect(terminated.note).toContain('按申请人承诺终止法律援助');
    expect(terminated.enteredAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect((await handle.query(getState)).evaluation?.workflowId).toBe(evaluationWorkflowId(input.applicationNo));
    const sent = await until(
      () => notices(input.applicationNo),
      (rows) => rows.filter((n) => n.template === 'aid_terminated_handler').length === 2,
      () => 'the lawyer and institution were never told',
    );
    const told = sent.filter((n) => n.template === 'aid_terminated_handler');
    expect(told.map((n) => n.recipient).sort()).toEqual([`institution:${p.agency}-A`, `member:${p.id('a1')}`]);
    expect(told[0]!.body).toContain('终止法律援助');
    const toApplicant = sent.find((n) => n.template === 'correction_terminated')!;
    expect(toApplicant.recipient).toBe('applicant');
    expect(toApplicant.body).toContain('先行受理');
    expect(toApplicant.body).not.toContain('视为撤回');
  });

  test('S-3.2 L-7 documents of aid accepted first arriving before the deadline: the case carries on as assigned', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await grantedEarly(p.agency);
    // The stuck-case board still shows the documents owed, with their deadline.
    const owed = () =>
      prisma.obligation.findUnique({
        where: { applicationNo_key: { applicationNo: input.applicationNo, key: 'documents' } },
      });
    expect(await owed()).toMatchObject({ resolvedAt: null, ruleId: 'S-3.2' });
    expect((await owed())!.dueAt?.toISOString()).toBe((await handle.query(getState)).correctionDueAt);
    const done = await executeStep(handle, supplyMaterials, {
      args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 'staff-7' }],
    });
    expect(done).toEqual({ stage: 'assigned', materialsMissing: [] });
    expect((await handle.query(getState)).correctionDueAt).toBeUndefined();
    await until(
      owed,
      (row) => row?.resolvedAt !== null,
      () => 'the documents were never marked supplied',
    );
    const due = correctionDeadline(new Date(input.receivedAt), input.rules.correctionDays, CALENDAR);
    await env.sleep(due.getTime() - (await env.currentTimeMs()) + 60_000);
    expect((await handle.query(getState)).stage).toBe('assigned');
    const record = await stored(input.applicationNo);
    expect(record.stageEvents.map((e) => e.stage)).not.toContain('terminated');
    const complete = record.stageEvents.find((e) => e.note?.includes('材料已补齐'))!;
    expect(complete).toMatchObject({ stage: 'assigned', ruleIds: ['S-3.2', 'L-7'] });
  });

  test('S-3.2 L-7 aid accepted first terminated at the deadline before its member was confirmed closes at once', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await wageClaim(p.agency);
    await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'early' }] });
    await untilStage(handle, prisma, ['assigning', 'assigned']);
    await settled(handle);
    const outcome = await handle.result(); // the test server skips to the correction deadline
    expect(outcome.stage).toBe('terminated');
    expect(outcome.closedReason).toContain('按申请人承诺终止法律援助');
    const record = await stored(input.applicationNo);
    expect(record.stageEvents.map((e) => e.stage)).not.toContain('evaluating');
    const told = (await notices(input.applicationNo)).filter((n) => n.template === 'aid_terminated_handler');
    expect(told.map((n) => n.recipient).sort()).toEqual([`institution:${p.agency}-A`, `member:${p.id('a1')}`]);
  });

  test('S-3.2 an ordinary case awaiting its documents still cannot be granted', async () => {
    const input = await received({ materialsSupplied: ['identity_proof'], intake: { correctionCommitment: true } });
    const handle = await start(input);
    await untilStage(handle, prisma, 'awaiting_materials');
    expect((await handle.query(getState)).acceptedFirst).toBeUndefined();
    const refused = await failureOf(
      executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'too-early' }] }),
    );
    expect(refused?.type).toBe('InvalidTransition');
    expect(refused?.message).toContain('待补正材料');
    expect((await handle.query(getState)).stage).toBe('awaiting_materials');
  });
});
