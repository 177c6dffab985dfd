/** The audit trail in PostgreSQL (append-only table `audit_event`) and its read API for auditors. */
import { Router } from 'express';
import { z } from 'zod';
import { line } from './text';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { listScope, rolesFor, type Principal } from './auth/access';
import { audit, authorize, principalOf, type AuditSink } from './auth/middleware';
import type { Logger } from '../platform/logger';

/**
 * Stores a request's row, unless one for the same request id and action is there already: a staff step's row is
 * stored with the step's own write, before its answer reaches the API.
 */
export function prismaAuditSink(prisma: PrismaClient): AuditSink {
  return async (r) => {
    await prisma.$executeRaw`
      INSERT INTO audit_event (at, actor_id, roles, agency_code, action, target_type, target_id, request_id, outcome)
      SELECT ${r.at}, ${r.actorId}, ${r.roles}::text[], ${r.agencyCode}, ${r.action}, ${r.targetType}, ${r.targetId},
             ${r.requestId}, ${r.outcome}
      WHERE NOT EXISTS (SELECT 1 FROM audit_event WHERE request_id = ${r.requestId} AND action = ${r.action})`;
  };
}

const auditQuery = z
  .object({
    targetId: line('对象编号').max(64).optional(),
    actorId: line('操作人编号').max(128).optional(),
    action: line('操作').max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/**
 * Whose rows an auditor reads, as case reads are scoped (`listScope`): the city centre and the city's own auditors
 * every agency's; a county auditor what people of its agency did and whatever was done to its cases (an application
 * number begins with its agency's code), never another agency's own business.
 */
function auditScope(p: Principal): Prisma.AuditEventWhereInput {
  if (listScope(p).all || rolesFor('audit.read', p).includes('city_centre')) return {};
  if (!p.agency) return { id: -1n };
  return { OR: [{ agencyCode: p.agency }, { targetId: { startsWith: `${p.agency}-` } }] };
}

export function auditRouter(deps: { prisma: PrismaClient; log: Logger }): Router {
  const router = Router();
  const sink = prismaAuditSink(deps.prisma);
  const onError = (err: unknown) => deps.log.error({ err }, 'audit write failed');
  router.get(
    '/',
    authorize('audit.read'),
    audit(sink, onError, 'audit.read', 'audit', () => undefined),
    async (req, res) => {
      const q = auditQuery.parse(req.query);
      const scope = auditScope(principalOf(res));
      const rows = await deps.prisma.auditEvent.findMany({
        where: {
          ...scope,
          targetId: q.targetId,
          actorId: q.actorId,
          action: q.action,
          at: { gte: q.from ? new Date(q.from) : undefined, lte: q.to ? new Date(q.to) : undefined },
        },
        orderBy: { id: 'desc' },
        take: q.limit,
      });
      res.json({ events: rows.map((row) => ({ ...row, id: row.id.toString() })) });
    },
  );
  return router;
}
