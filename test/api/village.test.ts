/**
 * S-2.1-S-2.3 village/community service points over real HTTP, against a running worker: points and their people,
 * a village filing with its paper forwarded and received (S-2.2), home visits counted for the advisor (S-2.3), field
 * checks as the point's tasks flowing back into verification (S-3.1), and the filing training (S-2.2, S-2.6).
 * Agency 越城 (YC); person and point ids are unique per run.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { cstYearOf } from '../../domain/time';
import { eventually, startApi, trainForFiling } from '../support/api-harness';
import { residentIdNumber, testCodec, tokenFor } from '../support/context';
import { applicationWorkflowId, type ApplicationInput } from '../../domain/definitions';

let api: Awaited<ReturnType<typeof startApi>>;
const run = randomUUID().slice(0, 8);
const auth: Record<string, string> = {};
const as = (who: string) => ({ Authorization: `Bearer ${auth[who]}` });
const id = (name: string) => `${name}-${run}`;
const pointId = id('yc-point');
const otherPointId = id('yc-point-b');

beforeAll(async () => {
  api = await startApi();
  auth.staff = await tokenFor('staff-yc', ['agency_staff'], 'YC');
  auth.otherStaff = await tokenFor('staff-kq', ['agency_staff'], 'KQ');
  auth.city = await tokenFor('city-1', ['city_centre'], 'SX');
  auth.agentA = await tokenFor(id('agent-a'), ['village_agent'], 'YC');
  auth.agentB = await tokenFor(id('agent-b'), ['village_agent'], 'YC');
  auth.advisor = await tokenFor(id('advisor'), ['village_advisor'], 'YC');
  auth.outsider = await tokenFor(id('agent-x'), ['village_agent'], 'YC');
  auth.untrained = await tokenFor(id('agent-new'), ['village_agent'], 'YC');
  for (const [pid, name] of [
    [pointId, '越城测试村法律服务点'],
    [otherPointId, '越城另一村法律服务点'],
  ]) {
    const res = await request(api.base)
      .post('/village/points')
      .set(as('staff'))
      .send({ id: pid, agencyCode: 'YC', name, township: '东湖街道' });
    expect(res.status).toBe(201);
  }
  const people: Array<[string, string, string]> = [
    [pointId, id('agent-a'), 'agent'],
    [pointId, id('agent-b'), 'agent'],
    [pointId, id('advisor'), 'advisor'],
    [pointId, id('agent-new'), 'agent'],
    [otherPointId, id('agent-x'), 'agent'],
  ];
  for (const [pid, personId, role] of people) {
    const res = await request(api.base).post(`/village/points/${pid}/people`).set(as('staff')).send({ personId, role });
    expect(res.status).toBe(201);
  }
  await trainForFiling(api.prisma, id('agent-a'), id('agent-b'), id('advisor'), id('agent-x'));
});
afterAll(() => api?.close());

function body() {
  return {
    agencyCode: 'YC',
    channel: 'village_agent',
    applicant: { name: '孙七', idNumber: residentIdNumber('19700101', '321') },
    matter: { category: 'labour_remuneration', summary: '工资' },
    economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1500, commitmentSigned: true },
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true, paperMaterialsForwarded: true },
  };
}

const file = (who: string) =>
  request(api.base).post('/applications').set(as(who)).set('Idempotency-Key', randomUUID()).send(body());

/** An application filed by `who` through the village channel, recorded and awaiting materials. */
async function filedBy(who: string): Promise<string> {
  const res = await file(who);
  expect(res.status).toBe(201);
  const no = res.body.applicationNo as string;
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
    (row) => row?.stage === 'awaiting_materials',
  );
  return no;
}

describe('S-2.1 service points and their people', () => {
  test('S-2.1 registering the same point again answers it (200); other content under its id is 409', async () => {
    const same = await request(api.base)
      .post('/village/points')
      .set(as('staff'))
      .send({ id: pointId, agencyCode: 'YC', name: '越城测试村法律服务点', township: '东湖街道' });
    expect(same.status).toBe(200);
    expect(same.body.replayed).toBe(true);
    const other = await request(api.base)
      .post('/village/points')
      .set(as('staff'))
      .send({ id: pointId, agencyCode: 'YC', name: '另一个名字', township: '东湖街道' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('SERVICE_POINT_EXISTS');
  });

  test("S-2.1 another agency's staff cannot register or staff a YC point; the city centre can register any", async () => {
    const res = await request(api.base)
      .post('/village/points')
      .set(as('otherStaff'))
      .send({ id: id('kq-try'), agencyCode: 'YC', name: '越权', township: '东湖街道' });
    expect(res.status).toBe(403);
    const people = await request(api.base)
      .post(`/village/points/${pointId}/people`)
      .set(as('otherStaff'))
      .send({ personId: id('someone'), role: 'volunteer' });
    expect(people.status).toBe(403);
    const city = await request(api.base)
      .post('/village/points')
      .set(as('city'))
      .send({ id: id('yc-city'), agencyCode: 'YC', name: '市中心登记', township: '东湖街道' });
    expect(city.status).toBe(201);
  });

  test('S-2.1 the agency lists its points with their people; an agent lists only the points they serve at', async () => {
    const staffList = await request(api.base).get('/village/points?agencyCode=YC').set(as('staff'));
    expect(staffList.status).toBe(200);
    const point = (
      staffList.body.points as Array<{ id: string; people: Array<{ personId: string; role: string }> }>
    ).find((p) => p.id === pointId);
    expect(point?.people.map((p) => [p.personId, p.role])).toEqual(
      expect.arrayContaining([
        [id('agent-a'), 'agent'],
        [id('advisor'), 'advisor'],
      ]),
    );
    const agentList = await request(api.base).get('/village/points').set(as('outsider'));
    expect((agentList.body.points as Array<{ id: string }>).map((p) => p.id)).toEqual([otherPointId]);
    const notTheirs = await request(api.base).get(`/village/points/${pointId}`).set(as('outsider'));
    expect(notTheirs.status).toBe(403);
    const missing = await request(api.base)
      .get(`/village/points/${id('nowhere')}`)
      .set(as('staff'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('SERVICE_POINT_NOT_FOUND');
  });
});

describe('S-2.2 training for filing, and the training records', () => {
  test('S-2.2 a village agent without a filing training cannot file for someone: 403 TRAINING_REQUIRED; with one: 201', async () => {
    const refused = await file('untrained');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('TRAINING_REQUIRED');
    expect(refused.body.message).toContain('培训');
    const recorded = await request(api.base)
      .post(`/people/${id('agent-new')}/training`)
      .set(as('staff'))
      .send({ kind: 'agent_filing', course: '村居代办业务培训', completedOn: '2026-01-05', validUntil: '2099-12-31' });
    expect(recorded.status).toBe(201);
    expect(recorded.body.record).toMatchObject({
      kind: 'agent_filing',
      completedOn: '2026-01-05',
      recordedBy: 'staff-yc',
    });
    const accepted = await file('untrained');
    expect(accepted.status).toBe(201);
  });

  test('S-2.2 an expired filing training does not count; a hotline duty training does not count for filing', async () => {
    const person = id('agent-expired');
    const token = await tokenFor(person, ['village_agent'], 'YC');
    for (const record of [
      { kind: 'agent_filing', course: '旧培训', completedOn: '2020-01-01', validUntil: '2021-01-01' },
      { kind: 'hotline_duty', course: '值班培训', completedOn: '2020-01-01' },
    ]) {
      const res = await request(api.base).post(`/people/${person}/training`).set(as('staff')).send(record);
      expect(res.status).toBe(201);
    }
    const refused = await request(api.base)
      .post('/applications')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', randomUUID())
      .send(body());
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('TRAINING_REQUIRED');
    const own = await request(api.base).get(`/people/${person}/training`).set('Authorization', `Bearer ${token}`);
    expect(own.status).toBe(200);
    expect(own.body.valid).toEqual({ agent_filing: false, hotline_duty: true });
    expect(own.body.records).toHaveLength(2);
  });

  test('S-2.6 a training record needs a valid period; another person reads nobody else’s records', async () => {
    const bad = await request(api.base)
      .post(`/people/${id('agent-a')}/training`)
      .set(as('staff'))
      .send({ kind: 'hotline_duty', course: '值班', completedOn: '2026-03-01', validUntil: '2026-02-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('validUntil');
    const byAgent = await request(api.base)
      .post(`/people/${id('agent-a')}/training`)
      .set(as('agentA'))
      .send({ kind: 'agent_filing', course: '自报', completedOn: '2026-03-01' });
    expect(byAgent.status).toBe(403);
    const other = await request(api.base)
      .get(`/people/${id('agent-a')}/training`)
      .set(as('agentB'));
    expect(other.status).toBe(403);
  });
});

describe('S-2.2 a village filing with paper forwarding', () => {
  test('S-2.2 the agent files, forwards the paper (idempotent), it is tracked by days outstanding until the agency receives it', async () => {
    const no = await filedBy('agentA');
    const key = `fwd-${randomUUID()}`;
    const payload = { forwardedTo: 'township_office', items: ['economic_statement', 'matter_evidence'] };
    const sent = await request(api.base)
      .post(`/applications/${no}/paper-forwardings`)
      .set(as('agentA'))
      .set('Idempotency-Key', key)
      .send(payload);
    expect(sent.status).toBe(201);
    expect(sent.body.forwarding).toMatchObject({
      applicationNo: no,
      servicePointId: pointId,
      forwardedBy: id('agent-a'),
      forwardedTo: 'township_office',
      outstanding: true,
      daysOutstanding: 0,
    });
    const fwdId = sent.body.forwarding.id as string;
    const again = await request(api.base)
      .post(`/applications/${no}/paper-forwardings`)
      .set(as('agentA'))
      .set('Idempotency-Key', key)
      .send(payload);
    expect(again.status).toBe(200);
    expect(again.body.forwarding.id).toBe(fwdId);
    const reused = await request(api.base)
      .post(`/applications/${no}/paper-forwardings`)
      .set(as('agentA'))
      .set('Idempotency-Key', key)
      .send({ ...payload, forwardedTo: 'agency' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Not the filer, not the agency: refused.
    const outsider = await request(api.base)
      .post(`/applications/${no}/paper-forwardings`)
      .set(as('outsider'))
      .send(payload);
    expect(outsider.status).toBe(403);

    // Three days out (China calendar days).
    await api.prisma.paperForwarding.update({
      where: { id: BigInt(fwdId) },
      data: { forwardedAt: new Date(Date.now() - 3 * 86_400_000) },
    });
    const outstanding = await request(api.base).get('/village/paper-forwardings?agencyCode=YC').set(as('staff'));
    expect(outstanding.status).toBe(200);
    const row = (outstanding.body.forwardings as Array<{ id: string; daysOutstanding: number }>).find(
      (f) => f.id === fwdId,
    );
    expect(row).toMatchObject({ outstanding: true, daysOutstanding: 3, agencyCode: 'YC' });
    const point = await request(api.base).get(`/village/points/${pointId}`).set(as('agentB'));
    expect((point.body.openPaperForwardings as Array<{ id: string }>).map((f) => f.id)).toContain(fwdId);

    const elsewhere = await request(api.base)
      .post(`/applications/${no}/paper-forwardings/${fwdId}/receipt`)
      .set(as('otherStaff'));
    expect(elsewhere.status).toBe(403);
    const received = await request(api.base)
      .post(`/applications/${no}/paper-forwardings/${fwdId}/receipt`)
      .set(as('staff'));
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({
      replayed: false,
      forwarding: { id: fwdId, receivedBy: 'staff-yc', outstanding: false, daysOutstanding: 3 },
    });
    const second = await request(api.base)
      .post(`/applications/${no}/paper-forwardings/${fwdId}/receipt`)
      .set(as('staff'));
    expect(second.status).toBe(200);
    expect(second.body.replayed).toBe(true);
    expect(second.body.forwarding.receivedAt).toBe(received.body.forwarding.receivedAt);

    const after = await request(api.base).get('/village/paper-forwardings?agencyCode=YC').set(as('staff'));
    expect((after.body.forwardings as Array<{ id: string }>).map((f) => f.id)).not.toContain(fwdId);
    const all = await request(api.base)
      .get('/village/paper-forwardings?agencyCode=YC&outstanding=false')
      .set(as('staff'));
    expect((all.body.forwardings as Array<{ id: string }>).map((f) => f.id)).toContain(fwdId);
    const unknown = await request(api.base)
      .post(`/applications/${no}/paper-forwardings/999999999/receipt`)
      .set(as('staff'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PAPER_FORWARDING_NOT_FOUND');
    const otherAgencyList = await request(api.base)
      .get('/village/paper-forwardings?agencyCode=YC')
      .set(as('otherStaff'));
    expect(otherAgencyList.status).toBe(403);
  });
});

describe("S-2.9(e) the village legal advisor linked to the point's filings", () => {
  test("S-2.9(e) an application the point's agent files names the point's advisor for the assignment (turn kept)", async () => {
    const no = await filedBy('agentA');
    const history = await api.client.workflow.getHandle(applicationWorkflowId(no)).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [decoded] = await testCodec.decode(input);
    const started = JSON.parse(Buffer.from(decoded!.data!).toString('utf8')) as ApplicationInput;
    expect(started.intake?.assignment).toMatchObject({ villageAdvisorId: id('advisor') });
    // The other point has no advisor: nobody is named.
    const other = await filedBy('outsider');
    const otherHistory = await api.client.workflow.getHandle(applicationWorkflowId(other)).fetchHistory();
    const [otherInput] = await testCodec.decode(
      otherHistory.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [],
    );
    const otherStarted = JSON.parse(Buffer.from(otherInput!.data!).toString('utf8')) as ApplicationInput;
    expect(otherStarted.intake?.assignment?.villageAdvisorId).toBeUndefined();
  });
});

describe('S-2.3 home visits', () => {
  test("S-2.3 a visit requested, scheduled and done by the advisor counts toward the advisor's visits of the year", async () => {
    const path = `/village/points/${pointId}`;
    const before = await request(api.base).get(path).set(as('staff'));
    const count = (res: request.Response) =>
      (res.body.advisorVisits.advisors as Array<{ personId: string; visits: number }>).find(
        (a) => a.personId === id('advisor'),
      )?.visits;
    expect(count(before)).toBe(0);

    const key = `visit-${randomUUID()}`;
    const requested = await request(api.base)
      .post(`${path}/home-visits`)
      .set(as('agentA'))
      .set('Idempotency-Key', key)
      .send({ note: '申请人年迈，行动不便' });
    expect(requested.status).toBe(201);
    expect(requested.body.visit.status).toBe('requested');
    const visitId = requested.body.visit.id as string;
    const again = await request(api.base)
      .post(`${path}/home-visits`)
      .set(as('agentA'))
      .set('Idempotency-Key', key)
      .send({ note: '申请人年迈，行动不便' });
    expect(again.status).toBe(200);
    expect(again.body.visit.id).toBe(visitId);

    const wrongVisitor = await request(api.base)
      .post(`${path}/home-visits/${visitId}/schedule`)
      .set(as('staff'))
      .send({ visitorId: id('agent-x'), scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
    expect(wrongVisitor.status).toBe(422);
    expect(wrongVisitor.body.code).toBe('HOME_VISIT_VISITOR_NOT_AT_POINT');
    const scheduled = await request(api.base)
      .post(`${path}/home-visits/${visitId}/schedule`)
      .set(as('staff'))
      .send({ visitorId: id('advisor'), scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.visit).toMatchObject({ status: 'scheduled', visitorId: id('advisor') });

    const done = await request(api.base)
      .post(`${path}/home-visits/${visitId}/done`)
      .set(as('advisor'))
      .send({ note: '已上门指导填写申请' });
    expect(done.status).toBe(200);
    expect(done.body.visit.status).toBe('done');
    const doneAgain = await request(api.base)
      .post(`${path}/home-visits/${visitId}/done`)
      .set(as('advisor'))
      .send({ note: '再次' });
    expect(doneAgain.body.replayed).toBe(true);
    const reschedule = await request(api.base)
      .post(`${path}/home-visits/${visitId}/schedule`)
      .set(as('staff'))
      .send({ visitorId: id('advisor'), scheduledFor: new Date().toISOString() });
    expect(reschedule.status).toBe(422);
    expect(reschedule.body.code).toBe('HOME_VISIT_CLOSED');

    // A visit the advisor records without a schedule counts for them too; an agent's visit does not.
    const unscheduled = await request(api.base).post(`${path}/home-visits`).set(as('agentB')).send({});
    await request(api.base)
      .post(`${path}/home-visits/${unscheduled.body.visit.id}/done`)
      .set(as('advisor'))
      .send({ note: '上门' });
    const byAgent = await request(api.base).post(`${path}/home-visits`).set(as('agentB')).send({});
    await request(api.base)
      .post(`${path}/home-visits/${byAgent.body.visit.id}/done`)
      .set(as('agentB'))
      .send({ note: '上门' });

    const after = await request(api.base).get(path).set(as('advisor'));
    expect(after.body.advisorVisits.year).toBe(cstYearOf(new Date()));
    expect(count(after)).toBe(2);
    expect((after.body.homeVisits as Array<{ id: string; status: string }>).find((v) => v.id === visitId)?.status).toBe(
      'done',
    );
    const earlier = await request(api.base).get(`${path}?year=2000`).set(as('staff'));
    expect(count(earlier)).toBe(0);

    const outsider = await request(api.base).post(`${path}/home-visits`).set(as('outsider')).send({});
    expect(outsider.status).toBe(403);
  });
});

describe('S-2.3 home visits advised at intake', () => {
  test("S-2.3: an elderly applicant filed by a village agent is advised a home visit, requested once at the agent's point", async () => {
    const elderly = {
      ...body(),
      applicant: { name: '钱老伯', idNumber: residentIdNumber('19500101', '654') },
      eligibilityClaims: { mobilityImpaired: true },
    };
    const key = randomUUID();
    const send = () =>
      request(api.base).post('/applications').set(as('agentA')).set('Idempotency-Key', key).send(elderly);
    const res = await send();
    expect(res.status).toBe(201);
    expect(res.body.homeVisit).toEqual({
      advice: '建议上门服务（S-2.3）：申请人年满60周岁、行动不便',
      visit: { id: expect.any(String), servicePointId: pointId },
    });
    const no = res.body.applicationNo as string;
    // The same intake again: the same visit, no second request.
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body.homeVisit.visit.id).toBe(res.body.homeVisit.visit.id);
    expect(await api.prisma.homeVisit.count({ where: { applicationNo: no } })).toBe(1);
    const point = await request(api.base).get(`/village/points/${pointId}`).set(as('agentB'));
    expect(point.body.homeVisits).toContainEqual(
      expect.objectContaining({ applicationNo: no, status: 'requested', requestedBy: id('agent-a') }),
    );
    // Staff see it on the stored case record.
    const record = await eventually(
      () => request(api.base).get(`/applications/${no}`).set(as('staff')),
      (r) => r.status === 200,
    );
    expect(record.body.homeVisit).toEqual({
      advice: '建议上门服务（S-2.3）：申请人年满60周岁、行动不便',
      visits: [
        { id: res.body.homeVisit.visit.id, servicePointId: pointId, status: 'requested', statusLabel: '已申请' },
      ],
    });
    expect(record.body.history[0].note).toContain('建议上门服务（S-2.3）');
  });

  test('S-2.3: a 56-year-old applicant without limited mobility gets no home-visit advice and no request', async () => {
    const res = await file('agentA');
    expect(res.status).toBe(201);
    expect(res.body.homeVisit).toBeNull();
    expect(await api.prisma.homeVisit.count({ where: { applicationNo: res.body.applicationNo as string } })).toBe(0);
  });
});

describe('S-3.1 field checks as tasks for the service point', () => {
  test('S-3.1 S-2.1 a field-check task flowing back into verification: another agent of the point reports it', async () => {
    const no = await filedBy('agentA');
    const task = await request(api.base)
      .post(`/applications/${no}/verification/tasks`)
      .set(as('staff'))
      .send({ route: 'field_check', dueDays: 5 });
    expect(task.status).toBe(200);
    const taskId = (task.body.tasks as Array<{ id: string; route: string; dueAt: string }>).find(
      (t) => t.route === 'field_check',
    )!;
    // The list is read from the stored record the workflow writes.
    const listed = await eventually(
      () => request(api.base).get('/village/tasks').set(as('agentB')),
      (res) => (res.body.tasks as Array<{ applicationNo: string }>).some((t) => t.applicationNo === no),
    );
    expect(listed.body.tasks).toContainEqual(
      expect.objectContaining({ applicationNo: no, taskId: taskId.id, dueAt: taskId.dueAt, filedBy: id('agent-a') }),
    );
    const outsiderTasks = await request(api.base).get('/village/tasks').set(as('outsider'));
    expect((outsiderTasks.body.tasks as Array<{ applicationNo: string }>).map((t) => t.applicationNo)).not.toContain(
      no,
    );

    // Agent B may report the check, not read the case; an agent of another point may do neither.
    expect((await request(api.base).get(`/applications/${no}`).set(as('agentB'))).status).toBe(403);
    const foreign = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${taskId.id}/result`)
      .set(as('outsider'))
      .send({ result: 'confirmed', note: '上门核实' });
    expect(foreign.status).toBe(403);
    // A phone inquiry task is the agency's: the point's agent may not report it (S-2.1: field checks only).
    const phone = await request(api.base)
      .post(`/applications/${no}/verification/tasks`)
      .set(as('staff'))
      .send({ route: 'phone', dueDays: 5 });
    const phoneTask = (phone.body.tasks as Array<{ id: string; route: string }>).find((t) => t.route === 'phone')!;
    const notTheirs = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${phoneTask.id}/result`)
      .set(as('agentB'))
      .send({ result: 'confirmed', note: '电话询问' });
    expect(notTheirs.status).toBe(403);
    const reported = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${taskId.id}/result`)
      .set(as('agentB'))
      .send({ result: 'confirmed', note: '实地走访，家庭收入情况属实' });
    expect(reported.status).toBe(200);
    expect(reported.body.status).toBe('verified');

    const state = await request(api.base).get(`/applications/${no}/state`).set(as('staff'));
    expect(state.status).toBe(200);
    expect(state.body.verification.tasks).toContainEqual(
      expect.objectContaining({ id: taskId.id, result: 'confirmed', resultBy: id('agent-b') }),
    );
    const done = await eventually(
      () => request(api.base).get('/village/tasks').set(as('agentB')),
      (res) => !(res.body.tasks as Array<{ applicationNo: string }>).some((t) => t.applicationNo === no),
    );
    expect((done.body.tasks as Array<{ applicationNo: string }>).map((t) => t.applicationNo)).not.toContain(no);
    // Settled: the point's people are out of the case again.
    const late = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${taskId.id}/result`)
      .set(as('agentB'))
      .send({ result: 'confirmed', note: '再次' });
    expect(late.status).toBe(403);
  });
});

describe('S-3.1 S-2.1 field checks commissioned to a chosen service point', () => {
  test("S-3.1 S-2.1: staff commission a walk-in case's field check to the applicant's village point; its people see and report it", async () => {
    const filed = await request(api.base)
      .post('/applications')
      .set(as('staff'))
      .set('Idempotency-Key', randomUUID())
      .send({ ...body(), channel: 'walk_in', intake: { correctionCommitment: true } });
    expect(filed.status).toBe(201);
    const no = filed.body.applicationNo as string;
    await eventually(
      () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
      (row) => row?.stage === 'awaiting_materials',
    );
    const commission = (payload: object) =>
      request(api.base).post(`/applications/${no}/verification/tasks`).set(as('staff')).send(payload);

    // Only a field check names a point; the point must exist and be the agency's.
    const phone = await commission({ route: 'phone', servicePointId: otherPointId });
    expect(phone.status).toBe(400);
    expect(phone.body.details[0].path).toBe('servicePointId');
    const unknown = await commission({ route: 'field_check', servicePointId: id('nowhere') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('SERVICE_POINT_NOT_FOUND');
    const kqPoint = id('kq-point');
    const registered = await request(api.base)
      .post('/village/points')
      .set(as('city'))
      .send({ id: kqPoint, agencyCode: 'KQ', name: '柯桥测试村法律服务点', township: '柯桥街道' });
    expect(registered.status).toBe(201);
    const foreign = await commission({ route: 'field_check', servicePointId: kqPoint });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('SERVICE_POINT_OTHER_AGENCY');
    expect(foreign.body.message).toContain('S-3.1');

    const task = await commission({ route: 'field_check', dueDays: 5, servicePointId: otherPointId });
    expect(task.status).toBe(200);
    const fieldCheck = (task.body.tasks as Array<{ id: string; route: string; servicePointId?: string }>).find(
      (t) => t.route === 'field_check',
    )!;
    expect(fieldCheck.servicePointId).toBe(otherPointId);

    // The commissioned point's agent has the task; the other point's people do not, and may not report it.
    const listed = await eventually(
      () => request(api.base).get('/village/tasks').set(as('outsider')),
      (res) => (res.body.tasks as Array<{ applicationNo: string }>).some((t) => t.applicationNo === no),
    );
    expect(listed.body.tasks).toContainEqual(
      expect.objectContaining({
        applicationNo: no,
        taskId: fieldCheck.id,
        servicePointId: otherPointId,
        filedBy: null,
      }),
    );
    const others = await request(api.base).get('/village/tasks').set(as('agentA'));
    expect((others.body.tasks as Array<{ applicationNo: string }>).map((t) => t.applicationNo)).not.toContain(no);
    const notTheirs = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${fieldCheck.id}/result`)
      .set(as('agentA'))
      .send({ result: 'confirmed', note: '实地走访' });
    expect(notTheirs.status).toBe(403);
    expect((await request(api.base).get(`/applications/${no}`).set(as('outsider'))).status).toBe(403);
    const reported = await request(api.base)
      .post(`/applications/${no}/verification/tasks/${fieldCheck.id}/result`)
      .set(as('outsider'))
      .send({ result: 'confirmed', note: '实地走访，家庭收入情况属实' });
    expect(reported.status).toBe(200);
    expect(reported.body.status).toBe('verified');
  });
});
