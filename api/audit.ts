/** The audit trail in PostgreSQL (append-only table `audit_event`) and its read API for auditors. */
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { listScope, rolesFor, type Principal } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { auditRoutes } from './contract/audit';
import type { Mounter } from './mount';

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

export function mountAudit(m: Mounter, deps: { prisma: PrismaClient }): void {
  m.mount(auditRoutes.list, async ({ query: q, principal }, _req, res) => {
    const rows = await deps.prisma.auditEvent.findMany({
      where: {
        ...auditScope(principal),
        targetId: q.targetId,
        actorId: q.actorId,
        action: q.action,
        at: { gte: q.from ? new Date(q.from) : undefined, lte: q.to ? new Date(q.to) : undefined },
      },
      orderBy: { id: 'desc' },
      take: q.limit,
    });
    res.json({ events: rows.map((row) => ({ ...row, id: row.id.toString() })) });
  });
}
