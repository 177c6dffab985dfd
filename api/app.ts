/**
 * Builds the HTTP app from its dependencies; never listens (platform/api-server entry points do).
 */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { RuleConfig } from '../domain/rule-config';
import type { Logger } from '../platform/logger';
import type { RecordChanges } from '../platform/record-changes';
import type { PrismaClient } from '../prisma/generated/client';
import { mountApplications } from './applications';
import { mounter, type Mounter } from './mount';
import { mountPerformance } from './performance';
import { mountHotline } from './hotline';
import { mountComplaints } from './complaints';
import { mountAudit, prismaAuditSink } from './audit';
import { mountCalendar } from './calendar';
import { authenticate, requestId, type AuditSink } from './auth/middleware';
import { createTokenVerifier, type AuthConfig } from './auth/tokens';
import { codecCors, mountCodec } from './codec';
import { systemRoutes } from './contract/system';
import { consoleRouter } from './console';
import { ApiError, errorHandler } from './errors';
import { mountFinance } from './finance';
import { mountHistory } from './history';
import { mountMaterialPhotos } from './material-photos';
import { createMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { mountOperations } from './operations';
import { mountStuck } from './stuck';
import { mountPool } from './pool';
import { mountPublic } from './public';
import { mountQuality } from './quality';
import { mountCorrectionItems } from './correction-items';
import { mountVillage } from './village';

export interface AppDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  rules: RuleConfig;
  log: Logger;
  auth: AuthConfig;
  codec: PayloadCodec;
  statusCodeSecret: string;
  codecCorsOrigins: string[];
  /** Where audit rows go (default: `audit_event`, `prismaAuditSink`); a test puts a failing one here. */
  auditSink?: AuditSink;
  onAuditError?: (err: unknown) => void;
  /** S-2.2: village agents and advisors need a filing training in force to file for others (REQUIRE_TRAINING). */
  requireTraining: boolean;
  limits: { intakePerMinute: number; actionsPerMinute: number; lookupsPerMinute: number };
  /** The clock stuck-case figures are measured against; the system clock unless a test server's is given. */
  now?: () => Promise<Date>;
  /** Wakes step-answer waits when a recorder stores a batch (platform/record-changes.ts); without it they poll. */
  recordChanges?: RecordChanges;
  /** Express's `trust proxy` (TRUST_PROXY, `trustProxySetting`): which proxies may name the client; none by default. */
  trustProxy?: false | number | string[];
  /** Issue 8: a static bearer token for Prometheus (METRICS_TOKEN), and where the worker's SDK metrics are. */
  metricsToken?: string;
  workerMetricsUrl?: string;
  /** Tests: every answer is checked against its route's declaration (api/mount.ts). */
  checkAnswers?: boolean;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  const now = deps.now ?? (() => Promise.resolve(new Date()));
  const metrics = createMetrics({
    prisma: deps.prisma,
    now,
    token: deps.metricsToken,
    workerMetricsUrl: deps.workerMetricsUrl,
  });
  app.use(requestId);
  app.use(metrics.observe);
  app.use(express.json({ limit: '256kb' }));

  const auditSink = deps.auditSink ?? prismaAuditSink(deps.prisma);
  const onAuditError = deps.onAuditError ?? ((err: unknown) => deps.log.error({ err }, 'audit write failed'));
  const authenticated = authenticate(createTokenVerifier(deps.auth));

  const m: Mounter = mounter(app, {
    authenticate: authenticated,
    auditSink,
    onAuditError,
    limits: deps.limits,
    checkAnswers: deps.checkAnswers,
  });
  m.mount(systemRoutes.health, async (_input, _req, res) => {
    const [database, temporal] = await Promise.all([
      deps.prisma.$queryRaw`SELECT 1`.then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
      deps.temporal.workflowService.getSystemInfo({}).then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
    ]);
    const ok = database === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, temporal });
  });
  // Generated once, at the first request: from every route mounted by then (all of them).
  let doc: ReturnType<typeof openApiDocument> | undefined;
  m.mount(systemRoutes.openapi, (_input, _req, res) => {
    doc ??= openApiDocument(m.mounted);
    res.json(doc);
  });
  mountPublic(m, deps);
  // CORS (and its preflight) for Temporal's Web UI, before the codec routes.
  app.use('/codec', codecCors(deps.codecCorsOrigins));
  mountCodec(m, deps);
  mountApplications(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountPerformance(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  // The case's workflow history, decrypted for the agency's staff (流程历史; instead of a token for Temporal's UI).
  mountHistory(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountPool(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountQuality(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountCorrectionItems(m, deps);
  mountFinance(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountHotline(m, deps);
  // L-13: complaints, each a workflow with its statutory clocks.
  mountComplaints(m, deps);
  mountVillage(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountMaterialPhotos(m, { ...deps, authenticate: authenticated, auditSink, onAuditError });
  mountAudit(m, deps);
  mountStuck(m, { prisma: deps.prisma, now });
  // Cases that need attention after a data error: technical support lists and resolves them.
  mountOperations(m, deps);
  // Civil Code art. 203: the holiday calendar; the city centre enters each year's arrangement.
  mountCalendar(m, deps);
  // Prometheus: the scraper's static token, or a JWT of the allowed roles.
  m.mountWith({ authenticate: metrics.guard(authenticated) }, systemRoutes.metrics, metrics.handler);
  // Issue 9: the staff web console (static bundle; it calls the routes above with the person's token).
  app.use('/console', consoleRouter());
  app.use((req, _res, next) => next(new ApiError(404, 'ROUTE_NOT_FOUND', `没有这个接口：${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return app;
}
