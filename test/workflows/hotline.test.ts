/** 12348 hotline calls (S-2.4–S-2.7) as workflows on the real time-skipping test server and PostgreSQL. */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgencyCode } from '../../domain/agencies';
import {
  answerCall,
  claimCall,
  getCall,
  hotlineCallWorkflowId,
  recordCallOutcome,
  type HotlineCallInput,
} from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import type { hotlineCallWorkflow } from '../../workflows';
import { failureOf } from '../support/cases';
import { startWorkflowSuite, uniqueTaskQueue, type WorkflowSuite } from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('hotline');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const agency = () => `H${randomUUID().slice(0, 7)}` as AgencyCode;

async function call(agencyCode: AgencyCode, receivedAt?: string, extra: Partial<HotlineCallInput> = {}) {
  const callId = `H-${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const input: HotlineCallInput = {
    callId,
    agencyCode,
    channel: 'phone',
    receivedAt: receivedAt ?? new Date(await env.currentTimeMs()).toISOString(),
    ...extra,
  };
  return env.client.workflow.start<typeof hotlineCallWorkflow>('hotlineCallWorkflow', {
    workflowId: hotlineCallWorkflowId(callId),
    taskQueue,
    args: [input],
  });
}

async function answered(handle: Awaited<ReturnType<typeof call>>, officerId: string) {
  await executeStep(handle, claimCall, { args: [{ officerId }] });
  await executeStep(handle, answerCall, { args: [{ officerId }] });
  return executeStep(handle, recordCallOutcome, {
    args: [{ officerId, kind: 'guided', note: '符合条件，已告知申请方式' }],
  });
}

test.each([
  ['08:29', '2026-11-26T10:00:00+08:00'],
  ['08:30', '2026-11-26T08:33:00+08:00'],
  ['21:59', '2026-11-26T22:02:00+08:00'],
  ['22:00', '2026-11-27T10:00:00+08:00'],
  ['23:59', '2026-11-27T10:00:00+08:00'],
])('S-2.4 a call at %s China time is due at %s', async (hhmm, due) => {
  const handle = await call(agency(), new Date(`2026-11-26T${hhmm}:00+08:00`).toISOString());
  expect((await handle.query(getCall)).dueAt).toBe(new Date(due).toISOString());
});

test('S-2.4 a call at 00:01 China time is due at 10:00 that morning', async () => {
  const handle = await call(agency(), new Date('2026-11-27T00:01:00+08:00').toISOString());
  expect((await handle.query(getCall)).dueAt).toBe(new Date('2026-11-27T10:00:00+08:00').toISOString());
});

test('S-2.4 S-2.7 answered in time: not late, the outcome recorded, the row stored', async () => {
  const handle = await call(agency());
  const closed = await answered(handle, 'duty-1');
  expect(closed).toMatchObject({
    status: 'closed',
    answer: { officerId: 'duty-1', late: false },
    outcome: { kind: 'guided' },
  });
  const { callId } = await handle.query(getCall);
  await handle.result();
  const row = await prisma.hotlineCall.findUnique({ where: { id: callId } });
  expect(row).toMatchObject({ status: 'closed', answeredBy: 'duty-1', breached: false, outcome: 'guided' });
});

test('S-2.4 unanswered at its deadline: the breach is recorded and escalated to the duty supervisor, once', async () => {
  const agencyCode = agency();
  const handle = await call(agencyCode);
  const { dueAt, callId } = await handle.query(getCall);
  await env.sleep(Date.parse(dueAt) - (await env.currentTimeMs()) + 60_000);
  const state = await handle.query(getCall);
  expect(state.breach).toBeDefined();
  const notices = await prisma.notification.findMany({ where: { applicationNo: callId } });
  expect(notices.map((n) => [n.template, n.recipient])).toEqual([['hotline_breach', `duty_supervisor:${agencyCode}`]]);
  // Still answerable, flagged late.
  const late = await answered(handle, 'duty-2');
  expect(late.answer!.late).toBe(true);
});

test('S-2.4 grab-order: 20 officers claim one call at once, exactly one wins', async () => {
  const handle = await call(agency());
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      executeStep(handle, claimCall, { args: [{ officerId: `duty-${i}` }] }).then(
        () => 'won',
        () => 'refused',
      ),
    ),
  );
  expect(results.filter((r) => r === 'won')).toHaveLength(1);
  const { claim } = await handle.query(getCall);
  const loser = claim!.officerId === 'duty-0' ? 'duty-1' : 'duty-0';
  expect((await failureOf(executeStep(handle, answerCall, { args: [{ officerId: loser }] })))?.message).toContain(
    '其他值班人员',
  );
});

test('S-2.4 a claimed call not answered within the hold goes back to the pool', async () => {
  const handle = await call(agency(), new Date('2026-11-26T10:00:00+08:00').toISOString());
  await executeStep(handle, claimCall, { args: [{ officerId: 'slow-1' }] });
  await env.sleep('3 minutes');
  const state = await handle.query(getCall);
  expect(state.status).toBe('waiting');
  expect(state.lapsedClaims.map((c) => c.officerId)).toEqual(['slow-1']);
  await answered(handle, 'fast-1');
});

test('S-2.5 the 30th answered call credits a duty day paid at coefficient 1.0; the 31st carries over', async () => {
  const agencyCode = agency();
  await prisma.feeSchedule.create({
    data: {
      agencyCode,
      matterType: 'any',
      caseStage: 'duty_day',
      amountCents: 40_000,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'test',
    },
  });
  const officer = `duty-${randomUUID().slice(0, 6)}`;
  const credits = [];
  for (let i = 0; i < 31; i++) credits.push((await answered(await call(agencyCode), officer)).credit);
  expect(credits[29]).toEqual({ ordinal: 30, dutyDay: true });
  expect(credits[30]).toEqual({ ordinal: 31, dutyDay: false });
  const credit = await prisma.dutyCredit.findUnique({
    where: { officerId_agencyCode: { officerId: officer, agencyCode } },
  });
  expect(credit).toMatchObject({ answeredCalls: 31, dutyDays: 1 });
  const lines = await prisma.payoutLine.findMany({ where: { memberId: officer, kind: 'duty' } });
  expect(lines.map((l) => [l.amountCents, Number(l.coefficient)])).toEqual([[40_000, 1]]);
});

test('S-2.5 only the configured channels count toward duty days: online only, a phone call earns no credit', async () => {
  const agencyCode = agency();
  const officer = `duty-${randomUUID().slice(0, 6)}`;
  const rules = { dutyChannels: ['online' as const], callsPerDutyDay: 2 };
  const phone = await answered(await call(agencyCode, undefined, { channel: 'phone', rules }), officer);
  expect(phone.credit).toBeUndefined();
  const online = await answered(await call(agencyCode, undefined, { channel: 'online', rules }), officer);
  expect(online.credit).toEqual({ ordinal: 1, dutyDay: false });
  const credit = await prisma.dutyCredit.findUnique({
    where: { officerId_agencyCode: { officerId: officer, agencyCode } },
  });
  expect(credit).toMatchObject({ answeredCalls: 1, dutyDays: 0 });
});
