/**
 * S-4.5 fee schedule and payout batches, S-4.6 / L-15 published results, S-4.7 awards, over real HTTP. Payout lines
 * and evaluations are this file's own: agency 嵊州 (SZ) for fees and batch periods, 新昌 (XC) for the current-period
 * batch and its CSV, 上虞 (SY) for results and awards (no other test file writes payouts or evaluations there).
 */
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createActivities } from '../../activities';
import { addCalendarDays, cstDateOf } from '../../domain/time';
import { eventually, startApi } from '../support/api-harness';
import { tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
let acts: ReturnType<typeof createActivities>;
const run = randomUUID().slice(0, 8);
const stage = `st_${run}`.replace(/-/g, '');
const auth: Record<string, string> = {};
const as = (who: string) => ({ Authorization: `Bearer ${auth[who]}` });

beforeAll(async () => {
  api = await startApi();
  acts = createActivities({ prisma: api.prisma });
  auth.city = await tokenFor('city-1', ['city_centre'], 'SX');
  auth.headSZ = await tokenFor('head-sz', ['agency_head'], 'SZ');
  auth.staffSZ = await tokenFor('staff-sz', ['agency_staff'], 'SZ');
  auth.headYC = await tokenFor('head-yc', ['agency_head'], 'YC');
  auth.staffYC = await tokenFor('staff-yc', ['agency_staff'], 'YC');
  auth.headXC = await tokenFor('head-xc', ['agency_head'], 'XC');
  auth.staffSY = await tokenFor('staff-sy', ['agency_staff'], 'SY');
  auth.auditorSY = await tokenFor('aud-sy', ['auditor'], 'SY');
  auth.managerSX = await tokenFor('mgr-sx', ['manager'], 'SX');
});
afterAll(() => api?.close());

const fee = (who: string, body: Record<string, unknown>) =>
  request(api.base)
    .post('/fees')
    .set(as(who))
    .send({ matterType: 'civil', caseStage: stage, amountCents: 100_000, effectiveFrom: '2025-01-01', ...body });

/** A ledger line written directly (the activity stamps `now`), to place it exactly around a period boundary. */
async function line(agencyCode: string, createdAt: string, amountCents: number) {
  return api.prisma.payoutLine.create({
    data: {
      applicationNo: `${agencyCode}-2025-${String(randomInt(1_000_000_000)).padStart(9, '0')}`,
      agencyCode,
      memberId: `m-${run}`,
      institutionId: `i-${run}`,
      kind: 'payout',
      tier: 'good',
      coefficient: '0.90',
      baseFeeCents: Math.round(amountCents / 0.9),
      amountCents,
      scoreVersion: 1,
      reason: '测试',
      idempotencyKey: `test:${randomUUID()}`,
      createdAt: new Date(createdAt),
    },
  });
}

describe('S-4.5 fee schedule (/fees)', () => {
  test('S-4.5 the city centre sets the city-wide default; an agency head only their own agency', async () => {
    const city = await fee('city', { agencyCode: null });
    expect(city.status).toBe(201);
    expect(city.body.fee).toMatchObject({ agencyCode: null, amountCents: 100_000, effectiveFrom: '2025-01-01' });
    expect(city.body.fee.createdBy).toBe('city-1');
    expect((await fee('headSZ', {})).status).toBe(403); // agencyCode omitted = city-wide
    expect((await fee('headSZ', { agencyCode: null, effectiveFrom: '2025-02-01' })).status).toBe(403);
    const own = await fee('headSZ', { agencyCode: 'SZ', amountCents: 120_000 });
    expect(own.status).toBe(201);
    expect(own.body.fee).toMatchObject({ agencyCode: 'SZ', amountCents: 120_000, createdBy: 'head-sz' });
    expect((await fee('headYC', { agencyCode: 'SZ', effectiveFrom: '2025-03-01' })).status).toBe(403);
    expect((await fee('staffSZ', { agencyCode: 'SZ', effectiveFrom: '2025-03-01' })).status).toBe(403);
    expect((await fee('city', { agencyCode: 'SZ', matterType: 'criminal' })).status).toBe(201);
  });

  test('S-4.5 rows are never edited: the same agency, type, stage and date again is 409, city-wide rows too', async () => {
    const again = await fee('headSZ', { agencyCode: 'SZ', amountCents: 999_900 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FEE_SCHEDULE_EXISTS');
    expect(again.body.message).toMatch(/不能修改/);
    const cityAgain = await fee('city', { agencyCode: null, amountCents: 5_000 });
    expect(cityAgain.status).toBe(409);
    expect(await api.prisma.feeSchedule.count({ where: { caseStage: stage, agencyCode: null } })).toBe(1);
  });

  test('S-4.5 amounts are whole cents above zero; dates are China calendar dates', async () => {
    for (const bad of [{ amountCents: 0 }, { amountCents: 10.5 }, { effectiveFrom: '2025-02-30' }, { extra: 1 }]) {
      const res = await fee('headSZ', { agencyCode: 'SZ', effectiveFrom: '2025-05-01', ...bad });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  test('S-4.5 a new row with a later date replaces the old one from that day; the lookup answers the applicable row', async () => {
    expect((await fee('headSZ', { agencyCode: 'SZ', amountCents: 150_000, effectiveFrom: '2026-01-01' })).status).toBe(
      201,
    );
    const q = (on: string) =>
      request(api.base).get(`/fees?agencyCode=SZ&on=${on}&matterType=civil&caseStage=${stage}`).set(as('staffSZ'));
    const before = await q('2025-12-31');
    expect(before.status).toBe(200);
    expect(before.body.applicable).toMatchObject({ agencyCode: 'SZ', amountCents: 120_000 });
    const after = await q('2026-01-01');
    expect(after.body.applicable).toMatchObject({ agencyCode: 'SZ', amountCents: 150_000 });
    // In force on the day: one row per agency, type and stage (the city default and SZ's), the replaced one not.
    const ours = (after.body.fees as Array<{ caseStage: string; agencyCode: string | null; amountCents: number }>)
      .filter((f) => f.caseStage === stage)
      .map((f) => [f.agencyCode, f.amountCents]);
    expect(ours).toEqual(
      expect.arrayContaining([
        ['SZ', 150_000],
        [null, 100_000],
      ]),
    );
    expect(ours).not.toContainEqual(['SZ', 120_000]);
    // The whole history without a date; another agency's people may not read SZ's.
    const all = await request(api.base).get('/fees').set(as('staffSZ'));
    expect((all.body.fees as Array<{ amountCents: number }>).map((f) => f.amountCents)).toEqual(
      expect.arrayContaining([120_000, 150_000, 100_000]),
    );
    expect((await request(api.base).get('/fees?agencyCode=SZ').set(as('staffYC'))).status).toBe(403);
  });
});

describe('S-4.5 payout batches for finance (/payouts/batches)', () => {
  const batch = (who: string, periodStart: string, periodEnd: string, agencyCode = 'SZ') =>
    request(api.base).post('/payouts/batches').set(as(who)).send({ agencyCode, periodStart, periodEnd });

  test('S-4.5 a period takes lines created before the end of its last day in China time; the next one the rest', async () => {
    const lastMinute = await line('SZ', '2025-03-31T15:59:59.999Z', 90_000); // 31 Mar 23:59:59.999 +08:00
    const nextDay = await line('SZ', '2025-03-31T16:00:00.000Z', 45_000); // 1 Apr 00:00 +08:00
    const march = await batch('headSZ', '2025-03-01', '2025-03-31');
    expect(march.status).toBe(201);
    expect(march.body.batch).toMatchObject({
      agencyCode: 'SZ',
      periodStart: '2025-03-01',
      periodEnd: '2025-03-31',
      lineCount: 1,
      totalCents: 90_000,
      createdBy: 'head-sz',
    });
    expect(march.body.replayed).toBe(false);
    const inMarch = await api.prisma.payoutLine.findUniqueOrThrow({ where: { id: lastMinute.id } });
    expect(inMarch.batchId?.toString()).toBe(march.body.batch.id);

    // A line dated in March but recorded after March was batched goes to the next batch, with April's.
    const late = await line('SZ', '2025-03-15T02:00:00.000Z', 18_000);
    const april = await batch('city', '2025-04-01', '2025-04-30');
    expect(april.status).toBe(201);
    expect(april.body.batch).toMatchObject({ lineCount: 2, totalCents: 63_000, createdBy: 'city-1' });
    const inApril = await api.prisma.payoutLine.findMany({ where: { id: { in: [nextDay.id, late.id] } } });
    expect(inApril.map((l) => l.batchId?.toString())).toEqual([april.body.batch.id, april.body.batch.id]);
  });

  test('S-4.5 the same period again answers the existing batch (200) and touches no line', async () => {
    await line('SZ', '2025-03-20T02:00:00.000Z', 27_000); // unbatched, before March's end
    const again = await batch('headSZ', '2025-03-01', '2025-03-31');
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(again.body.batch).toMatchObject({ lineCount: 1, totalCents: 90_000 });
    const batchId = BigInt(again.body.batch.id as string);
    expect(await api.prisma.payoutLine.count({ where: { batchId } })).toBe(1);
    // Concurrent requests for one new period: one batch, every line in it once.
    const twins = await Promise.all(Array.from({ length: 5 }, () => batch('headSZ', '2025-05-01', '2025-05-31')));
    expect(twins.map((t) => t.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(twins.map((t) => t.body.batch.id)).size).toBe(1);
    expect(twins[0]!.body.batch).toMatchObject({ lineCount: 1, totalCents: 27_000 });
  });

  test('S-4.5 only the agency head of that agency or the city centre makes batches; the period must be in order', async () => {
    expect((await batch('staffSZ', '2025-06-01', '2025-06-30')).status).toBe(403);
    expect((await batch('headYC', '2025-06-01', '2025-06-30')).status).toBe(403);
    const reversed = await batch('headSZ', '2025-06-30', '2025-06-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.code).toBe('VALIDATION_FAILED');
  });

  test('S-4.5 the batch CSV: UTF-8 with BOM, a Chinese header, yuan amounts, China time; lines listed by case', async () => {
    await fee('headXC', { agencyCode: 'XC', amountCents: 100_000 });
    const applicationNo = `XC-2026-${String(randomInt(1_000_000_000)).padStart(9, '0')}`;
    const args = {
      applicationNo,
      agencyCode: 'XC',
      memberId: `xc-m-${run}`,
      institutionId: `xc-i-${run}`,
      matterType: 'civil',
      caseStage: stage,
      assignedOn: '2026-03-02',
      kind: 'payout' as const,
      reason: '评估结果',
    };
    await acts.recordPayout({ ...args, tier: 'excellent', coefficient: 1.2, scoreVersion: 1 });
    await acts.recordPayout({ ...args, tier: 'good', coefficient: 0.9, scoreVersion: 2 });
    const today = cstDateOf(new Date());
    const made = await batch('headXC', addCalendarDays(today, -30), today, 'XC');
    expect(made.status).toBe(201);
    expect(made.body.batch).toMatchObject({ lineCount: 2, totalCents: 90_000 });

    const csv = await request(api.base)
      .get(`/payouts/batches/${made.body.batch.id}/lines.csv`)
      .set(as('headXC'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="payout-XC-.*\.csv"/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      '明细编号,申请编号,人员编号,机构编号,类型,质量等级,系数,基本劳务费（元）,金额（元）,生成时间（北京时间）',
    );
    const lines = await api.prisma.payoutLine.findMany({ where: { applicationNo }, orderBy: { id: 'asc' } });
    const at = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(rows.slice(1)).toEqual([
      `${lines[0]!.id},${applicationNo},xc-m-${run},xc-i-${run},质量补贴,优秀,1.20,1000.00,1200.00,${at(lines[0]!.createdAt)}`,
      `${lines[1]!.id},${applicationNo},xc-m-${run},xc-i-${run},调整,良好,0.90,1000.00,-300.00,${at(lines[1]!.createdAt)}`,
    ]);
    expect(
      (await request(api.base).get(`/payouts/batches/${made.body.batch.id}/lines.csv`).set(as('staffYC'))).status,
    ).toBe(403);
    expect((await request(api.base).get('/payouts/batches/999999999/lines.csv').set(as('city'))).body.code).toBe(
      'PAYOUT_BATCH_NOT_FOUND',
    );

    // The case's lines, for the agency and the city; not for another agency.
    const byCase = await request(api.base).get(`/payouts?applicationNo=${applicationNo}`).set(as('headXC'));
    expect(byCase.status).toBe(200);
    expect(byCase.body.totalCents).toBe(90_000);
    expect(byCase.body.lines.map((l: { kind: string; amountCents: number }) => [l.kind, l.amountCents])).toEqual([
      ['payout', 120_000],
      ['adjustment', -30_000],
    ]);
    expect(byCase.body.lines[0]).toMatchObject({ tierLabel: '优秀', coefficient: 1.2, batchId: made.body.batch.id });
    expect((await request(api.base).get(`/payouts?applicationNo=${applicationNo}`).set(as('staffYC'))).status).toBe(
      403,
    );
    const byMember = await request(api.base).get(`/payouts?agencyCode=XC&memberId=xc-m-${run}`).set(as('managerSX'));
    expect(byMember.body.lines).toHaveLength(2);
    const list = await request(api.base).get('/payouts/batches?agencyCode=XC').set(as('headXC'));
    expect(list.body.batches.map((b: { id: string }) => b.id)).toContain(made.body.batch.id);
    expect((await request(api.base).get('/payouts/batches?agencyCode=XC').set(as('staffYC'))).status).toBe(403);
  });
});

describe('S-4.6 L-15 published results and S-4.7 awards (agency SY, year 2025)', () => {
  const cases: Record<string, string> = {};
  /** An evaluation row as the evaluation stage writes it, finalised at `finalizedAt` (null: not final yet). */
  async function evaluation(
    name: string,
    memberId: string,
    institutionId: string,
    tier: string | null,
    finalizedAt: string | null,
    special = false,
  ) {
    const applicationNo = `SY-2025-${String(randomInt(1_000_000_000)).padStart(9, '0')}`;
    cases[name] = applicationNo;
    await api.prisma.evaluation.create({
      data: {
        applicationNo,
        agencyCode: 'SY',
        memberId: `${memberId}-${run}`,
        institutionId: `${institutionId}-${run}`,
        status: finalizedAt ? 'final' : 'scoring',
        special,
        tier,
        score: tier === 'excellent' ? 92 : tier === 'good' ? 80 : tier === 'pass' ? 62 : tier ? 50 : null,
        scoreVersion: 1,
        year: finalizedAt ? 2025 : null,
        finalizedAt: finalizedAt ? new Date(finalizedAt) : null,
        state: {},
        stateSeq: 1,
      },
    });
  }

  beforeAll(async () => {
    await evaluation('m1-excellent', 'm1', 'i1', 'excellent', '2025-03-01T02:00:00Z');
    await evaluation('m1-good', 'm1', 'i1', 'good', '2024-12-31T16:00:00Z'); // 1 Jan 2025 00:00 +08:00: 2025
    await evaluation('m2-unqualified', 'm2', 'i1', 'unqualified', '2025-07-01T02:00:00Z');
    await evaluation('m3-excellent', 'm3', 'i2', 'excellent', '2025-12-31T15:59:59Z'); // 31 Dec 23:59:59 +08:00
    await evaluation('m4-pass', 'm4', 'i2', 'pass', '2025-05-05T02:00:00Z');
    await evaluation('m4-2024', 'm4', 'i2', 'unqualified', '2024-12-31T15:59:59Z'); // still 2024 in China
    await evaluation('m4-2026', 'm4', 'i2', 'unqualified', '2025-12-31T16:00:00Z'); // already 2026 in China
    await evaluation('m3-special', 'm3', 'i2', null, '2025-04-01T02:00:00Z', true);
    await evaluation('m2-open', 'm2', 'i1', null, null);
    const pay = (name: string, kind: string, amountCents: number) =>
      api.prisma.payoutLine.create({
        data: {
          applicationNo: cases[name]!,
          agencyCode: 'SY',
          memberId: 'x',
          institutionId: 'x',
          kind,
          coefficient: '1.00',
          baseFeeCents: 100_000,
          amountCents,
          scoreVersion: 1,
          reason: '测试',
          idempotencyKey: `test:${randomUUID()}`,
        },
      });
    await pay('m1-excellent', 'payout', 90_000);
    await pay('m1-excellent', 'adjustment', 30_000);
    await pay('m1-good', 'payout', 90_000);
    await pay('m2-unqualified', 'payout', 0);
    await pay('m3-excellent', 'payout', 120_000);
    await pay('m3-special', 'special', 100_000);
    await pay('m4-pass', 'payout', 60_000);
    await pay('m4-2024', 'payout', 0);
  });

  test('S-4.6 L-15 per tier, per institution and per member: final cases of the China year and what they were paid', async () => {
    const res = await request(api.base).get('/public/results/SY?year=2025');
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-policy']).toBeDefined();
    type Row = { memberId?: string; institutionId?: string; cases: number; payoutCents: number };
    const ours = (rows: Row[]) => rows.filter((r) => (r.memberId ?? r.institutionId)!.endsWith(run));
    expect(res.body).toMatchObject({ agencyCode: 'SY', year: 2025 });
    expect(res.body.tierLabels).toEqual({ excellent: '优秀', good: '良好', pass: '合格', unqualified: '不合格' });
    expect(ours(res.body.institutions)).toEqual([
      {
        institutionId: `i1-${run}`,
        cases: 3,
        tiers: { excellent: 1, good: 1, pass: 0, unqualified: 1 },
        payoutCents: 210_000,
      },
      {
        institutionId: `i2-${run}`,
        cases: 2,
        tiers: { excellent: 1, good: 0, pass: 1, unqualified: 0 },
        payoutCents: 180_000,
      },
    ]);
    expect(ours(res.body.members).map((m) => [m.memberId, m.cases, m.payoutCents])).toEqual([
      [`m1-${run}`, 2, 210_000],
      [`m2-${run}`, 1, 0],
      [`m3-${run}`, 1, 120_000],
      [`m4-${run}`, 1, 60_000],
    ]);
    // Ids only: no case numbers in the published form.
    expect(JSON.stringify(res.body)).not.toMatch(/SY-20\d\d-/);
    const y2024 = await request(api.base).get('/public/results/SY?year=2024');
    expect(ours(y2024.body.members)).toEqual([
      { memberId: `m4-${run}`, cases: 1, tiers: { excellent: 0, good: 0, pass: 0, unqualified: 1 }, payoutCents: 0 },
    ]);
    expect((await request(api.base).get('/public/results/ZZ')).status).toBe(400);
  });

  test('S-4.7 awards: an excellent case and no unqualified one; an unqualified case excludes the member and the institution', async () => {
    const res = await request(api.base).get('/quality/awards?agencyCode=SY&year=2025').set(as('staffSY'));
    expect(res.status).toBe(200);
    const members = Object.fromEntries(
      (res.body.members as Array<{ memberId: string; reason: string | null }>)
        .filter((m) => m.memberId.endsWith(run))
        .map((m) => [m.memberId, m]),
    );
    expect(members[`m1-${run}`]).toMatchObject({ eligible: true, reasonCode: null, reason: null });
    expect(members[`m2-${run}`]).toMatchObject({
      eligible: false,
      reasonCode: 'UNQUALIFIED_CASE',
      unqualifiedCases: [cases['m2-unqualified']],
    });
    expect(members[`m2-${run}`]?.reason).toContain(cases['m2-unqualified']);
    expect(members[`m3-${run}`]).toMatchObject({ eligible: true });
    // m4: a pass in 2025; the unqualified cases of 2024 and 2026 belong to other years.
    expect(members[`m4-${run}`]).toMatchObject({
      eligible: false,
      reasonCode: 'NO_EXCELLENT_CASE',
      unqualifiedCases: [],
    });
    const institutions = Object.fromEntries(
      (res.body.institutions as Array<{ institutionId: string }>)
        .filter((i) => i.institutionId.endsWith(run))
        .map((i) => [i.institutionId, i]),
    );
    expect(institutions[`i1-${run}`]).toMatchObject({ eligible: false, reasonCode: 'UNQUALIFIED_CASE' });
    expect(institutions[`i2-${run}`]).toMatchObject({ eligible: true });

    expect((await request(api.base).get('/quality/awards?agencyCode=SY&year=2025').set(as('auditorSY'))).status).toBe(
      403,
    );
    expect((await request(api.base).get('/quality/awards?agencyCode=SY&year=2025').set(as('staffYC'))).status).toBe(
      403,
    );
    const city = await request(api.base).get('/quality/awards?agencyCode=SY&year=2025').set(as('managerSX'));
    expect(city.status).toBe(200);
    // The reads are audited (ids only).
    const audited = await eventually(
      () => api.prisma.auditEvent.findMany({ where: { actorId: 'staff-sy', action: 'quality.awards' } }),
      (rows) => rows.length > 0,
    );
    expect(audited[0]).toMatchObject({ targetType: 'agency', targetId: 'SY', outcome: 200 });
  });
});

describe('S-4.7 awards are city-wide (agency SY, year 2024)', () => {
  const suffix = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-cw-${suffix}`;
  async function finalCase(agencyCode: string, memberId: string, institutionId: string, tier: string) {
    const applicationNo = `${agencyCode}-2024-${String(randomInt(1_000_000_000)).padStart(9, '0')}`;
    await api.prisma.evaluation.create({
      data: {
        ...{ applicationNo, agencyCode, memberId: id(memberId), institutionId: id(institutionId), tier },
        status: 'final',
        special: false,
        score: tier === 'excellent' ? 92 : 50,
        scoreVersion: 1,
        year: 2024,
        finalizedAt: new Date('2024-06-01T02:00:00Z'),
        state: {},
        stateSeq: 1,
      },
    });
    return applicationNo;
  }

  test('S-4.7 an unqualified case in another district excludes the member, the institution and its responsible people', async () => {
    await api.prisma.poolInstitution.create({
      data: { id: id('i9'), agencyCode: 'SY', name: '城区律所', listOrder: 900_000 + randomInt(90_000) },
    });
    const set = await request(api.base)
      .put(`/pool/institutions/${id('i9')}/responsible-people`)
      .set(as('staffSY'))
      .send({ personIds: [id('director'), id('m9')] });
    expect(set.status).toBe(200);
    expect(set.body.institution.responsiblePeople).toEqual([id('director'), id('m9')]);
    const other = await request(api.base)
      .put(`/pool/institutions/${id('i9')}/responsible-people`)
      .set(as('staffYC'))
      .send({ personIds: [] });
    expect(other.status).toBe(403);

    await finalCase('SY', 'm8', 'i9', 'excellent');
    await finalCase('SY', 'm9', 'i9', 'excellent');
    const elsewhere = await finalCase('YC', 'm8', 'i9', 'unqualified'); // the same member, another district

    const res = await request(api.base).get('/quality/awards?agencyCode=SY&year=2024').set(as('staffSY'));
    expect(res.status).toBe(200);
    const member = (m: string) => res.body.members.find((x: { memberId: string }) => x.memberId === id(m));
    expect(member('m8')).toMatchObject({
      eligible: false,
      reasonCode: 'UNQUALIFIED_CASE',
      unqualifiedCases: [elsewhere],
    });
    // m9 has only an excellent case, but is a responsible person of the excluded institution.
    expect(member('m9')).toMatchObject({ eligible: false, reasonCode: 'INSTITUTION_UNQUALIFIED' });
    const institution = res.body.institutions.find((i: { institutionId: string }) => i.institutionId === id('i9'));
    expect(institution).toMatchObject({
      eligible: false,
      reasonCode: 'UNQUALIFIED_CASE',
      unqualifiedCases: [elsewhere],
    });
    const excluded = res.body.excludedPeople.filter((p: { institutionId: string }) => p.institutionId === id('i9'));
    expect(excluded.map((p: { personId: string }) => p.personId)).toEqual([id('director'), id('m9')]);
    expect(excluded[0].reason).toContain('负责人');
    // The other district's own list does not show SY's people unless they had a case there.
    const yc = await request(api.base).get('/quality/awards?agencyCode=YC&year=2024').set(as('staffYC'));
    expect(yc.body.members.some((x: { memberId: string }) => x.memberId === id('m9'))).toBe(false);
  });
});
