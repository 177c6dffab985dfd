/**
 * The hotline over real HTTP (S-2.4–S-2.7): a call registered by the telephony system, claimed and answered by a
 * duty officer, transferred into an application (S-2.7) that the rotation then gives to that officer with the turn
 * kept (S-2.9(d)). Agency 新昌 (XC), with a pool member of this run's own.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import {
  applicationWorkflowId,
  hotlineCallWorkflowId,
  type ApplicationInput,
  type ApplicationState,
} from '../../domain/definitions';
import { eventually, startApi, trainForDuty } from '../support/api-harness';
import { residentIdNumber, testCodec, TEST_STATUS_SECRET, tokenFor } from '../support/context';
import { statusCode } from '../../api/status-code';

let api: Awaited<ReturnType<typeof startApi>>;
const run = randomUUID().slice(0, 6);
const officer = `xc-duty-${run}`;
const as = async (userId: string, roles: Role[], agency = 'XC') => ({
  Authorization: `Bearer ${await tokenFor(userId, roles, agency)}`,
});

beforeAll(async () => {
  api = await startApi();
  // The officer is also a pool member (duty lawyers staff the hotline, S-2.9(d)).
  await api.prisma.poolInstitution.create({
    data: { id: `xc-${run}`, agencyCode: 'XC', name: '新昌测试所', listOrder: 5000 + Math.floor(Math.random() * 1e6) },
  });
  await api.prisma.poolMember.create({ data: { id: officer, institutionId: `xc-${run}`, dutyLawyer: true } });
});
afterAll(() => api?.close());

test('S-2.4 S-2.7 S-2.9(d) a call answered and transferred into an application, which the rotation gives to the officer, turn kept', async () => {
  const telephony = await as('pbx-xc', ['telephony']);
  const duty = await as(officer, ['hotline_officer']);
  const staff = await as('staff-xc', ['agency_staff']);

  const key = `call-${run}`;
  const registered = await request(api.base)
    .post('/hotline/calls')
    .set(telephony)
    .set('Idempotency-Key', key)
    .send({ agencyCode: 'XC', channel: 'phone' });
  expect(registered.status).toBe(201);
  const { callId } = registered.body as { callId: string };
  const again = await request(api.base)
    .post('/hotline/calls')
    .set(telephony)
    .set('Idempotency-Key', key)
    .send({ agencyCode: 'XC', channel: 'phone' });
  expect(again.status).toBe(200); // the same call, not a second one
  expect(again.body.callId).toBe(callId);
  const otherAgency = await request(api.base)
    .post(`/hotline/calls/${callId}/claim`)
    .set(await as('duty-yc', ['hotline_officer'], 'YC'));
  expect(otherAgency.status).toBe(403);

  const pool = await eventually(
    () => request(api.base).get('/hotline/calls?status=waiting').set(duty),
    (r) => (r.body.calls as Array<{ callId: string }>).some((c) => c.callId === callId),
  );
  expect(pool.status).toBe(200);
  // S-2.6: only trained officers take duty.
  const untrained = await request(api.base).post(`/hotline/calls/${callId}/claim`).set(duty);
  expect(untrained.status).toBe(403);
  expect(untrained.body.code).toBe('TRAINING_REQUIRED');
  await trainForDuty(api.prisma, officer);
  expect((await request(api.base).post(`/hotline/calls/${callId}/claim`).set(duty)).status).toBe(200);
  expect((await request(api.base).post(`/hotline/calls/${callId}/answer`).set(duty)).status).toBe(200);

  // S-2.7: the officer files the application for the caller (channel hotline) and records the transfer.
  const filed = await request(api.base)
    .post('/applications')
    .set(duty)
    .set('Idempotency-Key', randomUUID())
    .send({
      agencyCode: 'XC',
      channel: 'hotline',
      applicant: { name: '来电人', idNumber: residentIdNumber('19500101', '222') },
      matter: { category: 'labour_remuneration', summary: '电话咨询后转单' },
      economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
      materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'],
    });
  expect(filed.status).toBe(201);
  const applicationNo = filed.body.applicationNo as string;
  const notHis = await request(api.base)
    .post(`/hotline/calls/${callId}/outcome`)
    .set(duty)
    .send({ kind: 'transferred', note: '转单', applicationNo: 'XC-2026-999999' });
  expect(notHis.status).toBe(422);
  const outcome = await request(api.base)
    .post(`/hotline/calls/${callId}/outcome`)
    .set(duty)
    .send({ kind: 'transferred', note: '已转为法律援助申请', applicationNo });
  expect(outcome.status).toBe(200);
  expect(outcome.body.credit).toEqual({ ordinal: 1, dutyDay: false });
  // The call has ended: a further step is 409 CALL_CLOSED, mapped as every step is (api/steps.ts).
  await eventually(
    () => api.client.workflow.getHandle(hotlineCallWorkflowId(callId)).describe(),
    (d) => d.status.name === 'COMPLETED',
  );
  const late = await request(api.base).post(`/hotline/calls/${callId}/answer`).set(duty);
  expect([late.status, late.body.code]).toEqual([409, 'CALL_CLOSED']);

  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo } }),
    (row) => row?.stage === 'under_review',
  );
  const granted = await request(api.base)
    .post(`/applications/${applicationNo}/decision`)
    .set(await as('head-xc', ['agency_head']))
    .send({ decision: 'grant' });
  expect(granted.status).toBe(200);
  const waiting = await eventually(
    async () =>
      (await request(api.base).get(`/applications/${applicationNo}/state`).set(staff)).body as ApplicationState,
    (s) => s.assignment?.status === 'awaiting_agency',
  );
  expect(waiting.assignment!.needs).toContain('S-2.9(d)');
  const assigned = await request(api.base)
    .post(`/applications/${applicationNo}/assignment`)
    .set(staff)
    .send({ method: 'priority', rule: 'S-2.9(d)', memberId: officer });
  expect(assigned.status).toBe(200);
  expect(assigned.body.slots[0]).toMatchObject({ memberId: officer, rule: 'S-2.9(d)', turn: 'kept' });
  expect((await api.prisma.poolMember.findUnique({ where: { id: officer } }))?.turns).toBe(0);

  const workload = await request(api.base).get('/hotline/duty').set(staff);
  expect(workload.status).toBe(200);
  expect(workload.body.officers).toEqual(
    expect.arrayContaining([expect.objectContaining({ officerId: officer, answeredCalls: 1, towardNextDay: 1 })]),
  );
  expect((await request(api.base).get('/hotline/duty').set(duty)).status).toBe(403);
});

test('S-2.6 duty figures per service institution, and the officer shown to the public by title only', async () => {
  const workload = await request(api.base)
    .get('/hotline/duty')
    .set(await as('staff-xc', ['agency_staff']));
  expect(workload.status).toBe(200);
  const mine = workload.body.officers.find((o: { officerId: string }) => o.officerId === officer);
  expect(mine).toMatchObject({ institutionId: `xc-${run}`, publicTitle: '新昌县公共法律服务中心值班员' });
  expect(workload.body.institutions).toEqual(
    expect.arrayContaining([
      { agencyCode: 'XC', institutionId: `xc-${run}`, answeredCalls: 1, dutyDays: 0, officers: 1 },
    ]),
  );
  const filed = await api.prisma.intakeRequest.findFirstOrThrow({ where: { filedBy: officer } });
  const status = await request(api.base)
    .post('/public/applications/status')
    .send({ applicationNo: filed.applicationNo, code: statusCode(TEST_STATUS_SECRET, filed.applicationNo) });
  expect(status.status).toBe(200);
  expect(status.body.filedBy).toBe('新昌县公共法律服务中心值班员');
  // (The assignment notice names the member who handles the case as its lawyer, S-2.9(d): that is not duty.)
});

test('S-2.5 an officer does not take a call they entered by hand; only the telephony system sets the arrival time', async () => {
  const self = `xc-self-${run}`;
  await trainForDuty(api.prisma, self);
  const officer2 = await as(self, ['hotline_officer']);
  const entered = await request(api.base)
    .post('/hotline/calls')
    .set(officer2)
    .send({ agencyCode: 'XC', channel: 'online', receivedAt: '2020-01-01T00:00:00+08:00' });
  expect(entered.status).toBe(201);
  // The stated time is ignored for people: the call came in now, so it is not overdue since 2020.
  expect(Date.parse(entered.body.dueAt)).toBeGreaterThan(Date.now() - 60_000);
  const own = await request(api.base).post(`/hotline/calls/${entered.body.callId}/claim`).set(officer2);
  expect(own.status).toBe(422);
  expect(own.body.message).toContain('本人登记');
});

/** The assignment hints the case's workflow was started with (decrypted with the test codec). */
async function startedHints(applicationNo: string): Promise<Record<string, unknown> | undefined> {
  const history = await api.client.workflow.getHandle(applicationWorkflowId(applicationNo)).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  const [decoded] = await testCodec.decode(input);
  return (JSON.parse(Buffer.from(decoded!.data!).toString('utf8')) as ApplicationInput).intake?.assignment as
    Record<string, unknown> | undefined;
}

test('S-2.9(d) S-2.7 the officer whose call guided the applicant to the window is linked to the application filed there', async () => {
  const telephony = await as('pbx-xc', ['telephony']);
  const duty = await as(officer, ['hotline_officer']);
  const staff = await as('staff-xc', ['agency_staff']);
  await trainForDuty(api.prisma, officer);
  const registered = await request(api.base)
    .post('/hotline/calls')
    .set(telephony)
    .set('Idempotency-Key', `guided-${run}`)
    .send({ agencyCode: 'XC', channel: 'phone' });
  const { callId } = registered.body as { callId: string };
  await eventually(
    () => request(api.base).post(`/hotline/calls/${callId}/claim`).set(duty),
    (r) => r.status === 200,
  );
  expect((await request(api.base).post(`/hotline/calls/${callId}/answer`).set(duty)).status).toBe(200);
  const guided = await request(api.base)
    .post(`/hotline/calls/${callId}/outcome`)
    .set(duty)
    .send({ kind: 'guided', note: '告知携带身份证明到法律援助中心窗口申请' });
  expect(guided.status).toBe(200);
  await eventually(
    () => api.prisma.hotlineCall.findUnique({ where: { id: callId } }),
    (row) => row?.outcome === 'guided',
  );

  const walkIn = (hotlineCallId: string) =>
    request(api.base)
      .post('/applications')
      .set(staff)
      .set('Idempotency-Key', randomUUID())
      .send({
        agencyCode: 'XC',
        channel: 'walk_in',
        applicant: { name: '来电人', idNumber: residentIdNumber('19520101', '222') },
        matter: { category: 'labour_remuneration', summary: '电话咨询后到窗口申请' },
        economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
        materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'],
        intake: { assignment: { hotlineCallId } },
      });
  const filed = await walkIn(callId);
  expect(filed.status).toBe(201);
  expect(await startedHints(filed.body.applicationNo as string)).toMatchObject({ hotlineOfficerId: officer });

  const unknown = await walkIn(`no-such-call-${run}`);
  expect([unknown.status, unknown.body.code]).toEqual([422, 'HOTLINE_CALL_NOT_LINKABLE']);
  expect(unknown.body.message).toContain('S-2.9(d)');
});
