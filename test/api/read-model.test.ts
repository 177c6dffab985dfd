/**
 * Issue 8 over the real API, the Temporal dev server and PostgreSQL: the reconciliation and digest schedules
 * (created by the same code the worker runs, in Asia/Shanghai), SLA and workload figures per agency and period with
 * each role's scope, and `/metrics` for Prometheus with the worker's own SDK metrics from a real worker process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { createLogger } from '../../platform/logger';
import { DIGEST_SCHEDULE_ID, ensureSchedules, RECONCILE_SCHEDULE_ID } from '../../platform/schedules';
import { eventually, startApi } from '../support/api-harness';
import { overdueDecision, storedApplication } from '../support/cases';
import { tokenFor, uniqueTaskQueue } from '../support/context';
import { freePort } from '../../platform/supervisor';

let api: Awaited<ReturnType<typeof startApi>>;
const METRICS_TOKEN = `metrics-${randomUUID()}`;
let workerMetricsPort = 0;

beforeAll(async () => {
  workerMetricsPort = await freePort();
  api = await startApi({
    metricsToken: METRICS_TOKEN,
    workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
  });
});
afterAll(() => api?.close());

const bearer = async (roles: Role[], agency?: string, user = 'u-1') => `Bearer ${await tokenFor(user, roles, agency)}`;

describe('issue 8: the schedules that keep the read model true and nudge owners', () => {
  test('created paused or running as configured, in China time, updated in place on a restart', async () => {
    const agency = `R${randomUUID().slice(0, 7)}`;
    const config = {
      taskQueue: api.taskQueue,
      reconcileEveryMinutes: 15,
      digestTime: '08:30',
      digestWithinHours: 24,
      paused: true,
      reconcileAgency: agency,
    };
    const log = createLogger('silent');
    await ensureSchedules(api.client, config, log);
    // A restart with another digest time: the existing schedule is updated, not duplicated or refused.
    await ensureSchedules(api.client, { ...config, digestTime: '07:45' }, log);
    const reconcile = await api.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).describe();
    expect(reconcile.spec.intervals?.[0]?.every).toBe(15 * 60_000);
    expect(reconcile.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(reconcile.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileReadModelWorkflow' });
    const digest = await api.client.schedule.getHandle(DIGEST_SCHEDULE_ID).describe();
    expect(digest.spec.timezone).toBe('Asia/Shanghai');
    expect(digest.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }] });
    expect(digest.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 45, end: 45, step: 1 }] });
    expect(digest.state.paused).toBe(true);

    // An overdue obligation with no workflow behind it, in an agency of this test's own.
    const applicationNo = await storedApplication(api.prisma, agency);
    await overdueDecision(api.prisma, applicationNo, agency);

    // The digest's schedule, triggered: the owner gets the overdue obligation in the inbox.
    await api.client.schedule.getHandle(DIGEST_SCHEDULE_ID).trigger();
    const digest1 = await eventually(
      () => api.prisma.notification.findMany({ where: { applicationNo, template: 'daily_digest' } }),
      (rows) => rows.length > 0,
      30_000,
    );
    expect(digest1).toHaveLength(1);
    expect(digest1[0]).toMatchObject({ recipient: `agency_head:${agency}`, channel: 'inbox' });
    expect(digest1[0]!.body).toContain('已逾期');

    // The reconciliation's schedule, triggered: the workflow is gone, so nothing is owed on the case any more.
    const before = await api.prisma.reconcileRun.count();
    await api.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).trigger();
    await eventually(
      () => api.prisma.obligation.findFirst({ where: { applicationNo } }),
      (row) => row?.resolvedAt !== null,
      30_000,
    );
    const runs = await api.prisma.reconcileRun.findMany({ orderBy: { id: 'desc' }, take: 1 });
    expect(await api.prisma.reconcileRun.count()).toBeGreaterThan(before);
    await eventually(
      () => api.prisma.reconcileRun.findUnique({ where: { id: runs[0]!.id } }),
      (run) => run?.finishedAt !== null,
      30_000,
    );
    const run = await api.prisma.reconcileRun.findUnique({ where: { id: runs[0]!.id } });
    expect(run).toMatchObject({ checked: 1, orphaned: 1, failed: 0 });

    for (const id of [RECONCILE_SCHEDULE_ID, DIGEST_SCHEDULE_ID]) await api.client.schedule.getHandle(id).delete();
  });
});

describe('issue 8: SLA and workload figures per agency and period', () => {
  const agency = `F${randomUUID().slice(0, 7)}`;
  const at = (iso: string) => new Date(iso);

  const application = (extra: Parameters<typeof storedApplication>[2]) =>
    storedApplication(api.prisma, agency, {
      receivedAt: at('2026-10-01T02:00:00Z'),
      stage: 'closed',
      stageEnteredAt: at('2026-10-20T02:00:00Z'),
      stageSeq: 9,
      ...extra,
    });

  beforeAll(async () => {
    // October 2026 (China time). S-3.3: 3 assignments completed, one of them late; one in September (outside).
    await application({ assignment: { completedAt: '2026-10-05T03:00:00Z' } });
    await application({ assignment: { completedAt: '2026-10-06T03:00:00Z' } });
    await application({ assignment: { completedAt: '2026-10-07T03:00:00Z', late: 'same_day' } });
    await application({ assignment: { completedAt: '2026-09-30T15:59:00Z' } }); // 23:59 on 30 Sep, China time
    // L-1: 2 decisions in the period, one late; one on 1 Oct 00:00 China time counts (30 Sep 16:00Z).
    await application({ decidedAt: at('2026-10-03T02:00:00Z'), decisionLate: false });
    await application({ decidedAt: at('2026-10-04T02:00:00Z'), decisionLate: true });
    await application({ decidedAt: at('2026-09-30T16:00:00Z'), decisionLate: false });
    // S-2.4 hotline: answered in time, answered late, never answered and past due.
    const call = (id: string, receivedAt: string, dueAt: string, answeredAt: string | null) =>
      api.prisma.hotlineCall.create({
        data: {
          id: `${agency}-${id}`,
          agencyCode: agency,
          channel: 'phone',
          receivedAt: at(receivedAt),
          dueAt: at(dueAt),
          status: answeredAt ? 'answered' : 'waiting',
          answeredAt: answeredAt ? at(answeredAt) : null,
          state: {},
          stateSeq: 1,
        },
      });
    await call('c1', '2026-10-08T01:00:00Z', '2026-10-08T01:03:00Z', '2026-10-08T01:02:00Z');
    await call('c2', '2026-10-08T02:00:00Z', '2026-10-08T02:03:00Z', '2026-10-08T02:05:00Z');
    await call('c3', '2026-10-08T03:00:00Z', '2026-10-08T03:03:00Z', null);
    // S-4.4: two files went to evaluation in October: one final, one still waiting for its evaluator.
    for (const [status, day] of [
      ['final', '10'],
      ['waiting_evaluator', '11'],
    ] as const) {
      const applicationNo = await application({ stage: status === 'final' ? 'closed' : 'evaluating' });
      await api.prisma.applicationStageEvent.create({
        data: {
          applicationNo,
          seq: 8,
          stage: 'evaluating',
          enteredAt: at(`2026-10-${day}T02:00:00Z`),
          actor: 'system',
          ruleIds: ['S-4.3'],
        },
      });
      await api.prisma.evaluation.create({
        data: {
          applicationNo,
          agencyCode: agency,
          memberId: `${agency}-m1`,
          institutionId: `${agency}-i`,
          status,
          state: {},
          stateSeq: 3,
        },
      });
      if (status === 'final') {
        // S-4.5: paid as good (0.9 x 1,500 元).
        await api.prisma.payoutLine.create({
          data: {
            applicationNo,
            agencyCode: agency,
            memberId: `${agency}-m1`,
            institutionId: `${agency}-i`,
            kind: 'payout',
            tier: 'good',
            coefficient: 0.9,
            baseFeeCents: 150_000,
            amountCents: 135_000,
            scoreVersion: 1,
            reason: 'test',
            idempotencyKey: `${applicationNo}-payout-1`,
            createdAt: at('2026-10-12T02:00:00Z'),
          },
        });
      }
    }
    // Workload: two members; m1 has two open cases and one overdue engagement; m2 nothing.
    await api.prisma.poolInstitution.create({
      data: { id: `${agency}-i`, agencyCode: agency, name: '测试所', listOrder: 1 },
    });
    for (const m of ['m1', 'm2']) {
      await api.prisma.poolMember.create({ data: { id: `${agency}-${m}`, institutionId: `${agency}-i` } });
    }
    const open1 = await application({ stage: 'assigned', assignedMemberIds: [`${agency}-m1`] });
    await application({ stage: 'performing', assignedMemberIds: [`${agency}-m1`] });
    await application({ stage: 'closed', assignedMemberIds: [`${agency}-m1`] });
    await api.prisma.obligation.create({
      data: {
        applicationNo: open1,
        source: 'application',
        key: 'engagement:1',
        kind: 'engagement',
        ownerRole: 'member',
        ownerId: `${agency}-m1`,
        since: at('2026-10-01T00:00:00Z'),
        dueAt: at('2026-10-06T16:00:00Z'),
        ruleId: 'L-6',
        stateSeq: 3,
      },
    });
  });

  test('S-3.3 same-day assignments, L-1 reviews in time, S-2.4 calls in time, S-4.4 evaluations, S-4.5 payouts by tier', async () => {
    const res = await request(api.base)
      .get(`/figures/sla?agencyCode=${agency}&from=2026-10-01&to=2026-10-31`)
      .set('Authorization', await bearer(['city_centre'], 'SX'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(res.body.agencies).toEqual([
      {
        agencyCode: agency,
        assignmentSameDay: { total: 3, met: 2, share: 2 / 3 },
        reviewWithin7Days: { total: 3, met: 2, share: 2 / 3 },
        hotlineAnswered: { total: 3, met: 1, share: 1 / 3 },
        evaluationsCompleted: { total: 2, met: 1, share: 0.5 },
        payoutsByTier: [{ tier: 'good', tierLabel: '良好', cases: 1, amountCents: 135_000 }],
      },
    ]);
    // September holds only the one assignment of 30 Sep.
    const sept = await request(api.base)
      .get(`/figures/sla?agencyCode=${agency}&from=2026-09-01&to=2026-09-30`)
      .set('Authorization', await bearer(['manager'], 'SX'));
    expect(sept.body.agencies[0].assignmentSameDay).toEqual({ total: 1, met: 1, share: 1 });
    expect(sept.body.agencies[0].hotlineAnswered).toEqual({ total: 0, met: 0, share: null });
  });

  test('per member: open cases and overdue obligations', async () => {
    const res = await request(api.base)
      .get(`/figures/workload?agencyCode=${agency}`)
      .set('Authorization', await bearer(['city_centre'], 'SX'));
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([
      {
        memberId: `${agency}-m1`,
        institutionId: `${agency}-i`,
        agencyCode: agency,
        openCases: 2,
        overdueObligations: 1,
      },
      {
        memberId: `${agency}-m2`,
        institutionId: `${agency}-i`,
        agencyCode: agency,
        openCases: 0,
        overdueObligations: 0,
      },
    ]);
  });

  test('agency people see their own agency only; others are refused; bad periods are 400', async () => {
    const own = await request(api.base)
      .get('/figures/sla')
      .set('Authorization', await bearer(['agency_head'], 'SY'));
    expect(own.status).toBe(200);
    expect(own.body.agencies.map((a: { agencyCode: string }) => a.agencyCode)).toEqual(['SY']);
    const other = await request(api.base)
      .get('/figures/workload?agencyCode=KQ')
      .set('Authorization', await bearer(['agency_staff'], 'SY'));
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('FORBIDDEN');
    for (const role of ['lawyer', 'applicant', 'village_agent', 'institution'] as Role[]) {
      const res = await request(api.base)
        .get('/figures/sla')
        .set('Authorization', await bearer([role], 'SY'));
      expect(res.status).toBe(403);
    }
    const backwards = await request(api.base)
      .get('/figures/sla?from=2026-10-31&to=2026-10-01')
      .set('Authorization', await bearer(['city_centre'], 'SX'));
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('issue 8: /metrics for Prometheus, with the Temporal SDK worker metrics', () => {
  let worker: ChildProcess | undefined;
  afterAll(() => {
    if (worker?.pid) process.kill(-worker.pid, 'SIGKILL');
  });

  test('the figures, the API’s requests, and a real worker process’s SDK metrics; scraper token or manager JWT only', async () => {
    // A real worker process (npm run worker's entry point) with its SDK metrics exporter on a port of its own.
    // One process (node with tsx's loader, not the tsx CLI, which would leave its child running when killed), in a
    // process group of its own so that the whole group is killed after the test.
    worker = spawn(process.execPath, ['--import', 'tsx', 'platform/worker-main.ts'], {
      detached: true,
      env: {
        ...process.env,
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        MIGRATE_ON_START: 'false',
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('metrics'),
        WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
        WORKER_METRICS_PORT: String(workerMetricsPort),
        SCHEDULES_ENABLED: 'false',
        AUTH_HMAC_KEYS: `m-1:${'m'.repeat(40)}`,
        PAYLOAD_KEYS: `m-1:${Buffer.alloc(32, 3).toString('base64')}`,
        STATUS_CODE_SECRET: 's'.repeat(40),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const sdk = await eventually(
      () =>
        fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        ),
      (text) => /^temporal_/m.test(text),
      60_000,
    );
    expect(sdk).toMatch(/^temporal_/m);

    // One overdue decision in an agency of this test's own: it shows in the gauges with its labels.
    const agency = `M${randomUUID().slice(0, 7)}`;
    await overdueDecision(api.prisma, await storedApplication(api.prisma, agency), agency);
    await request(api.base).get('/health');
    const scraped = await request(api.base).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    expect(scraped.text).toContain(
      `legal_aid_open_obligations{agency="${agency}",stage="under_review",kind="decision"} 1`,
    );
    expect(scraped.text).toContain(
      `legal_aid_overdue_obligations{agency="${agency}",stage="under_review",kind="decision"} 1`,
    );
    expect(scraped.text).toMatch(/^legal_aid_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/m);
    expect(scraped.text).toMatch(/^legal_aid_api_process_resident_memory_bytes \d+/m);
    expect(scraped.text).toMatch(/^temporal_\w+/m);
    // No application numbers in labels.
    expect(scraped.text).not.toMatch(/[A-Z]{2}-\d{4}-\d{6}/);

    const manager = await request(api.base)
      .get('/metrics')
      .set('Authorization', await bearer(['manager'], 'SX'));
    expect(manager.status).toBe(200);
    expect((await request(api.base).get('/metrics')).status).toBe(401);
    const staff = await request(api.base)
      .get('/metrics')
      .set('Authorization', await bearer(['agency_staff'], 'KQ'));
    expect(staff.status).toBe(403);
    const wrong = await request(api.base).get('/metrics').set('Authorization', 'Bearer not-the-token');
    expect(wrong.status).toBe(401);
  }, 120_000);
});
