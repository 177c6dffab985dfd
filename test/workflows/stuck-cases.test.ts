/**
 * Issue 8: cases stuck at each obligation — documents (S-3.2), verification (S-3.1), decision (L-1), objection review
 * (L-10), assignment (S-3.3), member confirmation (S-2.10), engagement (L-6), closure report (L-12), QA approval
 * (S-4.3), evaluation, expert review (S-4.4) and payout (S-4.5) — are built by their real workflows on the
 * time-skipping server; the read model is then queried over real HTTP, under each role's scope, before and after the
 * deadlines pass. Also: the reconciliation repairs drift, the daily digest nudges each obligation once a day.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reconcile, queueDigest, temporalStateReader } from '../../activities/obligations';
import { createApp } from '../../api/app';
import type { Role } from '../../api/auth/access';
import type { AgencyCode } from '../../domain/agencies';
import {
  applicationWorkflowId,
  assignEvaluator,
  confirmMember,
  decide,
  evaluationWorkflowId,
  fileObjection,
  getEvaluation,
  getState,
  recordEngagement,
  reportMatterEnded,
  requestVerification,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  type ApplicationInput,
  type ApplicationState,
} from '../../domain/definitions';
import type { MaterialCode } from '../../domain/materials';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import { testAppDeps } from '../support/api-harness';
import { caseFixtures, civilScoringSheet, createPool, overdueDecision, storedApplication } from '../support/cases';
import {
  until,
  applicationInput,
  residentIdNumber,
  startWorkflowSuite,
  tokenFor,
  uniqueTaskQueue,
  untilStage,
  type WorkflowSuite,
} from '../support/context';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
let server: Server;
let base: string;
const taskQueue = uniqueTaskQueue('stuck');
const rules = { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 };
const DAY = 86_400_000;

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
  await civilScoringSheet(prisma, 'stuck');
  const app = createApp({
    ...testAppDeps(prisma, env.client, taskQueue),
    // "Overdue" is measured on the test server's clock, which the test moves forward.
    now: async () => new Date(await env.currentTimeMs()),
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await suite?.stop();
});

const { grantedCase, settled } = caseFixtures(() => suite!, taskQueue);
const today = async () => cstDateOf(new Date(await env.currentTimeMs()));

interface Row {
  applicationNo: string;
  agencyCode: string;
  stage: string;
  kind: string;
  ownerRole: string;
  ownerId: string | null;
  dueAt: string | null;
  ruleId: string;
  overdue: boolean;
  overdueMinutes: number;
  timelineUrl: string;
}

async function get(path: string, roles: Role[], agency?: string, user = 'user-1', institution?: string) {
  const token = await tokenFor(user, roles, agency, institution);
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { total: number; items: Row[]; code?: string } };
}
/** The city centre's view of one agency (test agencies have codes of their own, which no token can carry). */
const cityOf = (agency: string, qs = '') =>
  get(`/cases/stuck?agencyCode=${agency}&limit=500${qs ? `&${qs}` : ''}`, ['city_centre'], 'SX');
const key = (r: Pick<Row, 'applicationNo' | 'kind' | 'ownerRole' | 'ownerId' | 'dueAt' | 'ruleId'>) =>
  `${r.applicationNo}|${r.kind}|${r.ownerRole}|${r.ownerId ?? '-'}|${r.dueAt ?? '-'}|${r.ruleId}`;

type Handle = Awaited<ReturnType<typeof grantedCase>>['handle'];
const stateOf = (h: Handle): Promise<ApplicationState> => h.query(getState);

async function started(agency: string, materials?: MaterialCode[], overrides: Partial<ApplicationInput> = {}) {
  const input = applicationInput({
    agencyCode: agency as AgencyCode,
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    rules,
    ...(materials ? { materialsSupplied: materials, intake: { correctionCommitment: true } } : {}),
    ...overrides,
  });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  return { input, handle };
}

/** Until the stored obligations of a case are written for the workflow's current state. */
async function synced(handle: Handle) {
  const { s } = await until(
    async () => {
      const s = await stateOf(handle);
      const sync = await prisma.obligationSync.findUnique({
        where: { applicationNo_source: { applicationNo: s.applicationNo, source: 'application' } },
      });
      return { s, sync };
    },
    ({ s, sync }) => sync?.stateSeq === s.seq,
    () => 'the read model never caught up',
  );
  return s;
}

async function evaluationOf(applicationNo: string) {
  const handle = env.client.workflow.getHandle(evaluationWorkflowId(applicationNo));
  const { state } = await until(
    async () => {
      const state = await handle.query(getEvaluation).catch(() => undefined);
      const sync = await prisma.obligationSync.findUnique({
        where: { applicationNo_source: { applicationNo, source: 'evaluation' } },
      });
      return { state, sync };
    },
    ({ state, sync }) => !!state && sync?.stateSeq === state.seq,
    () => 'the evaluation never caught up',
  );
  return { handle, state: state! };
}

const points = (score: number) => ({ procedure: Math.min(40, score), quality: score - Math.min(40, score) });

describe('issue 8: stuck cases, each at its obligation', () => {
  let p: Awaited<ReturnType<typeof createPool>>;
  let q: Awaited<ReturnType<typeof createPool>>;
  const expected = new Map<string, string>();
  const cases: Record<string, { no: string; handle: Handle }> = {};
  let memberOfEngagement = '';

  beforeAll(async () => {
    p = await createPool(prisma, { A: { a1: {} }, B: { b1: {} } });
    // An agency of its own with nobody in its pool: a granted case waits for the agency to assign (S-3.3).
    q = await createPool(prisma, {});

    // S-3.2: deferred documents, owed by the applicant by the correction deadline.
    const docs = await started(p.agency, ['identity_proof']);
    cases.docs = { no: docs.input.applicationNo, handle: docs.handle };
    let s = await synced(docs.handle);
    expected.set(
      'docs',
      key({
        applicationNo: s.applicationNo,
        kind: 'documents',
        ownerRole: 'applicant',
        ownerId: null,
        dueAt: s.correctionDueAt!,
        ruleId: 'S-3.2',
      }),
    );

    // The same in a real agency (SY), whose staff can carry it in their token: for the agency scope.
    const sy = await started('SY', ['identity_proof']);
    cases.sy = { no: sy.input.applicationNo, handle: sy.handle };
    s = await synced(sy.handle);
    expected.set(
      'sy',
      key({
        applicationNo: s.applicationNo,
        kind: 'documents',
        ownerRole: 'applicant',
        ownerId: null,
        dueAt: s.correctionDueAt!,
        ruleId: 'S-3.2',
      }),
    );

    // L-1 decision by the agency head within the review period; S-3.1 a verification letter with its own deadline.
    // Someone aged 40 (not waived by age, S-1.2): the statement of hardship is verified (S-1.3).
    const forty = new Date(await env.currentTimeMs()).getUTCFullYear() - 40;
    const review = await started(p.agency, undefined, {
      applicant: { name: '核查样例', idNumber: residentIdNumber(`${forty}0101`, '101') },
    });
    cases.review = { no: review.input.applicationNo, handle: review.handle };
    const v = await executeStep(review.handle, requestVerification, {
      args: [{ route: 'letter', dueDays: 5, requestedBy: 'staff-1' }],
    });
    s = await synced(review.handle);
    expected.set(
      'decision',
      key({
        applicationNo: s.applicationNo,
        kind: 'decision',
        ownerRole: 'agency_head',
        ownerId: p.agency,
        dueAt: s.reviewDueAt!,
        ruleId: 'L-1',
      }),
    );
    expected.set(
      'verification',
      key({
        applicationNo: s.applicationNo,
        kind: 'verification',
        ownerRole: 'agency',
        ownerId: p.agency,
        dueAt: v.tasks[0]!.dueAt,
        ruleId: 'S-3.1',
      }),
    );

    // L-10: a refusal objected to; the justice bureau reviews within 5 days.
    const objected = await started(p.agency);
    cases.objection = { no: objected.input.applicationNo, handle: objected.handle };
    await executeStep(objected.handle, decide, {
      args: [{ decision: 'refuse', reason: '经济状况不符合条件', decidedBy: 'head-1', requestId: 'r' }],
    });
    await executeStep(objected.handle, fileObjection, { args: [{ reason: '收入计算有误', filedBy: 'app-1' }] });
    s = await synced(objected.handle);
    expected.set(
      'objection',
      key({
        applicationNo: s.applicationNo,
        kind: 'objection_review',
        ownerRole: 'justice_bureau',
        ownerId: p.agency,
        dueAt: s.objection!.reviewDueAt,
        ruleId: 'L-10',
      }),
    );

    // S-3.3: granted where nobody can be picked: the agency owes the assignment the same day.
    const unassigned = await grantedCase(q.agency, { rules });
    cases.assignment = { no: unassigned.input.applicationNo, handle: unassigned.handle };
    s = await synced(unassigned.handle);
    expect(s.assignment!.status).toBe('awaiting_agency');
    expected.set(
      'assignment',
      key({
        applicationNo: s.applicationNo,
        kind: 'assignment',
        ownerRole: 'agency',
        ownerId: q.agency,
        dueAt: s.assignment!.sameDayDueAt,
        ruleId: 'S-3.3',
      }),
    );

    // S-2.10: picked by rotation; the institution confirms its member.
    const picked = await grantedCase(p.agency, { rules });
    cases.confirm = { no: picked.input.applicationNo, handle: picked.handle };
    s = await synced(picked.handle);
    const slot = s.assignment!.slots[0]!;
    expected.set(
      'confirm',
      key({
        applicationNo: s.applicationNo,
        kind: 'member_confirmation',
        ownerRole: 'institution',
        ownerId: slot.institutionId,
        dueAt: slot.confirmDueAt!,
        ruleId: 'S-2.10',
      }),
    );

    /** A case of agency p taken through confirmation and then `steps`. */
    async function performed(steps: number) {
      const { input, handle } = await grantedCase(p.agency, { rules });
      await settled(handle);
      const [sl] = (await stateOf(handle)).assignment!.slots;
      await executeStep(handle, confirmMember, {
        args: [{ ledgerSeq: sl!.ledgerSeq, memberId: sl!.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
      });
      await untilStage(handle, prisma, 'assigned');
      const member = sl!.proposedMemberId;
      if (steps >= 1)
        await executeStep(handle, recordEngagement, { args: [{ signedOn: await today(), recordedBy: member }] });
      if (steps >= 2)
        await executeStep(handle, reportMatterEnded, { args: [{ endedOn: await today(), reportedBy: member }] });
      if (steps >= 3)
        await executeStep(handle, submitCaseFile, {
          args: [{ documents: ['民事调解书'], report: '调解结案', submittedBy: member }],
        });
      if (steps >= 4) {
        await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm-1' }] });
        await untilStage(handle, prisma, 'evaluating');
      }
      return { no: input.applicationNo, handle, member, institution: sl!.institutionId, state: await synced(handle) };
    }

    // L-6: assigned; the member signs the engagement agreement within 5 days.
    const engage = await performed(0);
    cases.engagement = engage;
    memberOfEngagement = engage.member;
    expected.set(
      'engagement',
      key({
        applicationNo: engage.no,
        kind: 'engagement',
        ownerRole: 'member',
        ownerId: engage.member,
        dueAt: engage.state.performance!.engagementDueAt,
        ruleId: 'L-6',
      }),
    );

    // L-12: the matter ended; the closure report is due.
    const closure = await performed(2);
    cases.closure = closure;
    expected.set(
      'closure',
      key({
        applicationNo: closure.no,
        kind: 'closure_report',
        ownerRole: 'member',
        ownerId: closure.member,
        dueAt: closure.state.performance!.closureDueAt!,
        ruleId: 'L-12',
      }),
    );

    // S-4.3: the file waits for the institution's quality manager (the texts set no limit).
    const qa = await performed(3);
    cases.qa = qa;
    expected.set(
      'qa',
      key({
        applicationNo: qa.no,
        kind: 'qa_approval',
        ownerRole: 'quality_manager',
        ownerId: qa.institution,
        dueAt: null,
        ruleId: 'S-4.3',
      }),
    );

    // S-4.4: evaluation: waiting for the agency to name an evaluator; then with the evaluator; then the expert.
    const waiting = await performed(4);
    cases.evaluation = waiting;
    let e = await evaluationOf(waiting.no);
    expected.set(
      'evaluation',
      key({
        applicationNo: waiting.no,
        kind: 'evaluation',
        ownerRole: 'agency',
        ownerId: p.agency,
        dueAt: e.state.dueAt!,
        ruleId: 'S-4.4',
      }),
    );

    /** A case under evaluation with evaluator eval-7, scored `score` when given. */
    async function evaluated(score?: number) {
      const c = await performed(4);
      const { handle } = await evaluationOf(c.no);
      await executeStep(handle, assignEvaluator, {
        args: [{ evaluatorId: 'eval-7', kind: 'peer', assignedBy: 'staff-1' }],
      });
      if (score !== undefined) {
        await executeStep(handle, submitScore, {
          args: [{ points: points(score), comments: '', scoredBy: 'eval-7' }],
        });
      }
      return c;
    }

    const scoring = await evaluated();
    cases.scoring = scoring;
    e = await evaluationOf(scoring.no);
    expected.set(
      'scoring',
      key({
        applicationNo: scoring.no,
        kind: 'evaluation',
        ownerRole: 'evaluator',
        ownerId: 'eval-7',
        dueAt: e.state.dueAt!,
        ruleId: 'S-4.4',
      }),
    );

    // Excellent (95): an expert re-reviews (S-4.4).
    const expert = await evaluated(95);
    cases.expert = expert;
    e = await evaluationOf(expert.no);
    expect(e.state.status).toBe('expert_review');
    expected.set(
      'expert',
      key({
        applicationNo: expert.no,
        kind: 'expert_review',
        ownerRole: 'expert',
        ownerId: p.agency,
        dueAt: e.state.dueAt!,
        ruleId: 'S-4.4',
      }),
    );

    // S-4.5: scored 80, final; no fee schedule for the agency: the payout waits on the agency, due at once.
    const payout = await evaluated(80);
    cases.payout = payout;
    for (let i = 0; i < 200 && !(await evaluationOf(payout.no)).state.payoutPending; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    e = await evaluationOf(payout.no);
    expect(e.state.payoutPending).toBeDefined();
    expected.set(
      'payout',
      key({
        applicationNo: payout.no,
        kind: 'payout',
        ownerRole: 'agency',
        ownerId: p.agency,
        dueAt: e.state.finalizedAt!,
        ruleId: 'S-4.5',
      }),
    );
  }, 300_000);

  const mine = (rows: Row[]) => new Set(rows.map(key));
  const expectedOf = (...names: string[]) => new Set(names.map((n) => expected.get(n)!));
  const AGENCY_P = [
    'docs',
    'decision',
    'verification',
    'objection',
    'confirm',
    'engagement',
    'closure',
    'qa',
    'evaluation',
    'scoring',
    'expert',
    'payout',
  ];

  test('the city centre, filtering by agency, sees exactly that agency’s open obligations with owner, due time and rule', async () => {
    const { status, body } = await cityOf(p.agency);
    expect(status).toBe(200);
    expect(mine(body.items)).toEqual(expectedOf(...AGENCY_P));
    expect(body.total).toBe(AGENCY_P.length);
    for (const r of body.items) expect(r.timelineUrl).toBe(`/applications/${r.applicationNo}/timeline`);
    const other = await get(`/cases/stuck?agencyCode=${q.agency}`, ['manager'], 'SX');
    expect(mine(other.body.items)).toEqual(expectedOf('assignment'));
  });

  test('agency staff see their own agency only; other agencies, applicants and village agents are refused', async () => {
    const sy = await get('/cases/stuck?limit=500&ownerRole=applicant', ['agency_staff'], 'SY');
    expect(sy.status).toBe(200);
    expect(sy.body.items.every((r) => r.agencyCode === 'SY')).toBe(true);
    expect(mine(sy.body.items.filter((r) => r.applicationNo === cases.sy!.no))).toEqual(expectedOf('sy'));
    const kq = await get('/cases/stuck?limit=500', ['agency_head'], 'KQ');
    expect(kq.body.items.every((r) => r.agencyCode === 'KQ')).toBe(true);
    const ours = new Set(Object.values(cases).map((c) => c.no));
    expect(kq.body.items.filter((r) => ours.has(r.applicationNo))).toEqual([]);
    expect((await get('/cases/stuck?agencyCode=KQ', ['agency_staff'], 'SY')).status).toBe(403);
    expect((await get('/cases/stuck', ['applicant'], undefined)).status).toBe(403);
    expect((await get('/cases/stuck', ['village_agent'], 'SY')).status).toBe(403);
    expect((await get('/cases/stuck?view=late', ['agency_staff'], 'SY')).status).toBe(400);
  });

  test('owners see only what they owe: the lawyer, the institution, the quality manager, the evaluator, the experts', async () => {
    const lawyer = await get('/cases/stuck', ['lawyer'], 'SX', memberOfEngagement);
    const ownedByLawyer = [...expected.values()].filter((k) => k.includes(`|member|${memberOfEngagement}|`));
    expect(mine(lawyer.body.items)).toEqual(new Set(ownedByLawyer));
    expect(ownedByLawyer.length).toBeGreaterThan(0);

    const inst = cases.confirm!.no;
    const institutionId = (await stateOf(cases.confirm!.handle)).assignment!.slots[0]!.institutionId;
    const institution = await get('/cases/stuck', ['institution'], 'SX', 'inst-user', institutionId);
    expect(institution.body.items.map((r) => r.applicationNo)).toContain(inst);
    expect(institution.body.items.every((r) => r.ownerRole === 'institution' && r.ownerId === institutionId)).toBe(
      true,
    );

    const qaInstitution = (cases.qa as { institution?: string }).institution!;
    const qm = await get('/cases/stuck', ['quality_manager'], 'SX', 'qm-1', qaInstitution);
    expect(mine(qm.body.items)).toEqual(expectedOf('qa'));

    const evaluator = await get('/cases/stuck', ['evaluator'], 'SX', 'eval-7');
    expect(mine(evaluator.body.items)).toEqual(expectedOf('scoring'));
    // Experts and the justice bureau owe by agency: the agency's own rows, by owner.
    expect(mine((await cityOf(p.agency, `ownerRole=expert&ownerId=${p.agency}`)).body.items)).toEqual(
      expectedOf('expert'),
    );
    expect(mine((await cityOf(p.agency, 'ownerRole=justice_bureau')).body.items)).toEqual(expectedOf('objection'));
    expect(
      (await get('/cases/stuck', ['expert'], 'SY', 'expert-1')).body.items.every((r) => r.agencyCode === 'SY'),
    ).toBe(true);
  });

  test('filters: stage, kind, owner, channel, institution and member', async () => {
    const staff = (qs: string) => cityOf(p.agency, qs);
    expect(mine((await staff('stage=under_review')).body.items)).toEqual(expectedOf('decision', 'verification'));
    expect(mine((await staff('kind=evaluation')).body.items)).toEqual(expectedOf('evaluation', 'scoring'));
    expect(mine((await staff('ownerRole=evaluator&ownerId=eval-7')).body.items)).toEqual(expectedOf('scoring'));
    expect((await staff('channel=online')).body.total).toBe(0);
    expect((await staff('channel=walk_in')).body.total).toBe(AGENCY_P.length);
    const member = memberOfEngagement;
    const byMember = (await staff(`memberId=${member}`)).body.items;
    expect(byMember.map((r) => r.applicationNo)).toContain(cases.engagement!.no);
    for (const r of byMember) {
      const row = await prisma.application.findUnique({ where: { applicationNo: r.applicationNo } });
      expect(row!.assignedMemberIds).toContain(member);
    }
    const institutionId = (cases.qa as { institution?: string }).institution!;
    const byInstitution = (await staff(`institutionId=${institutionId}`)).body.items;
    expect(byInstitution.map((r) => r.applicationNo)).toContain(cases.qa!.no);
  });

  test('counts by stage and by agency', async () => {
    const { status, body } = (await get(
      `/cases/stuck/counts?agencyCode=${p.agency}`,
      ['city_centre'],
      'SX',
    )) as unknown as {
      status: number;
      body: {
        byStage: Array<{ stage: string; open: number; overdue: number }>;
        byAgency: Array<{ agencyCode: string; open: number }>;
      };
    };
    expect(status).toBe(200);
    const stage = Object.fromEntries(body.byStage.map((s) => [s.stage, s.open]));
    expect(stage).toEqual({
      awaiting_materials: 1,
      under_review: 1,
      objection_review: 1,
      assigning: 1,
      assigned: 1,
      performing: 1,
      file_review: 1,
      evaluating: 4,
    });
    expect(body.byAgency).toEqual([expect.objectContaining({ agencyCode: p.agency, open: 11 })]);
  });

  test('as deadlines pass: overdue first (most overdue at the top), due soon, and waiting longer than N days', async () => {
    // Payout is due at once: overdue already.
    let overdue = await cityOf(p.agency, 'view=overdue');
    expect(mine(overdue.body.items)).toEqual(expectedOf('payout'));

    await env.sleep(2 * DAY);
    // S-2.10 24 hours to confirm, and (other agency) S-3.3 the same day, have passed; L-6 5 days have not.
    overdue = await cityOf(p.agency, 'view=overdue');
    expect(mine(overdue.body.items)).toEqual(expectedOf('payout', 'confirm'));
    expect(overdue.body.items[0]!.kind).toBe('payout');
    expect(overdue.body.items.every((r) => r.overdue && r.overdueMinutes > 0)).toBe(true);
    const otherAgency = await cityOf(q.agency, 'view=overdue');
    expect(mine(otherAgency.body.items)).toEqual(expectedOf('assignment'));

    // Due within 100 hours: the engagement (L-6, 5 days), the verification letter (5 days) and the objection review
    // (L-10, 5 days), all counted from the day after; not the 7-day review (L-1) nor the 15-day evaluation steps.
    const soon = await cityOf(p.agency, 'view=due_soon&withinHours=100');
    const soonKinds = new Set(soon.body.items.map((r) => r.kind));
    expect(soonKinds).toEqual(new Set(['engagement', 'verification', 'objection_review']));
    expect(soon.body.items.every((r) => !r.overdue)).toBe(true);

    // Waiting longer than 1 day in their stage: all of them (built before the 2 days passed).
    const waiting = await cityOf(p.agency, 'view=waiting&olderThanDays=1');
    expect(waiting.body.total).toBe(AGENCY_P.length);
    const notYet = await cityOf(p.agency, 'view=waiting&olderThanDays=3');
    expect(notYet.body.total).toBe(0);
  });

  test('reconciliation repairs drift from the workflows’ own state, and resolves what no workflow owns', async () => {
    const decisionCase = cases.review!.no;
    const before = await prisma.obligation.findMany({ where: { applicationNo: decisionCase, resolvedAt: null } });
    // Drift: a row lost, a due time corrupted, an obligation with no workflow behind it.
    await prisma.obligation.deleteMany({ where: { applicationNo: decisionCase, kind: 'decision' } });
    await prisma.obligation.updateMany({
      where: { applicationNo: cases.engagement!.no, kind: 'engagement' },
      data: { dueAt: new Date('2001-01-01T00:00:00Z') },
    });
    const ghost = await storedApplication(prisma, p.agency);
    await overdueDecision(prisma, ghost, p.agency);

    // Only this test's agency: the shared test database holds other files' cases, on other Temporal servers.
    const result = await reconcile(prisma, temporalStateReader(env.client), { agencyCode: p.agency });
    expect(result.repaired).toBeGreaterThanOrEqual(2);
    expect(result.orphaned).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(0);
    const after = await prisma.obligation.findMany({ where: { applicationNo: decisionCase, resolvedAt: null } });
    expect(after.map((o) => [o.key, o.dueAt?.toISOString()]).sort()).toEqual(
      before.map((o) => [o.key, o.dueAt?.toISOString()]).sort(),
    );
    const staff = await cityOf(p.agency);
    expect(mine(staff.body.items)).toEqual(expectedOf(...AGENCY_P));
    const run = await prisma.reconcileRun.findUnique({ where: { id: BigInt(result.runId) } });
    expect(run?.finishedAt).not.toBeNull();

    // A second pass finds nothing to repair in this agency's cases.
    const again = await reconcile(prisma, temporalStateReader(env.client), { agencyCode: p.agency });
    const mineAgain = await prisma.obligationSync.findMany({
      where: { applicationNo: { in: Object.values(cases).map((c) => c.no) }, writtenBy: 'reconcile' },
    });
    expect(again.failed).toBe(0);
    expect(mineAgain.length).toBeGreaterThanOrEqual(2);
  });

  test('daily digest: each overdue or soon-due obligation goes to its owner’s inbox once per China day', async () => {
    const now = new Date(await env.currentTimeMs());
    const first = await queueDigest(prisma, now, 24);
    const rows = await prisma.notification.findMany({
      where: { template: 'daily_digest', applicationNo: { in: Object.values(cases).map((c) => c.no) } },
    });
    const confirmRow = rows.find((r) => r.applicationNo === cases.confirm!.no);
    const institutionId = (await stateOf(cases.confirm!.handle)).assignment!.slots[0]!.institutionId;
    expect(confirmRow?.recipient).toBe(`institution:${institutionId}`);
    expect(confirmRow?.body).toContain('已逾期');
    expect(rows.find((r) => r.applicationNo === cases.payout!.no)?.recipient).toBe(`agency:${p.agency}`);
    expect(rows.find((r) => r.applicationNo === cases.assignment!.no)?.recipient).toBe(`agency:${q.agency}`);
    // Not due within 24 hours: not in the digest (the 15-day evaluation step).
    expect(rows.find((r) => r.applicationNo === cases.scoring!.no)).toBeUndefined();
    // The applicant's documents are chased by the S-3.2 reminder ladder, not the digest.
    expect(rows.find((r) => r.applicationNo === cases.docs!.no)).toBeUndefined();
    expect(first.queued).toBeGreaterThanOrEqual(rows.length);

    // The same day again: nothing new. The next day: each still-open one once more (keys per China day, so other
    // digests running on the shared database cannot change these counts).
    const day = (d: string) => d.replaceAll('-', '');
    const again = await queueDigest(prisma, new Date(now.getTime() + 60_000), 24);
    expect(again.date).toBe(first.date);
    const afterAgain = await prisma.notification.count({
      where: {
        template: 'daily_digest',
        applicationNo: { in: Object.values(cases).map((c) => c.no) },
        obligationKey: { endsWith: `-${day(first.date)}` },
      },
    });
    expect(afterAgain).toBe(rows.filter((r) => r.obligationKey.endsWith(`-${day(first.date)}`)).length);
    const next = await queueDigest(prisma, new Date(now.getTime() + DAY), 24);
    const nextDay = await prisma.notification.findMany({
      where: { template: 'daily_digest', applicationNo: cases.confirm!.no },
    });
    expect(nextDay.map((r) => r.obligationKey.slice(-8)).sort()).toEqual([day(first.date), day(next.date)]);
  });
});
