/**
 * Builds the HTTP app from its dependencies; never listens (platform/api-server.ts does).
 */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { RuleConfig } from '../domain/rule-config';
import type { Logger } from '../platform/logger';
import type { PrismaClient } from '../prisma/generated/client';
import { applicationsRouter } from './applications';
import { ApiError, errorHandler } from './errors';
import { openApiDocument } from './openapi';

export interface AppDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  rules: RuleConfig;
  log: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '256kb' }));

  app.get('/health', async (_req, res) => {
    const [database, temporal] = await Promise.all([
      deps.prisma.$queryRaw`SELECT 1`.then(
        () => 'ok',
        () => 'down',
      ),
      deps.temporal.workflowService.getSystemInfo({}).then(
        () => 'ok',
        () => 'down',
      ),
    ]);
    const ok = database === 'ok' && temporal === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, temporal });
  });
  const doc = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  app.use('/applications', applicationsRouter(deps));
  app.use((req, _res, next) => next(new ApiError(404, 'ROUTE_NOT_FOUND', `没有这个接口：${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return app;
}
