/**
 * S-2.8(b) impact-period timers on the real time-skipping test server, with the pool in PostgreSQL: a suspension ends
 * by itself when its period passes; a timer superseded by a newer status event ends as a no-op.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createPoolActivities } from '../../activities/pool';
import { startImpactTimer } from '../../api/pool';
import type { PoolReentry } from '../../domain/pool';
import type { PrismaClient } from '../../prisma/generated/client';
import { createPoolRepository, type PoolChange } from '../../repositories/pool';
import type { poolImpactWorkflow } from '../../workflows';
import {
  STANDARDS_KNOWN,
  startWorkflowSuite,
  testApplicationNo,
  uniqueTaskQueue,
  type WorkflowSuite,
} from '../support/context';
import { createRotationPicker } from '../support/rotation';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
let pool: ReturnType<typeof createPoolRepository>;
let poolActivities: ReturnType<typeof createPoolActivities>;
let rotation: ReturnType<typeof createRotationPicker>;
let acts: ReturnType<typeof createActivities>;
const taskQueue = uniqueTaskQueue('pool-impact');
const agencyCode = `I${randomUUID().slice(0, 6)}`; // an agency of this file's own
const DAY = 86_400_000;
let seq = 0;

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
  pool = createPoolRepository({ prisma });
  poolActivities = createPoolActivities({ prisma });
  rotation = createRotationPicker({ prisma });
  acts = createActivities({ prisma });
  await pool.registerInstitution({ id: `${agencyCode}-A`, agencyCode, name: '律所甲', kind: 'law_firm' });
  await pool.registerInstitution({
    id: `${agencyCode}-B`,
    agencyCode,
    name: '法律服务所乙',
    kind: 'grassroots_office',
  });
});
afterAll(() => suite?.stop());

async function activeMember(institution: 'A' | 'B'): Promise<string> {
  const memberId = `${agencyCode}-m${++seq}`;
  const base = { memberId, actor: 'staff-1', requestId: null };
  await pool.registerMember({ ...base, institutionId: `${agencyCode}-${institution}`, entryRoute: 'recruitment' });
  await pool.confirmMember({ ...base, standards: STANDARDS_KNOWN });
  return memberId;
}

/** An instant `days` ahead of the test server's clock (which only moves forward, so it is also in the future). */
const daysAhead = async (days: number) => new Date((await env.currentTimeMs()) + days * DAY).toISOString();

async function suspend(
  memberId: string,
  days: number,
  kind: 'assessment' | 'penalty' = 'penalty',
  reentry: PoolReentry = 'confirm',
) {
  const change: PoolChange = await pool.removeMember({
    memberId,
    removalKind: kind,
    reason: kind === 'penalty' ? '因执业违法受到行政处罚' : '年度考核不合格',
    impactUntil: await daysAhead(days),
    actor: 'staff-1',
    requestId: null,
  });
  expect(change.impactTimer).not.toBeNull();
  const workflowId = await startImpactTimer(env.client, taskQueue, memberId, change.impactTimer!, reentry);
  return { change, handle: env.client.workflow.getHandle<typeof poolImpactWorkflow>(workflowId) };
}

const memberRow = (id: string) => prisma.poolMember.findUniqueOrThrow({ where: { id } });
const history = async (memberId: string) =>
  (await prisma.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } })).map((e) => ({
    kind: e.kind,
    actor: e.actor,
  }));

async function pickFor() {
  return rotation.assignByRotation({
    agencyCode,
    applicationNo: testApplicationNo(),
    purpose: 'assignment',
    request: {},
  });
}

test('S-2.8(b) suspended for 30 days: no cases during the period; at its end the agency confirms the re-entry (the member does not return on their own)', async () => {
  const memberId = await activeMember('A');
  await activeMember('B');
  const { change, handle } = await suspend(memberId, 30);
  expect(change.member.status).toBe('suspended');

  await env.sleep(29 * DAY);
  expect((await memberRow(memberId)).status).toBe('suspended');
  for (let i = 0; i < 4; i++) {
    const picked = await pickFor();
    expect(picked.chosen).not.toBe(memberId);
    expect(picked.skipped.some((s) => s.memberId === memberId && s.reason.includes('S-2.8(b)'))).toBe(true);
  }

  expect(await handle.result()).toEqual({ ended: true });
  const row = await memberRow(memberId);
  expect(row).toMatchObject({ status: 'pending', removalKind: null, impactUntil: null });
  expect((await history(memberId)).slice(-2)).toEqual([
    { kind: 'removed', actor: 'staff-1' },
    { kind: 'impact_ended', actor: 'system' },
  ]);
  const ended = await prisma.poolMemberEvent.findFirstOrThrow({ where: { id: row.statusEventId! } });
  expect(ended).toMatchObject({ kind: 'impact_ended', reason: '影响期届满，待法律援助机构确认重新入库（S-2.8(b)）' });
  const waiting = await pickFor();
  expect(waiting.chosen).not.toBe(memberId);
  expect(waiting.skipped.some((s) => s.memberId === memberId && s.reason.includes('尚未经法律援助机构确认'))).toBe(
    true,
  );

  await pool.confirmMember({ memberId, actor: 'staff-1', requestId: null, standards: STANDARDS_KNOWN });
  expect((await memberRow(memberId)).status).toBe('active');
  // Back in the rotation, in the current round (S-2.9): B has had every case meanwhile; A's place comes first.
  expect((await pickFor()).chosen).toBe(memberId);
});

test('S-2.8(b) configured to return by themselves (RULE_POOL_REENTRY_AFTER_IMPACT=automatic): active at the end of the period', async () => {
  const memberId = await activeMember('A');
  const { handle } = await suspend(memberId, 5, 'assessment', 'automatic');
  expect(await handle.result()).toEqual({ ended: true });
  expect(await memberRow(memberId)).toMatchObject({ status: 'active', impactUntil: null });
});

test('S-2.8(b) a shortened period: the new event has its own timer, the old timer ends as a no-op', async () => {
  const memberId = await activeMember('A');
  const first = await suspend(memberId, 60, 'assessment');
  const second = await suspend(memberId, 10, 'assessment');
  expect(second.handle.workflowId).not.toBe(first.handle.workflowId);

  expect(await second.handle.result()).toEqual({ ended: true });
  expect((await memberRow(memberId)).status).toBe('pending');
  expect(await first.handle.result()).toEqual({ ended: false });
  expect((await memberRow(memberId)).status).toBe('pending');
  expect((await history(memberId)).map((e) => e.kind)).toEqual([
    'recruited',
    'confirmed',
    'removed',
    'removed',
    'impact_ended',
  ]);
});

test('S-2.8(a) during a (b) suspension: the timer ends as a no-op and the member stays removed', async () => {
  const memberId = await activeMember('B');
  const { handle } = await suspend(memberId, 20);
  const removal = await poolActivities.removeForScore({ memberId, applicationNo: testApplicationNo(), score: 58 });
  expect(removal).toMatchObject({ removed: true, refusal: null });

  expect(await handle.result()).toEqual({ ended: false });
  expect(await memberRow(memberId)).toMatchObject({ status: 'removed', removalKind: 'score' });
  expect((await history(memberId)).map((e) => e.kind)).not.toContain('impact_ended');
});

test('S-2.8(a) removeForScore: a score above 65 changes nothing; a repeat for the same case writes one event', async () => {
  const memberId = await activeMember('A');
  const applicationNo = testApplicationNo();
  expect(await poolActivities.removeForScore({ memberId, applicationNo, score: 65.5 })).toEqual({
    removed: false,
    eventId: null,
    refusal: null,
  });
  expect((await memberRow(memberId)).status).toBe('active');
  const [a, b] = await Promise.all([
    acts.removeForScore({ memberId, applicationNo, score: 65 }),
    acts.removeForScore({ memberId, applicationNo, score: 65 }),
  ]);
  expect(a.eventId).not.toBeNull();
  expect(b.eventId).toBe(a.eventId);
  expect((await history(memberId)).filter((e) => e.kind === 'removed')).toHaveLength(1);
  expect(await poolActivities.removeForScore({ memberId: `${agencyCode}-nobody`, applicationNo, score: 40 })).toEqual({
    removed: false,
    eventId: null,
    refusal: 'POOL_MEMBER_NOT_FOUND',
  });
});
