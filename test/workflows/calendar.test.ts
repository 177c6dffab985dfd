/**
 * Civil Code art. 203 in the case workflow, on the real time-skipping test server: the correction deadline is counted
 * with the holiday calendar the workflow fetched, and a calendar published later reaches an open case's deadline.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dayPeriod, lastDayBefore } from '../../domain/deadlines';
import {
  calendarBroadcastWorkflowId,
  calendarChanged,
  confirmMember,
  evaluationWorkflowId,
  getEvaluation,
  getState,
  terminateAid,
} from '../../domain/definitions';
import { executeStep } from '../../platform/step-client';
import type { PrismaClient } from '../../prisma/generated/client';
import { createCalendarRepository } from '../../repositories/calendar';
import type { calendarBroadcastWorkflow } from '../../workflows';
import { caseFixtures, createPool } from '../support/cases';
import {
  applicationInput,
  receivedNow,
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
const taskQueue = uniqueTaskQueue('calendar');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const notices = (applicationNo: string) =>
  prisma.notification.findMany({ where: { applicationNo, channel: 'inbox' }, orderBy: { id: 'asc' } });

test('S-3.2 a correction period whose last day is 2026-10-01 runs to the end of 2026-10-08 (因国庆节顺延)', async () => {
  // Received at 10:00 on 16 Sep 2026 with a document missing: 15 days, counted last day 1 Oct.
  const input = applicationInput({ receivedAt: '2026-09-16T02:00:00.000Z', materialsSupplied: ['identity_proof'] });
  const handle = await startCase(env, taskQueue, input);
  expect((await handle.result()).stage).toBe('terminated'); // that deadline is long past on the test server
  const state = await handle.query(getState);
  expect(state.calendarVersion).toMatch(/^chinese-days@1\.5\.7/);
  expect(state.correctionMoved).toEqual({ from: '2026-10-01', reason: '因国庆节顺延' });
  const row = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
  expect(row.correctionDueAt?.toISOString()).toBe('2026-10-08T16:00:00.000Z'); // 2026-10-09 00:00 China time
  const notice = (await notices(input.applicationNo)).find((n) => n.obligationKey === 'correction-notice');
  expect(notice?.body).toContain('请于 2026年10月8日（含当日）前补齐（原最后一日 2026年10月1日，因国庆节顺延）');
});

test('S-3.2 a published holiday arrangement reaches an open case: its future correction deadline moves, once', async () => {
  // A year no other test enters: received 10:00 on 1 Jun 2098, counted last day Monday 16 Jun 2098.
  const input = applicationInput({ receivedAt: '2098-06-01T02:00:00.000Z', materialsSupplied: ['identity_proof'] });
  const handle = await startCase(env, taskQueue, input);
  const first = await until(
    () => handle.query(getState),
    (s) => s.stage === 'awaiting_materials',
    (s) => `still ${s?.stage}`,
  );
  expect(first.correctionDueAt).toBe('2098-06-16T16:00:00.000Z');
  expect(first.correctionMoved).toBeUndefined();

  // The city centre enters 2098: 16 and 17 June off for the Dragon Boat Festival. The API then signals open cases.
  await createCalendarRepository({ prisma }).enter(
    2098,
    [
      { date: '2098-06-16', kind: 'rest', name: '端午节' },
      { date: '2098-06-17', kind: 'rest', name: '端午节' },
    ],
    'city-1',
  );
  await handle.signal(calendarChanged);
  const moved = await until(
    () => handle.query(getState),
    (s) => s.correctionDueAt === '2098-06-18T16:00:00.000Z',
    (s) => `correction due ${s?.correctionDueAt}`,
  );
  expect(moved.correctionMoved).toEqual({ from: '2098-06-16', reason: '因端午节顺延' });
  expect(moved.calendarVersion).toContain('2098r1');
  expect(moved.stage).toBe('awaiting_materials');

  // A repeated signal moves nothing and tells nobody again.
  await handle.signal(calendarChanged);
  const rescheduled = async () =>
    (await notices(input.applicationNo)).filter((n) => n.obligationKey.startsWith('correction-rescheduled'));
  const told = await until(
    rescheduled,
    (list) => list.length > 0,
    () => 'no rescheduled notice',
  );
  expect(told.map((n) => n.obligationKey)).toEqual(['correction-rescheduled-2098-06-18']);
  expect(told[0]!.body).toContain('补正期限调整为 2098年6月18日（含当日）（原最后一日 2098年6月16日，因端午节顺延）');
  const events = await prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } });
  expect(events.filter((e) => e.note?.includes('法定节假日安排调整'))).toHaveLength(1);
  expect((await handle.query(getState)).correctionDueAt).toBe('2098-06-18T16:00:00.000Z');
  await handle.terminate('test over');
});

describe('Civil Code art. 203: a published change reaches every running deadline', () => {
  const { settled, grantedCase } = caseFixtures(() => suite!, taskQueue);
  const DAY_MS = 24 * 60 * 60 * 1000;

  test('L-1 S-4.4: an entered arrangement moves a running review deadline and an evaluation step deadline, once, and says why (因劳动节顺延)', async () => {
    // Far ahead, in a year no package or other test has: every weekday there is a working day until 2093 is entered.
    await env.sleep(Date.parse('2093-03-02T02:00:00.000Z') - (await env.currentTimeMs()));
    const calendars = createCalendarRepository({ prisma });

    // A case whose aid was terminated after its member was assigned: its work is being evaluated (S-4.4).
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input: worked, handle } = await grantedCase(p.agency);
    await settled(handle);
    const [slot] = (await handle.query(getState)).assignment!.slots;
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: slot!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await untilStage(handle, prisma, 'assigned');
    await handle.signal(terminateAid, { ground: 'own_lawyer', reason: '受援人已自行委托律师', terminatedBy: 'head-1' });
    await untilStage(handle, prisma, 'terminated');
    await env.sleep(worked.rules.objectionWindowDays * DAY_MS + 3 * DAY_MS);
    await untilStage(handle, prisma, 'evaluating');
    const evaluation = env.client.workflow.getHandle(evaluationWorkflowId(worked.applicationNo));
    const step = await until(
      () => evaluation.query(getEvaluation).catch(() => undefined),
      (e) => e?.dueAt !== undefined,
      () => 'the evaluation never started',
    );

    // And a case in review (L-1, 7 days from receipt).
    const input = await receivedNow(env);
    const reviewing = await startCase(env, taskQueue, input);
    await untilStage(reviewing, prisma, 'under_review');
    const review = await reviewing.query(getState);
    expect(Date.parse(review.reviewDueAt!)).toBeGreaterThan(await env.currentTimeMs());

    // The city centre enters 2093: both last days become holidays.
    const reviewLast = lastDayBefore(new Date(review.reviewDueAt!));
    const stepLast = lastDayBefore(new Date(step!.dueAt!));
    const days = [...new Set([reviewLast, stepLast])].map((date) => ({ date, kind: 'rest' as const, name: '劳动节' }));
    await calendars.enter(2093, days, 'city-1');
    const calendar = await calendars.calendar();
    const reviewWanted = dayPeriod(new Date(input.receivedAt), input.rules.reviewDays, calendar);
    const stepWanted = dayPeriod(new Date(step!.statusSince), worked.rules.evaluationStepDays, calendar);
    expect(reviewWanted.dueAt.toISOString()).not.toBe(review.reviewDueAt);

    for (const h of [reviewing, handle, evaluation]) await h.signal(calendarChanged);
    const moved = await until(
      () => reviewing.query(getState),
      (s) => s.reviewDueAt === reviewWanted.dueAt.toISOString(),
      (s) => `review due ${s?.reviewDueAt}`,
    );
    expect(moved.calendarVersion).toContain('2093r1');
    expect(moved.deadlineMoves?.review).toEqual({ from: reviewLast, reason: '因劳动节顺延' });
    const rescheduled = await until(
      () => evaluation.query(getEvaluation),
      (e) => e.dueAt === stepWanted.dueAt.toISOString(),
      (e) => `evaluation due ${e?.dueAt}`,
    );
    expect(rescheduled.calendarVersion).toContain('2093r1');
    expect(rescheduled.deadlineMoves?.['evaluation-step']).toEqual({ from: stepLast, reason: '因劳动节顺延' });
    expect(rescheduled.reminded).toBe(false);
    const events = await until(
      () => prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } }),
      (list) => list.some((e) => e.note?.includes('法定节假日安排调整')),
      () => 'no timeline note',
    );
    const note = events.find((e) => e.note?.includes('法定节假日安排调整'))!;
    expect(note.ruleIds).toEqual(['L-1']);
    expect(note.note).toContain('审查期限调整为');
    expect(note.note).toContain('因劳动节顺延');

    // The board and the applicant's page show why the due dates moved (the obligations' read model).
    const owed = (applicationNo: string, kind: string) =>
      until(
        () => prisma.obligation.findFirst({ where: { applicationNo, kind, resolvedAt: null } }),
        (o) => o?.dueMoved === '因劳动节顺延',
        (o) => `${kind} due ${o?.dueAt?.toISOString()} moved ${o?.dueMoved}`,
      );
    expect((await owed(input.applicationNo, 'decision'))!.dueAt!.toISOString()).toBe(reviewWanted.dueAt.toISOString());
    expect((await owed(worked.applicationNo, 'evaluation'))!.dueAt!.toISOString()).toBe(stepWanted.dueAt.toISOString());

    // A repeated signal moves nothing again.
    await reviewing.signal(calendarChanged);
    await evaluation.signal(calendarChanged);
    expect((await reviewing.query(getState)).reviewDueAt).toBe(reviewWanted.dueAt.toISOString());
    const again = await prisma.applicationStageEvent.findMany({ where: { applicationNo: input.applicationNo } });
    expect(again.filter((e) => e.note?.includes('法定节假日安排调整'))).toHaveLength(1);
    await reviewing.terminate('test over');
    await handle.terminate('test over');
  });
});

test('Civil Code art. 203: the durable broadcast of a calendar revision reaches the open cases, skipping ended ones', async () => {
  // Received 10:00 on 1 Jun 2100 with a document missing: 15 days, counted last day Wednesday 16 Jun. (After the
  // test above the test server's clock is in 2093: still before it.)
  const input = applicationInput({ receivedAt: '2100-06-01T02:00:00.000Z', materialsSupplied: ['identity_proof'] });
  const handle = await startCase(env, taskQueue, input);
  await untilStage(handle, prisma, 'awaiting_materials');
  const before = (await handle.query(getState)).correctionDueAt;
  const calendars = createCalendarRepository({ prisma });
  await calendars.enter(2100, [{ date: '2100-06-16', kind: 'rest', name: '端午节' }], 'city-1');
  const { version } = await calendars.calendar();
  const broadcast = await env.client.workflow.start<typeof calendarBroadcastWorkflow>('calendarBroadcastWorkflow', {
    workflowId: calendarBroadcastWorkflowId(version),
    taskQueue,
    args: [{ calendarVersion: version }],
  });
  // Earlier tests' cases ended (terminated) but their rows are not closed: signalling them fails and is skipped.
  expect((await broadcast.result()).notified).toBeGreaterThanOrEqual(2); // this case, on each of the two passes
  const moved = await until(
    () => handle.query(getState),
    (s) => s.calendarVersion === version,
    (s) => `calendar ${s?.calendarVersion}`,
  );
  expect(before).toBe('2100-06-16T16:00:00.000Z');
  expect(moved.correctionDueAt).toBe('2100-06-17T16:00:00.000Z');
  expect(moved.correctionMoved).toEqual({ from: '2100-06-16', reason: '因端午节顺延' });
  await handle.terminate('test over');
});
