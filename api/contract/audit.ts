/** Contract of /audit-events (api/audit.ts): the audit trail, read by auditors and the city centre. */
import { z } from 'zod';
import { line } from '../text';
import { instant } from './answers';
import { route } from './route';

export const auditQuery = z
  .object({
    targetId: line('对象编号').max(64).optional(),
    actorId: line('操作人编号').max(128).optional(),
    action: line('操作').max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const auditRoutes = {
  list: route({
    method: 'get',
    path: '/audit-events',
    summary: '审计日志：谁在何时对什么做了什么、结果如何（县级审计人员看本机构的，市级看全市）',
    tag: '审计',
    access: 'audit.read',
    query: auditQuery,
    audit: { targetType: 'audit' },
    answers: {
      200: {
        description: '审计记录，新的在前（仅编号，不含个人信息）',
        schema: z.object({
          events: z.array(
            z.object({
              id: z.string(),
              at: instant,
              actorId: z.string(),
              roles: z.array(z.string()),
              agencyCode: z.string().nullable(),
              action: z.string(),
              targetType: z.string(),
              targetId: z.string().nullable(),
              requestId: z.string(),
              outcome: z.number().int().describe('答复的 HTTP 状态'),
            }),
          ),
        }),
      },
    },
  }),
};
