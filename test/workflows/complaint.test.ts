/** Complaints (L-13) as workflows on the real time-skipping test server and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reconcile, temporalStateReader } from '../../activities/obligations';
import type { AgencyCode } from '../../domain/agencies';
import { handlingPeriod } from '../../domain/complaints';
import { extendedPeriod } from '../../domain/deadlines';
import {
  acceptComplaint,
  assignComplaintHandler,
  complaintWorkflowId,
  decideComplaint,
  extendComplaint,
  getComplaint,
  notifyComplaintResult,
  withdrawComplaint,
  type ComplaintInput,
} from '../../domain/definitions';
import { cstDateOf, startOfCstDay } from '../../domain/time';
import { executeStep } from '../../platform/step-client';
import type { PrismaClient } from '../../prisma/generated/client';
import { createCalendarRepository } from '../../repositories/calendar';
import { createPoolRepository } from '../../repositories/pool';
import type { complaintWorkflow } from '../../workflows';
import { failureOf } from '../support/cases';
import {
  STANDARDS_KNOWN,
  startWorkflowSuite,
  testApplicationNo,
  uniqueTaskQueue,
  until,
  type WorkflowSuite,
} from '../support/context';
import { createRotationPicker } from '../support/rotation';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('complaint');
const DAY = 86_400_000;

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const agency = () => `C${randomUUID().slice(0, 7)}` as AgencyCode;
const cst = (local: string) => new Date(`${local}+08:00`).getTime();

async function file(
  agencyCode: AgencyCode,
  overrides: Partial<ComplaintInput> = {},
): Promise<ReturnType<typeof env.client.workflow.getHandle<typeof complaintWorkflow>>> {
  const complaintId = `TS-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const receivedAt = new Date(await env.currentTimeMs()).toISOString();
  const input: ComplaintInput = {
    complaintId,
    agencyCode,
    receivedAt,
    anonymous: false,
    respondent: { kind: 'member', id: 'm-x', institutionId: 'inst-x', agencyCode },
    ground: 'negligence',
    ...overrides,
  };
  await prisma.complaint.create({
    data: {
      id: complaintId,
      idempotencyKey: complaintId,
      requestHash: '0'.repeat(64),
      agencyCode,
      channel: 'window',
      complainantKind: 'aided_person',
      anonymous: input.anonymous,
      details: { facts: '承办律师两个月未联系', request: '查处' },
      respondentKind: input.respondent.kind,
      respondentId: input.respondent.id,
      institutionId: input.respondent.institutionId ?? null,
      ground: input.ground,
      filedBy: 'staff-1',
      filedByRole: 'agency_staff',
      status: 'received',
      receivedAt: new Date(receivedAt),
      acceptDueAt: new Date(receivedAt),
    },
  });
  const handle = await env.client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
    workflowId: complaintWorkflowId(complaintId),
    taskQueue,
    args: [input],
  });
  // Its clocks are counted once the calendar is fetched (the state's first `seq`).
  await until(
    () => handle.query(getComplaint),
    (s) => s.seq >= 1,
    (s) => `complaint not opened: seq ${s?.seq}`,
  );
  return handle;
}

const inbox = (complaintId: string) =>
  prisma.notification.findMany({ where: { applicationNo: complaintId, channel: 'inbox' }, orderBy: { id: 'asc' } });
const handler = { handlerId: 'staff-2', handlerRole: 'agency_staff', assignedBy: 'head-1' };

// First in the file: the test server's clock only moves forward, and this test needs late December 2026.
test('L-13 accepted on the 5th working day across a weekend and a holiday (元旦): in time, nobody escalated', async () => {
  // The city centre enters 2027's arrangement: 1 January off (元旦).
  await createCalendarRepository({ prisma }).enter(
    2027,
    [{ date: '2027-01-01', kind: 'rest', name: '元旦' }],
    'city-1',
  );
  // Received Tuesday 2026-12-29 at 10:00: 12-30 (1), 12-31 (2), 01-01 元旦, 01-02/03 weekend, 01-04 (3), 01-05 (4),
  // 01-06 (5).
  await env.sleep(cst('2026-12-29T10:00:00') - (await env.currentTimeMs()));
  const agencyCode = agency();
  const handle = await file(agencyCode);
  const { acceptDueAt, complaintId } = await handle.query(getComplaint);
  expect(acceptDueAt).toBe(startOfCstDay('2027-01-07').toISOString());
  // Owed by the agency on the stuck-case board, due when the period ends.
  const owed = await until(
    () => prisma.obligation.findMany({ where: { applicationNo: complaintId, resolvedAt: null } }),
    (rows) => rows.length === 1,
    (rows) => `obligations ${JSON.stringify(rows)}`,
  );
  expect(owed[0]).toMatchObject({ kind: 'complaint_acceptance', ownerRole: 'agency', ownerId: agencyCode });
  expect(owed[0]!.dueAt?.toISOString()).toBe(acceptDueAt);

  await env.sleep(cst('2027-01-06T16:00:00') - (await env.currentTimeMs()));
  const accepted = await executeStep(handle, acceptComplaint, {
    args: [{ accepted: true, reason: '', by: 'staff-1' }],
  });
  expect(accepted).toMatchObject({ status: 'handling', acceptance: { accepted: true, late: false }, escalations: [] });
  // L-13: 60 days from acceptance: 2027-03-07 is a Sunday, so the period runs to Monday 2027-03-08.
  expect(accepted.dueAt).toBe(startOfCstDay('2027-03-09').toISOString());
  const notices = await inbox(complaintId);
  expect(notices.map((n) => n.template)).toEqual(expect.arrayContaining(['complaint_reminder', 'complaint_accepted']));
  expect(notices.some((n) => n.template === 'complaint_overdue')).toBe(false);
  const row = await until(
    () => prisma.complaint.findUniqueOrThrow({ where: { id: complaintId } }),
    (r) => r.status === 'handling',
    (r) => `status ${r?.status}`,
  );
  expect(row).toMatchObject({ escalated: false });
  expect(Math.abs(row.acceptedAt!.getTime() - cst('2027-01-06T16:00:00'))).toBeLessThan(60_000);
});

test('L-13 handling extended once, by 30 days, to 90 days in all; the approver and reason recorded; no second extension', async () => {
  const handle = await file(agency());
  const accepted = await executeStep(handle, acceptComplaint, {
    args: [{ accepted: true, reason: '', by: 'staff-1' }],
  });
  const acceptedAt = new Date(accepted.acceptance!.at);
  const tooLong = await failureOf(
    executeStep(handle, extendComplaint, { args: [{ days: 31, reason: '需调取法院卷宗', approvedBy: 'head-1' }] }),
  );
  expect(tooLong?.message).toContain('30');
  const extended = await executeStep(handle, extendComplaint, {
    args: [{ days: 30, reason: '需调取法院卷宗', approvedBy: 'head-1' }],
  });
  expect(extended.extension).toMatchObject({ days: 30, approvedBy: 'head-1', reason: '需调取法院卷宗' });
  expect(extended.extension!.previousDueAt).toBe(accepted.dueAt);
  const calendar = await createCalendarRepository({ prisma }).calendar();
  expect(accepted.dueAt).toBe(handlingPeriod(acceptedAt, calendar).dueAt.toISOString());
  expect(extended.dueAt).toBe(extendedPeriod(new Date(accepted.dueAt!), 30, calendar).dueAt.toISOString());
  // 60 + 30: the last day is at least 90 days after the day of acceptance (later only where a rest day moved it).
  const lastDayIndex = (Date.parse(extended.dueAt!) - startOfCstDay(cstDateOf(acceptedAt)).getTime()) / DAY - 1;
  expect(lastDayIndex).toBeGreaterThanOrEqual(90);
  expect(lastDayIndex).toBeLessThan(100);
  const again = await failureOf(
    executeStep(handle, extendComplaint, { args: [{ days: 5, reason: '再延', approvedBy: 'head-1' }] }),
  );
  expect(again?.message).toContain('只能延长一次');
});

test('L-13 not accepted within 5 working days: reminded, then escalated to the justice bureau once; a late acceptance is marked late', async () => {
  const agencyCode = agency();
  const handle = await file(agencyCode);
  const { acceptDueAt, complaintId } = await handle.query(getComplaint);
  await env.sleep(Date.parse(acceptDueAt) - (await env.currentTimeMs()) + 60_000);
  const state = await until(
    () => handle.query(getComplaint),
    (s) => s.escalations.length === 1,
    (s) => `escalations ${JSON.stringify(s?.escalations)}`,
  );
  expect(state.escalations[0]).toBe(`complaint-accept-overdue-${acceptDueAt}`);
  const overdue = await until(
    async () => (await inbox(complaintId)).filter((n) => n.template === 'complaint_overdue'),
    (rows) => rows.length === 1,
    (rows) => `overdue notices ${rows?.length}`,
  );
  expect(overdue[0]!.recipient).toBe(`justice_bureau:${agencyCode}`);
  expect((await inbox(complaintId)).some((n) => n.template === 'complaint_reminder')).toBe(true);
  const accepted = await executeStep(handle, acceptComplaint, {
    args: [{ accepted: true, reason: '', by: 'staff-1' }],
  });
  expect(accepted.acceptance!.late).toBe(true);
  // Still one escalation of the acceptance; the handling clock is a new one.
  await env.sleep(DAY);
  expect((await inbox(complaintId)).filter((n) => n.template === 'complaint_overdue')).toHaveLength(1);
  const row = await prisma.complaint.findUniqueOrThrow({ where: { id: complaintId } });
  expect(row.escalated).toBe(true);
});

test('L-13 S-2.8(b) a substantiated complaint suspends the member through the pool, who is never picked during the impact period', async () => {
  const agencyCode = agency();
  const pool = createPoolRepository({ prisma });
  const rotation = createRotationPicker({ prisma });
  await pool.registerInstitution({ id: `${agencyCode}-A`, agencyCode, name: '律所甲', kind: 'law_firm' });
  await pool.registerInstitution({ id: `${agencyCode}-B`, agencyCode, name: '律所乙', kind: 'law_firm' });
  const members: string[] = [];
  for (const inst of ['A', 'B']) {
    const memberId = `${agencyCode}-m${inst}`;
    const base = { memberId, actor: 'staff-1', requestId: null };
    await pool.registerMember({ ...base, institutionId: `${agencyCode}-${inst}`, entryRoute: 'recruitment' });
    await pool.confirmMember({ ...base, standards: STANDARDS_KNOWN });
    members.push(memberId);
  }
  const memberId = members[0]!;
  const handle = await file(agencyCode, {
    respondent: { kind: 'member', id: memberId, institutionId: `${agencyCode}-A`, agencyCode },
    applicationNo: testApplicationNo(),
  });
  await executeStep(handle, acceptComplaint, { args: [{ accepted: true, reason: '', by: 'staff-1' }] });
  // The member complained about may not handle it.
  const self = await failureOf(
    executeStep(handle, assignComplaintHandler, { args: [{ ...handler, handlerId: memberId, handlerRole: 'lawyer' }] }),
  );
  expect(self?.message).toContain('被投诉');
  await executeStep(handle, assignComplaintHandler, { args: [handler] });
  const impactUntil = new Date((await env.currentTimeMs()) + 30 * DAY).toISOString();
  const decided = await executeStep(handle, decideComplaint, {
    args: [
      {
        outcome: 'substantiated',
        measures: ['suspension', 'interview'],
        reason: '经调查，承办律师收取受援人财物属实',
        impactUntil,
        by: 'staff-2',
      },
    ],
  });
  expect(decided.status).toBe('decided');
  expect(decided.suspension).toMatchObject({ until: impactUntil, refusal: null });
  const member = await prisma.poolMember.findUniqueOrThrow({ where: { id: memberId } });
  expect(member).toMatchObject({ status: 'suspended', removalKind: 'penalty' });
  const event = await prisma.poolMemberEvent.findFirstOrThrow({ where: { id: member.statusEventId! } });
  expect(event.reason).toContain(decided.complaintId);

  // During the impact period the rotation never picks them.
  await env.sleep(29 * DAY);
  for (let i = 0; i < 4; i++) {
    const picked = await rotation.assignByRotation({
      agencyCode,
      applicationNo: testApplicationNo(),
      purpose: 'assignment',
      request: {},
    });
    expect(picked.chosen).not.toBe(memberId);
  }
  // The pool's own impact timer ends the period: then the agency confirms the re-entry (S-2.8(b) is a removal).
  await env.sleep(2 * DAY);
  await until(
    () => prisma.poolMember.findUniqueOrThrow({ where: { id: memberId } }),
    (m) => m.status === 'pending',
    (m) => `member ${m?.status}`,
  );
  await pool.confirmMember({ memberId, actor: 'staff-1', requestId: null, standards: STANDARDS_KNOWN });
  expect((await prisma.poolMember.findUniqueOrThrow({ where: { id: memberId } })).status).toBe('active');
  // The result is told (late: the 5 working days passed meanwhile, and were escalated).
  const closed = await executeStep(handle, notifyComplaintResult, { args: [{ by: 'staff-2' }] });
  expect(closed).toMatchObject({ status: 'closed', notified: { late: true } });
  await handle.result();
  const notices = await inbox(decided.complaintId);
  expect(notices.find((n) => n.template === 'complaint_result')?.recipient).toBe(`complainant:${decided.complaintId}`);
  expect(notices.filter((n) => n.template === 'complaint_measure').map((n) => n.recipient)).toEqual(
    expect.arrayContaining([`member:${memberId}`, `institution:${agencyCode}-A`]),
  );
});

test('L-13 an anonymous complaint: handled, but nobody to tell; it closes with the decision', async () => {
  const handle = await file(agency(), { anonymous: true });
  await executeStep(handle, acceptComplaint, { args: [{ accepted: true, reason: '', by: 'staff-1' }] });
  await executeStep(handle, assignComplaintHandler, { args: [handler] });
  const decided = await executeStep(handle, decideComplaint, {
    args: [{ outcome: 'not_substantiated', measures: [], reason: '经调查，所述情况不属实', by: 'staff-2' }],
  });
  expect(decided).toMatchObject({ status: 'closed', decision: { outcome: 'not_substantiated' } });
  expect(decided.notifyDueAt).toBeUndefined();
  await handle.result();
  const notices = await inbox(decided.complaintId);
  expect(notices.filter((n) => n.recipient === `complainant:${decided.complaintId}`)).toEqual([]);
  // Whoever was complained about was told at acceptance that they may answer.
  expect(notices.map((n) => n.recipient)).toContain('member:m-x');
});

test('L-13 a refusal needs reasons and tells the named complainant', async () => {
  const handle = await file(agency());
  const noReason = await failureOf(
    executeStep(handle, acceptComplaint, { args: [{ accepted: false, reason: ' ', by: 'staff-1' }] }),
  );
  expect(noReason?.message).toContain('理由');
  const refused = await executeStep(handle, acceptComplaint, {
    args: [{ accepted: false, reason: '投诉事项已经人民法院处理', by: 'staff-1' }],
  });
  expect(refused.status).toBe('refused');
  await handle.result();
  const told = (await inbox(refused.complaintId)).find((n) => n.template === 'complaint_refused');
  expect(told?.body).toContain('投诉事项已经人民法院处理');
  expect(told?.recipient).toBe(`complainant:${refused.complaintId}`);
});

test('L-13 the complainant withdraws while it is handled: recorded, the complaint ends, nothing is owed', async () => {
  const handle = await file(agency());
  await executeStep(handle, acceptComplaint, { args: [{ accepted: true, reason: '', by: 'staff-1' }] });
  const withdrawn = await executeStep(handle, withdrawComplaint, {
    args: [{ reason: '已与律师沟通解决', by: 'complainant' }],
  });
  expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawal: { reason: '已与律师沟通解决' } });
  await handle.result();
  const open = await prisma.obligation.findMany({ where: { applicationNo: withdrawn.complaintId, resolvedAt: null } });
  expect(open).toEqual([]);
});

test('L-13 the read model reconciliation repairs a complaint’s obligations from its workflow, like a case’s', async () => {
  const agencyCode = agency();
  const handle = await file(agencyCode);
  const { complaintId } = await handle.query(getComplaint);
  const open = () => prisma.obligation.findMany({ where: { applicationNo: complaintId, resolvedAt: null } });
  const before = await until(
    open,
    (rows) => rows.length > 0,
    (rows) => `obligations ${JSON.stringify(rows)}`,
  );
  // Drift: the acceptance obligation lost.
  await prisma.obligation.deleteMany({ where: { applicationNo: complaintId } });
  const result = await reconcile(prisma, temporalStateReader(env.client), { agencyCode });
  expect(result).toMatchObject({ repaired: 1, failed: 0 });
  expect((await open()).map((o) => [o.key, o.dueAt?.toISOString()])).toEqual(
    before.map((o) => [o.key, o.dueAt?.toISOString()]),
  );
  const again = await reconcile(prisma, temporalStateReader(env.client), { agencyCode });
  expect(again).toMatchObject({ repaired: 0, failed: 0 });
});
