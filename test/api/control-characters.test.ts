/**
 * The NUL bug: a single U+0000 in a free-text field used to be accepted by the API, then the activity writing it to
 * PostgreSQL failed for ever (SQLSTATE 22021 in text, 22P05 in jsonb; unlimited retries) and the case was wedged. Every
 * string of every request now refuses control characters at the boundary (api/text.ts): 400 CONTROL_CHARACTERS, a
 * Chinese message naming the field, the path in `details`, nothing written and no workflow started or updated.
 *
 * One test per free-text field (the FIELDS table), each proving the refusal and that nothing was written; then what
 * multi-line fields still take (TAB, line breaks), what single-line fields refuse, the photo file name as sent in the
 * URL, path parameters, and read filters. Agency 诸暨 (ZJ); users, pool, point and sheet ids are this run's own.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { applicationWorkflowId, evaluationWorkflowId, type ApplicationState } from '../../domain/definitions';
import { cstDateOf } from '../../domain/time';
import { eventually, startApi, trainForDuty } from '../support/api-harness';
import { residentIdNumber, STANDARDS_KNOWN, tokenFor } from '../support/context';

jest.setTimeout(180_000);

let api: Awaited<ReturnType<typeof startApi>>;
const AGENCY = 'ZJ';
const run = randomUUID().slice(0, 8);
const id = (name: string) => `cc-${run}-${name}`;
const NUL = '\u0000';

type Person = 'staff' | 'head' | 'bureau' | 'city' | 'expert' | 'officer' | 'qm' | 'anonymous';
const PEOPLE: Record<Exclude<Person, 'qm' | 'anonymous'>, [string, Role[], string]> = {
  staff: [id('staff'), ['agency_staff'], AGENCY],
  head: [id('head'), ['agency_head'], AGENCY],
  bureau: [id('bureau'), ['justice_bureau'], AGENCY],
  city: [id('city'), ['city_centre'], 'SX'],
  expert: [id('expert'), ['expert'], AGENCY],
  officer: [id('officer'), ['hotline_officer'], AGENCY],
};
const tokens: Partial<Record<Person, string>> = {};
const as = (who: Person): Record<string, string> =>
  who === 'anonymous' ? {} : { Authorization: `Bearer ${tokens[who]!}` };

/** The cases and records the table's routes act on, made in beforeAll. */
const fx = {
  /** Filed with documents missing: waits for materials (no timer due for weeks). */
  pending: '',
  /** Granted, assigned, performed, its file submitted: waits for the quality manager's review (S-4.3). */
  inReview: '',
  callId: '',
  memberId: id('m1'),
  institutionId: id('inst'),
  pointId: id('point'),
  trainee: id('trainee'),
};

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function intakeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    agencyCode: AGENCY,
    channel: 'walk_in',
    applicant: { name: '钱七', idNumber: residentIdNumber('19650505', '246') },
    matter: { category: 'labour_remuneration', summary: '建筑工地拖欠工资四个月' },
    economicSituation: { householdSize: 3, monthlyHouseholdIncome: 1800, commitmentSigned: true },
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true },
    ...overrides,
  };
}

const file = async (body: Record<string, unknown>) => {
  const res = await request(api.base)
    .post('/applications')
    .set(as('staff'))
    .set('Idempotency-Key', randomUUID())
    .send(body);
  expect(res.status).toBe(201);
  return res.body.applicationNo as string;
};
const storedStage = (no: string, stage: string) =>
  eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
    (row) => row?.stage === stage,
    60_000,
  );
const liveState = (no: string, ok: (s: ApplicationState) => boolean) =>
  eventually(
    async () => (await request(api.base).get(`/applications/${no}/state`).set(as('staff'))).body as ApplicationState,
    ok,
    60_000,
  );
const post = (path: string, who: Person, body: unknown) =>
  request(api.base)
    .post(path)
    .set(as(who))
    .send(body as object);

/** Application workflows of this file's task queue (the intake tests: none may start). */
const applicationWorkflows = async () =>
  (await api.client.workflow.count(`TaskQueue = '${api.taskQueue}' AND WorkflowType = 'applicationWorkflow'`)).count;

beforeAll(async () => {
  api = await startApi();
  for (const [who, [userId, roles, agency]] of Object.entries(PEOPLE)) {
    tokens[who as Person] = await tokenFor(userId, roles, agency);
  }
  await trainForDuty(api.prisma, PEOPLE.officer[0]);
  // A pool of this run's own in the agency, so a granted case is picked at once (S-2.9).
  await api.prisma.poolInstitution.create({
    data: {
      id: fx.institutionId,
      agencyCode: AGENCY,
      name: '控制字符测试所',
      listOrder: 3000 + Math.floor(Math.random() * 1e6),
    },
  });
  await api.prisma.poolMember.create({ data: { id: fx.memberId, institutionId: fx.institutionId } });

  fx.pending = await file(intakeBody());

  // A case up to the file review: all materials, verification (S-3.1), grant (L-1), the institution's confirmation
  // (S-2.10) recorded by the agency, engagement (L-6) and the case file (L-12), by agency staff for the member.
  const no = await file(intakeBody({ materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'] }));
  fx.inReview = no;
  await storedStage(no, 'under_review');
  // S-3.1: the statement verified by phone, so a grant is possible.
  const task = await post(`/applications/${no}/verification/tasks`, 'staff', { route: 'phone' });
  expect(task.status).toBe(200);
  const taskId = (task.body as { tasks: Array<{ id: string }> }).tasks[0]!.id;
  const verified = await post(`/applications/${no}/verification/tasks/${taskId}/result`, 'staff', {
    result: 'confirmed',
    note: '电话核实属实',
  });
  expect(verified.body.status).toBe('verified');
  expect((await post(`/applications/${no}/decision`, 'head', { decision: 'grant' })).status).toBe(200);
  const granted = await liveState(no, (s) => s.assignment?.status === 'awaiting_institution');
  const slot = granted.assignment!.slots[0]!;
  const confirmation = { ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId };
  expect((await post(`/applications/${no}/assignment/confirmation`, 'staff', confirmation)).status).toBe(200);
  await storedStage(no, 'assigned');
  const today = cstDateOf(new Date());
  expect((await post(`/applications/${no}/performance/engagement`, 'staff', { signedOn: today })).status).toBe(200);
  await storedStage(no, 'performing');
  const caseFile = { documents: ['民事调解书'], report: '调解结案', matterEndedOn: today };
  expect((await post(`/applications/${no}/performance/case-file`, 'staff', caseFile)).status).toBe(200);
  await storedStage(no, 'file_review');
  const reviewing = await liveState(no, (s) => s.performance?.institutionId !== undefined);
  tokens.qm = await tokenFor(id('qm'), ['quality_manager'], AGENCY, reviewing.performance!.institutionId);

  const call = await request(api.base)
    .post('/hotline/calls')
    .set(as('staff'))
    .set('Idempotency-Key', id('call'))
    .send({ agencyCode: AGENCY, channel: 'online' });
  expect(call.status).toBe(201);
  fx.callId = call.body.callId as string;

  const point = await post('/village/points', 'staff', {
    id: fx.pointId,
    agencyCode: AGENCY,
    name: '控制字符测试村法律服务点',
    township: '暨阳街道',
  });
  expect(point.status).toBe(201);
  // The counts below start from what the setup did, visible in Temporal's list too.
  await settledIntake();
});
afterAll(() => api?.close());

/** What an application's routes could write: its records, notices, photos, paper, evaluation, and workflow history. */
async function caseRows(no: string) {
  const where = { applicationNo: no };
  const evaluation = await api.client.workflow
    .getHandle(evaluationWorkflowId(no))
    .describe()
    .then(
      () => 1,
      () => 0,
    );
  return {
    stageEvents: await api.prisma.applicationStageEvent.count({ where }),
    notifications: await api.prisma.notification.count({ where }),
    photos: await api.prisma.materialPhoto.count({ where }),
    paperForwardings: await api.prisma.paperForwarding.count({ where }),
    evaluations: await api.prisma.evaluation.count({ where }),
    application: (await api.prisma.application.findUnique({ where }))?.stageSeq ?? null,
    workflowHistory: (await api.client.workflow.getHandle(applicationWorkflowId(no)).describe()).historyLength,
    evaluationWorkflow: evaluation,
  };
}
const ours = { startsWith: `cc-${run}-` };

/** Until Temporal's list shows every application workflow filed (its visibility lags a little). */
const settledIntake = async () => {
  const filed = await api.prisma.intakeRequest.count({ where: { filedBy: PEOPLE.staff[0] } });
  await eventually(applicationWorkflows, (n) => n === filed);
};

/** What intake could write: intake rows filed by this run's staff, and application workflows on our queue. */
const intakeRows = async () => ({
  intakeRequests: await api.prisma.intakeRequest.count({ where: { filedBy: PEOPLE.staff[0] } }),
  workflows: await applicationWorkflows(),
});
const poolRows = async () => ({
  institutions: await api.prisma.poolInstitution.count({ where: { id: ours } }),
  members: await api.prisma.poolMember.count({ where: { id: ours } }),
  memberEvents: await api.prisma.poolMemberEvent.count({ where: { memberId: ours } }),
  timers: (await api.client.workflow.count(`TaskQueue = '${api.taskQueue}' AND WorkflowType = 'poolImpactWorkflow'`))
    .count,
});
const sheetRows = async () => ({ sheets: await api.prisma.scoringSheet.count({ where: { id: ours } }) });
const callRows = async () => {
  const call = await api.prisma.hotlineCall.findUnique({ where: { id: fx.callId } });
  return {
    outcome: call?.outcome ?? null,
    applicationNo: call?.applicationNo ?? null,
    credits: await api.prisma.dutyCreditCall.count({ where: { callId: fx.callId } }),
  };
};
const villageRows = async () => ({
  points: await api.prisma.servicePoint.count({ where: { id: ours } }),
  visits: await api.prisma.homeVisit.count({ where: { servicePointId: fx.pointId } }),
  doneVisits: await api.prisma.homeVisit.count({ where: { servicePointId: fx.pointId, status: 'done' } }),
});
const trainingRows = async () => ({
  records: await api.prisma.trainingRecord.count({ where: { personId: fx.trainee } }),
});

interface FieldCase {
  /** The field's path, as `details` reports it. */
  field: string;
  /** Its Chinese name, which the message must show. */
  label: string;
  /** The route, for the test's name; `path` is the real one (known after the setup). */
  route: string;
  path: () => string;
  as: Person;
  /** A body that passes validation (so the NUL is the only issue). */
  body: () => Record<string, unknown>;
  /** Idempotency-Key sent with it (intake requires one). */
  key?: boolean;
  /** A photo upload: the body is the query, the PNG the request body. */
  photo?: boolean;
  /** Puts the bad character in (default: after the field's first character); returns the path `details` names. */
  inject?: (body: Record<string, unknown>, bad: string) => string;
  rows: () => Promise<unknown>;
}

const onCase =
  (which: 'pending' | 'inReview', suffix: string): (() => string) =>
  () =>
    `/applications/${fx[which]}${suffix}`;
const pendingRows = () => caseRows(fx.pending);
const futureDate = () => new Date(Date.now() + 90 * 86_400_000).toISOString();
const today = () => cstDateOf(new Date());
/** L-4: a court's letter, a number of its own per request (one letter is one case). */
const notificationLetter = () => ({
  organ: 'court',
  organName: '诸暨市人民法院',
  letterNo: `（2026）浙0681刑初${randomUUID().slice(0, 8)}号`,
  noticeDate: today(),
  caseStage: 'first_instance',
  ground: 'minor',
});

const FIELDS: FieldCase[] = [
  // Intake (S-3.2, L-4, L-14, L-8): the applicant's own words and names.
  ...(
    [
      ['applicant.name', '申请人姓名', () => intakeBody()],
      ['matter.summary', '案情摘要', () => intakeBody()],
      [
        'intake.notification.organName',
        '通知机关名称',
        () =>
          intakeBody({
            channel: 'notification',
            economicSituation: undefined,
            intake: { notification: notificationLetter() },
          }),
      ],
      [
        'intake.notification.letterNo',
        '通知书文号',
        () =>
          intakeBody({
            channel: 'notification',
            economicSituation: undefined,
            intake: { notification: notificationLetter() },
          }),
      ],
      [
        'intake.custody.facility',
        '羁押场所',
        () =>
          intakeBody({
            intake: {
              correctionCommitment: true,
              custody: { facility: '诸暨市看守所', receivedByFacilityAt: new Date().toISOString() },
            },
          }),
      ],
      ['eligibilityClaims.otherGroup', '其他群体', () => intakeBody({ eligibilityClaims: { otherGroup: '退役军人' } })],
    ] as const
  ).map(([field, label, body]): FieldCase => ({
    field,
    label,
    route: 'POST /applications',
    path: () => '/applications',
    as: 'staff',
    body,
    key: true,
    rows: intakeRows,
  })),
  // Staff steps on a case (S-3.1, S-3.2, L-1, L-9, L-10, S-2.9, S-2.10, L-11).
  {
    field: 'reason',
    label: '延长理由',
    route: 'POST /applications/:no/correction-deadline/extension',
    path: onCase('pending', '/correction-deadline/extension'),
    as: 'staff',
    body: () => ({ days: 5, reason: '申请人住院，需延期补交' }),
    rows: pendingRows,
  },
  {
    field: 'note',
    label: '核查结果',
    route: 'POST /applications/:no/verification/tasks/:taskId/result',
    path: onCase('pending', '/verification/tasks/phone-1/result'),
    as: 'staff',
    body: () => ({ result: 'confirmed', note: '电话核实属实' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '采信理由',
    route: 'POST /applications/:no/verification/settle',
    path: onCase('pending', '/verification/settle'),
    as: 'staff',
    body: () => ({ basis: 'inference', reason: '核查期限届满无确切结果，推定采信' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '终止的事实和理由',
    route: 'POST /applications/:no/termination',
    path: onCase('pending', '/termination'),
    as: 'head',
    body: () => ({ ground: 'deception', reason: '提供虚假的经济困难证明' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '异议理由',
    route: 'POST /applications/:no/objection',
    path: onCase('pending', '/objection'),
    as: 'staff',
    body: () => ({ reason: '申请人认为符合经济困难标准' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '审查意见',
    route: 'POST /applications/:no/objection/decision',
    path: onCase('pending', '/objection/decision'),
    as: 'bureau',
    body: () => ({ outcome: 'upheld', reason: '原决定认定事实清楚' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '决定理由',
    route: 'POST /applications/:no/decision',
    path: onCase('pending', '/decision'),
    as: 'head',
    body: () => ({ decision: 'refuse', reason: '家庭收入高于当地标准' }),
    rows: pendingRows,
  },
  {
    field: 'discussionRecord',
    label: '集体讨论记录',
    route: 'POST /applications/:no/assignment',
    path: onCase('pending', '/assignment'),
    as: 'head',
    body: () => ({ method: 'discussion', memberId: fx.memberId, discussionRecord: '经集体讨论，指派资深律师承办' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '利益冲突或不能承办的原因',
    route: 'POST /applications/:no/assignment/conflict',
    path: onCase('pending', '/assignment/conflict'),
    as: 'staff',
    body: () => ({ memberId: fx.memberId, reason: '曾为对方当事人提供法律咨询' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '更换理由',
    route: 'POST /applications/:no/assignment/replacement',
    path: onCase('pending', '/assignment/replacement'),
    as: 'staff',
    body: () => ({ memberId: fx.memberId, reason: '受援人有正当理由要求更换' }),
    rows: pendingRows,
  },
  // Performance (L-6, L-9, L-12, S-2.9(b), S-4.3), recorded by agency staff on the member's behalf.
  {
    field: 'reason',
    label: '延迟原因',
    route: 'POST /applications/:no/performance/engagement-delay',
    path: onCase('pending', '/performance/engagement-delay'),
    as: 'staff',
    body: () => ({ cause: 'objective', reason: '受援人在外地务工' }),
    rows: pendingRows,
  },
  {
    field: 'note',
    label: '办案进展',
    route: 'POST /applications/:no/performance/progress',
    path: onCase('pending', '/performance/progress'),
    as: 'staff',
    body: () => ({ note: '已向法院提交起诉状' }),
    rows: pendingRows,
  },
  {
    field: 'note',
    label: '阶段变化说明',
    route: 'POST /applications/:no/performance/stage',
    path: onCase('pending', '/performance/stage'),
    as: 'staff',
    body: () => ({ to: 'first_instance', note: '案件进入一审' }),
    rows: pendingRows,
  },
  {
    field: 'facts',
    label: '相关事实',
    route: 'POST /applications/:no/performance/termination-ground',
    path: onCase('pending', '/performance/termination-ground'),
    as: 'staff',
    body: () => ({ ground: 'own_lawyer', facts: '受援人已自行委托律师' }),
    rows: pendingRows,
  },
  {
    field: 'documents.0',
    label: '法律文书名称',
    route: 'POST /applications/:no/performance/case-file',
    path: onCase('pending', '/performance/case-file'),
    as: 'staff',
    body: () => ({ documents: ['民事判决书'], report: '一审胜诉', matterEndedOn: today() }),
    rows: pendingRows,
  },
  {
    field: 'report',
    label: '办案小结',
    route: 'POST /applications/:no/performance/case-file',
    path: onCase('pending', '/performance/case-file'),
    as: 'staff',
    body: () => ({ documents: ['民事判决书'], report: '一审胜诉', matterEndedOn: today() }),
    rows: pendingRows,
  },
  {
    field: 'comments',
    label: '审查意见',
    route: 'POST /applications/:no/performance/case-file/review',
    path: onCase('inReview', '/performance/case-file/review'),
    as: 'qm',
    body: () => ({ approved: false, comments: '缺少委托协议，请补充' }),
    rows: () => caseRows(fx.inReview),
  },
  // The evaluation (S-4.4, S-4.6): refused before the (not yet started) evaluation is even looked for.
  {
    field: 'evaluatorId',
    label: '评估人员编号',
    route: 'POST /applications/:no/evaluation/evaluator',
    path: onCase('pending', '/evaluation/evaluator'),
    as: 'staff',
    body: () => ({ evaluatorId: id('evaluator'), kind: 'peer' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '特殊案件的理由',
    route: 'POST /applications/:no/evaluation/special',
    path: onCase('pending', '/evaluation/special'),
    as: 'head',
    body: () => ({ reason: '涉及重大群体性事件' }),
    rows: pendingRows,
  },
  {
    field: 'points.<key>',
    label: '评分项编号',
    route: 'POST /applications/:no/evaluation/score',
    path: onCase('pending', '/evaluation/score'),
    as: 'staff',
    body: () => ({ points: { procedure: 40 }, comments: '' }),
    inject: (body, bad) => {
      body.points = { [`pro${bad}cedure`]: 40 };
      return `points.pro${bad}cedure`;
    },
    rows: pendingRows,
  },
  {
    field: 'comments',
    label: '评分意见',
    route: 'POST /applications/:no/evaluation/score',
    path: onCase('pending', '/evaluation/score'),
    as: 'staff',
    body: () => ({ points: { procedure: 40 }, comments: '程序规范' }),
    rows: pendingRows,
  },
  {
    field: 'comments',
    label: '复核意见',
    route: 'POST /applications/:no/evaluation/expert-review',
    path: onCase('pending', '/evaluation/expert-review'),
    as: 'expert',
    body: () => ({ score: 80, comments: '专家复评意见' }),
    rows: pendingRows,
  },
  {
    field: 'reason',
    label: '异议理由',
    route: 'POST /applications/:no/evaluation/objection',
    path: onCase('pending', '/evaluation/objection'),
    as: 'staff',
    body: () => ({ reason: '评分未考虑案件难度' }),
    rows: pendingRows,
  },
  {
    field: 'comments',
    label: '复核意见',
    route: 'POST /applications/:no/evaluation/objection/decision',
    path: onCase('pending', '/evaluation/objection/decision'),
    as: 'city',
    body: () => ({ score: 85, comments: '异议成立，调整分数' }),
    rows: pendingRows,
  },
  {
    field: 'comments',
    label: '复核意见',
    route: 'POST /applications/:no/evaluation/spot-check',
    path: onCase('pending', '/evaluation/spot-check'),
    as: 'city',
    body: () => ({ score: 78, comments: '抽查意见' }),
    rows: pendingRows,
  },
  {
    field: 'notes',
    label: '约谈情况',
    route: 'POST /applications/:no/evaluation/interview',
    path: onCase('pending', '/evaluation/interview'),
    as: 'staff',
    body: () => ({ heldOn: today(), notes: '已约谈承办律师' }),
    rows: pendingRows,
  },
  // S-3.2 material photos: the file name comes in the query string.
  {
    field: 'fileName',
    label: '文件名',
    route: 'POST /applications/:no/materials/photos',
    path: onCase('pending', '/materials/photos'),
    as: 'staff',
    body: () => ({ material: 'economic_statement', fileName: '经济困难说明.png' }),
    photo: true,
    rows: pendingRows,
  },
  // The public status lookup (no token).
  {
    field: 'code',
    label: '查询码',
    route: 'POST /public/applications/status',
    path: () => '/public/applications/status',
    as: 'anonymous',
    body: () => ({ applicationNo: fx.pending, code: 'ABCD1234' }),
    rows: pendingRows,
  },
  // S-2.8 the personnel pool.
  {
    field: 'name',
    label: '机构名称',
    route: 'POST /pool/institutions',
    path: () => '/pool/institutions',
    as: 'staff',
    body: () => ({ id: id('inst-new'), agencyCode: AGENCY, name: '诸暨某律师事务所', kind: 'law_firm' }),
    rows: poolRows,
  },
  ...(['specialties.0', 'reason'] as const).map((field): FieldCase => ({
    field,
    label: field === 'reason' ? '入库说明' : '专业特长',
    route: 'POST /pool/members',
    path: () => '/pool/members',
    as: 'staff',
    body: () => ({
      memberId: id('m-new'),
      institutionId: fx.institutionId,
      entryRoute: 'recruitment',
      specialties: ['劳动争议'],
      reason: '公开招募入库',
    }),
    rows: poolRows,
  })),
  ...(
    [
      ['confirmation', '确认说明', { standards: STANDARDS_KNOWN }],
      ['removal', '移出理由', { kind: 'assessment', impactUntil: futureDate() }],
      ['re-review', '情况说明', {}],
      ['training', '情况说明', {}],
    ] as const
  ).map(([step, label, extra]): FieldCase => ({
    field: 'reason',
    label,
    route: `POST /pool/members/:memberId/${step}`,
    path: () => `/pool/members/${fx.memberId}/${step}`,
    as: 'staff',
    body: () => ({ ...extra, reason: '年度考核情况说明' }),
    rows: poolRows,
  })),
  // S-4.4 scoring sheets, loaded by the city centre.
  ...(['title', 'items.0.label'] as const).map((field): FieldCase => ({
    field,
    label: field === 'title' ? '评分表名称' : '评分项名称',
    route: 'POST /quality/sheets',
    path: () => '/quality/sheets',
    as: 'city',
    body: () => ({
      id: id('sheet'),
      kind: 'civil_administrative',
      version: 50_000 + Math.floor(Math.random() * 50_000),
      title: '民事行政案件质量评估表',
      items: [{ code: 'all', label: '综合评价', max: 100, weight: 1 }],
      effectiveFrom: '2030-01-01',
    }),
    rows: sheetRows,
  })),
  // S-2.7 the hotline call's outcome, by the duty officer.
  ...(['note', 'referredTo'] as const).map((field): FieldCase => ({
    field,
    label: field === 'note' ? '处理情况' : '告知的主管部门',
    route: 'POST /hotline/calls/:callId/outcome',
    path: () => `/hotline/calls/${fx.callId}/outcome`,
    as: 'officer',
    body: () => ({ kind: 'out_of_scope', note: '不属于法律援助范围，已告知', referredTo: '诸暨市劳动监察大队' }),
    rows: callRows,
  })),
  // S-2.1-S-2.3 village service points and home visits; S-2.2 training records.
  ...(['name', 'township'] as const).map((field): FieldCase => ({
    field,
    label: field === 'name' ? '服务点名称' : '所在乡镇（街道）',
    route: 'POST /village/points',
    path: () => '/village/points',
    as: 'staff',
    body: () => ({ id: id('point-new'), agencyCode: AGENCY, name: '某村法律服务点', township: '暨阳街道' }),
    rows: villageRows,
  })),
  {
    field: 'note',
    label: '上门服务需求',
    route: 'POST /village/points/:id/home-visits',
    path: () => `/village/points/${fx.pointId}/home-visits`,
    as: 'staff',
    body: () => ({ note: '申请人行动不便，需上门' }),
    rows: villageRows,
  },
  {
    field: 'note',
    label: '上门服务情况',
    route: 'POST /village/points/:id/home-visits/:visitId/done',
    path: () => `/village/points/${fx.pointId}/home-visits/1/done`,
    as: 'staff',
    body: () => ({ note: '已上门指导填写申请表' }),
    rows: villageRows,
  },
  {
    field: 'course',
    label: '培训课程',
    route: 'POST /people/:personId/training',
    path: () => `/people/${fx.trainee}/training`,
    as: 'staff',
    body: () => ({ kind: 'agent_filing', course: '村居代办业务培训', completedOn: today() }),
    rows: trainingRows,
  },
];

/** Puts `bad` into the field at `path` (dots; numbers index arrays), after the value's first character. */
function put(body: Record<string, unknown>, path: string, bad: string): string {
  const keys = path.split('.');
  let at: Record<string, unknown> = body;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  const value = at[last];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${path} is not a non-empty string`);
  at[last] = `${value.slice(0, 1)}${bad}${value.slice(1)}`;
  return path;
}

function withBad(c: FieldCase, bad: string): { body: Record<string, unknown>; path: string } {
  const body = structuredClone(c.body());
  const path = c.inject ? c.inject(body, bad) : put(body, c.field, bad);
  return { body, path };
}

function send(c: FieldCase, body: Record<string, unknown>) {
  if (c.photo) {
    return request(api.base)
      .post(c.path())
      .query(body)
      .set(as(c.as))
      .set('Content-Type', 'image/png')
      .send(Buffer.concat([PNG, Buffer.from(randomUUID())]));
  }
  const req = request(api.base).post(c.path()).set(as(c.as));
  return (c.key ? req.set('Idempotency-Key', randomUUID()) : req).send(body);
}

describe('every free-text field refuses control characters (the NUL bug)', () => {
  test('the table covers one test per field and route', () => {
    const names = FIELDS.map((c) => `${c.route} ${c.field}`);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(FIELDS.map((c) => [c.field, c.route, c] as const))(
    'bad input: NUL in %s (%s) → 400 CONTROL_CHARACTERS, nothing written',
    async (_field, _route, c) => {
      const before = await c.rows();
      const { body, path } = withBad(c, NUL);
      const res = await send(c, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTROL_CHARACTERS');
      expect(res.body.message).toBe(`「${c.label}」含有不可见的控制字符，请删除后重新提交`);
      // The bad character is the body's only issue: the rest of it is valid.
      expect(res.body.details).toEqual([
        { path, message: res.body.message, character: 'U+0000', position: expect.any(Number) },
      ]);
      expect(await c.rows()).toEqual(before);
    },
  );
});

describe('which characters: multi-line free text keeps TAB and line breaks, single-line fields do not', () => {
  test('a matter summary with TAB, LF and CRLF is accepted (201) and stored as sent', async () => {
    const summary = '一、拖欠工资：\t三个月\n二、加班费：\r\n未支付';
    const res = await request(api.base)
      .post('/applications')
      .set(as('staff'))
      .set('Idempotency-Key', randomUUID())
      .send(intakeBody({ matter: { category: 'labour_remuneration', summary } }));
    expect(res.status).toBe(201);
    const row = await storedStage(res.body.applicationNo as string, 'awaiting_materials');
    expect((row!.matter as { summary: string }).summary).toBe(summary);
    await settledIntake();
  });

  test.each([
    ['LF', '\n'],
    ['CR', '\r'],
    ['TAB', '\t'],
  ])(
    'bad input: %s in applicant.name (single-line, POST /applications) → 400 CONTROL_CHARACTERS, nothing written',
    async (_name, bad) => {
      const before = await intakeRows();
      const body = intakeBody({ applicant: { name: `钱${bad}七`, idNumber: residentIdNumber('19650505', '246') } });
      const res = await request(api.base)
        .post('/applications')
        .set(as('staff'))
        .set('Idempotency-Key', randomUUID())
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTROL_CHARACTERS');
      expect(res.body.message).toBe('「申请人姓名」只能填写一行，不能包含换行符或制表符，请删除后重新提交');
      expect(res.body.details).toEqual([expect.objectContaining({ path: 'applicant.name' })]);
      expect(await intakeRows()).toEqual(before);
    },
  );

  test.each([
    ['U+0001 (C0)', '\u0001', 'U+0001'],
    ['U+001B ESC (C0)', '\u001b', 'U+001B'],
    ['U+007F DEL', '\u007f', 'U+007F'],
    ['U+0085 NEL (C1)', '\u0085', 'U+0085'],
    ['U+009F (C1)', '\u009f', 'U+009F'],
    ['a lone high surrogate', '\ud83d', 'U+D83D'],
    ['a lone low surrogate', '\ude00', 'U+DE00'],
  ])(
    'bad input: %s in matter.summary (multi-line, POST /applications) → 400 CONTROL_CHARACTERS, nothing written',
    async (_name, bad, character) => {
      const before = await intakeRows();
      const body = intakeBody({ matter: { category: 'labour_remuneration', summary: `拖欠${bad}工资` } });
      const res = await request(api.base)
        .post('/applications')
        .set(as('staff'))
        .set('Idempotency-Key', randomUUID())
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTROL_CHARACTERS');
      expect(res.body.details).toEqual([{ path: 'matter.summary', message: res.body.message, character, position: 3 }]);
      expect(await intakeRows()).toEqual(before);
    },
  );

  test('an emoji (a surrogate pair) and full-width text are not control characters: accepted', async () => {
    const res = await request(api.base)
      .post('/applications')
      .set(as('staff'))
      .set('Idempotency-Key', randomUUID())
      .send(intakeBody({ matter: { category: 'labour_remuneration', summary: '老板跑路了😡，拖欠工资　三个月' } }));
    expect(res.status).toBe(201);
    await settledIntake();
  });
});

describe('the photo file name as sent in the URL (issue 9)', () => {
  const upload = (query: string) =>
    request(api.base)
      .post(`/applications/${fx.pending}/materials/photos?material=economic_statement&${query}`)
      .set(as('staff'))
      .set('Content-Type', 'image/png')
      .send(Buffer.concat([PNG, Buffer.from(randomUUID())]));

  test.each([
    ['%00', 'fileName=scan%00.png'],
    ['%0A (a line break)', 'fileName=scan%0A.png'],
    ['%09 (a TAB)', 'fileName=scan%09.png'],
    ['%7F (DEL)', 'fileName=scan%7F.png'],
    ['%C2%85 (NEL, C1)', 'fileName=scan%C2%85.png'],
  ])(
    'bad input: %s in fileName (POST /applications/:no/materials/photos) → 400 CONTROL_CHARACTERS, not 500; no photo stored',
    async (_name, query) => {
      const before = await caseRows(fx.pending);
      const res = await upload(query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTROL_CHARACTERS');
      expect(res.body.message).toContain('「文件名」');
      expect(res.body.details[0].path).toBe('fileName');
      expect(await caseRows(fx.pending)).toEqual(before);
    },
  );

  test('a name with the text "%00" in it (sent as %2500) is just a name: stored as sent', async () => {
    const res = await upload('fileName=scan%2500.png');
    expect(res.status).toBe(201);
    expect(res.body.photo.fileName).toBe('scan%00.png');
  });
});

describe('path parameters and read filters', () => {
  test('bad input: NUL in the :applicationNo path parameter → 400 CONTROL_CHARACTERS, and the refusal is still audited', async () => {
    const res = await request(api.base).get(`/applications/${fx.pending}%00`).set(as('staff'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('CONTROL_CHARACTERS');
    expect(res.body.message).toContain('「申请编号」');
    // The audit trail keeps the refusal (the id without the character PostgreSQL cannot store).
    const requestId = res.headers['x-request-id'] as string;
    const audited = await eventually(
      () => api.prisma.auditEvent.findMany({ where: { requestId } }),
      (rows) => rows.length > 0,
    );
    expect(audited).toEqual([expect.objectContaining({ outcome: 400, targetId: `${fx.pending}\uFFFD` })]);
  });

  test('bad input: a path segment that is not valid percent-encoding → 400 MALFORMED_URL, not 500', async () => {
    const res = await request(api.base).get(`/applications/${fx.pending}%E0%A4%A`).set(as('staff'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_URL');
  });

  test.each([
    ['GET /cases/stuck ownerId', '/cases/stuck?ownerId=a%00b', 'staff', 'ownerId', '责任人编号'],
    ['GET /fees matterType', '/fees?matterType=civil%00', 'staff', 'matterType', '案件类型'],
    ['GET /audit-events targetId', '/audit-events?targetId=x%00', 'city', 'targetId', '对象编号'],
  ] as const)(
    'bad input: NUL in a read filter (%s) → 400 CONTROL_CHARACTERS, not 500',
    async (_name, url, who, field, label) => {
      const res = await request(api.base).get(url).set(as(who));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CONTROL_CHARACTERS');
      expect(res.body.message).toBe(`「${label}」含有不可见的控制字符，请删除后重新提交`);
      expect(res.body.details).toEqual([expect.objectContaining({ path: field, character: 'U+0000' })]);
    },
  );
});
