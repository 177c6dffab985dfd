/**
 * S-2.8 personnel pool over real HTTP: recruitment, recommendation, confirmation, removals, re-admission, the rotation
 * skipping removed members, idempotent requests, access per agency and institution. Agency 诸暨 (ZJ) is this file's.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { issueToken } from '../../api/auth/tokens';
import { poolImpactWorkflowId } from '../../domain/definitions';
import { eventually, startApi } from '../support/api-harness';
import { STANDARDS_KNOWN, TEST_AUTH, testApplicationNo, tokenFor } from '../support/context';
import { createRotationPicker } from '../support/rotation';

let api: Awaited<ReturnType<typeof startApi>>;
let rotation: ReturnType<typeof createRotationPicker>;
const run = randomUUID().slice(0, 8);
const instA = `zj-firm-a-${run}`;
const instB = `zj-office-b-${run}`;
const auth: Record<string, string> = {};
const as = (who: string) => ({ Authorization: `Bearer ${auth[who]}` });
let seq = 0;
const newMemberId = () => `zj-${run}-${++seq}`;

beforeAll(async () => {
  api = await startApi();
  rotation = createRotationPicker({ prisma: api.prisma });
  auth.staff = await tokenFor('staff-zj', ['agency_staff'], 'ZJ');
  auth.head = await tokenFor('head-zj', ['agency_head'], 'ZJ');
  auth.otherStaff = await tokenFor('staff-yc', ['agency_staff'], 'YC');
  auth.city = await tokenFor('city-1', ['city_centre'], 'SX');
  auth.lawyer = await tokenFor('lawyer-zj', ['lawyer'], 'ZJ');
  auth.firmA = await issueToken(TEST_AUTH, {
    userId: 'firm-a-admin',
    roles: ['institution'],
    agency: 'ZJ',
    institution: instA,
  });
  for (const [id, kind] of [
    [instA, 'law_firm'],
    [instB, 'grassroots_office'],
  ] as const) {
    const res = await request(api.base)
      .post('/pool/institutions')
      .set(as('staff'))
      .send({ id, agencyCode: 'ZJ', name: `机构 ${id}`, kind });
    expect(res.status).toBe(201);
  }
});
afterAll(() => api?.close());

const post = (path: string, who: string, body: object, key?: string) => {
  const req = request(api.base).post(path).set(as(who));
  return (key ? req.set('Idempotency-Key', key) : req).send(body);
};

async function recruited(institutionId = instA, who = 'staff'): Promise<string> {
  const memberId = newMemberId();
  const res = await post('/pool/members', who, {
    memberId,
    institutionId,
    entryRoute: 'recruitment',
    specialties: ['劳动争议'],
    practiceYears: 6,
  });
  expect(res.status).toBe(201);
  return memberId;
}

async function activeMember(institutionId = instA): Promise<string> {
  const memberId = await recruited(institutionId);
  const res = await post(`/pool/members/${memberId}/confirmation`, 'head', { standards: STANDARDS_KNOWN });
  expect(res.status).toBe(200);
  return memberId;
}

const eventKinds = async (memberId: string) =>
  (await api.prisma.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } })).map((e) => e.kind);

async function picks(n: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      rotation.assignByRotation({
        agencyCode: 'ZJ',
        applicationNo: testApplicationNo(),
        purpose: 'assignment',
        request: {},
      }),
    ),
  );
}

describe('S-2.8 institutions and entry into the pool', () => {
  test('S-2.9 institutions are listed in order; registering one again is answered, not duplicated', async () => {
    const again = await request(api.base)
      .post('/pool/institutions')
      .set(as('staff'))
      .send({ id: instA, agencyCode: 'ZJ', name: `机构 ${instA}`, kind: 'law_firm' });
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    const list = await request(api.base).get('/pool/institutions?agencyCode=ZJ').set(as('staff'));
    expect(list.status).toBe(200);
    const ours = (list.body.institutions as Array<{ id: string; kind: string }>).filter((i) => i.id.includes(run));
    expect(ours.map((i) => i.id)).toEqual([instA, instB]);
    const otherAgency = await request(api.base)
      .post('/pool/institutions')
      .set(as('otherStaff'))
      .send({ id: `x-${run}`, agencyCode: 'ZJ', name: '别的机构' });
    expect(otherAgency.status).toBe(403);
  });

  test('S-2.8 open recruitment: pending, then the agency confirms, recording 熟知标准 (a training or an attestation): active', async () => {
    const memberId = newMemberId();
    const res = await post(
      '/pool/members',
      'staff',
      { memberId, institutionId: instA, entryRoute: 'recruitment', criminalDefenceYears: 4, dutyLawyer: true },
      `recruit-${memberId}`,
    );
    expect(res.status).toBe(201);
    expect(res.body.member).toMatchObject({ id: memberId, status: 'pending', entryRoute: 'recruitment' });
    expect(res.body.event).toMatchObject({ kind: 'recruited', actor: 'staff-zj' });

    const confirmed = await post(`/pool/members/${memberId}/confirmation`, 'head', { reason: '审核通过' });
    // S-2.8 熟知标准: a confirmation records how the agency knows the member knows the standards.
    expect(confirmed.status).toBe(400);
    expect(JSON.stringify(confirmed.body)).toContain('standards');
    const withStandards = await post(`/pool/members/${memberId}/confirmation`, 'head', {
      reason: '审核通过',
      standards: { basis: 'attestation', date: '2026-11-30', reference: '承诺书存档 2026-017' },
    });
    expect(withStandards.status).toBe(200);
    expect(withStandards.body.member).toMatchObject({ status: 'active', statusLabel: '在库' });
    expect(withStandards.body.event).toMatchObject({
      kind: 'confirmed',
      standards: { basis: 'attestation', date: '2026-11-30', reference: '承诺书存档 2026-017' },
      reason: '审核通过；书面承诺已熟知法律援助办案标准（2026-11-30，承诺书存档 2026-017）',
    });

    const read = await request(api.base).get(`/pool/members/${memberId}`).set(as('staff'));
    expect(read.status).toBe(200);
    expect(read.body.events.map((e: { kind: string }) => e.kind)).toEqual(['recruited', 'confirmed']);
    expect(read.body.member.statusEventId).toBe(read.body.events[1].id);

    const twice = await post(`/pool/members/${memberId}/confirmation`, 'head', { standards: STANDARDS_KNOWN });
    expect(twice.status).toBe(422);
    expect(twice.body.code).toBe('POOL_MEMBER_NOT_PENDING');
    expect(twice.body.message).toBe('只有待确认的人员可以确认入库');

    const duplicate = await post('/pool/members', 'staff', {
      memberId,
      institutionId: instA,
      entryRoute: 'recruitment',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('POOL_MEMBER_EXISTS');
  });

  test('S-2.8 an institution recommends members for itself only; the agency confirms them', async () => {
    const memberId = newMemberId();
    const own = await post('/pool/members', 'firmA', { memberId, institutionId: instA, entryRoute: 'recommendation' });
    expect(own.status).toBe(201);
    expect(own.body.member).toMatchObject({ status: 'pending', entryRoute: 'recommendation' });
    expect(own.body.event.kind).toBe('recommended');

    const forOther = await post('/pool/members', 'firmA', {
      memberId: newMemberId(),
      institutionId: instB,
      entryRoute: 'recommendation',
    });
    expect(forOther.status).toBe(403);
    const recruitment = await post('/pool/members', 'firmA', {
      memberId: newMemberId(),
      institutionId: instA,
      entryRoute: 'recruitment',
    });
    expect(recruitment.status).toBe(403);
    expect((await post(`/pool/members/${memberId}/confirmation`, 'firmA', { standards: STANDARDS_KNOWN })).status).toBe(
      403,
    );

    // The institution reads its own members, not another institution's.
    const bMember = await recruited(instB);
    expect((await request(api.base).get(`/pool/members/${memberId}`).set(as('firmA'))).status).toBe(200);
    expect((await request(api.base).get(`/pool/members/${bMember}`).set(as('firmA'))).status).toBe(403);
    const list = await request(api.base).get('/pool/members').set(as('firmA'));
    expect(list.status).toBe(200);
    const ids = (list.body.members as Array<{ id: string; institutionId: string }>).map((m) => m.institutionId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([instA]));

    expect(
      (await post(`/pool/members/${memberId}/confirmation`, 'staff', { standards: STANDARDS_KNOWN })).body.member
        .status,
    ).toBe('active');
  });

  test('S-2.8 other agencies get 403, unknown members 404, bad input 400, other roles 403', async () => {
    const memberId = await activeMember();
    const other = await post(`/pool/members/${memberId}/removal`, 'otherStaff', { kind: 'score', reason: '评分低' });
    expect(other.status).toBe(403);
    expect((await request(api.base).get(`/pool/members/${memberId}`).set(as('otherStaff'))).status).toBe(403);
    expect((await request(api.base).get('/pool/members?agencyCode=ZJ').set(as('otherStaff'))).status).toBe(403);
    expect((await request(api.base).get(`/pool/members/${memberId}`).set(as('city'))).status).toBe(200);
    expect((await request(api.base).get(`/pool/members/${memberId}`).set(as('lawyer'))).status).toBe(403);

    const unknown = await post(`/pool/members/nobody-${run}/confirmation`, 'staff', { standards: STANDARDS_KNOWN });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('POOL_MEMBER_NOT_FOUND');
    const noInstitution = await post('/pool/members', 'staff', {
      memberId: newMemberId(),
      institutionId: `none-${run}`,
      entryRoute: 'recruitment',
    });
    expect(noInstitution.status).toBe(404);
    expect(noInstitution.body.code).toBe('POOL_INSTITUTION_NOT_FOUND');

    const noPeriod = await post(`/pool/members/${memberId}/removal`, 'staff', { kind: 'penalty', reason: '行政处罚' });
    expect(noPeriod.status).toBe(400);
    expect(noPeriod.body.code).toBe('VALIDATION_FAILED');
    expect(noPeriod.body.message).toContain('影响期');
    const past = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'assessment',
      reason: '年度考核不合格',
      impactUntil: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.status).toBe(400);
    const highScore = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'score',
      reason: '评分',
      score: 70,
    });
    expect(highScore.status).toBe(400);
    const unknownField = await post(`/pool/members/${memberId}/re-review`, 'staff', { reason: '复核', extra: 1 });
    expect(unknownField.status).toBe(400);
    // None of the refused requests wrote anything.
    expect(await eventKinds(memberId)).toEqual(['recruited', 'confirmed']);
  });
});

describe('S-2.8(a) removal for a score <= 65 and re-admission', () => {
  test('S-2.8(a) removed at once and skipped by the rotation; back only after BOTH re-review and training', async () => {
    const memberId = await activeMember(instA);
    await activeMember(instB);
    // Their place in the round comes first (the agency's pool is shared by this file's tests), so the picks meet it.
    await api.prisma.poolMember.update({ where: { id: memberId }, data: { turns: 0 } });
    const removal = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'score',
      reason: '案件质量评估较大质量问题',
      applicationNo: 'ZJ-2026-000017',
      score: 62,
    });
    expect(removal.status).toBe(200);
    expect(removal.body.member).toMatchObject({ status: 'removed', removalKind: 'score', impactUntil: null });
    expect(removal.body.event).toMatchObject({
      kind: 'removed',
      removalKind: 'score',
      applicationNo: 'ZJ-2026-000017',
    });
    expect(removal.body.impactTimer).toBeNull();

    const skippedWhileRemoved = async () => {
      const results = await picks(6);
      expect(results.every((r) => r.chosen !== memberId)).toBe(true);
      expect(results.some((r) => r.skipped.some((s) => s.memberId === memberId && s.reason.includes('S-2.8')))).toBe(
        true,
      );
    };
    await skippedWhileRemoved();

    // Re-review alone is not enough.
    const reviewed = await post(`/pool/members/${memberId}/re-review`, 'head', { reason: '重新审核资格、专长和经历' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.member.status).toBe('removed');
    const again = await post(`/pool/members/${memberId}/re-review`, 'head', { reason: '再次审核' });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('POOL_ALREADY_RE_REVIEWED');
    await skippedWhileRemoved();

    const trained = await post(`/pool/members/${memberId}/training`, 'staff', { reason: '参加办案标准培训并考核合格' });
    expect(trained.status).toBe(200);
    expect(trained.body.member).toMatchObject({ status: 'active', removalKind: null });
    expect(trained.body.events.map((e: { kind: string }) => e.kind)).toEqual(['training_confirmed', 'readmitted']);
    expect(await eventKinds(memberId)).toEqual([
      'recruited',
      'confirmed',
      'removed',
      're_reviewed',
      'training_confirmed',
      'readmitted',
    ]);
    const after = await picks(12);
    expect(after.some((r) => r.chosen === memberId)).toBe(true);
  });

  test('S-2.8(a) training alone is not enough either (either order)', async () => {
    const memberId = await activeMember(instB);
    await post(`/pool/members/${memberId}/removal`, 'staff', { kind: 'score', reason: '评分 60 分', score: 60 });
    const trained = await post(`/pool/members/${memberId}/training`, 'staff', { reason: '培训合格' });
    expect(trained.body.member.status).toBe('removed');
    const reviewed = await post(`/pool/members/${memberId}/re-review`, 'staff', { reason: '重新审核通过' });
    expect(reviewed.body.member.status).toBe('active');
  });

  test('S-2.8 a repeated request (same key) writes one event; the key for another action is refused', async () => {
    const memberId = await activeMember();
    const key = `removal-${randomUUID()}`;
    const body = { kind: 'score', reason: '评分 65 分', score: 65, applicationNo: 'ZJ-2026-000018' };
    const answers = await Promise.all(
      [1, 2, 3].map(() => post(`/pool/members/${memberId}/removal`, 'staff', body, key)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.event.id)).size).toBe(1);
    expect(answers.filter((a) => a.body.replayed === true)).toHaveLength(2);
    expect((await eventKinds(memberId)).filter((k) => k === 'removed')).toHaveLength(1);
    // The same key in the body works like the header.
    const viaBody = await post(`/pool/members/${memberId}/removal`, 'staff', { ...body, requestId: key });
    expect(viaBody.body).toMatchObject({ replayed: true, event: { id: answers[0]!.body.event.id } });

    const reused = await post(`/pool/members/${memberId}/re-review`, 'staff', { reason: '审核' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys are per user: another person's same key is another request.
    const otherUser = await post(`/pool/members/${memberId}/re-review`, 'head', { reason: '审核' }, key);
    expect(otherUser.status).toBe(200);

    const audited = await eventually(
      () => api.prisma.auditEvent.findMany({ where: { targetId: memberId, action: 'pool.manage' } }),
      (rows) => rows.length >= 7,
    );
    expect(audited.map((r) => r.outcome).sort()).toEqual([200, 200, 200, 200, 200, 200, 422]);
  });
});

describe('S-2.8(b) suspension for an impact period', () => {
  test('S-2.8(b) a penalty suspends the member and starts the impact timer workflow', async () => {
    const memberId = await activeMember();
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const res = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'penalty',
      reason: '因执业违法受到行政处罚',
      impactUntil: until,
    });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ status: 'suspended', removalKind: 'penalty', impactUntil: until });
    expect(res.body.event).toMatchObject({ kind: 'removed', removalKind: 'penalty', effectiveUntil: until });
    expect(res.body.impactTimer).toEqual({ workflowId: poolImpactWorkflowId(res.body.event.id), until });
    expect(res.body.impactTimer.workflowId).not.toContain(memberId);

    const described = await api.client.workflow.getHandle(res.body.impactTimer.workflowId).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('poolImpactWorkflow');
    expect((await picks(6)).every((r) => r.chosen !== memberId)).toBe(true);

    const list = await request(api.base).get('/pool/members?agencyCode=ZJ&status=suspended').set(as('head'));
    expect(list.body.members.map((m: { id: string }) => m.id)).toContain(memberId);
    expect(list.body.members.every((m: { status: string }) => m.status === 'suspended')).toBe(true);

    // S-2.8(a) steps do not apply to a suspension.
    const training = await post(`/pool/members/${memberId}/training`, 'staff', { reason: '培训' });
    expect(training.status).toBe(422);
    expect(training.body.code).toBe('POOL_MEMBER_NOT_REMOVED');
  });

  test('S-2.8(a) during a (b) suspension: re-admitted before the period ends -> suspended again, with a new timer', async () => {
    const memberId = await activeMember();
    const until = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const suspended = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'assessment',
      reason: '年度考核不合格',
      impactUntil: until,
    });
    const removed = await post(`/pool/members/${memberId}/removal`, 'staff', {
      kind: 'score',
      reason: '案件评分 50 分',
      score: 50,
    });
    expect(removed.body.member).toMatchObject({ status: 'removed', removalKind: 'score', impactUntil: until });
    expect(removed.body.impactTimer).toBeNull();
    await post(`/pool/members/${memberId}/re-review`, 'staff', { reason: '重新审核通过' });
    const back = await post(`/pool/members/${memberId}/training`, 'staff', { reason: '培训合格' });
    expect(back.status).toBe(200);
    expect(back.body.member).toMatchObject({ status: 'suspended', removalKind: 'assessment', impactUntil: until });
    const readmitted = back.body.events[1];
    expect(readmitted).toMatchObject({ kind: 'readmitted', effectiveUntil: until });
    expect(back.body.impactTimer).toEqual({ workflowId: poolImpactWorkflowId(readmitted.id), until });
    expect(back.body.impactTimer.workflowId).not.toBe(suspended.body.impactTimer.workflowId);
    const described = await api.client.workflow.getHandle(back.body.impactTimer.workflowId).describe();
    expect(described.status.name).toBe('RUNNING');
  });
});

describe('S-2.9(g) province- and city-level excellent ratings', () => {
  test("S-2.9(g) a member's and an institution's ratings are recorded (dated, audited, idempotent) and counted", async () => {
    const memberId = await activeMember(instB);
    const key = `rating-${randomUUID()}`;
    const body = {
      subject: { kind: 'member', id: memberId },
      level: 'province',
      ratedOn: '2026-03-01',
      basis: '浙司〔2026〕12号',
    };
    const first = await post('/pool/excellent-ratings', 'staff', body, key);
    expect(first.status).toBe(201);
    expect(first.body.rating).toMatchObject({
      subjectKind: 'member',
      memberId,
      institutionId: instB,
      agencyCode: 'ZJ',
      level: 'province',
      levelLabel: '省级',
      ratedOn: '2026-03-01',
      recordedBy: 'staff-zj',
    });
    const again = await post('/pool/excellent-ratings', 'staff', body, key);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ replayed: true, rating: { id: first.body.rating.id } });
    const inst = await post('/pool/excellent-ratings', 'city', {
      subject: { kind: 'institution', id: instB },
      level: 'city',
      ratedOn: '2026-04-01',
      basis: '绍司〔2026〕3号',
    });
    expect(inst.status).toBe(201);
    expect(inst.body.rating).toMatchObject({ subjectKind: 'institution', memberId: null, institutionId: instB });

    const member = await request(api.base).get(`/pool/members/${memberId}`).set(as('staff'));
    expect(member.body.member.excellentRatings).toBe(1); // the repeat was not counted
    const institutions = await request(api.base).get('/pool/institutions?agencyCode=ZJ').set(as('staff'));
    expect(institutions.body.institutions.find((i: { id: string }) => i.id === instB).excellentRatings).toBe(1);
    const listed = await request(api.base).get(`/pool/excellent-ratings?institutionId=${instB}`).set(as('staff'));
    expect(listed.body.ratings.map((r: { subjectKind: string }) => r.subjectKind)).toEqual(['institution', 'member']);
    const audited = await api.prisma.auditEvent.findMany({
      where: { targetType: 'excellent_rating', targetId: memberId },
    });
    expect(audited.map((a) => a.outcome)).toEqual([201, 200]);
  });

  test('S-2.9(g) refusals: another agency 403, unknown subject 404, bad level or date 400', async () => {
    const memberId = await activeMember();
    const body = {
      subject: { kind: 'member', id: memberId },
      level: 'city',
      ratedOn: '2026-03-01',
      basis: '绍司〔2026〕1号',
    };
    expect((await post('/pool/excellent-ratings', 'otherStaff', body)).status).toBe(403);
    expect((await post('/pool/excellent-ratings', 'lawyer', body)).status).toBe(403);
    const unknown = await post('/pool/excellent-ratings', 'staff', {
      ...body,
      subject: { kind: 'member', id: 'nobody-x' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'POOL_MEMBER_NOT_FOUND']);
    const level = await post('/pool/excellent-ratings', 'staff', { ...body, level: 'county' });
    expect([level.status, level.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await post('/pool/excellent-ratings', 'staff', { ...body, ratedOn: '2026-13-01' })).status).toBe(400);
    expect((await post('/pool/excellent-ratings', 'staff', { ...body, basis: ' ' })).status).toBe(400);
    const row = await api.prisma.poolMember.findUniqueOrThrow({ where: { id: memberId } });
    expect(row.excellentRatings).toBe(0);
  });
});
