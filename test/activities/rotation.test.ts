/** S-2.9 rotation against the stored pool, under concurrency, on the real PostgreSQL. */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../prisma/generated/client';
import { STANDARDS_KNOWN, testPrisma } from '../support/context';
import { createExcellentRatingRepository } from '../../repositories/excellent-ratings';
import { createRotationPicker } from '../support/rotation';
import { createPoolRepository } from '../../repositories/pool';
import { createPoolActivities } from '../../activities/pool';

let prisma: PrismaClient;
let rotation: ReturnType<typeof createRotationPicker>;
const agencyCode = `R${randomUUID().slice(0, 6)}`; // an agency of this test's own
const members = ['m-a1', 'm-a2', 'm-b1', 'm-c1', 'm-c2'].map((id) => `${agencyCode}-${id}`);

beforeAll(async () => {
  prisma = testPrisma();
  rotation = createRotationPicker({ prisma });
  for (const [i, inst] of ['A', 'B', 'C'].entries()) {
    await prisma.poolInstitution.create({
      data: { id: `${agencyCode}-${inst}`, agencyCode, name: `律所${inst}`, listOrder: i },
    });
  }
  for (const id of members) {
    const inst = id.split('-m-')[1]![0]!.toUpperCase();
    await prisma.poolMember.create({ data: { id, institutionId: `${agencyCode}-${inst}` } });
  }
});
afterAll(() => prisma.$disconnect());

test('S-2.9 100 concurrent assignments for one agency: no turn given twice, none lost, the ledger contiguous', async () => {
  const cases = Array.from({ length: 100 }, (_, i) => `${agencyCode}-case-${i}`);
  const picks = await Promise.all(
    cases.map((applicationNo) =>
      rotation.assignByRotation({ agencyCode, applicationNo, purpose: 'assignment', request: {} }),
    ),
  );
  expect(picks.map((p) => p.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  const turns = await prisma.poolMember.findMany({ where: { id: { in: members } }, select: { turns: true } });
  expect(turns.reduce((sum, m) => sum + m.turns, 0)).toBe(100);
  expect(turns.map((m) => m.turns)).toEqual([20, 20, 20, 20, 20]);
  // In sequence order the picks follow the rotation order round after round.
  const bySeq = [...picks].sort((a, b) => a.seq - b.seq).map((p) => p.chosen.split('-m-')[1]);
  expect(bySeq.slice(0, 10)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a1', 'b1', 'c1', 'a2', 'c2']);
});

test('S-2.9 the same case assigned twice (a retried activity) writes one ledger entry', async () => {
  const applicationNo = `${agencyCode}-dup`;
  const twins = await Promise.all(
    Array.from({ length: 10 }, () =>
      rotation.assignByRotation({ agencyCode, applicationNo, purpose: 'assignment', request: {} }),
    ),
  );
  expect(new Set(twins.map((t) => t.seq)).size).toBe(1);
  expect(await prisma.rotationLedger.count({ where: { applicationNo } })).toBe(1);
});

test('S-2.8 a member removed a moment earlier is never assigned, and the ledger says why they were skipped', async () => {
  const before = await prisma.poolMember.findMany({ where: { id: { in: members } }, orderBy: { id: 'asc' } });
  const nextUp = (
    await rotation.assignByRotation({
      agencyCode,
      applicationNo: `${agencyCode}-probe`,
      purpose: 'assignment',
      request: {},
    })
  ).next!;
  await prisma.poolMember.update({
    where: { id: nextUp === members[0] ? members[1]! : members[0]! },
    data: { status: 'removed' },
  });
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      rotation.assignByRotation({
        agencyCode,
        applicationNo: `${agencyCode}-after-${i}`,
        purpose: 'assignment',
        request: {},
      }),
    ),
  );
  const removed = (await prisma.poolMember.findFirstOrThrow({ where: { id: { in: members }, status: 'removed' } })).id;
  expect(results.every((r) => r.chosen !== removed)).toBe(true);
  expect(results.some((r) => r.skipped.some((s) => s.memberId === removed && s.reason.includes('S-2.8')))).toBe(true);
  expect(before).toHaveLength(5);
});

describe('S-2.9 rounds against the stored pool', () => {
  const agency = `R${randomUUID().slice(0, 6)}`;
  const pool = () => createPoolRepository({ prisma });
  const assign = (applicationNo: string) =>
    rotation.assignByRotation({ agencyCode: agency, applicationNo, purpose: 'assignment', request: {} });
  const join = async (memberId: string, institutionId: string) => {
    const base = { memberId, actor: 'staff-1', requestId: null };
    await pool().registerMember({ ...base, institutionId, entryRoute: 'recruitment' });
    await pool().confirmMember({ ...base, standards: STANDARDS_KNOWN });
  };

  test('S-2.9 依次指派: a member confirmed after 30 cases, and one back from an S-2.8(b) removal, each take their place in the current round', async () => {
    for (const [i, inst] of ['A', 'B', 'C'].entries()) {
      await pool().registerInstitution({
        id: `${agency}-${inst}`,
        agencyCode: agency,
        name: `律所${inst}`,
        kind: 'law_firm',
        listOrder: i,
      });
      await join(`${agency}-${inst.toLowerCase()}1`, `${agency}-${inst}`);
    }
    for (let i = 0; i < 30; i++) await assign(`${agency}-early-${i}`);
    const late = `${agency}-b2`;
    await join(late, `${agency}-B`);
    expect((await prisma.poolMember.findUniqueOrThrow({ where: { id: late } })).turns).toBe(10);
    const round = [];
    for (let i = 0; i < 4; i++) round.push((await assign(`${agency}-round-${i}`)).chosen);
    expect(round.filter((id) => id === late)).toHaveLength(1);
    expect(new Set(round).size).toBe(4);

    const away = `${agency}-a1`;
    const removed = await pool().removeMember({
      memberId: away,
      removalKind: 'penalty',
      reason: '因执业违法受到行政处罚',
      actor: 'staff-1',
      impactUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      requestId: null,
    });
    for (let i = 0; i < 12; i++) await assign(`${agency}-away-${i}`);
    await createPoolActivities({ prisma }).endImpactPeriod({ memberId: away, eventId: removed.event.id });
    await pool().confirmMember({ memberId: away, actor: 'staff-1', requestId: null, standards: STANDARDS_KNOWN });
    const back = [];
    for (let i = 0; i < 4; i++) back.push((await assign(`${agency}-back-${i}`)).chosen);
    expect(back.filter((id) => id === away)).toHaveLength(1);
  });
});

describe('S-2.9(g) excellent ratings recorded for an institution raise its share', () => {
  const agency = `G${randomUUID().slice(0, 6)}`;
  test('S-2.9(g) an institution rated excellent three times (province or city) gets about 1.5 times the cases', async () => {
    for (const [i, inst] of ['A', 'B'].entries()) {
      await prisma.poolInstitution.create({
        data: { id: `${agency}-${inst}`, agencyCode: agency, name: inst, listOrder: i },
      });
      await prisma.poolMember.create({ data: { id: `${agency}-${inst}1`, institutionId: `${agency}-${inst}` } });
    }
    const ratings = createExcellentRatingRepository({ prisma });
    for (const [n, level] of (['province', 'city', 'city'] as const).entries()) {
      const subject = { kind: 'institution' as const, id: `${agency}-B` };
      await ratings.record({
        subject,
        level,
        ratedOn: '2026-01-1' + n,
        basis: `绍司〔2026〕${n}号`,
        recordedBy: 'city-1',
        requestId: `${agency}-${n}`,
      });
    }
    const counts: Record<string, number> = {};
    for (let i = 0; i < 50; i++) {
      const r = await rotation.assignByRotation({
        agencyCode: agency,
        applicationNo: `${agency}-${i}`,
        purpose: 'assignment',
        request: {},
      });
      counts[r.chosen] = (counts[r.chosen] ?? 0) + 1;
    }
    expect(counts[`${agency}-B1`]).toBe(30); // 1.5 : 1
    expect(counts[`${agency}-A1`]).toBe(20);
  });
});
