/**
 * A write no retry can cure, against the real PostgreSQL through Prisma's pg driver adapter: a NUL in a jsonb or a
 * text column, a value too long for its varchar, a violated constraint. `withSafeErrors` turns each into a
 * non-retryable `DataError` naming only the activity and the SQLSTATE (never the value), logs one line, and leaves
 * every other failure (the database unreachable, a statement cancelled) a plain retryable Error. Then the
 * "needs attention" record: flagAttention / clearAttention are idempotent, and the stuck-case board shows the case
 * as a data error owed by technical support while it is open, and no more once it is cleared.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure, type LogLevel, type LogMetadata } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import request from 'supertest';
import { createActivities, withSafeErrors } from '../../activities';
import { dataErrorSqlstate, type FlagAttentionInput } from '../../activities/attention';
import { createApp } from '../../api/app';
import type { Role } from '../../api/auth/access';
import { ERROR_TYPES } from '../../domain/definitions';
import { createPrisma } from '../../platform/database';
import type { PrismaClient } from '../../prisma/generated/client';
import { testAppDeps } from '../support/api-harness';
import { testApplicationNo, testDatabaseUrl, testPrisma, testTemporalAddress, tokenFor } from '../support/context';

/** Personal data as an applicant might type it; no part of it may leave through a failure or a log line. */
const SECRET_NAME = 'Zhangsan-Secretname';
const SECRET_PHONE = '13800138000';
const SECRET = `${SECRET_NAME} ${SECRET_PHONE}`;

let prisma: PrismaClient;
let connection: Connection;
let app: ReturnType<typeof createApp>;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  prisma = testPrisma();
  activities = createActivities({ prisma });
  connection = await Connection.connect({ address: testTemporalAddress() });
  app = createApp(testAppDeps(prisma, new Client({ connection }), 'data-errors-unused'));
});
afterAll(async () => {
  await connection?.close();
  await prisma?.$disconnect();
});

/** An agency of this test's own (W + 6 digits), so city-wide lists can be narrowed to it. */
const ownAgency = () => `W${String(randomInt(1_000_000)).padStart(6, '0')}`;

function applicationRow(applicationNo: string, agencyCode = 'KQ') {
  return {
    applicationNo,
    agencyCode,
    channel: 'walk_in' as const,
    matterCategory: 'labour_remuneration',
    applicant: { name: '测试申请人' },
    matter: {},
    economicSituation: {},
    stage: 'under_review' as const,
    stageEnteredAt: new Date(),
    stageSeq: 2,
    receivedAt: new Date(),
  };
}

/** Runs the activity, expecting it to fail; returns the failure. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the activity to fail');
}

/** A `DataError` for `activity` with `sqlstate`, whose message, details and stack hold nothing of the value. */
function expectDataError(err: unknown, activity: string, sqlstate: string) {
  expect(err).toBeInstanceOf(ApplicationFailure);
  const f = err as ApplicationFailure;
  expect(f.type).toBe(ERROR_TYPES.dataError);
  expect(f.nonRetryable).toBe(true);
  expect(f.message).toBe(`${activity} failed: data error ${sqlstate}`);
  expect(f.details).toEqual([{ activity, sqlstate }]);
  expect(f.cause).toBeUndefined();
  const everything = JSON.stringify({ message: f.message, details: f.details, stack: f.stack, cause: f.cause });
  for (const part of [SECRET_NAME, SECRET_PHONE, 'Secretname']) expect(everything).not.toContain(part);
}

describe('withSafeErrors: data errors are non-retryable and name no value', () => {
  const writes = (db: PrismaClient) =>
    withSafeErrors({
      async writeApplicantJson(applicationNo: string) {
        await db.application.create({
          data: { ...applicationRow(applicationNo), applicant: { name: `${SECRET}\u0000` } },
        });
      },
      async writeReasonText(applicationNo: string) {
        await db.application.create({ data: { ...applicationRow(applicationNo), decisionReason: `${SECRET}\u0000` } });
      },
      async writeRawJson(applicationNo: string) {
        await db.$executeRaw`UPDATE application SET applicant = ${JSON.stringify({ name: `${SECRET}\u0000` })}::jsonb
                             WHERE application_no = ${applicationNo}`;
      },
      async writeRawText(applicationNo: string) {
        await db.$executeRaw`UPDATE application SET decision_reason = ${`${SECRET}\u0000`}
                             WHERE application_no = ${applicationNo}`;
      },
      async writeInTransaction(applicationNo: string) {
        await db.$transaction(async (tx) => {
          await tx.application.update({ where: { applicationNo }, data: { applicant: { name: `${SECRET}\u0000` } } });
        });
      },
      async writeTooLong(applicationNo: string) {
        // decided_by is varchar(64).
        await db.application.create({ data: { ...applicationRow(applicationNo), decidedBy: SECRET.repeat(4) } });
      },
      async writeTwice(applicationNo: string) {
        await db.application.create({ data: applicationRow(applicationNo) });
        await db.application.create({ data: applicationRow(applicationNo) });
      },
      async writeOrphanEvent(applicationNo: string) {
        await db.applicationStageEvent.create({
          data: { applicationNo, seq: 1, stage: 'received', enteredAt: new Date(), actor: SECRET, ruleIds: [] },
        });
      },
      async writeNull(applicationNo: string) {
        await db.$executeRaw`UPDATE application SET agency_code = NULL WHERE application_no = ${applicationNo}`;
      },
      async writeCheck() {
        await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('CREATE TEMP TABLE attention_check (n int CHECK (n > 0)) ON COMMIT DROP');
          await tx.$executeRaw`INSERT INTO attention_check VALUES (${-Number(SECRET_PHONE.slice(0, 4))})`;
        });
      },
      async cancelled() {
        await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('SET LOCAL statement_timeout = 50');
          await tx.$queryRawUnsafe('SELECT pg_sleep(2)');
        });
      },
      refused: () =>
        Promise.reject(
          ApplicationFailure.create({ type: ERROR_TYPES.invalidInput, message: '业务拒绝', nonRetryable: true }),
        ),
    });

  test('a NUL in a jsonb column: 22P05 (model write, raw write, inside a transaction)', async () => {
    const w = writes(prisma);
    expectDataError(await failure(() => w.writeApplicantJson(testApplicationNo())), 'writeApplicantJson', '22P05');
    const existing = testApplicationNo();
    await prisma.application.create({ data: applicationRow(existing) });
    expectDataError(await failure(() => w.writeRawJson(existing)), 'writeRawJson', '22P05');
    expectDataError(await failure(() => w.writeInTransaction(existing)), 'writeInTransaction', '22P05');
    // Nothing was written.
    const row = await prisma.application.findUnique({ where: { applicationNo: existing } });
    expect(row?.applicant).toEqual({ name: '测试申请人' });
  });

  test('a NUL in a text column: 22021 (model write and raw write)', async () => {
    const w = writes(prisma);
    expectDataError(await failure(() => w.writeReasonText(testApplicationNo())), 'writeReasonText', '22021');
    const existing = testApplicationNo();
    await prisma.application.create({ data: applicationRow(existing) });
    expectDataError(await failure(() => w.writeRawText(existing)), 'writeRawText', '22021');
  });

  test('a value too long for its varchar: 22001', async () => {
    expectDataError(await failure(() => writes(prisma).writeTooLong(testApplicationNo())), 'writeTooLong', '22001');
  });

  test('constraint violations: an unexpected unique 23505, foreign key 23503, not-null 23502, check 23514', async () => {
    const w = writes(prisma);
    expectDataError(await failure(() => w.writeTwice(testApplicationNo())), 'writeTwice', '23505');
    expectDataError(await failure(() => w.writeOrphanEvent(testApplicationNo())), 'writeOrphanEvent', '23503');
    const existing = testApplicationNo();
    await prisma.application.create({ data: applicationRow(existing) });
    expectDataError(await failure(() => w.writeNull(existing)), 'writeNull', '23502');
    expectDataError(await failure(() => w.writeCheck()), 'writeCheck', '23514');
  });

  test('the database unreachable, or a statement cancelled, stays a plain retryable Error', async () => {
    const unreachable = createPrisma('postgresql://postgres@127.0.0.1:1/none', 1);
    try {
      const err = await failure(() => writes(unreachable).writeReasonText(testApplicationNo()));
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect((err as Error).message).toMatch(/^writeReasonText failed: /);
      expect((err as Error).message).not.toContain(SECRET_NAME);
    } finally {
      await unreachable.$disconnect();
    }
    const cancelled = await failure(() => writes(prisma).cancelled());
    expect(cancelled).not.toBeInstanceOf(ApplicationFailure);
    expect((cancelled as Error).message).toMatch(/^cancelled failed: /);
    // A business refusal passes through as it was thrown.
    const refused = await failure(() => writes(prisma).refused());
    expect(refused).toMatchObject({ type: ERROR_TYPES.invalidInput, message: '业务拒绝' });
  });

  test('one log line per data error, through the activity logger: activity, SQLSTATE, workflow id, no payload', async () => {
    const lines: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
    const log = (level: LogLevel) => (message: string, meta?: LogMetadata) => lines.push({ level, message, meta });
    const logger = {
      log: (level: LogLevel, message: string, meta?: LogMetadata) => lines.push({ level, message, meta }),
      trace: log('TRACE'),
      debug: log('DEBUG'),
      info: log('INFO'),
      warn: log('WARN'),
      error: log('ERROR'),
    };
    const workflowId = `application-${testApplicationNo()}`;
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId, runId: randomUUID() }, activityType: 'writeApplicantJson' },
      { logger },
    );
    const w = writes(prisma);
    const err = await failure(() => env.run((no: string) => w.writeApplicantJson(no), testApplicationNo()));
    expectDataError(err, 'writeApplicantJson', '22P05');
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.meta).toMatchObject({ activity: 'writeApplicantJson', sqlstate: '22P05', workflowId });
    expect(JSON.stringify(lines)).not.toContain(SECRET_NAME);
    expect(JSON.stringify(lines)).not.toContain(SECRET_PHONE);
  });

  test('where the SQLSTATE comes from: the adapter error, a bare pg error, or a Prisma code without one', async () => {
    // A bare `pg` error (activities that use pg directly): `code` on the error itself.
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const pgError = await client.query('SELECT $1::text', [`${SECRET}\u0000`]).catch((e: unknown) => e);
    await client.end();
    expect(dataErrorSqlstate(pgError)).toBe('22021');
    // Prisma's own codes for the kinds it maps, when no driver error is attached.
    expect(dataErrorSqlstate({ name: 'PrismaClientKnownRequestError', code: 'P2011' })).toBe('23502');
    expect(dataErrorSqlstate({ name: 'PrismaClientKnownRequestError', code: 'P2000' })).toBe('22001');
    // Not data errors: P2039 without a driver error, PL/pgSQL raise (P0001), a serialization failure, a socket error.
    expect(dataErrorSqlstate({ code: 'P2039' })).toBeUndefined();
    expect(dataErrorSqlstate({ code: 'P0001' })).toBeUndefined();
    expect(
      dataErrorSqlstate({ code: 'P2034', meta: { driverAdapterError: { cause: { originalCode: '40001' } } } }),
    ).toBeUndefined();
    expect(dataErrorSqlstate({ code: 'EPIPE' })).toBeUndefined();
  });
});

describe('flagAttention / clearAttention and the stuck-case board', () => {
  const bearer = async (roles: Role[], agency?: string, user = 'u-1') =>
    `Bearer ${await tokenFor(user, roles, agency)}`;

  async function board(auth: string, query: Record<string, string> = {}) {
    const res = await request(app)
      .get('/cases/stuck')
      .query({ view: 'open', limit: '500', ...query })
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as { total: number; items: Array<Record<string, unknown>> };
  }

  function flagOf(overrides: Partial<FlagAttentionInput> = {}): FlagAttentionInput {
    const caseNo = testApplicationNo();
    return {
      workflowId: `application-${caseNo}`,
      caseKind: 'application',
      caseNo,
      agencyCode: 'KQ',
      activity: 'recordEvent',
      sqlstate: '22P05',
      since: new Date(Date.now() - 5 * 60_000).toISOString(),
      ...overrides,
    };
  }

  test('flag is idempotent; the board shows the case as a data error owed by technical support; clear hides it', async () => {
    const agency = ownAgency();
    const flag = flagOf({ agencyCode: agency });
    await prisma.application.create({ data: applicationRow(flag.caseNo, agency) });
    expect(await activities.flagAttention(flag)).toEqual({ flagged: true });
    expect(await activities.flagAttention(flag)).toEqual({ flagged: false });
    const rows = await prisma.caseAttention.findMany({ where: { agencyCode: agency } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      workflowId: flag.workflowId,
      caseKind: 'application',
      caseNo: flag.caseNo,
      activity: 'recordEvent',
      sqlstate: '22P05',
      since: new Date(flag.since),
      occurrences: 1,
      resolvedAt: null,
    });

    const city = await bearer(['city_centre'], 'SX');
    const shown = await board(city, { agencyCode: agency });
    expect(shown.total).toBe(1);
    expect(shown.items).toEqual([
      expect.objectContaining({
        applicationNo: flag.caseNo,
        agencyCode: agency,
        stage: 'under_review',
        channel: 'walk_in',
        kind: 'data_error',
        kindLabel: '数据写入失败，需技术支持处理',
        ownerRole: 'technical_support',
        ownerRoleLabel: '技术支持',
        ownerId: agency,
        since: flag.since,
        dueAt: flag.since,
        overdue: true,
        ruleId: '22P05',
        caseKind: 'application',
        workflowId: flag.workflowId,
        activity: 'recordEvent',
        sqlstate: '22P05',
      }),
    ]);
    // It is overdue from the start (nothing moves until someone acts), and owned by technical support.
    expect((await board(city, { agencyCode: agency, view: 'overdue' })).total).toBe(1);
    expect((await board(city, { agencyCode: agency, ownerRole: 'technical_support' })).total).toBe(1);
    expect((await board(city, { agencyCode: agency, kind: 'decision' })).total).toBe(0);
    expect((await board(city, { agencyCode: agency, stage: 'under_review' })).total).toBe(1);
    const counts = await request(app)
      .get('/cases/stuck/counts')
      .query({ agencyCode: agency })
      .set('Authorization', city);
    expect(counts.body.byAgency).toEqual([{ agencyCode: agency, open: 1, overdue: 1 }]);
    expect(counts.body.byStage).toEqual([expect.objectContaining({ stage: 'under_review', open: 1, overdue: 1 })]);

    expect(
      await activities.clearAttention({
        workflowId: flag.workflowId,
        action: 'sanitize',
        resolvedBy: 'tech-1',
        at: new Date().toISOString(),
      }),
    ).toEqual({ cleared: true });
    expect(
      await activities.clearAttention({
        workflowId: flag.workflowId,
        action: 'sanitize',
        resolvedBy: 'tech-1',
        at: new Date().toISOString(),
      }),
    ).toEqual({ cleared: false });
    const closed = await prisma.caseAttention.findUniqueOrThrow({ where: { workflowId: flag.workflowId } });
    expect(closed).toMatchObject({ resolvedBy: 'tech-1', action: 'sanitize' });
    expect(closed.resolvedAt).not.toBeNull();
    expect((await board(city, { agencyCode: agency })).total).toBe(0);
  });

  test('a later data error reopens and counts; a stale retry changes nothing; a clear older than the flag keeps it', async () => {
    const flag = flagOf({ agencyCode: ownAgency() });
    await activities.flagAttention(flag);
    await activities.clearAttention({
      workflowId: flag.workflowId,
      action: 'retry',
      resolvedBy: 't',
      at: new Date().toISOString(),
    });
    const later = { ...flag, since: new Date().toISOString(), activity: 'recordDecision', sqlstate: '22001' };
    expect(await activities.flagAttention(later)).toEqual({ flagged: true });
    expect(await activities.flagAttention(flag)).toEqual({ flagged: false });
    const row = await prisma.caseAttention.findUniqueOrThrow({ where: { workflowId: flag.workflowId } });
    expect(row).toMatchObject({
      activity: 'recordDecision',
      sqlstate: '22001',
      occurrences: 2,
      resolvedAt: null,
      resolvedBy: null,
      action: null,
    });
    expect(
      await activities.clearAttention({
        workflowId: flag.workflowId,
        action: 'retry',
        resolvedBy: 't',
        at: flag.since,
      }),
    ).toEqual({ cleared: false });
    expect(
      await activities.clearAttention({
        workflowId: 'application-none',
        action: 'retry',
        resolvedBy: 't',
        at: flag.since,
      }),
    ).toEqual({ cleared: false });
  });

  test('cases with no application row (a hotline call; an application whose first write failed) are on the board', async () => {
    const agency = ownAgency();
    const callId = randomUUID();
    const hotline = flagOf({
      workflowId: `hotline-call-${callId}`,
      caseKind: 'hotline',
      caseNo: callId,
      agencyCode: agency,
      activity: 'recordCall',
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    const first = flagOf({ agencyCode: agency, activity: 'recordApplication', sqlstate: '22021' });
    await activities.flagAttention(hotline);
    await activities.flagAttention(first);
    const city = await bearer(['city_centre'], 'SX');
    const shown = await board(city, { agencyCode: agency });
    expect(shown.total).toBe(2);
    // Oldest failure first.
    expect(shown.items.map((i) => i.workflowId)).toEqual([first.workflowId, hotline.workflowId]);
    expect(shown.items[1]).toMatchObject({
      applicationNo: callId,
      caseKind: 'hotline',
      stage: null,
      stageLabel: null,
      channel: null,
      ownerRole: 'technical_support',
      timelineUrl: `/hotline/calls/${callId}`,
    });
    expect(shown.items[0]).toMatchObject({ applicationNo: first.caseNo, caseKind: 'application', stage: null });
    // Filters on the application's facts exclude them; counts have them by agency (no stage to count them under).
    expect((await board(city, { agencyCode: agency, stage: 'under_review' })).total).toBe(0);
    const counts = await request(app)
      .get('/cases/stuck/counts')
      .query({ agencyCode: agency })
      .set('Authorization', city);
    expect(counts.body).toMatchObject({ byAgency: [{ agencyCode: agency, open: 2, overdue: 2 }], byStage: [] });
  });

  test('who sees it: the agency and its technical support; not another agency, not a lawyer', async () => {
    const flag = flagOf({ agencyCode: 'KQ' });
    await prisma.application.create({ data: applicationRow(flag.caseNo, 'KQ') });
    await activities.flagAttention(flag);
    const mine = async (auth: string, query: Record<string, string> = {}) =>
      (await board(auth, { kind: 'data_error', ...query })).items.some((i) => i.workflowId === flag.workflowId);
    expect(await mine(await bearer(['technical_support'], 'KQ', 'tech-kq'))).toBe(true);
    expect(await mine(await bearer(['technical_support'], 'SX', 'tech-sx'))).toBe(true);
    expect(await mine(await bearer(['agency_staff'], 'KQ', 'staff-kq'))).toBe(true);
    expect(await mine(await bearer(['technical_support'], 'YC', 'tech-yc'))).toBe(false);
    expect(await mine(await bearer(['agency_staff'], 'YC', 'staff-yc'))).toBe(false);
    expect(await mine(await bearer(['lawyer'], 'KQ', 'lawyer-1'))).toBe(false);
    // Technical support sees what it owes, not the agency's other obligations.
    const tech = await board(await bearer(['technical_support'], 'KQ', 'tech-kq'));
    expect(tech.items.every((i) => i.ownerRole === 'technical_support')).toBe(true);
    await activities.clearAttention({
      workflowId: flag.workflowId,
      action: 'retry',
      resolvedBy: 't',
      at: new Date().toISOString(),
    });
    expect(await mine(await bearer(['technical_support'], 'KQ', 'tech-kq'))).toBe(false);
  });

  test('the row holds ids and codes only, even when handed something that is not one', async () => {
    const flag = flagOf({ agencyCode: ownAgency(), sqlstate: `22P05${SECRET}` });
    await activities.flagAttention({ ...flag, activity: `recordEvent\u0000${'x'.repeat(100)}` });
    const row = await prisma.caseAttention.findUniqueOrThrow({ where: { workflowId: flag.workflowId } });
    expect(row.sqlstate).toBe('XXXXX');
    expect(row.activity).toBe(`recordEvent${'x'.repeat(53)}`);
    expect(JSON.stringify(row)).not.toContain(SECRET_NAME);
  });
});
