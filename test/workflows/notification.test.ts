/**
 * Notification cases (通知辩护/通知代理, L-4; Law arts. 25, 28, 36) on the real time-skipping test server: registered
 * from the organ's letter with the person's identity as the organ gives it, straight to assignment within 3 days of
 * receipt (S-3.3 the same day), the organ told whom the agency assigned; never reviewed, granted or refused; returned
 * to the organ when the agency cannot act on it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  assignCase,
  confirmMember,
  decide,
  fileObjection,
  getState,
  returnToOrgan,
  supplyMaterials,
} from '../../domain/definitions';
import { endOfDayPeriod } from '../../domain/deadlines';
import { applicationObligations } from '../../domain/obligations';
import type { PrismaClient } from '../../prisma/generated/client';
import { executeStep } from '../../platform/step-client';
import { packagedCalendar } from '../../repositories/calendar';
import { caseFixtures, createPool, failureOf } from '../support/cases';
import {
  startCase,
  startWorkflowSuite,
  receivedNow,
  uniqueTaskQueue,
  untilStage,
  type WorkflowSuite,
} from '../support/context';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('notification');
const CALENDAR = packagedCalendar();

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const { notificationCase, grantedCase, events } = caseFixtures(() => suite!, taskQueue);
const notices = (applicationNo: string) =>
  prisma.notification.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });

describe('L-4 a notification case is registered from the letter and goes straight to assignment', () => {
  test('L-4: a notification case with no ID number (a foreign defendant with a passport) is assigned within 3 days of receipt, with no correction notice, no materials owed, no grant and no hardship test', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await notificationCase(
      p.agency,
      {},
      {
        applicant: { name: 'John SMITH', idDocument: { type: 'passport', number: 'E12345678', issuedBy: '美国' } },
      },
    );
    const state = await handle.query(getState);
    expect(state.stage).toBe('assigning');
    expect(state.eligibility).toEqual({ kind: 'no_test', ruleIds: ['L-4'], anyMatter: false });
    expect(state.materialsMissing).toEqual([]);
    expect(state.correctionDueAt).toBeUndefined();
    expect(state.reviewDueAt).toBeUndefined();
    expect(state.decision).toBeUndefined();
    // L-4: 3 days from the receipt of the letter (Civil Code art. 201: from the next day); S-3.3: the same day.
    expect(state.assignment!.since).toBe(input.receivedAt);
    expect(state.assignment!.statutoryDueAt).toBe(
      endOfDayPeriod(new Date(input.receivedAt), 3, CALENDAR).toISOString(),
    );
    const [slot] = state.assignment!.slots;
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a1'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    await untilStage(handle, prisma, 'assigned');
    const stages = (await events(input.applicationNo)).map((e) => e.stage);
    expect(stages[0]).toBe('received');
    expect(stages.at(-1)).toBe('assigned');
    for (const application of ['awaiting_materials', 'under_review', 'granted', 'refused']) {
      expect(stages).not.toContain(application);
    }
    const opening = (await events(input.applicationNo)).find((e) => e.stage === 'assigning')!;
    expect(opening.ruleIds).toEqual(['S-3.3', 'L-4']);
    expect(opening.note).toContain('不经申请审查');
    const sent = await notices(input.applicationNo);
    expect(sent.map((n) => n.template)).not.toContain('correction_notice');
    expect(sent.map((n) => n.template)).not.toContain('correction_reminder');
    const row = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
    expect(row.applicant).toMatchObject({ idDocument: { type: 'passport', number: 'E12345678' } });
    expect(row.applicant).not.toHaveProperty('idNumber');
    // Nothing is owed by the person: no documents, no verification, no decision.
    expect(applicationObligations(await handle.query(getState)).map((o) => o.kind)).not.toContain('documents');
  });

  test('L-4: the organ is told whom the agency assigned: the institution and the member, as defender, in Chinese', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await notificationCase(p.agency, { letterNo: '（2026）浙0602刑初88号' });
    const [slot] = (await handle.query(getState)).assignment!.slots;
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a1'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    await untilStage(handle, prisma, 'assigned');
    const toOrgan = (await notices(input.applicationNo)).filter((n) => n.template === 'notifying_organ');
    expect(toOrgan.map((n) => n.recipient)).toEqual(['notifying_organ']);
    const text = toOrgan[0]!.body;
    expect(text).toContain('绍兴市越城区人民法院');
    expect(text).toContain('（2026）浙0602刑初88号');
    expect(text).toContain('A律师事务所');
    expect(text).toContain(p.id('a1'));
    expect(text).toContain('担任辩护人');
  });

  test('L-4 Law art. 28: compulsory medical treatment (强制医疗) is a notification ground; the lawyer acts as agent (诉讼代理人)', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await notificationCase(p.agency, { ground: 'compulsory_medical' });
    const [slot] = (await handle.query(getState)).assignment!.slots;
    await executeStep(handle, confirmMember, {
      args: [{ ledgerSeq: slot!.ledgerSeq, memberId: p.id('a1'), confirmedBy: 'inst-A', by: 'institution' }],
    });
    await untilStage(handle, prisma, 'assigned');
    const toOrgan = (await notices(input.applicationNo)).find((n) => n.template === 'notifying_organ')!;
    expect(toOrgan.body).toContain('通知代理');
    expect(toOrgan.body).toContain('担任诉讼代理人');
  });

  test('L-4: a notification case cannot be refused or granted through the application decision step, nor asked for materials (422, Chinese)', async () => {
    const { handle } = await notificationCase(`W${Date.now() % 1_000_000}`);
    const refused = await failureOf(
      executeStep(handle, decide, {
        args: [{ decision: 'refuse', reason: '不符合条件', decidedBy: 'head-1', requestId: 'r' }],
      }),
    );
    expect(refused?.type).toBe('InvalidTransition');
    expect(refused?.message).toContain('通知辩护/代理案件不经申请审查');
    expect(refused?.message).toContain('退回通知机关');
    const granted = await failureOf(
      executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'head-1', requestId: 'g' }] }),
    );
    expect(granted?.message).toContain('L-4');
    const materials = await failureOf(
      executeStep(handle, supplyMaterials, { args: [{ items: ['identity_proof'], receivedBy: 'staff-1' }] }),
    );
    expect(materials?.message).toContain('不在补正材料期间');
    expect((await handle.query(getState)).stage).toBe('assigning');
  });
});

describe('L-4 a notification the agency cannot act on goes back to the organ', () => {
  test('L-4: a notification for another agency is returned to the organ with the reasons: recorded, the organ told, the picked member released with the turn refunded; no refusal, no objection', async () => {
    const p = await createPool(prisma, { A: { a1: {} } });
    const { input, handle } = await notificationCase(p.agency);
    expect(await p.turns()).toEqual({ a1: 1 });
    const blank = await failureOf(
      executeStep(handle, returnToOrgan, { args: [{ ground: 'wrong_agency', reason: ' ', returnedBy: 'staff-1' }] }),
    );
    expect(blank?.message).toContain('说明理由');
    const done = await executeStep(handle, returnToOrgan, {
      args: [{ ground: 'wrong_agency', reason: '被告人羁押于诸暨，应由诸暨市法律援助中心办理', returnedBy: 'staff-1' }],
    });
    expect(done.stage).toBe('returned');
    const outcome = await handle.result();
    expect(outcome.stage).toBe('returned');
    expect(outcome.closedReason).toContain('退回通知机关');
    const record = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
    expect(record.stage).toBe('returned');
    const last = (await events(input.applicationNo)).at(-1)!;
    expect(last).toMatchObject({ stage: 'returned', actor: 'staff-1', ruleIds: ['L-4'] });
    const sent = await notices(input.applicationNo);
    const toOrgan = sent.find((n) => n.template === 'notification_returned')!;
    expect(toOrgan.recipient).toBe('notifying_organ');
    expect(toOrgan.body).toContain('退回原因：不属于本机构管辖');
    expect(toOrgan.body).toContain('应由诸暨市法律援助中心办理');
    expect(toOrgan.body).not.toContain('不予法律援助');
    expect(sent.filter((n) => n.template === 'notification_returned_handler').map((n) => n.recipient)).toEqual(
      expect.arrayContaining([`member:${p.id('a1')}`, `institution:${p.id('A')}`]),
    );
    expect(sent.map((n) => n.template)).not.toContain('refusal');
    expect(await p.turns()).toEqual({ a1: 0 });
    const ledger = await p.ledger();
    expect(ledger.at(-1)).toMatchObject({ rule: 'L-4', turn: 'refunded' });
  });

  test('L-4: an application is not returned to an organ (422); it is decided (L-1)', async () => {
    const { handle } = await grantedCase(`W${(Date.now() + 7) % 1_000_000}`);
    const failure = await failureOf(
      executeStep(handle, returnToOrgan, { args: [{ ground: 'other', reason: '试图退回', returnedBy: 'staff-1' }] }),
    );
    expect(failure?.type).toBe('InvalidTransition');
    expect(failure?.message).toContain('只有通知辩护/代理案件可以退回通知机关');
  });

  test('L-4: a returned notification is open to no objection (L-10 lies against refusals and terminations)', async () => {
    const { handle } = await notificationCase(`W${(Date.now() + 13) % 1_000_000}`);
    await executeStep(handle, returnToOrgan, {
      args: [{ ground: 'duplicate_letter', reason: '与（2026）浙0602刑初1号为同一案件', returnedBy: 'staff-1' }],
    });
    expect((await handle.result()).stage).toBe('returned');
    const state = await handle.query(getState);
    expect(state.returnedToOrgan).toMatchObject({ ground: 'duplicate_letter', fromStage: 'assigning' });
    await expect(
      executeStep(handle, fileObjection, { args: [{ reason: '异议', filedBy: 'applicant' }] }),
    ).rejects.toThrow();
  });
});

describe('L-4 S-3.3 the assignment clock of a notification case', () => {
  test('L-4: a notification not assigned within 3 days of receipt is escalated under L-4 and shows overdue on the stuck-case board', async () => {
    // An agency with no pool: the case waits for the agency to assign.
    const { input, handle } = await notificationCase(`W${(Date.now() + 29) % 1_000_000}`);
    const first = applicationObligations(await handle.query(getState)).find((o) => o.kind === 'assignment')!;
    expect(first).toMatchObject({ ruleId: 'S-3.3', since: input.receivedAt });
    await env.sleep('4 days');
    const state = await handle.query(getState);
    expect(state.assignment).toMatchObject({ sameDayEscalated: true, statutoryOverdue: true });
    const sent = await notices(input.applicationNo);
    const overdue = sent.filter((n) => n.template === 'assignment_overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.body).toContain('L-4');
    const stuck = await prisma.obligation.findFirstOrThrow({
      where: { applicationNo: input.applicationNo, kind: 'assignment', resolvedAt: null },
    });
    expect(stuck.ruleId).toBe('L-4');
    expect(stuck.dueAt?.toISOString()).toBe(state.assignment!.statutoryDueAt);
    expect(stuck.dueAt!.getTime()).toBeLessThan(await env.currentTimeMs());
    // The agency can still assign (late): nothing in the law ends the duty.
    const late = await failureOf(
      executeStep(handle, assignCase, { args: [{ method: 'rotation', assignedBy: 'staff-1' }] }),
    );
    expect(late?.type).toBe('Unassignable');
  });
});

test('L-4: a notification case started without a pool still records the letter as its intake details', async () => {
  const input = await receivedNow(env, {
    channel: 'notification',
    applicant: { name: '无名氏' },
    economicSituation: undefined,
    materialsSupplied: [],
    intake: {
      notification: {
        organ: 'procuratorate',
        organName: '绍兴市柯桥区人民检察院',
        letterNo: '柯检通援〔2026〕7号',
        noticeDate: '2026-12-01',
        caseStage: 'prosecution',
        ground: 'blind_deaf_mute',
      },
    },
  });
  const handle = await startCase(env, taskQueue, input);
  await untilStage(handle, prisma, 'assigning');
  const row = await prisma.application.findUniqueOrThrow({ where: { applicationNo: input.applicationNo } });
  expect(row.intakeDetails).toMatchObject({
    notification: { letterNo: '柯检通援〔2026〕7号', caseStage: 'prosecution' },
  });
  expect(row.economicSituation).toEqual({});
});
