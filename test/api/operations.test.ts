/**
 * /operations/attention over the real API, the Temporal dev server and PostgreSQL: technical support lists the cases
 * that need attention (agency-scoped like the stuck-case board) and resolves one, which sends the `resolveAttention`
 * signal to the case's workflow (found in that workflow's real history) and is audited; 404 when nothing is open,
 * 403 for roles without access or another agency's case, 400 for a bad body; /metrics has the gauges.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { createActivities } from '../../activities';
import type { FlagAttentionInput } from '../../activities/attention';
import { createApp } from '../../api/app';
import type { Role } from '../../api/auth/access';
import type { ResolveAttentionInput } from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import { eventually, testAppDeps } from '../support/api-harness';
import {
  testApplicationNo,
  testCodec,
  testDataConverter,
  testPrisma,
  testTemporalAddress,
  tokenFor,
  uniqueTaskQueue,
} from '../support/context';

const METRICS_TOKEN = `metrics-${randomUUID()}`;
let prisma: PrismaClient;
let connection: Connection;
let client: Client;
let app: ReturnType<typeof createApp>;
let activities: ReturnType<typeof createActivities>;
/** Workflows started here, on a task queue no worker polls: they wait, and record every signal they get. */
const parkedQueue = uniqueTaskQueue('operations-parked');
const started: string[] = [];

beforeAll(async () => {
  prisma = testPrisma();
  activities = createActivities({ prisma });
  connection = await Connection.connect({ address: testTemporalAddress() });
  client = new Client({ connection, dataConverter: testDataConverter });
  app = createApp({ ...testAppDeps(prisma, client, parkedQueue), metricsToken: METRICS_TOKEN });
});
afterAll(async () => {
  for (const workflowId of started) {
    await client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
  }
  await connection?.close();
  await prisma?.$disconnect();
});

const bearer = async (roles: Role[], agency?: string, user = 'u-1') => `Bearer ${await tokenFor(user, roles, agency)}`;

async function flagged(overrides: Partial<FlagAttentionInput> = {}): Promise<FlagAttentionInput> {
  const caseNo = testApplicationNo();
  const flag: FlagAttentionInput = {
    workflowId: `application-${caseNo}`,
    caseKind: 'application',
    caseNo,
    agencyCode: 'KQ',
    activity: 'recordEvent',
    sqlstate: '22P05',
    since: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
  await activities.flagAttention(flag);
  return flag;
}

/** A real workflow execution with this id (an application workflow's type, never run by a worker). */
async function parkedWorkflow(workflowId: string) {
  const handle = await client.workflow.start('applicationWorkflow', {
    workflowId,
    taskQueue: parkedQueue,
    args: [],
  });
  started.push(workflowId);
  return handle;
}

async function list(auth: string, query: Record<string, string> = {}) {
  return request(app)
    .get('/operations/attention')
    .query({ limit: '500', ...query })
    .set('Authorization', auth);
}

const resolve = (workflowId: string, auth: string, body: unknown) =>
  request(app)
    .post(`/operations/attention/${workflowId}/resolve`)
    .set('Authorization', auth)
    .send(body as object);

describe('GET /operations/attention', () => {
  test('open rows, oldest first, for the person’s agency (the whole city at the city level)', async () => {
    const kq = await flagged({ agencyCode: 'KQ', since: new Date(Date.now() - 120_000).toISOString() });
    const kq2 = await flagged({ agencyCode: 'KQ', caseKind: 'evaluation', activity: 'recordEvaluation' });
    const yc = await flagged({ agencyCode: 'YC', sqlstate: '22001' });
    const done = await flagged({ agencyCode: 'KQ' });
    await activities.clearAttention({
      workflowId: done.workflowId,
      action: 'retry',
      resolvedBy: 'tech-kq',
      at: new Date().toISOString(),
    });
    const ours = (items: Array<{ workflowId: string }>) =>
      items.map((i) => i.workflowId).filter((id) => [kq, kq2, yc, done].some((f) => f.workflowId === id));

    const tech = await list(await bearer(['technical_support'], 'KQ', 'tech-kq'));
    expect(tech.status).toBe(200);
    expect(ours(tech.body.items)).toEqual([kq.workflowId, kq2.workflowId]);
    expect(tech.body.items.find((i: { workflowId: string }) => i.workflowId === kq.workflowId)).toEqual({
      workflowId: kq.workflowId,
      caseKind: 'application',
      caseKindLabel: '法律援助申请',
      caseNo: kq.caseNo,
      agencyCode: 'KQ',
      kind: 'data_error',
      kindLabel: '数据写入失败，需技术支持处理',
      activity: 'recordEvent',
      sqlstate: '22P05',
      since: kq.since,
      occurrences: 1,
      resolveUrl: `/operations/attention/${kq.workflowId}/resolve`,
    });
    expect(tech.body.items.every((i: { agencyCode: string }) => i.agencyCode === 'KQ')).toBe(true);

    const city = await list(await bearer(['city_centre'], 'SX', 'city-1'));
    expect(ours(city.body.items)).toEqual(expect.arrayContaining([kq.workflowId, kq2.workflowId, yc.workflowId]));
    expect(ours(city.body.items)).not.toContain(done.workflowId);
    const cityYc = await list(await bearer(['technical_support'], 'SX', 'tech-sx'), { agencyCode: 'YC' });
    expect(ours(cityYc.body.items)).toEqual([yc.workflowId]);
    const evaluations = await list(await bearer(['manager'], 'KQ', 'mgr-kq'), { caseKind: 'evaluation' });
    expect(ours(evaluations.body.items)).toEqual([kq2.workflowId]);
    expect((await list(await bearer(['agency_head'], 'KQ', 'head-kq'))).status).toBe(200);
  });

  test('403 for roles without access and for another agency; 400 for a bad query', async () => {
    for (const [roles, agency] of [
      [['lawyer'], 'KQ'],
      [['agency_staff'], 'KQ'],
      [['hotline_officer'], 'KQ'],
      [['applicant'], undefined],
    ] as Array<[Role[], string | undefined]>) {
      const res = await list(await bearer(roles, agency));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const other = await list(await bearer(['technical_support'], 'KQ'), { agencyCode: 'YC' });
    expect(other.status).toBe(403);
    const bad = await list(await bearer(['technical_support'], 'KQ'), { caseKind: 'payout' });
    expect(bad.status).toBe(400);
    expect((await request(app).get('/operations/attention')).status).toBe(401);
  });
});

describe('POST /operations/attention/:workflowId/resolve', () => {
  test('202: the resolveAttention signal reaches the workflow (in its history), and the request is audited', async () => {
    const flag = await flagged({ agencyCode: 'KQ' });
    const handle = await parkedWorkflow(flag.workflowId);
    const res = await resolve(flag.workflowId, await bearer(['technical_support'], 'KQ', 'tech-kq'), {
      action: 'sanitize',
      note: '申请人姓名中含有 NUL 字符',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ workflowId: flag.workflowId, action: 'sanitize', status: 'signalled' });

    const history = await handle.fetchHistory();
    const signals = (history.events ?? []).flatMap((e) =>
      e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes] : [],
    );
    expect(signals.map((s) => s.signalName)).toEqual(['resolveAttention']);
    const [payload] = await testCodec.decode(signals[0]!.input?.payloads ?? []);
    expect(defaultPayloadConverter.fromPayload<ResolveAttentionInput>(payload!)).toEqual({
      action: 'sanitize',
      resolvedBy: 'tech-kq',
      note: '申请人姓名中含有 NUL 字符',
    });

    const audited = await eventually(
      () => prisma.auditEvent.findMany({ where: { targetId: flag.workflowId } }),
      (rows) => rows.length > 0,
    );
    expect(audited).toEqual([
      expect.objectContaining({
        action: 'operations.attention.resolve',
        targetType: 'case_attention',
        actorId: 'tech-kq',
        outcome: 202,
      }),
    ]);
    // The row stays open until the workflow's write went through and it calls clearAttention.
    const row = await prisma.caseAttention.findUniqueOrThrow({ where: { workflowId: flag.workflowId } });
    expect(row.resolvedAt).toBeNull();

    // The city centre may resolve any agency's case; `retry` without a note.
    const yc = await flagged({ agencyCode: 'YC' });
    const ycHandle = await parkedWorkflow(yc.workflowId);
    const byCity = await resolve(yc.workflowId, await bearer(['city_centre'], 'SX', 'city-1'), { action: 'retry' });
    expect(byCity.status).toBe(202);
    const ycSignals = ((await ycHandle.fetchHistory()).events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'resolveAttention',
    );
    expect(ycSignals).toHaveLength(1);
  });

  test('404 with a stable code when no row is open (none, or already resolved)', async () => {
    const tech = await bearer(['technical_support'], 'KQ', 'tech-kq');
    const none = await resolve(`application-${testApplicationNo()}`, tech, { action: 'retry' });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('ATTENTION_NOT_FOUND');
    expect(none.body.message).toMatch(/没有待技术支持处理的数据写入故障/);
    const flag = await flagged();
    await activities.clearAttention({
      workflowId: flag.workflowId,
      action: 'retry',
      resolvedBy: 'tech-kq',
      at: new Date().toISOString(),
    });
    const closed = await resolve(flag.workflowId, tech, { action: 'retry' });
    expect(closed.status).toBe(404);
    expect(closed.body.code).toBe('ATTENTION_NOT_FOUND');
  });

  test('403 for a role without the action, and for another agency’s technical support', async () => {
    const flag = await flagged({ agencyCode: 'KQ' });
    for (const [roles, agency] of [
      [['manager'], 'KQ'],
      [['agency_head'], 'KQ'],
      [['agency_staff'], 'KQ'],
      [['lawyer'], 'KQ'],
      [['technical_support'], 'YC'],
    ] as Array<[Role[], string]>) {
      const res = await resolve(flag.workflowId, await bearer(roles, agency), { action: 'retry' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const audited = await eventually(
      () => prisma.auditEvent.findMany({ where: { targetId: flag.workflowId } }),
      (rows) => rows.length >= 5,
    );
    expect(audited.every((r) => r.outcome === 403)).toBe(true);
  });

  test('400 for a bad body: unknown action, missing action, unknown field, control characters in the note', async () => {
    const flag = await flagged({ agencyCode: 'KQ' });
    const tech = await bearer(['technical_support'], 'KQ', 'tech-kq');
    for (const body of [{ action: 'delete' }, {}, { action: 'retry', value: 'x' }, { action: 'retry', note: 7 }]) {
      const res = await resolve(flag.workflowId, tech, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const nul = await resolve(flag.workflowId, tech, { action: 'retry', note: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.code).toBe('CONTROL_CHARACTERS');
  });

  test('409 when the case’s workflow is not running', async () => {
    const flag = await flagged({ agencyCode: 'KQ' });
    const res = await resolve(flag.workflowId, await bearer(['technical_support'], 'KQ', 'tech-kq'), {
      action: 'retry',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE_NOT_RUNNING');
  });
});

describe('/metrics', () => {
  test('cases needing attention by agency and case kind, and data errors seen by case kind and SQLSTATE', async () => {
    const agency = `W${String(randomInt(1_000_000)).padStart(6, '0')}`;
    const scrape = async () => {
      const res = await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      expect(res.status).toBe(200);
      return res.text;
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const seen = 'legal_aid_data_errors{case_kind="hotline",sqlstate="22021"}';
    const before = value(await scrape(), seen) ?? 0;
    const callId = randomUUID();
    const first = await flagged({
      workflowId: `hotline-call-${callId}`,
      caseKind: 'hotline',
      caseNo: callId,
      agencyCode: agency,
      activity: 'recordCall',
      sqlstate: '22021',
    });
    await flagged({ agencyCode: agency, caseKind: 'hotline', sqlstate: '22021' });
    let text = await scrape();
    expect(text).toContain('# TYPE legal_aid_cases_needing_attention gauge');
    expect(value(text, `legal_aid_cases_needing_attention{agency="${agency}",case_kind="hotline"}`)).toBe(2);
    expect(value(text, seen)).toBe(before + 2);

    await activities.clearAttention({
      workflowId: first.workflowId,
      action: 'retry',
      resolvedBy: 'tech',
      at: new Date().toISOString(),
    });
    text = await scrape();
    expect(value(text, `legal_aid_cases_needing_attention{agency="${agency}",case_kind="hotline"}`)).toBe(1);
    // Data errors seen count resolved ones too.
    expect(value(text, seen)).toBe(before + 2);
  });
});
