/**
 * The API over real HTTP, against a running worker on the shared Temporal dev server and this run's PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Client } from '@temporalio/client';
import { applicationWorkflowId } from '../../domain/definitions';
import { AGENCY_ATTR, STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../../domain/search-attributes';
import type { PrismaClient } from '../../prisma/generated/client';
import { eventually, startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
let prisma: PrismaClient;
let client: Client;
let base: string;
let staff: string; // agency staff of 上虞 (SY), where these applications are filed
let head: string; // its head, who decides (L-1)
let cityStaff: string;

beforeAll(async () => {
  api = await startApi();
  ({ prisma, client, base } = api);
  staff = `Bearer ${await tokenFor('staff-sy-1', ['agency_staff'], 'SY')}`;
  head = `Bearer ${await tokenFor('head-sy-1', ['agency_head'], 'SY')}`;
  cityStaff = `Bearer ${await tokenFor('city-1', ['city_centre'], 'SX')}`;
});

afterAll(() => api?.close());

function body(overrides: Record<string, unknown> = {}) {
  return {
    agencyCode: 'SY',
    channel: 'walk_in',
    applicant: { name: '王五', idNumber: residentIdNumber('19800315', '456'), phone: '13800000000' },
    matter: { category: 'labour_remuneration', summary: '某建筑工地拖欠工资三个月' },
    economicSituation: { householdSize: 4, monthlyHouseholdIncome: 2600, commitmentSigned: true },
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true },
    ...overrides,
  };
}

const submit = (payload: unknown, key: string | null = `k-${randomUUID()}`) => {
  const req = request(base)
    .post('/applications')
    .set('Content-Type', 'application/json')
    .set('Authorization', cityStaff);
  return (key ? req.set('Idempotency-Key', key) : req).send(payload as object);
};

/**
 * What intake itself writes, for the agencies this file files into (other test files, running in parallel, use other
 * agencies). Applications and events are written only by a workflow, which starts only after these rows.
 */
const OUR_AGENCIES = ['SY', 'XC', 'SZ'];
const rowCounts = async () => ({
  intake: await prisma.intakeRequest.count({ where: { agencyCode: { in: OUR_AGENCIES } } }),
  numbers:
    (
      await prisma.applicationNumberCounter.aggregate({
        where: { agencyCode: { in: OUR_AGENCIES } },
        _sum: { lastValue: true },
      })
    )._sum.lastValue ?? 0,
});

describe('POST /applications (intake)', () => {
  test('S-3.2 L-2 an application with missing materials is created, recorded, and waits for correction', async () => {
    const res = await submit(body());
    expect(res.status).toBe(201);
    expect(res.body.applicationNo).toMatch(/^SY-\d{4}-\d{6}$/);
    expect(res.headers.location).toBe(`/applications/${res.body.applicationNo}`);

    const record = await eventually(
      () => request(base).get(`/applications/${res.body.applicationNo}`).set('Authorization', staff),
      (r) => r.status === 200 && r.body.stage === 'awaiting_materials',
    );
    expect(record.body.stage).toBe('awaiting_materials');
    expect(record.body.stageLabel).toBe('待补正材料');
    expect(record.body.materials.missing.map((m: { code: string }) => m.code)).toEqual([
      'economic_statement',
      'matter_evidence',
    ]);
    expect(record.body.history.map((h: { stage: string }) => h.stage)).toEqual(['received', 'awaiting_materials']);
    expect(record.body.history[1].ruleIds).toEqual(['S-3.2', 'L-2']);
    expect(record.body.correctionDueAt).toBeTruthy();

    const live = await request(base).get(`/applications/${res.body.applicationNo}/state`).set('Authorization', staff);
    expect(live.status).toBe(200);
    expect(live.body.stage).toBe('awaiting_materials');
    expect(JSON.stringify(live.body)).not.toContain('王五');
  });

  test('the workflow id and search attributes carry the stage, never personal data', async () => {
    const payload = body();
    const res = await submit(payload);
    const handle = client.workflow.getHandle(applicationWorkflowId(res.body.applicationNo));
    const description = await eventually(
      () => handle.describe(),
      (d) => d.typedSearchAttributes.get(STAGE_ATTR) === 'awaiting_materials',
    );
    expect(description.workflowId).toBe(`application-${res.body.applicationNo}`);
    expect(description.typedSearchAttributes.get(STAGE_ATTR)).toBe('awaiting_materials');
    expect(description.typedSearchAttributes.get(AGENCY_ATTR)).toBe('SY');
    expect(description.typedSearchAttributes.get(STAGE_ENTERED_AT_ATTR)).toBeInstanceOf(Date);
    const attributes = JSON.stringify(description.searchAttributes);
    expect(attributes).toContain('awaiting_materials');
    expect(attributes).toContain('SY');
    for (const secret of [payload.applicant.name, payload.applicant.idNumber, payload.applicant.phone]) {
      expect(attributes).not.toContain(secret);
      expect(description.workflowId).not.toContain(secret);
    }
  });

  test('the same request twice with one Idempotency-Key gives one application and one workflow', async () => {
    const key = `dup-${randomUUID()}`;
    const payload = body();
    const first = await submit(payload, key);
    const again = await Promise.all([submit(payload, key), submit(payload, key), submit(payload, key)]);
    expect(first.status).toBe(201);
    for (const res of again) {
      expect(res.status).toBe(200);
      expect(res.body.applicationNo).toBe(first.body.applicationNo);
      expect(res.body.replayed).toBe(true);
    }
    expect(await prisma.intakeRequest.count({ where: { applicationNo: first.body.applicationNo } })).toBe(1);
    const listRuns = async () => {
      const runs: string[] = [];
      const query = `WorkflowId = '${applicationWorkflowId(first.body.applicationNo)}'`;
      for await (const wf of client.workflow.list({ query })) runs.push(wf.runId);
      return runs;
    };
    expect(await eventually(listRuns, (runs) => runs.length > 0)).toHaveLength(1);
  });

  test('concurrent first submissions with one key still make one application', async () => {
    const key = `race-${randomUUID()}`;
    const payload = body({ agencyCode: 'XC' });
    const results = await Promise.all(Array.from({ length: 5 }, () => submit(payload, key)));
    const numbers = new Set(results.map((r) => r.body.applicationNo));
    expect(numbers.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  });

  test('application numbers run without gaps per agency and year', async () => {
    const a = await submit(body({ agencyCode: 'SZ' }));
    const b = await submit(body({ agencyCode: 'SZ' }));
    const serial = (no: string) => Number(no.split('-')[2]);
    expect(serial(b.body.applicationNo)).toBe(serial(a.body.applicationNo) + 1);
  });

  test('one Idempotency-Key reused for a different application is refused (422) and writes nothing', async () => {
    const key = `reuse-${randomUUID()}`;
    await submit(body(), key);
    const before = await rowCounts();
    const res = await submit(body({ matter: { category: 'family', summary: '离婚纠纷' } }), key);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(res.body.message).toMatch(/幂等键/);
    expect((await rowCounts()).intake).toBe(before.intake);
  });

  test.each([
    ['no Idempotency-Key', body(), null, 'IDEMPOTENCY_KEY_REQUIRED', /幂等键/],
    [
      'a wrong ID number',
      body({ applicant: { name: '王五', idNumber: '330602198003154560' } }),
      'k-idnum-0001',
      'VALIDATION_FAILED',
      /公民身份号码不正确/,
    ],
    ['an unknown agency', body({ agencyCode: 'BJ' }), 'k-agency-0001', 'VALIDATION_FAILED', /agencyCode/],
    ['an unknown field', body({ extra: 1 }), 'k-extra-0001', 'VALIDATION_FAILED', /extra/],
    [
      'a negative income',
      body({ economicSituation: { householdSize: 1, monthlyHouseholdIncome: -1, commitmentSigned: true } }),
      'k-income-0001',
      'VALIDATION_FAILED',
      /monthlyHouseholdIncome/,
    ],
    [
      "missing materials without the applicant's commitment (S-3.2)",
      body({ intake: {} }),
      'k-commit-0001',
      'VALIDATION_FAILED',
      /S-3\.2/,
    ],
    [
      'an unknown material',
      body({ materialsSupplied: ['passport'] }),
      'k-material-0001',
      'VALIDATION_FAILED',
      /materialsSupplied/,
    ],
  ])(
    'bad input (%s) gets 400 with a stable code, a Chinese message, and writes nothing',
    async (_name, payload, key, code, message) => {
      const before = await rowCounts();
      const res = await submit(payload, key);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toMatch(message);
      expect(res.body.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(await rowCounts()).toEqual(before);
    },
  );

  test('malformed JSON gets 400 MALFORMED_JSON', async () => {
    const res = await request(base)
      .post('/applications')
      .set('Authorization', staff)
      .set('Content-Type', 'application/json')
      .set('Idempotency-Key', 'k-malformed-01')
      .send('{"agencyCode":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });
});

describe('staff actions: materials and decision (S-3.2, L-2, L-1)', () => {
  test('L-1 deciding while materials are missing is refused with 422 INVALID_TRANSITION', async () => {
    const created = await submit(body());
    const no = created.body.applicationNo;
    await eventually(
      () => request(base).get(`/applications/${no}/state`).set('Authorization', staff),
      (r) => r.body.stage === 'awaiting_materials',
    );
    const res = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .send({ decision: 'grant' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INVALID_TRANSITION');
    expect(res.body.message).toContain('待补正材料');
  });

  test('S-3.2 an extension longer than the case rules allow (15 days) is refused at the door: 400, in Chinese', async () => {
    const no = (await submit(body())).body.applicationNo as string;
    const extend = (days: number) =>
      request(base)
        .post(`/applications/${no}/correction-deadline/extension`)
        .set('Authorization', staff)
        .send({ days, reason: '申请人外出务工' });
    const tooLong = await extend(16);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('VALIDATION_FAILED');
    expect(tooLong.body.message).toContain('延长天数应为 1 至 15 日');
    expect((await extend(15)).status).toBe(200);
  });

  test('S-3.2 L-1 materials complete the file, a grant closes the case, and repeated requests get the same answer', async () => {
    const created = await submit(body());
    const no = created.body.applicationNo;
    const supplied = await request(base)
      .post(`/applications/${no}/materials`)
      .set('Authorization', staff)
      .send({ items: ['economic_statement', 'matter_evidence'] });
    expect(supplied.status).toBe(200);
    expect(supplied.body).toEqual({ stage: 'under_review', materialsMissing: [] });

    // S-3.1: this applicant's statement must be verified before aid can be granted.
    const blocked = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .send({ decision: 'grant' });
    expect(blocked.status).toBe(422);
    expect(blocked.body.message).toContain('S-3.1');
    const task = await request(base)
      .post(`/applications/${no}/verification/tasks`)
      .set('Authorization', staff)
      .send({ route: 'shared_data', dueDays: 3 });
    expect(task.status).toBe(200);
    const verified = await request(base)
      .post(`/applications/${no}/verification/tasks/${task.body.tasks[0].id}/result`)
      .set('Authorization', staff)
      .send({ result: 'confirmed', note: '共享数据显示家庭收入与申报一致' });
    expect(verified.body.status).toBe('verified');

    const refuseWithoutReason = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .send({ decision: 'refuse' });
    expect(refuseWithoutReason.status).toBe(400);
    expect(refuseWithoutReason.body.message).toContain('L-1');

    const key = `decide-${randomUUID()}`;
    const grant = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .set('Idempotency-Key', key)
      .send({ decision: 'grant' });
    expect(grant.status).toBe(200);
    expect(grant.body.stage).toBe('granted'); // the decision's stage; S-3.3 assignment follows at once

    // A granted case stays open (for assignment and L-9): the repeat is answered by Temporal's update dedupe.
    const repeat = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .set('Idempotency-Key', key)
      .send({ decision: 'grant' });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(grant.body);

    const other = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .send({ decision: 'grant' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('INVALID_TRANSITION');
    const late = await request(base)
      .post(`/applications/${no}/materials`)
      .set('Authorization', staff)
      .send({ items: ['identity_proof'] });
    expect(late.status).toBe(422);
    await eventually(
      () => request(base).get(`/applications/${no}`).set('Authorization', staff),
      (r) => r.body.stage === 'assigning' && r.body.history.length === 8,
    );

    const record = await request(base).get(`/applications/${no}`).set('Authorization', staff);
    expect(record.body.history.map((h: { stage: string }) => h.stage)).toEqual([
      'received',
      'awaiting_materials',
      'under_review',
      'under_review', // S-3.1 verification task requested
      'under_review', // its result recorded
      'granted',
      'assigning', // S-3.3: assigned at once; this agency's pool is empty, so it waits for the agency
      'assigning',
    ]);
    expect(record.body.verification).toMatchObject({ status: 'verified', basis: 'verification' });
    expect(record.body.decision.decidedBy).toBe('head-sy-1');
    expect(record.body.review.paused).toBe(false);

    // The staff notice (no pool in this agency: S-2.10, the agency must assign) is queued after its event.
    const timeline = await eventually(
      () => request(base).get(`/applications/${no}/timeline`).set('Authorization', staff),
      (r) => (r.body.timeline as Array<{ kind: string }>).filter((t) => t.kind === 'notice').length === 2,
    );
    const entries = timeline.body.timeline as Array<{ kind: string; stage?: string; obligation?: string; at: string }>;
    expect(entries.filter((t) => t.kind === 'event').map((t) => t.stage)).toEqual([
      'received',
      'awaiting_materials',
      'under_review',
      'under_review',
      'under_review',
      'granted',
      'assigning',
      'assigning',
    ]);
    // S-2.10: with no pool in the agency the agency must assign; the console's end-to-end test fills this agency's
    // pool in the same database, and then the rotation picks at once and the institution is told instead.
    const notices = entries.filter((t) => t.kind === 'notice').map((t) => t.obligation);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toBe('correction-notice');
    if (notices[1] !== 'assignment-needs-agency-1') {
      expect(notices[1]).toMatch(/^member-confirmation-\d+$/);
      expect(await prisma.poolMember.count({ where: { institution: { agencyCode: 'SY' } } })).toBeGreaterThan(0);
    }
    const times = entries.map((t) => Date.parse(t.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const notes = timeline.body.timeline.map((t: { note?: string }) => t.note ?? '').join('\n');
    expect(notes).toContain('审查期限暂停');
    expect(notes).toContain('审查期限恢复计算');
  });

  test('unknown applications get 404 APPLICATION_NOT_FOUND; malformed numbers get 400', async () => {
    for (const path of ['/applications/KQ-1999-999999999', '/applications/KQ-1999-999999999/state']) {
      const res = await request(base).get(path).set('Authorization', cityStaff);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('APPLICATION_NOT_FOUND');
    }
    const decision = await request(base)
      .post('/applications/KQ-1999-999999998/decision')
      .set('Authorization', head)
      .send({ decision: 'grant' });
    expect(decision.status).toBe(404);
    const bad = await request(base).get('/applications/not-a-number').set('Authorization', staff);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('service endpoints', () => {
  test('health reports both dependencies; OpenAPI is published; unknown routes are 404 with a code', async () => {
    const health = await request(base).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'ok', temporal: 'ok' });
    const doc = await request(base).get('/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/applications/{applicationNo}/decision');
    expect(
      doc.body.paths['/applications'].post.requestBody.content['application/json'].schema.properties.agencyCode.enum,
    ).toContain('KQ');
    const missing = await request(base).get('/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('intake details by channel (L-4, L-14, S-2.2, 市域通办)', () => {
  const notification = {
    organ: 'court',
    organName: '绍兴市越城区人民法院',
    letterNo: `（2026）浙0602刑初${randomUUID().slice(0, 8)}号`,
    noticeDate: '2026-11-25',
    caseStage: 'first_instance',
    ground: 'minor',
  };

  test('L-4 a notification case needs the organ, the notice date and the ground; with them it skips the hardship test', async () => {
    const missing = await submit(body({ channel: 'notification', economicSituation: undefined }));
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('L-4');
    const res = await submit(body({ channel: 'notification', economicSituation: undefined, intake: { notification } }));
    expect(res.status).toBe(201);
    const record = await eventually(
      () => request(base).get(`/applications/${res.body.applicationNo}`).set('Authorization', staff),
      (r) => r.status === 200,
    );
    expect(record.body.intake.notification).toEqual(notification);
    expect(record.body.eligibility.outcome).toMatchObject({ kind: 'no_test', ruleIds: ['L-4'] });
  });

  test('L-14 an application from custody forwarded after more than 24 hours is flagged in the record and history', async () => {
    const custody = {
      facility: '绍兴市看守所',
      receivedByFacilityAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
    };
    const res = await submit(body({ intake: { custody, receivingAgencyCode: 'YC', correctionCommitment: true } }));
    expect(res.status).toBe(201);
    const record = await eventually(
      () => request(base).get(`/applications/${res.body.applicationNo}`).set('Authorization', staff),
      (r) => r.status === 200,
    );
    expect(record.body.intake.checks).toEqual([expect.objectContaining({ ruleId: 'L-14', ok: false })]);
    expect(record.body.intake.receivingAgencyCode).toBe('YC'); // received in 越城, handled by 上虞
    expect(record.body.agencyCode).toBe('SY');
    expect(record.body.history[0].ruleIds).toContain('L-14');
    expect(record.body.history[0].note).toContain('超过 24 小时');
  });

  test('S-3.2 L-7 an urgency ground other than preservation is accepted first and recorded with its reason', async () => {
    const urgency = { ground: 'personal_safety', reason: '遭受家庭暴力，需立即申请人身安全保护令' };
    const res = await submit(body({ intake: { urgency, correctionCommitment: true } }));
    expect(res.status).toBe(201);
    const record = await eventually(
      () => request(base).get(`/applications/${res.body.applicationNo}`).set('Authorization', staff),
      (r) => r.status === 200,
    );
    expect(record.body.intake.urgency).toEqual(urgency);
    expect(record.body.history[0].ruleIds).toContain('S-3.2');
    expect(record.body.history[0].note).toContain('先行受理：情况紧急：人身安全面临现实危险');
    expect(record.body.history[0].note).toContain('遭受家庭暴力');
    const unknown = await submit(body({ intake: { urgency: { ground: 'hurry', reason: '很急' } } }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].path).toBe('intake.urgency.ground');
    const noReason = await submit(body({ intake: { urgency: { ground: 'other', reason: ' ' } } }));
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].path).toBe('intake.urgency.reason');
  });

  test('S-2.2 the paper-materials flag belongs to village-agent filings only', async () => {
    const res = await submit(body({ intake: { paperMaterialsForwarded: true, correctionCommitment: true } }));
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('intake.paperMaterialsForwarded');
  });
});

describe("L-4 notification cases: registered from the organ's letter, not applications", () => {
  const letter = (overrides: Record<string, unknown> = {}) => ({
    organ: 'court',
    organName: '绍兴市上虞区人民法院',
    letterNo: `（2026）浙0604刑初${randomUUID().slice(0, 8)}号`,
    noticeDate: '2026-12-01',
    caseStage: 'first_instance',
    ground: 'not_fully_capable',
    ...overrides,
  });
  const notificationBody = (notification: Record<string, unknown>, applicant: Record<string, unknown>) => ({
    agencyCode: 'SY',
    channel: 'notification',
    applicant,
    matter: { category: 'criminal_defence', summary: '涉嫌故意伤害罪' },
    intake: { notification },
  });
  const read = (no: string, ok: (r: request.Response) => boolean) =>
    eventually(() => request(base).get(`/applications/${no}`).set('Authorization', staff), ok);

  test('L-4: a notification case with no ID number (an unidentified defendant) is registered from the letter and goes straight to assignment: no materials owed, no correction notice, no hardship test', async () => {
    const res = await submit(notificationBody(letter(), { name: '无名氏（看守所编号 0417）' }));
    expect(res.status).toBe(201);
    const record = await read(res.body.applicationNo, (r) => r.status === 200 && r.body.stage === 'assigning');
    expect(record.body.stageLabel).toBe('指派中');
    expect(record.body.materials.missing).toEqual([]);
    expect(record.body.correctionDueAt).toBeNull();
    expect(record.body.review.dueAt).toBeNull();
    expect(record.body.decision).toBeNull();
    expect(record.body.eligibility.outcome).toMatchObject({ kind: 'no_test', ruleIds: ['L-4'] });
    const stages = record.body.history.map((h: { stage: string }) => h.stage);
    expect(stages.slice(0, 2)).toEqual(['received', 'assigning']);
    for (const step of ['awaiting_materials', 'under_review', 'granted']) expect(stages).not.toContain(step);
    const notices = await request(base)
      .get(`/applications/${res.body.applicationNo}/notices`)
      .set('Authorization', staff);
    expect(notices.body.notices.map((n: { template: string }) => n.template)).not.toContain('correction_notice');
  });

  test('L-4: a foreign defendant with a passport is registered; an ID number, when given, must still be valid', async () => {
    const passport = { type: 'passport', number: 'E12345678', issuedBy: '越南' };
    const res = await submit(notificationBody(letter(), { name: 'NGUYEN VAN A', idDocument: passport }));
    expect(res.status).toBe(201);
    const record = await read(res.body.applicationNo, (r) => r.status === 200);
    expect(record.body.applicant).toMatchObject({ idDocument: passport });
    const bad = await submit(notificationBody(letter(), { name: '张某', idNumber: '330602199001011234' }));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('applicant.idNumber');
  });

  test("L-4: an application still needs the applicant's ID number and economic situation; a notification declares none", async () => {
    const noId = await submit(body({ applicant: { name: '王五' } }));
    expect(noId.status).toBe(400);
    expect(noId.body.details.map((d: { path: string }) => d.path)).toContain('applicant.idNumber');
    const declared = await submit({
      ...notificationBody(letter(), { name: '张某' }),
      economicSituation: { householdSize: 1, monthlyHouseholdIncome: 0, commitmentSigned: false },
    });
    expect(declared.status).toBe(400);
    expect(declared.body.details[0].path).toBe('economicSituation');
    expect(declared.body.details[0].message).toContain('L-4');
  });

  test('L-4 Law art. 28: the ground 强制医疗 (compulsory medical treatment, no counsel) is accepted', async () => {
    const res = await submit(notificationBody(letter({ ground: 'compulsory_medical' }), { name: '李某' }));
    expect(res.status).toBe(201);
    const record = await read(res.body.applicationNo, (r) => r.status === 200);
    expect(record.body.intake.notification.ground).toBe('compulsory_medical');
  });

  test('L-4: a duplicate letter (same organ and letter number) does not create a second case: 409 naming the case', async () => {
    const same = letter();
    const first = await submit(notificationBody(same, { name: '赵某' }));
    expect(first.status).toBe(201);
    const before = await rowCounts();
    // Another registration of the same letter (another key, the number spaced differently): refused, nothing written.
    const again = await submit(
      notificationBody({ ...same, letterNo: ` ${String(same.letterNo).replace('刑初', '刑初 ')}` }, { name: '赵某' }),
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOTIFICATION_ALREADY_REGISTERED');
    expect(again.body.message).toContain(first.body.applicationNo);
    expect(again.body.details).toEqual({ applicationNo: first.body.applicationNo });
    expect(await rowCounts()).toEqual(before);
    // Another organ's letter with the same number is another case.
    const other = await submit(
      notificationBody({ ...same, organName: '绍兴市上虞区人民检察院', organ: 'procuratorate' }, { name: '赵某' }),
    );
    expect(other.status).toBe(201);
  });

  test('L-4: a notification case cannot be refused through the application refusal step (422, Chinese); it is returned to the organ with reasons', async () => {
    const res = await submit(notificationBody(letter(), { name: '钱某' }));
    const no = res.body.applicationNo as string;
    await read(no, (r) => r.status === 200 && r.body.stage === 'assigning');
    const refused = await request(base)
      .post(`/applications/${no}/decision`)
      .set('Authorization', head)
      .send({ decision: 'refuse', reason: '不属于本机构' });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('通知辩护/代理案件不经申请审查');
    const noReason = await request(base)
      .post(`/applications/${no}/return-to-organ`)
      .set('Authorization', staff)
      .send({ ground: 'wrong_agency' });
    expect(noReason.status).toBe(400);
    const returned = await request(base)
      .post(`/applications/${no}/return-to-organ`)
      .set('Authorization', staff)
      .set('Idempotency-Key', `return-${no}`)
      .send({ ground: 'wrong_agency', reason: '犯罪地及羁押地均在新昌，应由新昌县法律援助中心办理' });
    expect(returned.status).toBe(200);
    expect(returned.body.stage).toBe('returned');
    const record = await read(no, (r) => r.status === 200 && r.body.stage === 'returned');
    expect(record.body.stageLabel).toBe('已退回通知机关');
    expect(record.body.closedReason).toContain('退回通知机关');
    const timeline = await request(base).get(`/applications/${no}/timeline`).set('Authorization', staff);
    const toOrgan = timeline.body.timeline.find(
      (e: { kind: string; recipient?: string }) => e.kind === 'notice' && e.recipient === 'notifying_organ',
    );
    expect(toOrgan.text).toContain('【退回通知函】');
    expect(toOrgan.text).toContain('应由新昌县法律援助中心办理');
  });
});
