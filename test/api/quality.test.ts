/**
 * S-4.4 over real HTTP: scoring sheets loaded by the city centre as versioned data (validation, versions, conflicts,
 * the sheet in force on a date), and reads of stored evaluations (rows inserted directly, as the evaluation workflow
 * writes them) with their scopes: a lawyer sees only their own cases, an institution only its members'.
 */
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { startApi } from '../support/api-harness';
import { testApplicationNo, tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
let acts: ReturnType<typeof createActivities>;
const run = randomUUID().slice(0, 8);
const auth: Record<string, string> = {};
const as = (who: string) => ({ Authorization: `Bearer ${auth[who]}` });
// Sheets are city-wide: versions of this run's own, dated in 1990 so no other test file's sheet is in force then.
const v = randomInt(1, 20_000) * 2; // the access matrix uses 91000 and above
const items = [
  { code: 'a', label: '会见与沟通', max: 20, weight: 1 },
  { code: 'b', label: '取证', max: 20, weight: 2 },
  { code: 'c', label: '出庭', max: 40, weight: 1 },
];
const sheet = (over: Record<string, unknown> = {}) => ({
  id: `crim-${run}-v${v}`,
  kind: 'criminal',
  version: v,
  title: '刑事案件质量评估表（测试）',
  items,
  effectiveFrom: '1990-01-01',
  ...over,
});

const lawyer = `lawyer-${run}`;
const otherLawyer = `lawyer2-${run}`;
const firm = `firm-${run}`;
const otherFirm = `firm2-${run}`;

beforeAll(async () => {
  api = await startApi();
  acts = createActivities({ prisma: api.prisma });
  auth.city = await tokenFor('city-1', ['city_centre'], 'SX');
  auth.staff = await tokenFor('staff-kq', ['agency_staff'], 'KQ');
  auth.otherStaff = await tokenFor('staff-yc', ['agency_staff'], 'YC');
  auth.evaluator = await tokenFor('eval-kq', ['evaluator'], 'KQ');
  auth.otherEvaluator = await tokenFor('eval-yc', ['evaluator'], 'YC');
  auth.lawyer = await tokenFor(lawyer, ['lawyer'], 'KQ');
  auth.otherLawyer = await tokenFor(otherLawyer, ['lawyer'], 'KQ');
  auth.firm = await tokenFor(`admin-${firm}`, ['institution'], 'KQ', firm);
  auth.applicant = await tokenFor('app-1', ['applicant']);
  auth.headSZ = await tokenFor('head-sz', ['agency_head'], 'SZ');
  auth.headXC = await tokenFor('head-xc', ['agency_head'], 'XC');
});
afterAll(() => api?.close());

const post = (who: string, body: object) => request(api.base).post('/quality/sheets').set(as(who)).send(body);

describe('S-4.4 scoring sheets are loaded by the city centre and never edited', () => {
  test('S-4.4 the city centre loads a sheet (201); the same sheet again is answered (200), not duplicated', async () => {
    const first = await post('city', sheet());
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(`/quality/sheets/${sheet().id}`);
    expect(first.body.sheet).toMatchObject({
      id: sheet().id,
      kind: 'criminal',
      kindLabel: '刑事案件质量评估标准',
      version: v,
      items,
      effectiveFrom: '1990-01-01',
      loadedBy: 'city-1',
    });
    const again = await post('city', sheet());
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(await api.prisma.scoringSheet.count({ where: { id: sheet().id } })).toBe(1);
  });

  test('S-4.4 the same id with other content: 409; a (kind, version) already taken: 409', async () => {
    await post('city', sheet());
    const edited = await post('city', sheet({ title: '改过的标题' }));
    expect(edited.status).toBe(409);
    expect(edited.body.code).toBe('SCORING_SHEET_EXISTS');
    const otherItems = await post('city', sheet({ items: [{ ...items[0], label: '改' }, ...items.slice(1)] }));
    expect(otherItems.body.code).toBe('SCORING_SHEET_EXISTS');
    const taken = await post('city', sheet({ id: `crim-${run}-dup` }));
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('SCORING_SHEET_VERSION_TAKEN');
    expect(taken.body.message).toContain(`第 ${v} 版已载入`);
  });

  test('S-4.4 validation: weighted maximums must add up to 100, codes unique, strict fields; 400 in Chinese', async () => {
    const ninety = await post('city', sheet({ id: `bad-${run}-1`, version: v + 50_001, items: items.slice(1) }));
    expect(ninety.status).toBe(400);
    expect(ninety.body.code).toBe('VALIDATION_FAILED');
    expect(ninety.body.message).toContain('评分表各项加权满分合计应为 100 分，现为 80 分');
    const dup = await post('city', sheet({ id: `bad-${run}-2`, items: [...items, { ...items[0], max: 0.01 }] }));
    expect(dup.body.message).toContain('评分项编号不能重复');
    const extra = await post('city', { ...sheet({ id: `bad-${run}-3` }), official: true });
    expect(extra.status).toBe(400);
    const badDate = await post('city', sheet({ id: `bad-${run}-4`, effectiveFrom: '1990-02-30' }));
    expect(badDate.status).toBe(400);
    expect(await api.prisma.scoringSheet.count({ where: { id: { startsWith: `bad-${run}` } } })).toBe(0);
  });

  test('S-4.4 sheets are city-wide: only the city centre loads them', async () => {
    for (const who of ['staff', 'evaluator', 'lawyer', 'firm', 'applicant']) {
      const res = await post(who, sheet({ id: `deny-${run}-${who}`, version: v + 50_003 }));
      expect(res.status).toBe(403);
    }
  });

  test("S-4.4 a county centre loads its own sheets; its cases are scored on them, other counties on the city's", async () => {
    // Dated far ahead, so no other test's evaluation is scored on them.
    const city = sheet({
      id: `city-far-${[...run].reverse().join('')}`,
      version: v + 1_000,
      effectiveFrom: '2999-01-01',
    });
    const county = sheet({
      id: `sz-far-${[...run].reverse().join('')}`,
      version: v + 1_000,
      effectiveFrom: '2999-01-01',
      agencyCode: 'SZ',
    });
    expect((await post('headSZ', city)).status).toBe(403); // the city's sheets are the city centre's
    expect((await post('headXC', county)).status).toBe(403); // another county's
    expect((await post('city', city)).status).toBe(201);
    const own = await post('headSZ', { ...county, items: [{ code: 'x', label: '本县评分项', max: 100, weight: 1 }] });
    expect(own.status).toBe(201); // the same kind and version as the city's: versions are per centre
    expect(own.body.sheet).toMatchObject({ agencyCode: 'SZ', loadedBy: 'head-sz' });
    expect((await acts.scoringSheetFor({ kind: 'criminal', on: '2999-06-01', agencyCode: 'SZ' }))?.id).toBe(county.id);
    expect((await acts.scoringSheetFor({ kind: 'criminal', on: '2999-06-01', agencyCode: 'XC' }))?.id).toBe(city.id);
    const listed = await request(api.base).get('/quality/sheets?agencyCode=SZ&on=2999-06-01').set(as('city'));
    expect(listed.body.sheets.map((x: { id: string }) => x.id)).toContain(county.id);
  });

  test('S-4.4 the sheet in force on a date is the latest version effective on or before it', async () => {
    await post('city', sheet());
    const next = sheet({ id: `crim-${run}-v${v + 1}`, version: v + 1, effectiveFrom: '1990-07-01' });
    expect((await post('city', next)).status).toBe(201);

    // The activity the evaluation workflow calls (through createActivities, as the worker registers it).
    expect(await acts.scoringSheetFor({ kind: 'criminal', on: '1989-12-31' })).toBeNull();
    expect(await acts.scoringSheetFor({ kind: 'criminal', on: '1990-01-01' })).toEqual({
      id: sheet().id,
      kind: 'criminal',
      version: v,
      title: sheet().title,
      items,
      effectiveFrom: '1990-01-01',
      agencyCode: 'SX',
    });
    expect((await acts.scoringSheetFor({ kind: 'criminal', on: '1990-06-30' }))?.version).toBe(v);
    expect((await acts.scoringSheetFor({ kind: 'criminal', on: '1990-07-01' }))?.version).toBe(v + 1);
    await expect(acts.scoringSheetFor({ kind: 'criminal', on: '1 July 1990' })).rejects.toBeInstanceOf(
      ApplicationFailure,
    );

    const inForce = await request(api.base).get('/quality/sheets?kind=criminal&on=1990-06-30').set(as('lawyer'));
    expect(inForce.status).toBe(200);
    expect(inForce.body.sheets.map((s: { id: string }) => s.id)).toEqual([sheet().id]);
    const all = await request(api.base).get('/quality/sheets?kind=criminal').set(as('evaluator'));
    const ours = (all.body.sheets as Array<{ id: string }>).filter((s) => s.id.includes(run)).map((s) => s.id);
    expect(ours).toEqual([next.id, sheet().id]); // newest version first
    const one = await request(api.base).get(`/quality/sheets/${next.id}`).set(as('staff'));
    expect(one.body.sheet).toMatchObject({ id: next.id, version: v + 1, effectiveFrom: '1990-07-01' });
    const missing = await request(api.base).get(`/quality/sheets/nope-${run}`).set(as('staff'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('SCORING_SHEET_NOT_FOUND');
    expect((await request(api.base).get('/quality/sheets').set(as('firm'))).status).toBe(403);
    expect((await request(api.base).get('/quality/sheets?on=1990-13-01').set(as('staff'))).status).toBe(400);
  });
});

/** An evaluation row as the evaluation workflow writes it. */
async function evaluation(over: {
  agencyCode?: string;
  memberId?: string;
  institutionId?: string;
  status?: string;
  score?: number | null;
  tier?: string | null;
  year?: number | null;
}): Promise<string> {
  const applicationNo = testApplicationNo();
  await api.prisma.evaluation.create({
    data: {
      applicationNo,
      agencyCode: over.agencyCode ?? 'KQ',
      memberId: over.memberId ?? lawyer,
      institutionId: over.institutionId ?? firm,
      status: over.status ?? 'final',
      score: over.score === undefined ? 58.5 : over.score,
      tier: over.tier === undefined ? 'unqualified' : over.tier,
      scoreVersion: 2,
      year: over.year === undefined ? 2026 : over.year,
      finalizedAt: new Date('2026-05-01T02:00:00Z'),
      state: { evaluator: 'eval-kq', items: { a: 10 } },
      stateSeq: 3,
    },
  });
  return applicationNo;
}

describe('S-4.4 evaluation reads: who sees which evaluation', () => {
  let mine: string;
  let others: string;
  let otherAgency: string;
  beforeAll(async () => {
    mine = await evaluation({});
    others = await evaluation({ memberId: otherLawyer, institutionId: otherFirm, score: 91, tier: 'excellent' });
    otherAgency = await evaluation({ agencyCode: 'YC', status: 'scoring', score: null, tier: null, year: null });
  });
  const get = (who: string, no: string) => request(api.base).get(`/evaluations/${no}`).set(as(who));

  test('S-4.4 S-4.5 one evaluation: the score as a number, the tier with its Chinese label, the state', async () => {
    const res = await get('staff', mine);
    expect(res.status).toBe(200);
    expect(res.body.evaluation).toEqual({
      applicationNo: mine,
      agencyCode: 'KQ',
      memberId: lawyer,
      institutionId: firm,
      status: 'final',
      special: false,
      score: 58.5,
      tier: 'unqualified',
      tierLabel: '不合格',
      scoreVersion: 2,
      year: 2026,
      finalizedAt: '2026-05-01T02:00:00.000Z',
      state: { evaluator: 'eval-kq', items: { a: 10 } },
      updatedAt: expect.any(String),
    });
    const open = await get('city', otherAgency);
    expect(open.body.evaluation).toMatchObject({ score: null, tier: null, tierLabel: null, status: 'scoring' });
  });

  test.each([
    ['lawyer', 'mine', 200],
    ['lawyer', 'others', 403],
    ['otherLawyer', 'others', 200],
    ['firm', 'mine', 200],
    ['firm', 'others', 403],
    ['staff', 'otherAgency', 403],
    ['otherStaff', 'otherAgency', 200],
    ['evaluator', 'mine', 200],
    ['otherEvaluator', 'mine', 403],
    ['city', 'others', 200],
    ['applicant', 'mine', 403],
  ])('S-4.4 GET /evaluations/:no as %s on %s: %p', async (who, which, status) => {
    const no = { mine, others, otherAgency }[which]!;
    expect((await get(who, no)).status).toBe(status);
  });

  test('S-4.4 an unknown case: 404 EVALUATION_NOT_FOUND', async () => {
    const res = await get('staff', testApplicationNo());
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('EVALUATION_NOT_FOUND');
  });

  test('S-4.4 a lawyer lists only their own evaluations, whatever they filter by', async () => {
    const own = await request(api.base).get('/evaluations?limit=200').set(as('lawyer'));
    expect(own.status).toBe(200);
    const members = (own.body.evaluations as Array<{ memberId: string }>).map((e) => e.memberId);
    expect(members.length).toBeGreaterThan(0);
    expect(new Set(members)).toEqual(new Set([lawyer]));
    const snooping = await request(api.base).get(`/evaluations?memberId=${otherLawyer}`).set(as('lawyer'));
    expect(snooping.body.evaluations).toEqual([]);
  });

  test('S-4.4 an institution lists its members; agency staff their agency; filters and paging', async () => {
    const byFirm = await request(api.base).get('/evaluations?limit=200').set(as('firm'));
    expect(new Set(byFirm.body.evaluations.map((e: { institutionId: string }) => e.institutionId))).toEqual(
      new Set([firm]),
    );
    const staff = await request(api.base).get(`/evaluations?institutionId=${otherFirm}`).set(as('staff'));
    expect(staff.body.evaluations.map((e: { applicationNo: string }) => e.applicationNo)).toEqual([others]);
    const cross = await request(api.base).get('/evaluations?agencyCode=YC').set(as('staff'));
    expect(cross.body.evaluations).toEqual([]);

    const extra = await evaluation({ memberId: otherLawyer, institutionId: otherFirm, status: 'expert_review' });
    const filtered = await request(api.base)
      .get(`/evaluations?institutionId=${otherFirm}&status=expert_review&year=2026`)
      .set(as('city'));
    expect(filtered.body.evaluations.map((e: { applicationNo: string }) => e.applicationNo)).toEqual([extra]);
    const page1 = await request(api.base).get(`/evaluations?institutionId=${otherFirm}&limit=1`).set(as('city'));
    expect(page1.body.evaluations).toHaveLength(1);
    const page2 = await request(api.base)
      .get(`/evaluations?institutionId=${otherFirm}&limit=1&after=${page1.body.next}`)
      .set(as('city'));
    expect(page2.body.evaluations).toHaveLength(1);
    expect(page2.body.evaluations[0].applicationNo > page1.body.evaluations[0].applicationNo).toBe(true);
    expect((await request(api.base).get('/evaluations?year=nineteen').set(as('city'))).status).toBe(400);
    expect((await request(api.base).get('/evaluations').set(as('applicant'))).status).toBe(403);
  });

  test('S-4.4 reads are audited with the case number (ids only)', async () => {
    await get('lawyer', others);
    const rows = await api.prisma.auditEvent.findMany({
      where: { action: 'evaluations.read', targetId: others, actorId: lawyer },
    });
    expect(rows.map((r) => r.outcome)).toContain(403);
  });
});
