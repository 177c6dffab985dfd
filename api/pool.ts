/**
 * /pool: the legal-aid personnel pool (法律援助人员库, S-2.8). Institutions, recruitment and recommendation, the
 * agency's confirmation, removals (S-2.8(a) score, (b) assessment / penalty with an impact period), re-review and
 * training, and reads with the status history. Changes go through activities/pool.ts (one transaction under the
 * agency's rotation lock); a suspension then starts its impact timer workflow. Access: api/auth/access.ts.
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { poolImpactWorkflowId } from '../domain/definitions';
import type { PrismaClient } from '../prisma/generated/client';
import type { poolImpactWorkflow } from '../workflows';
import { createPoolActivities, PoolLookupError, type PoolChange } from '../activities/pool';
import { mayActOnPool, poolListScope, rolesFor, type Action } from './auth/access';
import { audit, principalOf, type AuditSink } from './auth/middleware';
import { ApiError } from './errors';
import { requestIdOf } from './idempotency';
import { perMinute } from './limits';
import {
  confirmMemberBody,
  createInstitutionBody,
  createMemberBody,
  institutionsQuery,
  membersQuery,
  poolMemberParams,
  poolStepBody,
  removalBody,
} from './schemas';

export interface PoolDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');

/** S-2.8(b): starts the impact timer of a suspension. Idempotent: a timer already started (or done) is answered. */
export async function startImpactTimer(
  temporal: Client,
  taskQueue: string,
  memberId: string,
  timer: NonNullable<PoolChange['impactTimer']>,
): Promise<string> {
  const workflowId = poolImpactWorkflowId(timer.eventId);
  try {
    await temporal.workflow.start<typeof poolImpactWorkflow>('poolImpactWorkflow', {
      workflowId,
      taskQueue,
      args: [{ memberId, eventId: timer.eventId, until: timer.until }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}

export function poolRouter(deps: PoolDeps): Router {
  const router = Router();
  const pool = createPoolActivities({ prisma: deps.prisma });
  const actionLimit = perMinute(deps.limits.actionsPerMinute);
  const auditAs = (action: Action, targetType: string, targetOf: (req: Request) => unknown) =>
    audit(deps.auditSink, deps.onAuditError, action, targetType, (req) => {
      const id = targetOf(req);
      return typeof id === 'string' ? id.slice(0, 64) : undefined;
    });
  const memberIdOf = (req: Request) => poolMemberParams.parse(req.params).memberId;

  /** Role check, then the member (404), then its agency / institution (403). Audited, refusals too. */
  const onMember = (action: Action): RequestHandler[] => [
    auditAs(action, 'pool_member', (req) => req.params.memberId),
    async (req, res, next) => {
      const principal = principalOf(res);
      if (rolesFor(action, principal).length === 0) return next(forbidden());
      const memberId = memberIdOf(req);
      const member = await deps.prisma.poolMember.findUnique({
        where: { id: memberId },
        include: { institution: true },
      });
      if (!member)
        return next(new PoolLookupError('POOL_MEMBER_NOT_FOUND', `法律援助人员库中没有编号为 ${memberId} 的人员`));
      const scope = { agencyCode: member.institution.agencyCode, institutionId: member.institutionId };
      next(mayActOnPool(action, principal, scope) ? undefined : forbidden());
    },
  ];

  /** Answers a change, after starting the impact timer when the member is (now) suspended. */
  async function answer(change: PoolChange, status = 200) {
    const timer = change.impactTimer
      ? {
          workflowId: await startImpactTimer(deps.temporal, deps.taskQueue, change.member.id, change.impactTimer),
          until: change.impactTimer.until,
        }
      : null;
    return {
      status: change.replayed ? 200 : status,
      body: {
        member: change.member,
        event: change.event,
        events: change.events,
        replayed: change.replayed,
        impactTimer: timer,
      },
    };
  }

  router.use(deps.authenticate);

  router.post(
    '/institutions',
    actionLimit,
    auditAs('pool.manage', 'pool_institution', (req) => (req.body as { id?: unknown } | undefined)?.id),
    async (req, res) => {
      const principal = principalOf(res);
      if (rolesFor('pool.manage', principal).length === 0) throw forbidden();
      const body = createInstitutionBody.parse(req.body);
      if (!mayActOnPool('pool.manage', principal, { agencyCode: body.agencyCode })) throw forbidden();
      const { institution, replayed } = await pool.registerInstitution(body);
      res.status(replayed ? 200 : 201).json({ institution, replayed });
    },
  );

  router.get('/institutions', async (req, res) => {
    const principal = principalOf(res);
    if (rolesFor('pool.read', principal).length === 0) throw forbidden();
    const q = institutionsQuery.parse(req.query);
    const scope = poolListScope(principal);
    const agencyCode = q.agencyCode ?? (scope.all ? undefined : principal.agency);
    if (!scope.all && (agencyCode === undefined || agencyCode !== principal.agency)) throw forbidden();
    res.json({ institutions: await pool.listInstitutions({ agencyCode }) });
  });

  // S-2.8 entry: open recruitment by the agency (公开招募), or a recommendation by an institution (机构推荐).
  router.post(
    '/members',
    actionLimit,
    auditAs('pool.register', 'pool_member', (req) => (req.body as { memberId?: unknown } | undefined)?.memberId),
    async (req, res) => {
      const principal = principalOf(res);
      if (rolesFor('pool.register', principal).length === 0) throw forbidden();
      const body = createMemberBody.parse(req.body);
      const institution = await pool.institution(body.institutionId);
      if (!institution) {
        throw new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', `没有编号为 ${body.institutionId} 的法律服务机构`);
      }
      const scope = { agencyCode: institution.agencyCode, institutionId: institution.id };
      const allowed =
        mayActOnPool('pool.manage', principal, scope) ||
        (body.entryRoute === 'recommendation' && mayActOnPool('pool.recommend', principal, scope));
      if (!allowed) throw forbidden();
      const { requestId: bodyKey, ...member } = body;
      const change = await pool.registerMember({
        ...member,
        actor: principal.userId,
        requestId: requestIdOf(req, principal.userId, bodyKey),
      });
      const { status, body: out } = await answer(change, 201);
      res.status(status).setHeader('Location', `/pool/members/${change.member.id}`).json(out);
    },
  );

  router.get('/members', async (req, res) => {
    const principal = principalOf(res);
    if (rolesFor('pool.read', principal).length === 0) throw forbidden();
    const q = membersQuery.parse(req.query);
    const scope = poolListScope(principal);
    let filter: { agencyCode?: string; institutionId?: string };
    if (scope.all) filter = { agencyCode: q.agencyCode, institutionId: q.institutionId };
    else if (scope.agency !== undefined && (q.agencyCode ?? scope.agency) === scope.agency) {
      filter = { agencyCode: scope.agency, institutionId: q.institutionId };
    } else if (scope.institution !== undefined && (q.institutionId ?? scope.institution) === scope.institution) {
      filter = { agencyCode: q.agencyCode, institutionId: scope.institution };
    } else throw forbidden();
    res.json({ members: await pool.listMembers({ ...filter, status: q.status }) });
  });

  router.get('/members/:memberId', ...onMember('pool.read'), async (req, res) => {
    const found = await pool.memberWithEvents(memberIdOf(req));
    if (!found) throw new PoolLookupError('POOL_MEMBER_NOT_FOUND', '法律援助人员库中没有该人员');
    res.json(found);
  });

  /** A staff step on one member (S-2.8): validated body, request id, the change, then the answer. */
  function step<B extends { requestId?: string }>(
    path: string,
    schema: z.ZodType<B>,
    run: (args: { memberId: string; body: B; actor: string; requestId: string }) => Promise<PoolChange>,
  ) {
    router.post(`/members/:memberId/${path}`, actionLimit, ...onMember('pool.manage'), async (req, res) => {
      const actor = principalOf(res).userId;
      const body = schema.parse(req.body ?? {});
      const requestId = requestIdOf(req, actor, body.requestId);
      const { status, body: out } = await answer(await run({ memberId: memberIdOf(req), body, actor, requestId }));
      res.status(status).json(out);
    });
  }

  step('confirmation', confirmMemberBody, ({ body, ...args }) => pool.confirmMember({ ...args, reason: body.reason }));
  step('removal', removalBody, ({ body, ...args }) =>
    pool.removeMember({
      ...args,
      removalKind: body.kind,
      reason: body.reason,
      applicationNo: body.applicationNo,
      score: body.score,
      impactUntil: body.impactUntil,
    }),
  );
  step('re-review', poolStepBody, ({ body, ...args }) => pool.recordReReview({ ...args, reason: body.reason }));
  step('training', poolStepBody, ({ body, ...args }) => pool.recordTraining({ ...args, reason: body.reason }));
  return router;
}
