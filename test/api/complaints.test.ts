/**
 * Complaints over real HTTP (L-13): intake (idempotent, anonymous rules, own case only), every handling step, the
 * figures, and the complainant's lookup by code. Agency 嵊州 (SZ), with a pool member of this run's own.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { eventually, startApi, trainForDuty } from '../support/api-harness';
import { tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
const run = randomUUID().slice(0, 6);
const member = `sz-m-${run}`;
const institution = `sz-${run}`;
const as = async (userId: string, roles: Role[], agency: string | undefined = 'SZ', inst?: string) => ({
  Authorization: `Bearer ${await tokenFor(userId, roles, agency, inst)}`,
});

beforeAll(async () => {
  api = await startApi();
  await api.prisma.poolInstitution.create({
    data: { id: institution, agencyCode: 'SZ', name: '嵊州测试所', listOrder: 7000 + Math.floor(Math.random() * 1e6) },
  });
  await api.prisma.poolMember.create({ data: { id: member, institutionId: institution } });
});
afterAll(() => api?.close());

const complaint = (overrides: Record<string, unknown> = {}) => ({
  agencyCode: 'SZ',
  complainantKind: 'witness',
  complainant: { name: '王五', phone: '13800000000' },
  respondentKind: 'member',
  respondentId: member,
  ground: 'unauthorized_fees',
  facts: '2026年11月3日在法院门口看见该律师向受援人收取现金两千元。',
  request: '查处并退还财物',
  ...overrides,
});

async function fileAs(headers: Record<string, string>, body = complaint(), key = randomUUID()) {
  return request(api.base).post('/complaints').set(headers).set('Idempotency-Key', key).send(body);
}

test('L-13 intake at the window: 201 with a lookup code and the 5-working-day deadline; the same key again is the same complaint; another body with it is refused', async () => {
  const staff = await as('sz-staff-1', ['agency_staff']);
  const key = randomUUID();
  const first = await fileAs(staff, complaint(), key);
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ status: 'received', complaintId: expect.stringMatching(/^TS-/) });
  const again = await fileAs(staff, complaint(), key);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  const reused = await fileAs(staff, complaint({ request: '另一请求' }), key);
  expect(reused.status).toBe(422);
  expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  const row = await api.prisma.complaint.findUniqueOrThrow({ where: { id: first.body.complaintId } });
  expect(row).toMatchObject({ channel: 'window', respondentKind: 'member', institutionId: institution });
});

test('L-13 refusals at intake: an anonymous complaint without concrete facts, an unknown respondent, a key missing', async () => {
  const staff = await as('sz-staff-1', ['agency_staff']);
  const vague = await fileAs(staff, complaint({ anonymous: true, complainant: undefined, facts: '律师不负责' }));
  expect(vague.status).toBe(422);
  expect(vague.body.code).toBe('COMPLAINT_ANONYMOUS_FACTS');
  const nobody = await fileAs(staff, complaint({ respondentId: 'no-such-member' }));
  expect(nobody.status).toBe(422);
  expect(nobody.body.code).toBe('COMPLAINT_RESPONDENT_NOT_FOUND');
  const noKey = await request(api.base).post('/complaints').set(staff).send(complaint());
  expect(noKey.status).toBe(400);
  const party = await fileAs(staff, complaint({ complainantKind: 'aided_person' }));
  expect(party.status).toBe(422);
  expect(party.body.code).toBe('COMPLAINT_CASE_REQUIRED');
});

test('L-13 the whole path over HTTP: accept, handler, investigation, the member answers, extension, decision, notice; figures and the lookup', async () => {
  const staff = await as('sz-staff-2', ['agency_staff']);
  const head = await as('sz-head', ['agency_head']);
  const lawyer = await as(member, ['lawyer']);
  const filed = await fileAs(staff);
  const id = filed.body.complaintId as string;
  const code = filed.body.statusCode as string;
  const post = (path: string, headers: Record<string, string>, body: object = {}) =>
    request(api.base).post(`/complaints/${id}${path}`).set(headers).send(body);

  expect((await post('/acceptance', staff, { accepted: true })).body.status).toBe('handling');
  // The member complained about may not handle it (a lawyer has no handling role at all).
  expect((await post('/handler', lawyer, { handlerId: member, handlerRole: 'agency_staff' })).status).toBe(403);
  const assigned = await post('/handler', staff, { handlerId: 'sz-staff-2', handlerRole: 'agency_staff' });
  expect(assigned.body.handler).toMatchObject({ id: 'sz-staff-2' });
  const noted = await post('/investigation', staff, { kind: 'document', summary: '调取案卷，查阅收费凭证' });
  expect(noted.body.investigation).toHaveLength(1);
  const answered = await post('/answer', lawyer, { summary: '所收为代垫的鉴定费，有收据' });
  expect(answered.status).toBe(200);
  expect(answered.body.response).toMatchObject({ by: member });
  // Staff may not approve the extension; the head may, once.
  expect((await post('/extension', staff, { days: 30, reason: '需调取银行流水' })).status).toBe(403);
  const extended = await post('/extension', head, { days: 30, reason: '需调取银行流水' });
  expect(extended.body.extension).toMatchObject({ days: 30, approvedBy: 'sz-head' });
  expect((await post('/extension', head, { days: 5, reason: '再延' })).status).toBe(422);
  const decided = await post('/decision', staff, {
    outcome: 'partly',
    measures: ['interview', 'correction'],
    reason: '收取鉴定费未开具正式票据，属部分属实',
  });
  expect(decided.body).toMatchObject({ status: 'decided', decision: { outcome: 'partly' } });
  const closed = await post('/notification', staff);
  expect(closed.body.status).toBe('closed');
  // Closed: refused while the workflow settles (422), or answered 409 once it has ended.
  expect([409, 422]).toContain((await post('/withdrawal', staff, { reason: '不再投诉' })).status);

  const read = await request(api.base).get(`/complaints/${id}`).set(head);
  expect(read.body.status).toBe('closed');
  const other = await request(api.base)
    .get(`/complaints/${id}`)
    .set(await as('yc-staff', ['agency_staff'], 'YC'));
  expect(other.status).toBe(403);

  const list = await request(api.base).get('/complaints').set(staff);
  expect(list.body.complaints.map((c: { complaintId: string }) => c.complaintId)).toContain(id);

  await eventually(
    () => api.prisma.complaint.findUniqueOrThrow({ where: { id } }),
    (r) => r.status === 'closed',
  );
  const lookup = await request(api.base).post('/public/complaints/status').send({ complaintId: id, code });
  expect(lookup.status).toBe(200);
  expect(lookup.body).toMatchObject({ status: 'closed', outcome: '投诉部分属实' });
  expect(lookup.body.notices.map((n: { text: string }) => n.text).join('\n')).toContain('已办结');
  expect(JSON.stringify(lookup.body)).not.toContain('王五');
  const wrong = await request(api.base).post('/public/complaints/status').send({ complaintId: id, code: 'AAAAAAAA' });
  expect(wrong.status).toBe(404);

  const figures = await request(api.base).get('/complaints/figures?agencyCode=SZ').set(head);
  expect(figures.status).toBe(200);
  expect(figures.body.byOutcome).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'partly' })]));
  expect(figures.body.byInstitution).toEqual(expect.arrayContaining([expect.objectContaining({ key: institution })]));
  expect(JSON.stringify(figures.body)).not.toContain('王五');
  // L-15: published as counts only.
  const published = await request(api.base).get('/public/results/SZ');
  expect(published.status).toBe(200);
  expect(published.body.complaints.total).toBeGreaterThanOrEqual(1);
  expect(published.body.complaints.byOutcome).toEqual(
    expect.arrayContaining([expect.objectContaining({ key: 'partly' })]),
  );
  expect(JSON.stringify(published.body.complaints)).not.toContain(member);
});

test('L-13 withdrawn by the complainant who filed online; a refusal gives reasons and is visible to an anonymous complainant by code', async () => {
  const applicant = await as(`sz-app-${run}`, ['applicant'], undefined);
  const staff = await as('sz-staff-3', ['agency_staff']);
  const mine = await fileAs(applicant);
  expect(mine.status).toBe(201);
  const row = await api.prisma.complaint.findUniqueOrThrow({ where: { id: mine.body.complaintId } });
  expect(row.channel).toBe('online');
  const own = await request(api.base).get('/complaints').set(applicant);
  expect(own.body.complaints).toHaveLength(1);
  const withdrawn = await request(api.base)
    .post(`/complaints/${mine.body.complaintId}/withdrawal`)
    .set(applicant)
    .send({ reason: '已与律师沟通解决' });
  expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawal: { reason: '已与律师沟通解决' } });

  const anon = await fileAs(staff, complaint({ anonymous: true, complainant: undefined }));
  const refused = await request(api.base)
    .post(`/complaints/${anon.body.complaintId}/acceptance`)
    .set(staff)
    .send({ accepted: false, reason: '同一事项已在处理中' });
  expect(refused.body.status).toBe('refused');
  const noReason = await request(api.base)
    .post(`/complaints/${anon.body.complaintId}/acceptance`)
    .set(staff)
    .send({ accepted: false });
  expect(noReason.status).toBe(400);
  await eventually(
    () => api.prisma.complaint.findUniqueOrThrow({ where: { id: anon.body.complaintId } }),
    (r) => r.status === 'refused',
  );
  const lookup = await request(api.base)
    .post('/public/complaints/status')
    .send({ complaintId: anon.body.complaintId, code: anon.body.statusCode });
  expect(lookup.body).toMatchObject({ status: 'refused', refusalReason: '同一事项已在处理中' });
});

test('L-13 a complaint about the agency itself is handled by the justice bureau, not the agency', async () => {
  const staff = await as('sz-staff-4', ['agency_staff']);
  const bureau = await as('sz-bureau', ['justice_bureau']);
  const filed = await fileAs(staff, complaint({ respondentKind: 'agency', respondentId: 'SZ', ground: 'refusal' }));
  expect(filed.status).toBe(201);
  const id = filed.body.complaintId as string;
  expect(
    (await request(api.base).post(`/complaints/${id}/acceptance`).set(staff).send({ accepted: true })).status,
  ).toBe(403);
  const accepted = await request(api.base).post(`/complaints/${id}/acceptance`).set(bureau).send({ accepted: true });
  expect(accepted.body.status).toBe('handling');
});

test('L-13 an open complaint is on the stuck-case board: owner, since when, due when', async () => {
  const staff = await as('sz-staff-5', ['agency_staff']);
  const filed = await fileAs(staff);
  const id = filed.body.complaintId as string;
  const board = await eventually(
    async () => (await request(api.base).get('/cases/stuck?agencyCode=SZ&limit=200').set(staff)).body,
    (b: { items?: Array<{ applicationNo: string }> }) => (b.items ?? []).some((i) => i.applicationNo === id),
  );
  const item = board.items!.find((i: { applicationNo: string }) => i.applicationNo === id);
  expect(item).toMatchObject({
    kind: 'complaint_acceptance',
    ownerRole: 'agency',
    ownerId: 'SZ',
    ruleId: 'L-13',
    dueAt: filed.body.acceptDueAt,
    stage: null,
  });
});

test('L-13 S-2.7 a hotline call ends with an outcome of its own: the complaint the officer filed for the caller', async () => {
  const officer = `sz-duty-${run}`;
  await trainForDuty(api.prisma, officer);
  const duty = await as(officer, ['hotline_officer']);
  const telephony = await as('pbx-sz', ['telephony']);
  const call = await request(api.base)
    .post('/hotline/calls')
    .set(telephony)
    .set('Idempotency-Key', `call-${run}`)
    .send({ agencyCode: 'SZ', channel: 'phone' });
  const callId = call.body.callId as string;
  expect((await request(api.base).post(`/hotline/calls/${callId}/claim`).set(duty)).status).toBe(200);
  expect((await request(api.base).post(`/hotline/calls/${callId}/answer`).set(duty)).status).toBe(200);
  const filed = await fileAs(duty);
  expect(filed.status).toBe(201);
  expect((await api.prisma.complaint.findUniqueOrThrow({ where: { id: filed.body.complaintId } })).channel).toBe(
    'hotline',
  );
  const noId = await request(api.base)
    .post(`/hotline/calls/${callId}/outcome`)
    .set(duty)
    .send({ kind: 'complaint', note: '来电投诉承办律师' });
  expect(noId.status).toBe(400);
  const closed = await request(api.base)
    .post(`/hotline/calls/${callId}/outcome`)
    .set(duty)
    .send({ kind: 'complaint', note: '来电投诉承办律师收费', complaintId: filed.body.complaintId });
  expect(closed.status).toBe(200);
  expect(closed.body.outcome).toMatchObject({ kind: 'complaint', complaintId: filed.body.complaintId });
});

test('L-13 intake is idempotent under concurrency: five identical requests at once make one complaint', async () => {
  const staff = await as('sz-staff-6', ['agency_staff']);
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 5 }, () => fileAs(staff, complaint(), key)));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
  expect(new Set(answers.map((a) => a.body.complaintId)).size).toBe(1);
  expect(await api.prisma.complaint.count({ where: { id: answers[0]!.body.complaintId } })).toBe(1);
});
