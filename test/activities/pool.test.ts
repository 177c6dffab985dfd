/**
 * S-2.8(a) removals by score and their S-4.4 reversal, as the evaluation workflow calls them (through
 * `createActivities`, so `withSafeErrors` is in the path), against the real PostgreSQL: idempotent per request,
 * one removal per case, no-op answers instead of thrown refusals, and the agency lock under concurrency.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { createPoolRepository } from '../../repositories/pool';
import type { PrismaClient } from '../../prisma/generated/client';
import { STANDARDS_KNOWN, testApplicationNo, testPrisma } from '../support/context';

let prisma: PrismaClient;
let acts: ReturnType<typeof createActivities>;
let pool: ReturnType<typeof createPoolRepository>;
const agencyCode = `Q${randomUUID().slice(0, 6)}`; // an agency of this file's own
let seq = 0;
const DAY = 86_400_000;

beforeAll(async () => {
  prisma = testPrisma();
  acts = createActivities({ prisma });
  pool = createPoolRepository({ prisma });
  await pool.registerInstitution({ id: `${agencyCode}-A`, agencyCode, name: '律所甲', kind: 'law_firm' });
});
afterAll(() => prisma.$disconnect());

async function activeMember(): Promise<string> {
  const memberId = `${agencyCode}-m${++seq}`;
  const base = { memberId, actor: 'staff-1', requestId: null };
  await pool.registerMember({ ...base, institutionId: `${agencyCode}-A`, entryRoute: 'recruitment' });
  await pool.confirmMember({ ...base, standards: STANDARDS_KNOWN });
  return memberId;
}

const memberRow = (memberId: string) => prisma.poolMember.findUniqueOrThrow({ where: { id: memberId } });
const kinds = async (memberId: string) =>
  (await prisma.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } })).map((e) => e.kind);
const removal = (memberId: string, applicationNo: string, score: number, version: number) =>
  acts.removeForScore({ memberId, applicationNo, score, requestId: `eval-${applicationNo}-${memberId}-v${version}` });
const reversal = (memberId: string, applicationNo: string, version: number) =>
  acts.reverseScoreRemoval({
    memberId,
    applicationNo,
    actor: 'system',
    requestId: `eval-${applicationNo}-${memberId}-v${version}`,
  });

describe('S-2.8(a) removeForScore with a request id per (case, member, score version)', () => {
  test('S-2.8(a) the same request twice at once writes one removal event and answers it twice', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    const [a, b] = await Promise.all([removal(memberId, no, 60, 1), removal(memberId, no, 60, 1)]);
    expect(a).toMatchObject({ removed: true, refusal: null });
    expect(b.eventId).toBe(a.eventId);
    expect(await kinds(memberId)).toEqual(['recruited', 'confirmed', 'removed']);
    const event = await prisma.poolMemberEvent.findUniqueOrThrow({ where: { id: BigInt(a.eventId!) } });
    expect(event).toMatchObject({ applicationNo: no, removalKind: 'score', actor: 'system' });
  });

  test('S-2.8(a) a lower score version of the same case is not a second removal (re-review is not restarted)', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    const first = await removal(memberId, no, 62, 1);
    await pool.recordReReview({ memberId, reason: '已重新审核', actor: 'staff-1', requestId: null });
    const lower = await removal(memberId, no, 50, 2);
    expect(lower).toEqual({ removed: true, eventId: first.eventId, refusal: null });
    expect(await kinds(memberId)).toEqual(['recruited', 'confirmed', 'removed', 're_reviewed']);
  });

  test('S-2.8(a) another case <= 65 is a new removal; a score above 65 changes nothing', async () => {
    const memberId = await activeMember();
    expect(await removal(memberId, testApplicationNo(), 65.01, 1)).toEqual({
      removed: false,
      eventId: null,
      refusal: null,
    });
    const a = await removal(memberId, testApplicationNo(), 65, 1);
    const b = await removal(memberId, testApplicationNo(), 40, 1);
    expect(b.eventId).not.toBe(a.eventId);
    expect((await kinds(memberId)).filter((k) => k === 'removed')).toHaveLength(2);
  });

  test('S-2.8(a) refusals are answered, not thrown: unknown member, pending member, a key reused for another member', async () => {
    const no = testApplicationNo();
    expect(await removal(`${agencyCode}-nobody`, no, 40, 1)).toMatchObject({ refusal: 'POOL_MEMBER_NOT_FOUND' });
    const pending = `${agencyCode}-p${++seq}`;
    await pool.registerMember({
      memberId: pending,
      institutionId: `${agencyCode}-A`,
      entryRoute: 'recruitment',
      actor: 'staff-1',
      requestId: null,
    });
    expect(await removal(pending, no, 40, 1)).toMatchObject({ removed: false, refusal: 'POOL_MEMBER_PENDING' });
    const memberId = await activeMember();
    await acts.removeForScore({ memberId, applicationNo: no, score: 40, requestId: 'shared-key-0001' });
    const other = await activeMember();
    expect(
      await acts.removeForScore({ memberId: other, applicationNo: no, score: 40, requestId: 'shared-key-0001' }),
    ).toEqual({ removed: false, eventId: null, refusal: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await memberRow(other)).status).toBe('active');
  });
});

describe('S-2.8(a) one decision of "65分以下", with the configured threshold', () => {
  test('S-2.8(a) a case scored 68 under a configured threshold of 70 removes the member (not the hard-coded 65)', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    const r = await acts.removeForScore({
      memberId,
      applicationNo: no,
      score: 68,
      threshold: 70,
      requestId: `t-${no}`,
    });
    expect(r).toMatchObject({ removed: true, refusal: null });
    expect((await memberRow(memberId)).status).toBe('removed');
    const above = await activeMember();
    const kept = await acts.removeForScore({ memberId: above, applicationNo: no, score: 65.001, requestId: `u-${no}` });
    expect(kept.removed).toBe(false); // compared exactly: 65.001 is above 65
  });
});

describe('S-4.4 / S-2.8(a) reverseScoreRemoval when the case score is corrected above 65', () => {
  test('S-4.4 the member removed by the case returns to active at once; the repeat answers the same event', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    await removal(memberId, no, 60, 1);
    const [a, b] = await Promise.all([reversal(memberId, no, 2), reversal(memberId, no, 2)]);
    expect(a).toMatchObject({ reversed: true, impactTimer: null });
    expect(b.eventId).toBe(a.eventId);
    expect(await memberRow(memberId)).toMatchObject({
      status: 'active',
      removalKind: null,
      statusEventId: BigInt(a.eventId!),
    });
    expect(await kinds(memberId)).toEqual(['recruited', 'confirmed', 'removed', 'removal_reversed']);
    const event = await prisma.poolMemberEvent.findUniqueOrThrow({ where: { id: BigInt(a.eventId!) } });
    expect(event).toMatchObject({ applicationNo: no, actor: 'system' });
    expect(event.reason).toContain('S-4.4');
  });

  test('S-4.4 after a reversal, a later score <= 65 for the same case (new version) removes again', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    const first = await removal(memberId, no, 60, 1);
    await reversal(memberId, no, 2);
    const again = await removal(memberId, no, 58, 3);
    expect(again.removed).toBe(true);
    expect(again.eventId).not.toBe(first.eventId);
    expect((await memberRow(memberId)).status).toBe('removed');
  });

  test('S-4.4 nothing to reverse is a no-op answer: never removed, another case, unknown member, served removal', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    const none = { reversed: false, eventId: null, impactTimer: null };
    expect(await reversal(memberId, no, 1)).toEqual(none);
    await removal(memberId, no, 60, 1);
    expect(await reversal(memberId, testApplicationNo(), 1)).toEqual(none);
    expect(await reversal(`${agencyCode}-nobody`, no, 1)).toEqual(none);
    await pool.recordReReview({ memberId, reason: '已重新审核', actor: 'staff-1', requestId: null });
    await pool.recordTraining({ memberId, reason: '已培训', actor: 'staff-1', requestId: null });
    expect((await memberRow(memberId)).status).toBe('active');
    expect(await reversal(memberId, no, 2)).toEqual(none);
    expect(await kinds(memberId)).not.toContain('removal_reversed');
  });

  test('S-4.4 S-2.8(b) a penalty recorded while removed and still running: back to suspended, with its timer', async () => {
    const memberId = await activeMember();
    const no = testApplicationNo();
    await removal(memberId, no, 55, 1);
    const until = new Date(Date.now() + 30 * DAY).toISOString();
    await pool.removeMember({
      memberId,
      removalKind: 'penalty',
      reason: '受到行业处分',
      impactUntil: until,
      actor: 'staff-1',
      requestId: null,
    });
    expect((await memberRow(memberId)).status).toBe('removed');
    const result = await reversal(memberId, no, 2);
    expect(result.reversed).toBe(true);
    expect(result.impactTimer).toEqual({ eventId: result.eventId, until });
    expect(await memberRow(memberId)).toMatchObject({ status: 'suspended', removalKind: 'penalty' });
  });

  test('S-4.4 S-2.8(a) while another case still removes the member, the reversal is recorded and they stay removed', async () => {
    const memberId = await activeMember();
    const [x, y] = [testApplicationNo(), testApplicationNo()];
    await removal(memberId, x, 60, 1);
    await removal(memberId, y, 61, 1);
    expect(await reversal(memberId, x, 2)).toMatchObject({ reversed: true });
    expect(await memberRow(memberId)).toMatchObject({ status: 'removed', removalKind: 'score' });
    expect(await reversal(memberId, y, 2)).toMatchObject({ reversed: true });
    expect((await memberRow(memberId)).status).toBe('active');
  });
});
