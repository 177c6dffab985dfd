/**
 * Issue 8: `/metrics` for Prometheus. The system's own figures (open and overdue obligations by agency, stage and
 * kind; this month's SLA shares per agency; the last reconciliation; cases that need attention after a data error and
 * the data errors seen), the API's request counts and latencies, the Node process, and — appended — the Temporal
 * SDK's worker metrics (its Prometheus exporter, see platform/bootstrap.ts `installTemporalRuntime`). Figures are
 * computed when scraped; no personal data in labels.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { cstDateOf, startOfCstDay } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';
import { rolesFor } from './auth/access';
import { principalOf } from './auth/middleware';
import { ApiError } from './errors';
import { slaFigures } from './stuck';

export interface MetricsDeps {
  prisma: PrismaClient;
  now: () => Promise<Date>;
  /** A static bearer token for the scraper (METRICS_TOKEN); JWTs with `metrics.read` work as well. */
  token?: string;
  /** Where the worker's SDK metrics are served (the Prometheus exporter of the Temporal runtime). */
  workerMetricsUrl?: string;
}

export function createMetrics(deps: MetricsDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'legal_aid_api_' });
  const requests = new Counter({
    name: 'legal_aid_http_requests_total',
    help: 'HTTP requests answered by the API, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'legal_aid_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const open = new Gauge({
    name: 'legal_aid_open_obligations',
    help: 'Open obligations (what cases wait on) by agency, stage and kind',
    labelNames: ['agency', 'stage', 'kind'] as const,
    registers: [registry],
  });
  const overdue = new Gauge({
    name: 'legal_aid_overdue_obligations',
    help: 'Open obligations past their due time by agency, stage and kind',
    labelNames: ['agency', 'stage', 'kind'] as const,
    registers: [registry],
  });
  const sla = new Gauge({
    name: 'legal_aid_sla_share',
    help: 'Share of this China month’s events within their rule (S-3.3 same-day assignment, L-1 review, S-2.4 hotline, S-4.4 evaluation)',
    labelNames: ['agency', 'measure'] as const,
    registers: [registry],
  });
  const slaTotal = new Gauge({
    name: 'legal_aid_sla_events',
    help: 'Events of this China month counted by legal_aid_sla_share',
    labelNames: ['agency', 'measure'] as const,
    registers: [registry],
  });
  const payouts = new Gauge({
    name: 'legal_aid_payout_cents',
    help: 'Subsidy paid this China month by agency and tier (S-4.5), in cents',
    labelNames: ['agency', 'tier'] as const,
    registers: [registry],
  });
  const reconcile = new Gauge({
    name: 'legal_aid_read_model_reconcile_last',
    help: 'The last finished read-model reconciliation: cases checked, repaired, orphaned, failed',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const attention = new Gauge({
    name: 'legal_aid_cases_needing_attention',
    help: 'Cases whose stored record waits at a write that met a data error (需技术支持处理), by agency and case kind',
    labelNames: ['agency', 'case_kind'] as const,
    registers: [registry],
  });
  const dataErrors = new Gauge({
    name: 'legal_aid_data_errors',
    help: 'Data errors (PostgreSQL SQLSTATE class 22/23) that put a case into needs-attention so far, resolved or not, by case kind and SQLSTATE',
    labelNames: ['case_kind', 'sqlstate'] as const,
    registers: [registry],
  });
  const reconcileAt = new Gauge({
    name: 'legal_aid_read_model_reconcile_last_finished_seconds',
    help: 'Unix time the last read-model reconciliation finished',
    registers: [registry],
  });

  async function refresh(): Promise<void> {
    const now = await deps.now();
    const rows = await deps.prisma.$queryRaw<
      Array<{ agency: string; stage: string; kind: string; open: bigint; overdue: bigint }>
    >`
      SELECT a.agency_code AS agency, a.stage::text AS stage, o.kind, count(*) AS open,
             count(*) FILTER (WHERE o.due_at <= ${now}) AS overdue
      FROM obligation o JOIN application a ON a.application_no = o.application_no
      WHERE o.resolved_at IS NULL
      GROUP BY 1, 2, 3`;
    open.reset();
    overdue.reset();
    for (const r of rows) {
      open.set({ agency: r.agency, stage: r.stage, kind: r.kind }, Number(r.open));
      overdue.set({ agency: r.agency, stage: r.stage, kind: r.kind }, Number(r.overdue));
    }
    // Cases that need attention (case_attention, activities/attention.ts): open rows, and every data error recorded.
    const flagged = await deps.prisma.$queryRaw<
      Array<{ agency: string; case_kind: string; sqlstate: string; open: bigint; seen: bigint }>
    >`
      SELECT agency_code AS agency, case_kind, sqlstate, count(*) FILTER (WHERE resolved_at IS NULL) AS open,
             sum(occurrences) AS seen
      FROM case_attention
      GROUP BY 1, 2, 3`;
    attention.reset();
    dataErrors.reset();
    for (const r of flagged) {
      if (r.open > 0n) attention.inc({ agency: r.agency, case_kind: r.case_kind }, Number(r.open));
      dataErrors.inc({ case_kind: r.case_kind, sqlstate: r.sqlstate }, Number(r.seen));
    }
    const today = cstDateOf(now);
    const start = startOfCstDay(`${today.slice(0, 8)}01`);
    const end = new Date(startOfCstDay(today).getTime() + 86_400_000);
    sla.reset();
    slaTotal.reset();
    payouts.reset();
    for (const a of await slaFigures(deps.prisma, start, end, now, undefined)) {
      for (const measure of [
        'assignmentSameDay',
        'reviewWithin7Days',
        'hotlineAnswered',
        'evaluationsCompleted',
      ] as const) {
        const figure = a[measure];
        slaTotal.set({ agency: a.agencyCode, measure }, figure.total);
        if (figure.share !== null) sla.set({ agency: a.agencyCode, measure }, figure.share);
      }
      for (const p of a.payoutsByTier) payouts.set({ agency: a.agencyCode, tier: p.tier }, p.amountCents);
    }
    const last = await deps.prisma.reconcileRun.findFirst({
      where: { finishedAt: { not: null } },
      orderBy: { id: 'desc' },
    });
    reconcile.reset();
    if (last) {
      reconcile.set({ result: 'checked' }, last.checked);
      reconcile.set({ result: 'repaired' }, last.repaired);
      reconcile.set({ result: 'orphaned' }, last.orphaned);
      reconcile.set({ result: 'failed' }, last.failed);
      reconcileAt.set(last.finishedAt!.getTime() / 1000);
    }
  }

  /** Counts every answered request by its route pattern (never by its path: no application numbers in labels). */
  const observe: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const matched = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof matched === 'string' ? `${req.baseUrl}${matched}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      latency.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };

  async function workerMetrics(): Promise<string> {
    if (!deps.workerMetricsUrl) return '';
    try {
      const res = await fetch(deps.workerMetricsUrl, { signal: AbortSignal.timeout(2_000) });
      return res.ok
        ? `\n# Temporal SDK worker metrics (${new URL(deps.workerMetricsUrl).host})\n${await res.text()}`
        : '';
    } catch {
      return '\n# Temporal SDK worker metrics unavailable\n';
    }
  }

  const matchesToken = (header: string | undefined): boolean => {
    if (!deps.token || !header?.startsWith('Bearer ')) return false;
    const given = Buffer.from(header.slice(7));
    const wanted = Buffer.from(deps.token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };

  /**
   * The scraper's static token (no principal), or a JWT of someone allowed `metrics.read`: the route's own
   * authentication in place of the bearer token alone (api/mount.ts `mountWith`).
   */
  function guard(authenticate: RequestHandler): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (matchesToken(req.header('Authorization'))) return next();
      authenticate(req, res, (err?: unknown) => {
        if (err) return next(err);
        if (rolesFor('metrics.read', principalOf(res)).length === 0) {
          return next(new ApiError(403, 'FORBIDDEN', '您无权读取运行指标'));
        }
        next();
      });
    };
  }

  /** GET /metrics (api/contract/system.ts): the figures as of now, then the worker's. */
  const handler = async (_input: unknown, _req: Request, res: Response): Promise<void> => {
    await refresh();
    const [own, worker] = await Promise.all([registry.metrics(), workerMetrics()]);
    res.type(registry.contentType).send(own + worker);
  };

  return { registry, observe, guard, handler };
}
