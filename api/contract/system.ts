/**
 * Contract of the system routes (api/app.ts): liveness and dependencies, this document, and the figures Prometheus
 * scrapes (api/metrics.ts).
 */
import { z } from 'zod';
import { route } from './route';

const tag = '系统';
const health = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'down']),
  temporal: z.enum(['ok', 'down']),
});

export const systemRoutes = {
  health: route({
    method: 'get',
    path: '/health',
    summary: '运行状态：数据库和 Temporal 是否可用',
    tag,
    access: 'public',
    answers: {
      200: { description: '一切正常', schema: health },
      503: { description: '有依赖服务不可用 (status degraded)', schema: health },
    },
  }),
  openapi: route({
    method: 'get',
    path: '/openapi.json',
    summary: '本接口文档（OpenAPI 3.1）',
    tag,
    access: 'public',
    answers: {
      200: {
        description: 'OpenAPI 3.1 文档',
        schema: z.looseObject({
          openapi: z.string(),
          info: z.looseObject({}),
          paths: z.record(z.string(), z.unknown()),
        }),
      },
    },
  }),
  metrics: route({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus 指标（含 Temporal SDK 工作进程指标）：METRICS_TOKEN，或管理人员、市法律援助中心的身份令牌',
    tag,
    access: 'metrics.read',
    answers: {
      200: { description: 'Prometheus 文本格式（text/plain; version=0.0.4）', contentType: 'text/plain' },
    },
  }),
};
