/**
 * Security baseline: personal data encrypted in Temporal's history, the codec endpoint for the Web UI, the audit
 * trail, the public status lookup, rate limits, and token verification with key rotation.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client } from '@temporalio/client';
import { createTokenVerifier, issueToken } from '../../api/auth/tokens';
import { statusCode } from '../../api/status-code';
import { applicationWorkflowId } from '../../domain/definitions';
import { createApp } from '../../api/app';
import { AesGcmCodec, ENCRYPTED_ENCODING, OWNER_METADATA } from '../../platform/codec';
import { createPrisma } from '../../platform/database';
import { eventually, startApi, testAppDeps } from '../support/api-harness';
import { residentIdNumber, TEST_AUTH, TEST_STATUS_SECRET, testCodec, tokenFor } from '../support/context';
import { createRotationPicker } from '../support/rotation';

type Api = Awaited<ReturnType<typeof startApi>>;
let api: Api;
let staff: string;
let head: string;
let auditor: string;

const applicant = { name: '钱七', idNumber: residentIdNumber('19880808', '321'), phone: '13912345678' };
const payload = (materials: string[] = ['identity_proof']) => ({
  agencyCode: 'ZJ',
  channel: 'walk_in',
  applicant,
  matter: { category: 'work_injury', summary: '工伤赔偿' },
  economicSituation: { householdSize: 3, monthlyHouseholdIncome: 2345.67, commitmentSigned: true },
  materialsSupplied: materials,
  intake: { correctionCommitment: true },
});

async function file(materials?: string[]) {
  const res = await request(api.base)
    .post('/applications')
    .set('Authorization', staff)
    .set('Idempotency-Key', randomUUID())
    .send(payload(materials));
  expect(res.status).toBe(201);
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: res.body.applicationNo } }),
    (row) => row !== null && row.stageSeq >= 2,
  );
  return res.body as { applicationNo: string; statusCode: string };
}

beforeAll(async () => {
  api = await startApi();
  staff = `Bearer ${await tokenFor('staff-zj', ['agency_staff'], 'ZJ')}`;
  head = `Bearer ${await tokenFor('head-zj', ['agency_head'], 'ZJ')}`;
  auditor = `Bearer ${await tokenFor('aud-zj', ['auditor'], 'ZJ')}`;
});
afterAll(() => api?.close());

describe('personal data encrypted in workflow history', () => {
  test('a real history read without the key holds no name, ID number, phone or income; with the key it does', async () => {
    const { applicationNo } = await file();
    // A decision that fails validation puts a failure into history too; and a grant completes the case.
    await request(api.base)
      .post(`/applications/${applicationNo}/materials`)
      .set('Authorization', staff)
      .send({ items: ['economic_statement', 'matter_evidence'] });
    await request(api.base)
      .post(`/applications/${applicationNo}/decision`)
      .set('Authorization', head)
      .send({ decision: 'grant' });
    const workflowId = applicationWorkflowId(applicationNo);

    const keyless = new Client({ connection: api.connection }); // no codec: what Temporal stores
    const raw = JSON.stringify(await keyless.workflow.getHandle(workflowId).fetchHistory());
    for (const secret of [applicant.name, applicant.idNumber, applicant.phone, '2345.67', '工伤赔偿']) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain(Buffer.from(ENCRYPTED_ENCODING).toString('base64'));

    const history = await api.client.workflow.getHandle(workflowId).fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const decoded = await testCodec.decode(input);
    const text = Buffer.from(decoded[0]!.data!).toString('utf8');
    expect(text).toContain(applicant.idNumber);
    expect(text).toContain(applicant.name);
  });

  test('payloads sealed with an older key still decrypt after rotation; a foreign key is refused', async () => {
    const old = new AesGcmCodec({ 'p-2025': Buffer.alloc(32, 5) }, 'p-2025');
    const sealed = await old.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"秘密"') },
    ]);
    const opened = await testCodec.decode(sealed); // testCodec holds p-2026 (current) and p-2025
    expect(Buffer.from(opened[0]!.data!).toString()).toBe('"秘密"');
    const stranger = new AesGcmCodec({ other: Buffer.alloc(32, 9) }, 'other');
    await expect(stranger.decode(sealed)).rejects.toThrow(/no key/);
  });
});

describe('codec endpoint for the Web UI', () => {
  test('decodes for authorised staff, refuses an applicant (403) and a missing token (401)', async () => {
    const { applicationNo } = await file();
    const sealed = await testCodec.encode(
      [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"name":"钱七"}') }],
      { type: 'workflow', namespace: 'default', workflowId: applicationWorkflowId(applicationNo) },
    );
    const wire = {
      payloads: sealed.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    };
    const ok = await request(api.base)
      .post('/codec/decode')
      .set('Authorization', staff)
      .set('Origin', 'http://localhost:8233')
      .send(wire);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(Buffer.from(ok.body.payloads[0].data, 'base64').toString()).toBe('{"name":"钱七"}');

    const applicantToken = `Bearer ${await tokenFor('app-9', ['applicant'])}`;
    expect((await request(api.base).post('/codec/decode').set('Authorization', applicantToken).send(wire)).status).toBe(
      403,
    );
    expect((await request(api.base).post('/codec/decode').send(wire)).status).toBe(401);
    const preflight = await request(api.base).options('/codec/decode').set('Origin', 'http://localhost:8233');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('Authorization');
    const foreign = await request(api.base).options('/codec/decode').set('Origin', 'http://evil.example');
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** Every payload sealed in a history (any object with `metadata.encoding` of the codec), wherever it sits. */
function sealedPayloads(value: unknown, out: Array<{ metadata: Record<string, Uint8Array>; data: Uint8Array }> = []) {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const p = value as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
  if (p.metadata?.encoding && Buffer.from(p.metadata.encoding).toString() === ENCRYPTED_ENCODING) {
    out.push(p as { metadata: Record<string, Uint8Array>; data: Uint8Array });
    return out;
  }
  for (const v of Object.values(value)) sealedPayloads(v, out);
  return out;
}

const toWire = (payloads: Array<{ metadata: Record<string, Uint8Array>; data: Uint8Array }>) => ({
  payloads: payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data).toString('base64'),
  })),
});
const texts = (body: { payloads: Array<{ data: string }> }) =>
  body.payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n');

describe('codec endpoint: object-level checks', () => {
  test("every payload sealed in a case's history names its workflow; the codec decrypts it only for who may read the case", async () => {
    const { applicationNo } = await file();
    const workflowId = applicationWorkflowId(applicationNo);
    // A staff step too: its signal, and the record write it causes, are sealed as well.
    const step = await request(api.base)
      .post(`/applications/${applicationNo}/materials`)
      .set('Authorization', staff)
      .set('Idempotency-Key', randomUUID())
      .send({ items: ['economic_statement'] });
    expect(step.status).toBe(200);
    const history = await api.client.workflow.getHandle(workflowId).fetchHistory();
    const sealed = sealedPayloads(history.events);
    expect(history.events!.some((e) => e.workflowExecutionSignaledEventAttributes)).toBe(true);
    expect(sealed.length).toBeGreaterThanOrEqual(3); // the input, the signal, the record write's result
    for (const p of sealed) expect(Buffer.from(p.metadata[OWNER_METADATA]!).toString()).toBe(workflowId);
    const wire = toWire(sealed);

    // The case's agency (ZJ) and the city centre read it.
    for (const who of [staff, `Bearer ${await tokenFor('city-1', ['city_centre'], 'SX')}`]) {
      const ok = await request(api.base).post('/codec/decode').set('Authorization', who).send(wire);
      expect(ok.status).toBe(200);
      expect(texts(ok.body)).toContain(applicant.name);
      expect(texts(ok.body)).toContain(applicant.idNumber);
    }
    // Staff of another agency may use the codec, but get this case's payloads back sealed.
    const other = `Bearer ${await tokenFor('staff-yc', ['agency_staff'], 'YC')}`;
    const refused = await request(api.base).post('/codec/decode').set('Authorization', other).send(wire);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual(wire);
    expect(texts(refused.body)).not.toContain(applicant.name);

    // Re-labelled with a workflow of no case, the payload no longer decrypts, not even for the city centre.
    const relabelled = toWire(
      sealed
        .slice(0, 1)
        .map((p) => ({ ...p, metadata: { ...p.metadata, [OWNER_METADATA]: Buffer.from('pool-impact-1') } })),
    );
    const city = `Bearer ${await tokenFor('city-2', ['city_centre'], 'SX')}`;
    const tampered = await request(api.base).post('/codec/decode').set('Authorization', city).send(relabelled);
    expect(tampered.status).toBe(200);
    expect(tampered.body).toEqual(relabelled);
  });

  test('a payload sealed outside any workflow decrypts for city-wide readers only', async () => {
    const [loose] = await testCodec.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"name":"孙八"}') },
    ]);
    expect(loose!.metadata![OWNER_METADATA]).toBeUndefined();
    const wire = toWire([loose as { metadata: Record<string, Uint8Array>; data: Uint8Array }]);
    const agency = await request(api.base).post('/codec/decode').set('Authorization', staff).send(wire);
    expect(agency.body).toEqual(wire);
    const cityAuditor = `Bearer ${await tokenFor('aud-sx', ['auditor'], 'SX')}`;
    const city = await request(api.base).post('/codec/decode').set('Authorization', cityAuditor).send(wire);
    expect(texts(city.body)).toBe('{"name":"孙八"}');
  });
});

describe('audit trail', () => {
  test('state changes and reads of personal data are recorded with actor, role, agency, action, target and request id', async () => {
    const { applicationNo } = await file();
    const requestId = `req-${randomUUID()}`;
    await request(api.base)
      .get(`/applications/${applicationNo}`)
      .set('Authorization', staff)
      .set('X-Request-Id', requestId);
    const otherAgency = `Bearer ${await tokenFor('staff-kq', ['agency_staff'], 'KQ')}`;
    await request(api.base).get(`/applications/${applicationNo}`).set('Authorization', otherAgency);

    const events = await eventually(
      async () =>
        (await request(api.base).get(`/audit-events?targetId=${applicationNo}`).set('Authorization', auditor)).body
          .events as Array<Record<string, unknown>>,
      (rows) => rows.length >= 3,
    );
    const read = events.find((e) => e.requestId === requestId);
    expect(read).toMatchObject({
      actorId: 'staff-zj',
      roles: ['agency_staff'],
      agencyCode: 'ZJ',
      action: 'application.read',
      targetType: 'application',
      targetId: applicationNo,
      outcome: 200,
    });
    expect(events.find((e) => e.action === 'application.create')).toMatchObject({ actorId: 'staff-zj', outcome: 201 });
    // A refused attempt is audited too.
    expect(events.find((e) => e.actorId === 'staff-kq')).toMatchObject({ action: 'application.read', outcome: 403 });
    expect(JSON.stringify(events)).not.toContain(applicant.idNumber);
  });

  test('audit reads are scoped like case reads: a county auditor sees its own agency, the city auditor every agency', async () => {
    const { applicationNo } = await file(); // a 诸暨 (ZJ) case, filed by a ZJ staff member
    const kqStaff = `Bearer ${await tokenFor('staff-kq-2', ['agency_staff'], 'KQ')}`;
    await request(api.base).get(`/applications/${applicationNo}`).set('Authorization', kqStaff); // 403, audited
    const trail = async (token: string) =>
      (
        (await request(api.base).get(`/audit-events?targetId=${applicationNo}&limit=500`).set('Authorization', token))
          .body.events as Array<{ actorId: string }>
      ).map((e) => e.actorId);
    const city = `Bearer ${await tokenFor('aud-sx', ['auditor'], 'SX')}`;
    await eventually(
      () => trail(city),
      (actors) => actors.includes('staff-kq-2') && actors.includes('staff-zj'),
    );
    // ZJ's auditor: every row about its case, also the KQ member's refused read of it.
    expect(await trail(auditor)).toEqual(expect.arrayContaining(['staff-zj', 'staff-kq-2']));
    // KQ's auditor: only what people of KQ did; never the rows of ZJ's case by ZJ's people.
    const kqAuditor = `Bearer ${await tokenFor('aud-kq', ['auditor'], 'KQ')}`;
    expect(new Set(await trail(kqAuditor))).toEqual(new Set(['staff-kq-2']));
  });

  test("a staff step's audit row commits in the transaction that stores the step (done or refused); a repeat is a row of its own", async () => {
    const { applicationNo } = await file();
    const key = randomUUID();
    const step = (requestId: string, items: string[]) =>
      request(api.base)
        .post(`/applications/${applicationNo}/materials`)
        .set('Authorization', staff)
        .set('Idempotency-Key', key)
        .set('X-Request-Id', requestId)
        .send({ items });
    // The transaction that wrote a row: PostgreSQL's xmin.
    const auditRows = (requestId: string) =>
      api.prisma.$queryRaw<Array<{ xmin: string; outcome: number; action: string; actor_id: string }>>`
        SELECT xmin::text AS xmin, outcome, action, actor_id FROM audit_event WHERE request_id = ${requestId}`;
    const answerTx = () =>
      api.prisma.$queryRaw<Array<{ xmin: string; step_id: string }>>`
        SELECT xmin::text AS xmin, step_id FROM step_answer WHERE workflow_id = ${applicationWorkflowId(applicationNo)}`;

    const first = `req-${randomUUID()}`;
    expect((await step(first, ['economic_statement'])).status).toBe(200);
    // Read at once: the row is there when the answer is, written by the step's own transaction.
    const [row] = await auditRows(first);
    expect(row).toMatchObject({ outcome: 200, action: 'application.supplyMaterials', actor_id: 'staff-zj' });
    expect((await answerTx()).map((a) => a.xmin)).toContain(row!.xmin);
    expect(await auditRows(first)).toHaveLength(1);

    // The same request again (same key, a request id of its own): the first answer, and a row for this request.
    const again = `req-${randomUUID()}`;
    expect((await step(again, ['economic_statement'])).status).toBe(200);
    expect(await auditRows(again)).toEqual([expect.objectContaining({ outcome: 200 })]);
    expect(await auditRows(first)).toHaveLength(1);

    // A refusal is stored as the step's answer, and its row (422) with it: no grant while documents are owed.
    const refusedStep = await request(api.base)
      .post(`/applications/${applicationNo}/decision`)
      .set('Authorization', head)
      .set('Idempotency-Key', randomUUID())
      .set('X-Request-Id', 'refused-0001')
      .send({ decision: 'grant' });
    expect(refusedStep.status).toBe(422);
    const [refused] = await auditRows('refused-0001');
    expect(refused).toMatchObject({ outcome: 422, action: 'application.decide', actor_id: 'head-zj' });
    expect((await answerTx()).map((a) => a.xmin)).toContain(refused!.xmin);
  });

  test("an intake's audit row commits in the statement that makes the application", async () => {
    const requestId = `req-${randomUUID()}`;
    const res = await request(api.base)
      .post('/applications')
      .set('Authorization', staff)
      .set('Idempotency-Key', randomUUID())
      .set('X-Request-Id', requestId)
      .send(payload());
    expect(res.status).toBe(201);
    const rows = await api.prisma.$queryRaw<Array<{ xmin: string; outcome: number; target_id: string }>>`
      SELECT xmin::text AS xmin, outcome, target_id FROM audit_event WHERE request_id = ${requestId}`;
    expect(rows).toEqual([expect.objectContaining({ outcome: 201, target_id: res.body.applicationNo })]);
    const [made] = await api.prisma.$queryRaw<Array<{ xmin: string }>>`
      SELECT xmin::text AS xmin FROM intake_request WHERE application_no = ${res.body.applicationNo}`;
    expect(made!.xmin).toBe(rows[0]!.xmin);
  });

  test('an answer whose audit row cannot be stored is not sent: 503 AUDIT_UNAVAILABLE, in Chinese', async () => {
    const { applicationNo } = await file();
    const failing = await startApi({
      auditSink: () => Promise.reject(new Error('audit_event unavailable')),
      onAuditError: () => undefined,
    });
    try {
      const res = await request(failing.base).get(`/applications/${applicationNo}`).set('Authorization', staff);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/暂时无法记录/) });
      expect(JSON.stringify(res.body)).not.toContain(applicant.name);
    } finally {
      await failing.close();
    }
  });

  test('the audit table is append-only: updates and deletes are refused by the database', async () => {
    await expect(api.prisma.auditEvent.updateMany({ data: { outcome: 200 } })).rejects.toThrow(/append-only/);
    await expect(api.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
  });
});

describe('public status lookup', () => {
  test('S-3.2 the applicant sees stage, what is owed and by when, with the code from the receipt; no personal data', async () => {
    const { applicationNo, statusCode: code } = await file();
    expect(code).toBe(statusCode(TEST_STATUS_SECRET, applicationNo));
    const res = await request(api.base)
      .post('/public/applications/status')
      .send({ applicationNo, code: code.toLowerCase() });
    expect(res.status).toBe(200);
    expect(res.body.stageLabel).toBe('待补正材料');
    expect(res.body.owes.materials).toEqual(['经济困难状况说明表（诚信承诺）', '与所申请法律援助事项有关的材料']);
    expect(res.body.owes.message).toContain('逾期视为撤回申请');
    const notices = await eventually(
      async () =>
        (await request(api.base).post('/public/applications/status').send({ applicationNo, code })).body.notices,
      (n: Array<{ text: string }>) => n.length > 0 && n[0]!.text.includes('一次性'),
    );
    expect(notices[0]!.text).toContain('一次性');
    const inbox = await request(api.base).get(`/applications/${applicationNo}/notices`).set('Authorization', staff);
    expect(inbox.body.notices[0]).toMatchObject({ obligation: 'correction-notice', status: 'sent' });
    const text = JSON.stringify(res.body);
    for (const secret of [applicant.name, applicant.idNumber, applicant.phone]) expect(text).not.toContain(secret);
    // Issue 8: what the case waits on, from whom (a role, never a person) and by when.
    const waiting = await eventually(
      async () =>
        (await request(api.base).post('/public/applications/status').send({ applicationNo, code })).body
          .waitingOn as Array<{ kind: string; yours: boolean; text: string; ruleId: string; dueAt: string }>,
      (w) => w.length > 0,
    );
    expect(waiting).toEqual([
      expect.objectContaining({ kind: 'documents', yours: true, owner: '您', ruleId: 'S-3.2' }),
    ]);
    expect(waiting[0]!.text).toMatch(/^等待您补正材料，期限 \d{4}-\d{2}-\d{2}/);
    expect(new Date(waiting[0]!.dueAt).getTime()).toBe(new Date(res.body.owes.dueAt).getTime());
  });

  test('a wrong code and an unknown number get the same 404', async () => {
    const { applicationNo } = await file();
    const wrong = await request(api.base).post('/public/applications/status').send({ applicationNo, code: 'AAAAAAAA' });
    const unknown = await request(api.base)
      .post('/public/applications/status')
      .send({ applicationNo: 'ZJ-1999-999999', code: 'AAAAAAAA' });
    expect(wrong.status).toBe(404);
    expect(unknown.body).toEqual(wrong.body);
  });

  test('lookups are rate-limited per client: the 4th in a minute gets 429 RATE_LIMITED', async () => {
    const limited = await startApi({ limits: { intakePerMinute: 100, actionsPerMinute: 100, lookupsPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await request(limited.base)
              .post('/public/applications/status')
              .send({ applicationNo: 'ZJ-1999-000001', code: 'AAAAAAAA' })
          ).status,
        );
      }
      expect(statuses).toEqual([404, 404, 404, 429]);
      const last = await request(limited.base)
        .post('/public/applications/status')
        .send({ applicationNo: 'ZJ-1999-000001', code: 'AAAAAAAA' });
      expect(last.body.code).toBe('RATE_LIMITED');
      expect(last.body.message).toContain('频繁');
    } finally {
      await limited.close();
    }
  });
});

describe('tokens', () => {
  const verify = createTokenVerifier(TEST_AUTH);

  test('a token signed with the previous key id is still accepted during rotation', async () => {
    const token = await issueToken(
      { ...TEST_AUTH, signingKeyId: 'test-2025' },
      { userId: 'u1', roles: ['agency_staff'], agency: 'KQ' },
    );
    await expect(verify(token)).resolves.toEqual({
      userId: 'u1',
      roles: ['agency_staff'],
      agency: 'KQ',
      institution: undefined,
    });
  });

  test('unknown key ids, wrong audience, expired tokens and unknown roles are refused', async () => {
    const unknownKid = await issueToken(
      { ...TEST_AUTH, hmacKeys: { retired: 'c'.repeat(40) }, signingKeyId: 'retired' },
      { userId: 'u', roles: ['auditor'] },
    );
    const wrongAudience = await issueToken(
      { ...TEST_AUTH, audience: 'someone-else' },
      { userId: 'u', roles: ['auditor'] },
    );
    const expired = await issueToken(TEST_AUTH, { userId: 'u', roles: ['auditor'] }, -60);
    const badRole = await issueToken(TEST_AUTH, { userId: 'u', roles: ['superuser' as never] });
    for (const token of [unknownKid, wrongAudience, expired, badRole, 'not.a.jwt']) {
      await expect(verify(token)).rejects.toThrow();
    }
  });

  test('an expired token gets 401 INVALID_TOKEN over HTTP', async () => {
    const expired = await issueToken(TEST_AUTH, { userId: 'u', roles: ['auditor'], agency: 'ZJ' }, -60);
    const res = await request(api.base).get('/audit-events').set('Authorization', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });
});

describe('a dependency down', () => {
  test('PostgreSQL unreachable: 503 SERVICE_UNAVAILABLE with Retry-After and a Chinese message, no stack trace', async () => {
    const unreachable = createPrisma('postgresql://postgres@127.0.0.1:1/nowhere', 1);
    const app = createApp(testAppDeps(unreachable, api.client, 'unused'));
    try {
      const res = await request(app).get('/applications/ZJ-2026-000001').set('Authorization', staff);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.body.message).toContain('稍后重试');
      expect(res.headers['retry-after']).toBe('5');
      expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|\.ts:\d+/);
      const health = await request(app).get('/health');
      expect(health.status).toBe(503);
      expect(health.body.database).toBe('down');
    } finally {
      await unreachable.$disconnect();
    }
  });
});

describe('S-2.9 the rotation order and ledger are public', () => {
  test("S-2.9 anyone can read an agency's rotation order and every pick with its rule and skips; no names", async () => {
    const tag = randomUUID().slice(0, 6);
    for (const [i, inst] of ['A', 'B'].entries()) {
      await api.prisma.poolInstitution.create({
        data: { id: `SZ-${tag}-${inst}`, agencyCode: 'SZ', name: `嵊州律所${inst}`, listOrder: 100 + i },
      });
    }
    for (const id of ['a1', 'b1']) {
      await api.prisma.poolMember.create({
        data: { id: `SZ-${tag}-${id}`, institutionId: `SZ-${tag}-${id[0]!.toUpperCase()}` },
      });
    }
    const rotation = createRotationPicker({ prisma: api.prisma });
    await rotation.assignByRotation({
      agencyCode: 'SZ',
      applicationNo: `SZ-${tag}-1`,
      purpose: 'assignment',
      request: { conflicted: [`SZ-${tag}-a1`] },
    });
    const res = await request(api.base).get('/public/rotation/SZ');
    expect(res.status).toBe(200);
    expect(res.body.order.map((o: { memberId: string }) => o.memberId)).toEqual(
      expect.arrayContaining([`SZ-${tag}-a1`, `SZ-${tag}-b1`]),
    );
    const entry = res.body.ledger.find((e: { applicationNo: string }) => e.applicationNo === `SZ-${tag}-1`);
    expect(entry).toMatchObject({ chosen: `SZ-${tag}-b1`, rule: 'S-2.9', turn: 'consumed' });
    expect(entry.skipped).toEqual([{ memberId: `SZ-${tag}-a1`, reason: expect.stringContaining('S-2.10') }]);
    expect(JSON.stringify(res.body)).not.toContain('嵊州律所');
    expect((await request(api.base).get('/public/rotation/XX')).status).toBe(400);
  });
});
