/**
 * The assignment stage over real HTTP (S-3.3, S-2.9, S-2.10, L-11): who may assign, confirm, report a conflict and
 * grant a replacement, and what the public rotation endpoint then shows. Agency 诸暨 (ZJ), with a pool of its own ids.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { ApplicationState, AssignmentSlot } from '../../domain/definitions';
import type { Role } from '../../api/auth/access';
import { eventually, startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
const run = randomUUID().slice(0, 6);
const inst = (x: string) => `zj-${run}-${x}`;
const as = async (userId: string, roles: Role[], institution?: string) => ({
  Authorization: `Bearer ${await tokenFor(userId, roles, 'ZJ', institution)}`,
});

beforeAll(async () => {
  api = await startApi();
  for (const [i, x] of ['A', 'B'].entries()) {
    await api.prisma.poolInstitution.create({
      data: {
        id: inst(x),
        agencyCode: 'ZJ',
        name: `测试${x}所`,
        listOrder: 1000 + i + Math.floor(Math.random() * 1e6) * 2,
      },
    });
  }
  for (const m of ['a1', 'a2', 'b1']) {
    await api.prisma.poolMember.create({ data: { id: inst(m), institutionId: inst(m[0]!.toUpperCase()) } });
  }
});
afterAll(() => api?.close());

async function grantedCase(): Promise<{ no: string; slot: AssignmentSlot }> {
  const staff = await as('staff-zj', ['agency_staff']);
  const filed = await request(api.base)
    .post('/applications')
    .set(staff)
    .set('Idempotency-Key', randomUUID())
    .send({
      agencyCode: 'ZJ',
      channel: 'walk_in',
      applicant: { name: '赵六', idNumber: residentIdNumber('19500101', '111') },
      matter: { category: 'labour_remuneration', summary: '追索劳动报酬' },
      economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
      materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'],
    });
  expect(filed.status).toBe(201);
  const no = filed.body.applicationNo as string;
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
    (row) => row?.stage === 'under_review',
  );
  const granted = await request(api.base)
    .post(`/applications/${no}/decision`)
    .set(await as('head-zj', ['agency_head']))
    .send({ decision: 'grant' });
  expect(granted.status).toBe(200);
  const state = await eventually(
    async () => (await request(api.base).get(`/applications/${no}/state`).set(staff)).body as ApplicationState,
    (s) => s.assignment?.status === 'awaiting_institution',
  );
  // Who may read the case follows the stored record (S-2.10), written with the pick's notice to the institution:
  // the live state can be a moment ahead of it.
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: no } }),
    (row) => (row?.assignedInstitutionIds ?? []).includes(state.assignment!.slots[0]!.institutionId),
  );
  return { no, slot: state.assignment!.slots[0]! };
}

test('S-2.10 only the assigned institution confirms its member; the confirmed lawyer then reads the case', async () => {
  const { no, slot } = await grantedCase();
  const other = slot.institutionId === inst('A') ? inst('B') : inst('A');
  const wrong = await request(api.base)
    .post(`/applications/${no}/assignment/confirmation`)
    .set(await as('firm-x', ['institution'], other))
    .send({ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId });
  expect(wrong.status).toBe(403);
  // The institution reads the case assigned to it (S-2.10) before it confirms.
  const firm = await as('firm-1', ['institution'], slot.institutionId);
  expect((await request(api.base).get(`/applications/${no}`).set(firm)).status).toBe(200);
  const bad = await request(api.base)
    .post(`/applications/${no}/assignment/confirmation`)
    .set(firm)
    .send({ ledgerSeq: 'one', memberId: slot.proposedMemberId });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('VALIDATION_FAILED');
  const lawyer = await as(slot.proposedMemberId, ['lawyer']);
  expect((await request(api.base).get(`/applications/${no}`).set(lawyer)).status).toBe(403); // not before confirmation
  const ok = await request(api.base)
    .post(`/applications/${no}/assignment/confirmation`)
    .set(firm)
    .set('Idempotency-Key', `c-${no}`)
    .send({ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId });
  expect(ok.status).toBe(200);
  expect(ok.body.status).toBe('assigned');
  const repeat = await request(api.base)
    .post(`/applications/${no}/assignment/confirmation`)
    .set(firm)
    .set('Idempotency-Key', `c-${no}`)
    .send({ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId });
  expect(repeat.status).toBe(200); // the same answer, no second effect
  await eventually(
    () => request(api.base).get(`/applications/${no}`).set(lawyer),
    (r) => r.status === 200,
  );
  const listed = await request(api.base).get('/applications').set(lawyer);
  expect(listed.body.applications.map((a: { applicationNo: string }) => a.applicationNo)).toContain(no);
});

test('S-2.10 a lawyer reports only their own conflict; the case is reassigned and the public ledger says why', async () => {
  const { no, slot } = await grantedCase();
  const firm = await as('firm-1', ['institution'], slot.institutionId);
  await request(api.base)
    .post(`/applications/${no}/assignment/confirmation`)
    .set(firm)
    .send({ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId })
    .expect(200);
  const someoneElse = await request(api.base)
    .post(`/applications/${no}/assignment/conflict`)
    .set(await as('lawyer-other', ['lawyer']))
    .send({ memberId: slot.proposedMemberId, reason: '冲突' });
  expect([403, 404]).toContain(someoneElse.status); // the other lawyer cannot even see the case
  const lawyer = await as(slot.proposedMemberId, ['lawyer']);
  await eventually(
    () => request(api.base).get(`/applications/${no}`).set(lawyer),
    (r) => r.status === 200,
  );
  const noReason = await request(api.base)
    .post(`/applications/${no}/assignment/conflict`)
    .set(lawyer)
    .send({ memberId: slot.proposedMemberId, reason: '' });
  expect(noReason.status).toBe(400);
  const reported = await request(api.base)
    .post(`/applications/${no}/assignment/conflict`)
    .set(lawyer)
    .send({ memberId: slot.proposedMemberId, reason: '曾为对方当事人提供法律咨询' });
  expect(reported.status).toBe(200);
  expect(reported.body.slots.at(-1).proposedMemberId).not.toBe(slot.proposedMemberId);
  const pub = await request(api.base).get('/public/rotation/ZJ');
  const release = (
    pub.body.ledger as Array<{ applicationNo: string; rule: string; reason: string; releasedTurn: string }>
  ).find((e) => e.applicationNo === no && e.rule === 'S-2.10');
  expect(release).toMatchObject({ releasedTurn: 'refunded' });
  expect(release!.reason).toContain('曾为对方当事人提供法律咨询');
});

test('S-2.9(f) only the agency head assigns after a collective discussion; L-11 replacement is for agency staff', async () => {
  const { no, slot } = await grantedCase();
  const staff = await as('staff-zj', ['agency_staff']);
  const discussion = await request(api.base)
    .post(`/applications/${no}/assignment`)
    .set(staff)
    .send({ method: 'discussion', memberId: inst('b1'), discussionRecord: '纪要' });
  expect(discussion.status).toBe(403);
  const missing = await request(api.base)
    .post(`/applications/${no}/assignment`)
    .set(await as('head-zj', ['agency_head']))
    .send({ method: 'priority', memberId: inst('b1') });
  expect(missing.status).toBe(400);
  expect(missing.body.message).toContain('S-2.9');
  // Not waiting for the agency (the institution has the case): refused with the reason.
  const notNow = await request(api.base).post(`/applications/${no}/assignment`).set(staff).send({ method: 'rotation' });
  expect(notNow.status).toBe(422);
  expect(notNow.body.code).toBe('INVALID_TRANSITION');
  const lawyer = await as(slot.proposedMemberId, ['lawyer']);
  expect(
    (
      await request(api.base)
        .post(`/applications/${no}/assignment/replacement`)
        .set(lawyer)
        .send({ memberId: slot.proposedMemberId, reason: '更换' })
    ).status,
  ).toBe(403);
  const unconfirmed = await request(api.base)
    .post(`/applications/${no}/assignment/replacement`)
    .set(staff)
    .send({ memberId: slot.proposedMemberId, reason: '受援人申请更换' });
  expect(unconfirmed.status).toBe(422); // L-11 replaces a confirmed member only
});
