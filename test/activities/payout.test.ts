/**
 * S-4.5 payout ledger against the real PostgreSQL: the base fee in force (date, agency, matter type, case stage),
 * exactly-once lines under retries and concurrency, adjustments after a changed score, special cases, a missing fee
 * schedule, and the append-only trigger. Agencies, case stages and case numbers are this file's own.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../activities';
import { FEE_SCHEDULE_MISSING, type RecordPayoutArgs } from '../../activities/payout';
import { createPayoutRepository } from '../../repositories/payout';
import type { PrismaClient } from '../../prisma/generated/client';
import { testPrisma } from '../support/context';

let prisma: PrismaClient;
let acts: ReturnType<typeof createActivities>;
let fees: ReturnType<typeof createPayoutRepository>;
const run = randomUUID().slice(0, 8);
const agencyA = `PA${run}`;
const agencyB = `PB${run}`;
// Case stages of this file's own, so city-wide rows here never answer another file's lookups (and vice versa).
const stage = `st_${run}`;
const otherStage = `st2_${run}`;
const ids: Record<string, string> = {};

async function fee(
  name: string,
  agencyCode: string | null,
  matterType: string,
  caseStage: string,
  on: string,
  yuan: number,
) {
  const row = await prisma.feeSchedule.create({
    data: {
      agencyCode,
      matterType,
      caseStage,
      amountCents: yuan * 100,
      effectiveFrom: new Date(`${on}T00:00:00Z`),
      createdBy: 'test',
    },
  });
  ids[name] = row.id.toString();
}

const caseNo = () => `PT-${run}-${randomInt(1_000_000_000)}`;

function payout(applicationNo: string, over: Partial<RecordPayoutArgs> = {}): RecordPayoutArgs {
  return {
    applicationNo,
    agencyCode: agencyA,
    memberId: `m-${run}`,
    institutionId: `i-${run}`,
    matterType: 'civil',
    caseStage: stage,
    assignedOn: '2026-02-01', // agency A, civil, this stage: row a-civil (1300 yuan)
    kind: 'payout',
    tier: 'good',
    coefficient: 0.9,
    scoreVersion: 1,
    reason: '案件质量评估：良好',
    ...over,
  };
}

const lines = (applicationNo: string) =>
  prisma.payoutLine.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  prisma = testPrisma();
  acts = createActivities({ prisma });
  fees = createPayoutRepository({ prisma });
  await fee('city-civil-2025', null, 'civil', stage, '2025-01-01', 1000);
  await fee('city-civil-2026', null, 'civil', stage, '2026-01-01', 1100);
  await fee('city-any', null, 'any', stage, '2024-01-01', 900);
  await fee('a-any', agencyA, 'any', stage, '2025-01-01', 950);
  await fee('a-civil', agencyA, 'civil', stage, '2025-07-01', 1300);
  await fee('a-civil-any-stage', agencyA, 'civil', 'any', '2026-03-01', 1400);
});
afterAll(() => prisma.$disconnect());

describe('S-4.5 the base labour fee in force', () => {
  const lookup = (agencyCode: string, matterType: string, caseStage: string, on: string) =>
    fees.feeFor({ agencyCode, matterType, caseStage, on }).then((row) => row && [row.id, row.amountCents]);

  test('S-4.5 the row in force on the day: the latest effectiveFrom on or before it, the first day included', async () => {
    expect(await lookup(agencyB, 'civil', stage, '2025-06-01')).toEqual([ids['city-civil-2025'], 100_000]);
    expect(await lookup(agencyB, 'civil', stage, '2025-12-31')).toEqual([ids['city-civil-2025'], 100_000]);
    expect(await lookup(agencyB, 'civil', stage, '2026-01-01')).toEqual([ids['city-civil-2026'], 110_000]);
  });

  test('S-4.5 an exact matter type wins over "any"; "any" covers the others', async () => {
    expect(await lookup(agencyB, 'criminal', stage, '2026-05-01')).toEqual([ids['city-any'], 90_000]);
    expect(await lookup(agencyB, 'civil', stage, '2026-05-01')).toEqual([ids['city-civil-2026'], 110_000]);
  });

  test("S-4.5 the agency's own row wins over the city-wide default, even a newer default with an exact type", async () => {
    // 2025-06-30: the agency has only its "any" row yet; the city's exact civil row does not beat it.
    expect(await lookup(agencyA, 'civil', stage, '2025-06-30')).toEqual([ids['a-any'], 95_000]);
    expect(await lookup(agencyA, 'civil', stage, '2026-02-01')).toEqual([ids['a-civil'], 130_000]);
    expect(await lookup(agencyA, 'criminal', stage, '2026-02-01')).toEqual([ids['a-any'], 95_000]);
  });

  test('S-4.5 an exact case stage wins over "any" even when the "any" row is newer', async () => {
    expect(await lookup(agencyA, 'civil', stage, '2026-04-01')).toEqual([ids['a-civil'], 130_000]);
    expect(await lookup(agencyA, 'civil', otherStage, '2026-04-01')).toEqual([ids['a-civil-any-stage'], 140_000]);
    expect(await lookup(agencyA, 'civil', otherStage, '2026-02-28')).toBeNull();
  });

  test('S-4.5 nothing in force before the first row', async () => {
    expect(await lookup(agencyB, 'civil', stage, '2023-12-31')).toBeNull();
  });
});

describe('S-4.5 exactly one payout per case', () => {
  test('S-4.5 the same call twice writes one line and answers the same line', async () => {
    const no = caseNo();
    const first = await acts.recordPayout(payout(no));
    expect(first).toEqual({
      baseFeeCents: 130_000,
      feeScheduleId: ids['a-civil'],
      amountCents: 117_000,
      totalCents: 117_000,
      lineId: expect.any(String),
    });
    expect(await acts.recordPayout(payout(no))).toEqual(first);
    const written = await lines(no);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      kind: 'payout',
      tier: 'good',
      baseFeeCents: 130_000,
      amountCents: 117_000,
      scoreVersion: 1,
      idempotencyKey: `payout:${no}:v1`,
      batchId: null,
    });
    expect(written[0]!.coefficient.toString()).toBe('0.9');
  });

  test('S-4.5 ten concurrent calls for one case and version write one line', async () => {
    const no = caseNo();
    const results = await Promise.all(Array.from({ length: 10 }, () => acts.recordPayout(payout(no))));
    expect(new Set(results.map((r) => r.lineId)).size).toBe(1);
    expect(results.every((r) => r.totalCents === 117_000)).toBe(true);
    expect(await lines(no)).toHaveLength(1);
  });

  test('S-4.5 a worker crash between compute and record: the retried activity finds its line, total unchanged', async () => {
    const no = caseNo();
    const crashStage = `st3_${run}`;
    await fee('crash', agencyA, 'civil', crashStage, '2026-01-01', 1000);
    const args = payout(no, { caseStage: crashStage });
    // The first attempt commits its line, then the worker dies before Temporal records the result: the answer is lost.
    void (await acts.recordPayout(args));
    // A fee row added meanwhile (in force on the assignment day) must not change what the retry reports or writes.
    await fee('crash-late', agencyA, 'civil', crashStage, '2026-01-15', 2000);
    const retried = await acts.recordPayout(args);
    expect(retried).toMatchObject({ baseFeeCents: 100_000, feeScheduleId: ids.crash, amountCents: 90_000 });
    expect(retried.totalCents).toBe(90_000);
    const written = await lines(no);
    expect(written.map((l) => l.id.toString())).toEqual([retried.lineId]);
  });

  test('S-4.5 concurrent re-reviews: one payout line at most, and the total is the latest score version target', async () => {
    const no = caseNo();
    await Promise.all([
      ...Array.from({ length: 4 }, () => acts.recordPayout(payout(no))),
      ...Array.from({ length: 4 }, () =>
        acts.recordPayout(payout(no, { tier: 'excellent', coefficient: 1.2, scoreVersion: 2 })),
      ),
    ]);
    const written = await lines(no);
    expect(written.filter((l) => l.kind === 'payout')).toHaveLength(1);
    expect(written.reduce((sum, l) => sum + l.amountCents, 0)).toBe(156_000);
  });
});

describe('S-4.5 a corrected payout is a new line that adjusts, never an edit', () => {
  test('S-4.5 good 0.9 -> excellent 1.2 adds +0.3 x base; back to good adds -0.3 x base; an unchanged amount adds nothing', async () => {
    const no = caseNo();
    const base = 130_000;
    const v1 = await acts.recordPayout(payout(no));
    expect(v1.amountCents).toBe(0.9 * base);
    const v2 = await acts.recordPayout(
      payout(no, { tier: 'excellent', coefficient: 1.2, scoreVersion: 2, reason: '专家复核：优秀' }),
    );
    expect(v2).toMatchObject({ amountCents: 39_000, totalCents: 1.2 * base });
    const v3 = await acts.recordPayout(payout(no, { scoreVersion: 3, reason: '抽查：良好' }));
    expect(v3).toMatchObject({ amountCents: -39_000, totalCents: 0.9 * base });
    const v4 = await acts.recordPayout(payout(no, { scoreVersion: 4, reason: '异议复核：维持良好' }));
    expect(v4).toEqual({
      baseFeeCents: base,
      feeScheduleId: ids['a-civil'],
      amountCents: 0,
      totalCents: 117_000,
      lineId: null,
    });

    const written = await lines(no);
    expect(written.map((l) => [l.kind, l.tier, l.coefficient.toString(), l.amountCents, l.scoreVersion])).toEqual([
      ['payout', 'good', '0.9', 117_000, 1],
      ['adjustment', 'excellent', '1.2', 39_000, 2],
      ['adjustment', 'good', '0.9', -39_000, 3],
    ]);
    // The first line is untouched: same amount, same key.
    expect(written[0]!.id.toString()).toBe(v1.lineId);
    // A retry of version 2 answers its own line and the total as it stood after it.
    expect(await acts.recordPayout(payout(no, { tier: 'excellent', coefficient: 1.2, scoreVersion: 2 }))).toEqual(v2);
  });

  test('S-4.5 a late call for an older score version never undoes a newer one', async () => {
    const no = caseNo();
    await acts.recordPayout(payout(no));
    await acts.recordPayout(payout(no, { tier: 'excellent', coefficient: 1.2, scoreVersion: 3 }));
    const stale = await acts.recordPayout(payout(no, { tier: 'pass', coefficient: 0.6, scoreVersion: 2 }));
    expect(stale).toMatchObject({ amountCents: 0, totalCents: 156_000, lineId: null });
    expect(await lines(no)).toHaveLength(2);
  });

  test('S-4.5 an unqualified case (coefficient 0) gets a zero line: the case is in the ledger, paid nothing', async () => {
    const no = caseNo();
    const r = await acts.recordPayout(payout(no, { tier: 'unqualified', coefficient: 0 }));
    expect(r).toMatchObject({ amountCents: 0, totalCents: 0, lineId: expect.any(String) });
    expect((await lines(no))[0]).toMatchObject({ kind: 'payout', tier: 'unqualified', amountCents: 0 });
  });

  test('S-4.5 a special case (not evaluated) is paid as the centre decides: kind special, no tier', async () => {
    const no = caseNo();
    const r = await acts.recordPayout(
      payout(no, { kind: 'special', tier: null, coefficient: 1, scoreVersion: 0, reason: '特殊案件，按中心决定' }),
    );
    expect(r).toMatchObject({ amountCents: 130_000, totalCents: 130_000 });
    expect((await lines(no))[0]).toMatchObject({ kind: 'special', tier: null, amountCents: 130_000 });
  });
});

describe('S-4.5 failures', () => {
  test('S-4.5 no fee schedule in force: a non-retryable FeeScheduleMissing failure with a Chinese message', async () => {
    const no = caseNo();
    const err = await acts
      .recordPayout(payout(no, { agencyCode: agencyB, assignedOn: '2023-06-01' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FEE_SCHEDULE_MISSING, nonRetryable: true });
    expect((err as Error).message).toContain('基本劳务费标准');
    expect(await lines(no)).toHaveLength(0);
  });

  test('S-4.5 a malformed assignment date is refused without retries', async () => {
    const err = await acts.recordPayout(payout(caseNo(), { assignedOn: '2026/02/01' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
  });
});

describe('S-4.5 the ledger is append-only', () => {
  test('S-4.5 a line cannot be updated or deleted; it can be given a batch once', async () => {
    const no = caseNo();
    const { lineId } = await acts.recordPayout(payout(no));
    const id = BigInt(lineId!);
    await expect(prisma.payoutLine.update({ where: { id }, data: { amountCents: 1 } })).rejects.toThrow();
    await expect(prisma.$executeRaw`UPDATE payout_line SET amount_cents = 1 WHERE id = ${id}`).rejects.toThrow(
      /append-only/,
    );
    await expect(prisma.$executeRaw`DELETE FROM payout_line WHERE id = ${id}`).rejects.toThrow(/append-only/);
    const batch = await prisma.payoutBatch.create({
      data: {
        agencyCode: agencyA,
        periodStart: new Date('1990-01-01T00:00:00Z'),
        periodEnd: new Date('1990-01-31T00:00:00Z'),
        lineCount: 1,
        totalCents: 117_000,
        createdBy: 'test',
      },
    });
    await prisma.payoutLine.update({ where: { id }, data: { batchId: batch.id } });
    await expect(prisma.payoutLine.update({ where: { id }, data: { batchId: null } })).rejects.toThrow();
    expect((await lines(no))[0]).toMatchObject({ amountCents: 117_000, batchId: batch.id });
  });
});
