/**
 * GET /applications/:no/history (流程历史) over real HTTP, against a running worker on the shared Temporal dev server
 * and this run's PostgreSQL: the agency's staff read the case's workflow history decrypted by the API, while what
 * Temporal itself stores stays ciphertext; everyone else gets what the permission table and the case GET give them.
 * Cases are filed into the city centre's agency (SX), which no other API test files into.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { temporal } from '@temporalio/proto';
import type { Role } from '../../api/auth/access';
import { issueToken } from '../../api/auth/tokens';
import { applicationWorkflowId, evaluationWorkflowId, type EvaluationInput } from '../../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { cstDateOf } from '../../domain/time';
import { ENCRYPTED_ENCODING } from '../../platform/codec';
import type { evaluationWorkflow } from '../../workflows';
import { eventually, startApi } from '../support/api-harness';
import { residentIdNumber, TEST_AUTH, tokenFor } from '../support/context';

type Api = Awaited<ReturnType<typeof startApi>>;
let api: Api;
const AGENCY = 'SX';
const run = randomUUID().slice(0, 8);
const NAME = `钱七${run.slice(0, 2)}`;
const ID_NUMBER = residentIdNumber('19720304', '517');

const PEOPLE = {
  staff: [`staff-sx-${run}`, ['agency_staff'], AGENCY],
  head: [`head-sx-${run}`, ['agency_head'], AGENCY],
  city: [`city-${run}`, ['city_centre'], AGENCY],
  otherStaff: [`staff-kq-${run}`, ['agency_staff'], 'KQ'],
  otherHead: [`head-kq-${run}`, ['agency_head'], 'KQ'],
  lawyer: [`lawyer-${run}`, ['lawyer'], AGENCY],
  applicant: [`app-${run}`, ['applicant'], undefined],
  manager: [`mgr-${run}`, ['manager'], AGENCY],
  auditor: [`aud-${run}`, ['auditor'], AGENCY],
  support: [`tech-${run}`, ['technical_support'], AGENCY],
} as const satisfies Record<string, readonly [string, readonly Role[], string | undefined]>;
type Person = keyof typeof PEOPLE;
const tokens = {} as Record<Person, string>;
const as = (who: Person) => ({ Authorization: `Bearer ${tokens[who]}` });

/** A case filed by `who` with documents missing (S-3.2), once its record is written. */
async function file(who: Person, channel: 'walk_in' | 'online'): Promise<string> {
  const res = await request(api.base)
    .post('/applications')
    .set(as(who))
    .set('Idempotency-Key', `history-${randomUUID()}`)
    .send({
      agencyCode: AGENCY,
      channel,
      applicant: { name: NAME, idNumber: ID_NUMBER, phone: '13900000007' },
      matter: { category: 'labour_remuneration', summary: '物流公司拖欠两个月工资' },
      economicSituation: { householdSize: 3, monthlyHouseholdIncome: 1700, commitmentSigned: true },
      materialsSupplied: ['identity_proof'],
      intake: { correctionCommitment: true },
    });
  expect(res.status).toBe(201);
  const no = res.body.applicationNo as string;
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
    (row) => row?.stage === 'awaiting_materials',
  );
  return no;
}

const history = (no: string, who?: Person, query = '') => {
  const req = request(api.base).get(`/applications/${no}/history${query}`);
  return who ? req.set(as(who)) : req;
};

interface Event {
  id: number;
  at: string;
  atCst: string;
  type: string;
  label: string;
  name: string | null;
  nameLabel: string | null;
  data: Record<string, unknown> | null;
}

let walkIn: string; // filed at the window by SX staff; materials then supplied by them (a step: a signal)
let online: string; // filed online by the applicant, a lawyer named on it: both may read the case, not its history

beforeAll(async () => {
  api = await startApi();
  for (const [name, [userId, roles, agency]] of Object.entries(PEOPLE)) {
    tokens[name as Person] = await tokenFor(userId, [...roles], agency);
  }
  walkIn = await file('staff', 'walk_in');
  const supplied = await request(api.base)
    .post(`/applications/${walkIn}/materials`)
    .set(as('staff'))
    .set('Idempotency-Key', `history-materials-${randomUUID()}`)
    .send({ items: ['economic_statement'] });
  expect(supplied.status).toBe(200);
  online = await file('applicant', 'online');
  await api.prisma.application.update({
    where: { applicationNo: online },
    data: { assignedMemberIds: [PEOPLE.lawyer[0]] },
  });
});
afterAll(() => api?.close());

describe('GET /applications/:no/history', () => {
  test("the agency's staff read the history decrypted (the applicant's name is in it); Temporal holds ciphertext", async () => {
    const res = await history(walkIn, 'staff');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applicationNo: walkIn, limit: 500 });
    expect(res.body.workflows).toHaveLength(1);
    const [wf] = res.body.workflows as Array<{ kind: string; label: string; workflowId: string; events: Event[] }>;
    expect(wf).toMatchObject({ kind: 'application', label: '申请流程', workflowId: applicationWorkflowId(walkIn) });
    expect((wf as unknown as { truncated: boolean }).truncated).toBe(false);

    // Decrypted: the start event's input is the application, with the applicant's name and ID number.
    const started = wf!.events[0]!;
    expect(started).toMatchObject({
      id: 1,
      type: 'WorkflowExecutionStarted',
      label: '启动「申请流程」',
      name: 'applicationWorkflow',
    });
    const input = (started.data!.input as Array<{ applicationNo: string; applicant: unknown }>)[0]!;
    expect(input.applicationNo).toBe(walkIn);
    expect(input.applicant).toMatchObject({ name: NAME, idNumber: ID_NUMBER });
    expect(JSON.stringify(res.body)).toContain(NAME);

    // China time to the second, eight hours ahead of the ISO instant.
    for (const e of wf!.events) {
      expect(e.atCst).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const shifted = new Date(Date.parse(e.at) + 8 * 3_600_000).toISOString();
      expect(e.atCst).toBe(`${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`);
      // Every label is Chinese: no event type or code shows through.
      expect(e.label).not.toMatch(/[A-Za-z]/);
    }
    // The staff step (a signal) with its decoded input, the activities with their names, in Chinese.
    const signal = wf!.events.find((e) => e.type === 'WorkflowExecutionSignaled' && e.name === 'supplyMaterials');
    expect(signal).toMatchObject({ label: '收到信号「登记补正材料」', nameLabel: '登记补正材料' });
    expect(JSON.stringify(signal!.data)).toContain('economic_statement');
    expect(JSON.stringify(signal!.data)).toContain(PEOPLE.staff[0]);
    // The record writes are local activities: their markers read as the activity's completion.
    const written = wf!.events.find((e) => e.type === 'MarkerRecorded' && e.name === 'recordCase');
    expect(written).toMatchObject({ label: '活动完成「写入案件记录」', nameLabel: '写入案件记录' });
    // The correction deadline's clock (S-3.2) is a timer, labelled with how long it runs.
    expect(wf!.events.some((e) => e.type === 'TimerStarted' && /^计时器（.+）$/.test(e.label))).toBe(true);
    // Workflow-task bookkeeping is left out.
    expect(wf!.events.some((e) => e.type.startsWith('WorkflowTask'))).toBe(false);

    // What Temporal stores (and its Web UI shows) is ciphertext: the same start event's input is sealed.
    const raw = await api.client.workflow.getHandle(applicationWorkflowId(walkIn)).fetchHistory();
    const rawStart = raw.events![0]!.workflowExecutionStartedEventAttributes!;
    const payload = rawStart.input!.payloads![0]!;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    const stored = Buffer.from(temporal.api.history.v1.History.encode(raw).finish());
    for (const secret of [NAME, ID_NUMBER, '物流公司拖欠两个月工资']) {
      expect(stored.includes(Buffer.from(secret))).toBe(false);
    }
  });

  test('the agency head and the city centre read it too', async () => {
    for (const who of ['head', 'city'] as Person[]) {
      const res = await history(walkIn, who);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).toContain(NAME);
    }
  });

  test("another agency's staff get exactly what the case GET answers them", async () => {
    for (const who of ['otherStaff', 'otherHead'] as Person[]) {
      const record = await request(api.base).get(`/applications/${walkIn}`).set(as(who));
      const res = await history(walkIn, who);
      expect(record.status).toBe(403);
      expect(res.status).toBe(record.status);
      expect(res.body).toEqual(record.body);
      expect(JSON.stringify(res.body)).not.toContain(NAME);
    }
  });

  test('a lawyer on the case and the applicant read the case but not its history; other roles neither', async () => {
    for (const who of ['lawyer', 'applicant'] as Person[]) {
      expect((await request(api.base).get(`/applications/${online}`).set(as(who))).status).toBe(200);
      const res = await history(online, who);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    for (const who of ['manager', 'auditor', 'support'] as Person[]) {
      const res = await history(walkIn, who);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain(NAME);
    }
  });

  test('without a token, or with a forged one, 401', async () => {
    const none = await history(walkIn);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const forged = await issueToken(
      { ...TEST_AUTH, hmacKeys: { 'test-2026': 'x'.repeat(40) } },
      { userId: PEOPLE.staff[0], roles: ['agency_staff'], agency: AGENCY },
    );
    const res = await request(api.base).get(`/applications/${walkIn}/history`).set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  test('an unknown application number is 404 like the case GET; a malformed one or a bad limit 400', async () => {
    const unknown = 'SX-1999-999999997';
    const res = await history(unknown, 'staff');
    const record = await request(api.base).get(`/applications/${unknown}`).set(as('staff'));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('APPLICATION_NOT_FOUND');
    expect(res.body).toEqual(record.body);
    expect((await history('not-a-number', 'staff')).body.code).toBe('VALIDATION_FAILED');
    for (const query of ['?limit=0', '?limit=abc', `?limit=100000`, '?other=1']) {
      const bad = await history(walkIn, 'staff', query);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
  });

  test('bounded: at most `limit` events per workflow, flagged as truncated', async () => {
    const res = await history(walkIn, 'staff', '?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.limit).toBe(2);
    expect(res.body.workflows[0].events).toHaveLength(2);
    expect(res.body.workflows[0].truncated).toBe(true);
    expect(res.body.workflows[0].events[0].type).toBe('WorkflowExecutionStarted');
  });

  test("once the case's evaluation workflow exists, its history follows the application's", async () => {
    const evaluation = await api.client.workflow.start<typeof evaluationWorkflow>('evaluationWorkflow', {
      workflowId: evaluationWorkflowId(walkIn),
      taskQueue: api.taskQueue,
      args: [
        {
          applicationNo: walkIn,
          agencyCode: AGENCY,
          memberId: `member-${run}`,
          institutionId: `firm-${run}`,
          matterType: 'civil',
          caseStage: 'first_instance',
          assignedOn: cstDateOf(new Date()),
          rules: DEFAULT_RULE_CONFIG,
        } satisfies EvaluationInput,
      ],
    });
    try {
      // S-4.4 the agency names the evaluator through the API (a step of the evaluation workflow).
      const assigned = await eventually(
        () =>
          request(api.base)
            .post(`/applications/${walkIn}/evaluation/evaluator`)
            .set(as('staff'))
            .send({ evaluatorId: `eval-${run}`, kind: 'peer' }),
        (r) => r.status === 200,
      );
      expect(assigned.status).toBe(200);
      const res = await history(walkIn, 'staff');
      expect(res.status).toBe(200);
      expect(res.body.workflows.map((w: { kind: string }) => w.kind)).toEqual(['application', 'evaluation']);
      const ev = res.body.workflows[1] as { label: string; workflowId: string; events: Event[] };
      expect(ev).toMatchObject({ label: '质量评估流程', workflowId: evaluationWorkflowId(walkIn) });
      expect(ev.events[0]).toMatchObject({ type: 'WorkflowExecutionStarted', label: '启动「质量评估流程」' });
      expect(JSON.stringify(ev.events[0]!.data)).toContain(`member-${run}`);
      const step = ev.events.find((e) => e.name === 'assignEvaluator');
      expect(step).toMatchObject({ type: 'WorkflowExecutionSignaled', label: '收到信号「指定评估人员」' });
      expect(JSON.stringify(step!.data)).toContain(`eval-${run}`);
    } finally {
      await evaluation.terminate('history test done');
    }
  });

  test('every read is in the audit trail, refusals too', async () => {
    const rows = await eventually(
      () => api.prisma.auditEvent.findMany({ where: { action: 'application.history', targetId: walkIn } }),
      (r) => r.some((e) => e.outcome === 200 && e.actorId === PEOPLE.staff[0]) && r.some((e) => e.outcome === 403),
    );
    // Several people read this case's history above; the audit rows need not be in that order.
    expect(rows.find((e) => e.outcome === 200 && e.actorId === PEOPLE.staff[0])).toMatchObject({
      actorId: PEOPLE.staff[0],
      roles: ['agency_staff'],
      agencyCode: AGENCY,
      targetType: 'application',
    });
    expect(rows.some((e) => e.outcome === 403 && e.actorId === PEOPLE.otherStaff[0])).toBe(true);
  });
});
