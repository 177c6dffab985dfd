/**
 * /pool: the legal-aid personnel pool (法律援助人员库, S-2.8). Institutions, recruitment and recommendation, the
 * agency's confirmation, removals (S-2.8(a) score, (b) assessment / penalty with an impact period), re-review and
 * training, and reads with the status history. Changes go through repositories/pool.ts (one transaction under the
 * agency's rotation lock); a suspension then starts its impact timer workflow. Access: api/auth/access.ts.
 */
import type { Request, RequestHandler, Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { poolImpactWorkflowId } from '../domain/definitions';
import type { PoolReentry } from '../domain/pool';
import { removesMember } from '../domain/quality';
import type { RuleConfig } from '../domain/rule-config';
import type { PrismaClient } from '../prisma/generated/client';
import type { poolImpactWorkflow } from '../workflows';
import { createExcellentRatingRepository } from '../repositories/excellent-ratings';
import { createPoolRepository, PoolLookupError, type PoolChange } from '../repositories/pool';
import { mayActOnPool, poolListScope, type Action, type Principal } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { poolRoutes } from './contract/pool';
import { ApiError } from './errors';
import { forbidden } from './guards';
import { requestIdOf } from './idempotency';
import type { Mounter } from './mount';

export interface PoolDeps {
  prisma: PrismaClient;
  /** S-2.8(a): the configured removal threshold; S-2.8(b): the re-entry after an impact period. */
  rules: RuleConfig;
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
}

/** S-2.8(b): starts the impact timer of a suspension. Idempotent: a timer already started (or done) is answered. */
export async function startImpactTimer(
  temporal: Client,
  taskQueue: string,
  memberId: string,
  timer: NonNullable<PoolChange['impactTimer']>,
  reentry: PoolReentry = 'confirm',
): Promise<string> {
  const workflowId = poolImpactWorkflowId(timer.eventId);
  try {
    await temporal.workflow.start<typeof poolImpactWorkflow>('poolImpactWorkflow', {
      workflowId,
      taskQueue,
      args: [{ memberId, eventId: timer.eventId, until: timer.until, reentry }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}

/** The member of the path's `memberId`: 404 when there is none, 403 when its agency / institution is not the caller's. */
export function memberGuard(prisma: PrismaClient, action: Action) {
  return async ({ params, principal }: { params: { memberId: string }; principal: Principal | undefined }) => {
    const member = await prisma.poolMember.findUnique({
      where: { id: params.memberId },
      include: { institution: true },
    });
    if (!member) {
      throw new PoolLookupError('POOL_MEMBER_NOT_FOUND', `法律援助人员库中没有编号为 ${params.memberId} 的人员`);
    }
    const scope = { agencyCode: member.institution.agencyCode, institutionId: member.institutionId };
    if (!principal || !mayActOnPool(action, principal, scope)) throw forbidden();
  };
}

export function mountPool(m: Mounter, deps: PoolDeps): void {
  const C = poolRoutes;
  const pool = createPoolRepository({ prisma: deps.prisma });
  const ratings = createExcellentRatingRepository({ prisma: deps.prisma });
  const onMember = (action: Action) => memberGuard(deps.prisma, action);

  /** Answers a change, after starting the impact timer when the member is (now) suspended. */
  async function answer(change: PoolChange, status = 200) {
    const timer = change.impactTimer
      ? {
          workflowId: await startImpactTimer(
            deps.temporal,
            deps.taskQueue,
            change.member.id,
            change.impactTimer,
            deps.rules.poolReentryAfterImpact,
          ),
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

  m.mount(C.createInstitution, async ({ body, principal }, _req, res) => {
    if (!mayActOnPool('pool.manage', principal, { agencyCode: body.agencyCode })) throw forbidden();
    const { institution, replayed } = await pool.registerInstitution(body);
    res.status(replayed ? 200 : 201).json({ institution, replayed });
  });

  m.mount(C.setResponsiblePeople, async ({ params, body, principal }, _req, res) => {
    const institution = await pool.institution(params.institutionId);
    if (!institution) {
      throw new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', `没有编号为 ${params.institutionId} 的法律服务机构`);
    }
    if (!mayActOnPool('pool.manage', principal, { agencyCode: institution.agencyCode })) throw forbidden();
    res.json({ institution: await pool.setResponsiblePeople(params.institutionId, body.personIds) });
  });

  m.mount(C.listInstitutions, async ({ query, principal }, _req, res) => {
    const scope = poolListScope(principal);
    const agencyCode = query.agencyCode ?? (scope.all ? undefined : principal.agency);
    if (!scope.all && (agencyCode === undefined || agencyCode !== principal.agency)) throw forbidden();
    res.json({ institutions: await pool.listInstitutions({ agencyCode }) });
  });

  // S-2.9(g): a province- or city-level excellent rating of a member or an institution of the caller's agency.
  m.mount(C.recordExcellentRating, async ({ body, principal }, req, res) => {
    const { requestId: bodyKey, subject, ...rating } = body;
    const scope = await ratings.subjectScope(subject);
    if (!mayActOnPool('pool.manage', principal, scope)) throw forbidden();
    const requestId = requestIdOf(req, principal.userId, bodyKey);
    const out = await ratings.record({ ...rating, subject, recordedBy: principal.userId, requestId });
    res.status(out.replayed ? 200 : 201).json(out);
  });

  m.mount(C.listExcellentRatings, async ({ query: q, principal }, _req, res) => {
    const scope = poolListScope(principal);
    let filter: { agencyCode?: string; memberId?: string; institutionId?: string };
    if (scope.all) filter = q;
    else if (scope.agency !== undefined && (q.agencyCode ?? scope.agency) === scope.agency) {
      filter = { ...q, agencyCode: scope.agency };
    } else if (scope.institution !== undefined && (q.institutionId ?? scope.institution) === scope.institution) {
      filter = { ...q, institutionId: scope.institution };
    } else throw forbidden();
    res.json({ ratings: await ratings.list(filter) });
  });

  // S-2.8 entry: open recruitment by the agency (公开招募), or a recommendation by an institution (机构推荐).
  m.mount(C.createMember, async ({ body, principal }, req, res) => {
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
  });

  m.mount(C.listMembers, async ({ query: q, principal }, _req, res) => {
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

  m.mount(C.readMember, onMember('pool.read'), async ({ params }, _req, res) => {
    const found = await pool.memberWithEvents(params.memberId);
    if (!found) throw new PoolLookupError('POOL_MEMBER_NOT_FOUND', '法律援助人员库中没有该人员');
    res.json(found);
  });

  /** A staff step on one member (S-2.8): who acts and the request id (header or body), for the change. */
  const stepArgs = (memberId: string, principal: Principal, req: Request, bodyKey: string | undefined) => ({
    memberId,
    actor: principal.userId,
    requestId: requestIdOf(req, principal.userId, bodyKey),
  });
  const send = async (res: Response, change: PoolChange) => {
    const { status, body } = await answer(change);
    res.status(status).json(body);
  };
  const manage = onMember('pool.manage');

  m.mount(C.confirm, manage, async ({ params, body, principal }, req, res) => {
    const args = stepArgs(params.memberId, principal, req, body.requestId);
    await send(res, await pool.confirmMember({ ...args, reason: body.reason, standards: body.standards }));
  });
  m.mount(C.remove, manage, async ({ params, body, principal }, req, res) => {
    // S-2.8(a): the same decision as the evaluation's, with the configured threshold.
    const threshold = deps.rules.removalThreshold;
    if (body.kind === 'score' && body.score !== undefined && !removesMember(body.score, threshold)) {
      const message = `只有 ${threshold} 分以下（含 ${threshold} 分）的案件导致移出（S-2.8(a)）`;
      throw new ApiError(400, 'VALIDATION_FAILED', `请求内容不符合要求：score ${message}`, [
        { path: 'score', message },
      ]);
    }
    const args = stepArgs(params.memberId, principal, req, body.requestId);
    const change = await pool.removeMember({
      ...args,
      removalKind: body.kind,
      reason: body.reason,
      applicationNo: body.applicationNo,
      score: body.score,
      impactUntil: body.impactUntil,
    });
    await send(res, change);
  });
  m.mount(C.reReview, manage, async ({ params, body, principal }, req, res) => {
    const args = stepArgs(params.memberId, principal, req, body.requestId);
    await send(res, await pool.recordReReview({ ...args, reason: body.reason }));
  });
  m.mount(C.training, manage, async ({ params, body, principal }, req, res) => {
    const args = stepArgs(params.memberId, principal, req, body.requestId);
    await send(res, await pool.recordTraining({ ...args, reason: body.reason }));
  });
}
