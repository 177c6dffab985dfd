/**
 * L-2, S-3.2 the correction catalogue (材料目录) over HTTP, against a running worker: the admin routes and their audit
 * rows; staff requiring matter-specific materials and explanations at intake; the one notice listing them with their
 * legal basis; supplying them by code completing the file; stopped and unknown codes refused with 400.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { PrismaClient } from '../../prisma/generated/client';
import { eventually, startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
let prisma: PrismaClient;
let base: string;
let staff: string; // agency staff of 诸暨 (ZJ), where these applications are filed
let head: string;
let city: string;
let applicant: string;

const run = randomUUID().slice(0, 8);
const wage = `wage_evidence_${run}`;
const explain = `relation_explained_${run}`;
const stopped = `stopped_${run}`;

beforeAll(async () => {
  api = await startApi();
  ({ prisma, base } = api);
  staff = `Bearer ${await tokenFor('staff-zj-1', ['agency_staff'], 'ZJ')}`;
  head = `Bearer ${await tokenFor('head-zj-1', ['agency_head'], 'ZJ')}`;
  city = `Bearer ${await tokenFor('city-1', ['city_centre'], 'SX')}`;
  applicant = `Bearer ${await tokenFor(`app-${run}`, ['applicant'])}`;
});
afterAll(() => api?.close());

const item = (code: string, over: Record<string, unknown> = {}) => ({
  code,
  name: '欠薪证明材料（工资条、考勤记录等）',
  kind: 'material',
  legalBasis: '《中华人民共和国法律援助法》第四十三条',
  matterCategories: ['labour_remuneration'],
  ...over,
});

function application(overrides: Record<string, unknown> = {}) {
  return {
    agencyCode: 'ZJ',
    channel: 'walk_in',
    applicant: { name: '钱七', idNumber: residentIdNumber('19750505', '321') },
    matter: { category: 'labour_remuneration', summary: '拖欠工资两个月' },
    economicSituation: { householdSize: 3, monthlyHouseholdIncome: 1800, commitmentSigned: true },
    materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'],
    intake: { correctionCommitment: true },
    ...overrides,
  };
}

const submit = (payload: object, auth = staff) =>
  request(base).post('/applications').set('Authorization', auth).set('Idempotency-Key', randomUUID()).send(payload);

const recorded = (no: string) =>
  eventually(
    () => request(base).get(`/applications/${no}`).set('Authorization', staff),
    (r) => r.status === 200 && r.body.stage !== 'received',
  );

describe('L-2 S-3.2 /correction-items: the city centre and agency heads keep the catalogue, audited', () => {
  test('L-2 the catalogue starts with the three common items, required by default, each with its legal basis', async () => {
    const res = await request(base).get('/correction-items').set('Authorization', staff);
    expect(res.status).toBe(200);
    const core = res.body.items.filter((i: { requiredByDefault: boolean }) => i.requiredByDefault);
    expect(core.map((i: { code: string }) => i.code)).toEqual([
      'identity_proof',
      'economic_statement',
      'matter_evidence',
    ]);
    for (const i of core) expect(i.legalBasis).toMatch(/^《/);
  });

  test('L-2 an item is added by the city centre and changed by an agency head; each change has its audit row', async () => {
    const created = await request(base).post('/correction-items').set('Authorization', city).send(item(wage));
    expect(created.status).toBe(201);
    expect(created.body.item).toMatchObject({ code: wage, kind: 'material', active: true, updatedBy: 'city-1' });
    // The same item again is answered, not duplicated; the same code with other content is a conflict.
    const same = await request(base).post('/correction-items').set('Authorization', city).send(item(wage));
    expect(same.status).toBe(200);
    expect(same.body.replayed).toBe(true);
    const again = await request(base)
      .post('/correction-items')
      .set('Authorization', city)
      .send(item(wage, { name: '另一名称' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CORRECTION_ITEM_EXISTS');

    const changed = await request(base)
      .patch(`/correction-items/${wage}`)
      .set('Authorization', head)
      .send({ legalBasis: '《中华人民共和国法律援助法》第四十三条第二款' });
    expect(changed.status).toBe(200);
    expect(changed.body.item).toMatchObject({
      legalBasis: '《中华人民共和国法律援助法》第四十三条第二款',
      updatedBy: 'head-zj-1',
    });

    const refused = await request(base)
      .post('/correction-items')
      .set('Authorization', staff)
      .send(item(`x_${run}`));
    expect(refused.status).toBe(403);
    const missing = await request(base)
      .patch(`/correction-items/none_${run}`)
      .set('Authorization', city)
      .send({ active: false });
    expect(missing.status).toBe(404);

    const rows = await eventually(
      () =>
        prisma.auditEvent.findMany({
          where: { targetType: 'correction_item', targetId: wage },
          orderBy: { id: 'asc' },
        }),
      (r) => r.length >= 4,
    );
    expect(rows.map((r) => [r.action, r.actorId, r.outcome])).toEqual([
      ['correctionItems.manage', 'city-1', 201],
      ['correctionItems.manage', 'city-1', 200],
      ['correctionItems.manage', 'city-1', 409],
      ['correctionItems.manage', 'head-zj-1', 200],
    ]);
    const staffRow = await prisma.auditEvent.findMany({ where: { targetId: `x_${run}`, actorId: 'staff-zj-1' } });
    expect(staffRow.map((r) => r.outcome)).toEqual([403]);
  });
});

describe('L-2 S-3.2 staff require catalogue items at intake; the one notice lists them; supplying them completes', () => {
  beforeAll(async () => {
    await request(base).post('/correction-items').set('Authorization', city).send(item(wage));
    const explanation = item(explain, {
      name: '与用人单位是否存在劳动关系',
      kind: 'explanation',
      matterCategories: [],
    });
    expect((await request(base).post('/correction-items').set('Authorization', city).send(explanation)).status).toBe(
      201,
    );
    expect((await request(base).post('/correction-items').set('Authorization', city).send(item(stopped))).status).toBe(
      201,
    );
    const stop = await request(base)
      .patch(`/correction-items/${stopped}`)
      .set('Authorization', head)
      .send({ active: false });
    expect(stop.body.item.active).toBe(false);
  });

  test('S-3.2 L-2 a matter-specific item and an explanation appear in the one notice with their legal basis; supplying them completes the file', async () => {
    const created = await submit(application({ materialsRequired: [explain, wage] }));
    expect(created.status).toBe(201);
    const no = created.body.applicationNo as string;
    const record = await recorded(no);
    expect(record.body.stage).toBe('awaiting_materials');
    expect(record.body.materials.missing).toEqual([
      { code: wage, label: '欠薪证明材料（工资条、考勤记录等）' },
      { code: explain, label: '与用人单位是否存在劳动关系' },
    ]);

    const notices = await request(base).get(`/applications/${no}/notices`).set('Authorization', staff);
    const correction = notices.body.notices.filter((n: { template: string }) => n.template === 'correction_notice');
    expect(correction).toHaveLength(1);
    const lines = (correction[0].text as string).split('\n');
    // The legal basis as the agency head changed it above.
    expect(lines).toContain(
      '1. 欠薪证明材料（工资条、考勤记录等）（依据：《中华人民共和国法律援助法》第四十三条第二款）',
    );
    const asked = lines.indexOf('请就以下事项作出说明：');
    expect(asked).toBeGreaterThan(0);
    expect(lines[asked + 1]).toBe('2. 与用人单位是否存在劳动关系（依据：《中华人民共和国法律援助法》第四十三条）');

    const part = await request(base)
      .post(`/applications/${no}/materials`)
      .set('Authorization', staff)
      .send({ items: [wage] });
    expect(part.body).toEqual({ stage: 'awaiting_materials', materialsMissing: [explain] });
    const done = await request(base)
      .post(`/applications/${no}/materials`)
      .set('Authorization', staff)
      .send({ items: [explain] });
    expect(done.body).toEqual({ stage: 'under_review', materialsMissing: [] });
    const after = await request(base).get(`/applications/${no}/notices`).set('Authorization', staff);
    expect(after.body.notices.filter((n: { template: string }) => n.template === 'correction_notice')).toHaveLength(1);
  });

  test('L-2 an inactive item cannot be required (400, nothing written)', async () => {
    const before = await prisma.intakeRequest.count({ where: { agencyCode: 'ZJ' } });
    const res = await submit(application({ materialsRequired: [stopped] }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toContain('已停用');
    expect(res.body.details).toEqual([
      expect.objectContaining({ path: 'materialsRequired.0', reason: 'CORRECTION_ITEM_INACTIVE' }),
    ]);
    expect(await prisma.intakeRequest.count({ where: { agencyCode: 'ZJ' } })).toBe(before);
  });

  test('L-2 only agency staff choose what a case requires: an applicant filing online may not', async () => {
    const res = await submit(application({ channel: 'online', materialsRequired: [wage] }), applicant);
    expect(res.status).toBe(403);
  });

  test('L-2 supplying an unknown, stopped or unrequired code is refused with 400 and a Chinese message', async () => {
    const created = await submit(application({ materialsSupplied: ['identity_proof'] }));
    const no = created.body.applicationNo as string;
    await recorded(no);
    for (const [code, text] of [
      [`nothing_${run}`, '材料目录中没有'],
      [stopped, '已停用'],
      [wage, '未要求'],
    ]) {
      const res = await request(base)
        .post(`/applications/${no}/materials`)
        .set('Authorization', staff)
        .send({ items: [code] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toContain(text);
    }
    const ok = await request(base)
      .post(`/applications/${no}/materials`)
      .set('Authorization', staff)
      .send({ items: ['economic_statement', 'matter_evidence'] });
    expect(ok.body).toEqual({ stage: 'under_review', materialsMissing: [] });
  });
});
