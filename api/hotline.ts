/**
 * /hotline: 12348 calls and online inquiries (S-2.4–S-2.7). The telephony system or the online platform registers a
 * call; duty officers of the agency see the waiting calls, claim one (grab-order: one winner), answer it and record
 * the outcome (S-2.7); agencies see the online duty workload per officer (S-2.5, S-2.6).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RecordChanges } from '../platform/record-changes';
import { storedAnswers } from '../platform/step-client';
import { sendStep } from './steps';
import { requestIdOf } from './idempotency';
import {
  answerCall,
  claimCall,
  getCall,
  hotlineCallWorkflowId,
  recordCallOutcome,
  type HotlineCallState,
} from '../domain/definitions';
import type { StepDefinition } from '../domain/definitions';
import type { RuleConfig } from '../domain/rule-config';
import { createVillageActivities } from '../activities/village';
import type { PrismaClient } from '../prisma/generated/client';
import { CITY_AGENCY, rolesFor, type Action } from './auth/access';
import { audit, principalOf, type AuditSink } from './auth/middleware';
import { ApiError } from './errors';
import { perMinute } from './limits';
import { callIdParams, callOutcomeBody, callsQuery, createCallBody, dutyQuery } from './schemas';

export interface HotlineDeps {
  prisma: PrismaClient;
  recordChanges?: RecordChanges;
  temporal: Client;
  taskQueue: string;
  rules: RuleConfig;
  requireTraining: boolean;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您无权处理该来电');
const notFound = () => new ApiError(404, 'CALL_NOT_FOUND', '没有这个来电');

export function hotlineRouter(deps: HotlineDeps): Router {
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const router = Router();
  const limit = perMinute(deps.limits.actionsPerMinute);
  const training = createVillageActivities({ prisma: deps.prisma });
  const handleOf = (callId: string) => deps.temporal.workflow.getHandle(hotlineCallWorkflowId(callId));
  const callIdOf = (req: Request) => callIdParams.parse(req.params).callId;

  /** The role may act, and the call is of the person's agency (the city centre: every agency). */
  const onCall = (action: Action): RequestHandler[] => [
    audit(deps.auditSink, deps.onAuditError, action, 'hotline_call', (req) => req.params.callId as string),
    async (req, res, next) => {
      const principal = principalOf(res);
      const roles = rolesFor(action, principal);
      if (roles.length === 0) return next(forbidden());
      let call: HotlineCallState;
      try {
        call = await handleOf(callIdOf(req)).query(getCall);
      } catch (err) {
        return next(err instanceof WorkflowNotFoundError ? notFound() : err);
      }
      const cityWide = roles.includes('city_centre') || principal.agency === CITY_AGENCY;
      next(cityWide || principal.agency === call.agencyCode ? undefined : forbidden());
    },
  ];

  /** Sends a staff step to the call's workflow (api/steps.ts): a call that has ended answers 409. */
  function send<Arg>(
    req: Request,
    res: Response,
    step: StepDefinition<HotlineCallState, Arg>,
    arg: Arg,
    prefix: string,
  ): Promise<HotlineCallState> {
    const updateId = `${prefix}:${requestIdOf(req, principalOf(res).userId, undefined)}`;
    const closed = new ApiError(409, 'CALL_CLOSED', '该来电已处理完毕');
    return sendStep(answers, { handle: handleOf(callIdOf(req)), updateId, missing: notFound(), closed }, step, arg);
  }

  router.use(deps.authenticate);

  // S-2.4: a call or inquiry arrives (from the telephony system or the online platform, or entered by duty staff).
  router.post(
    '/calls',
    limit,
    audit(deps.auditSink, deps.onAuditError, 'hotline.register', 'hotline_call', () => undefined),
    async (req, res) => {
      const principal = principalOf(res);
      if (rolesFor('hotline.register', principal).length === 0) throw forbidden();
      const body = createCallBody.parse(req.body);
      if (principal.agency !== CITY_AGENCY && principal.agency !== body.agencyCode) throw forbidden();
      // A repeated registration (same key from the same sender) is the same call.
      const callId = `H-${requestIdOf(req, principal.userId, undefined).slice(0, 20)}`;
      // Only the telephony system or the online platform states when a call came in; people entering one: now.
      const fromSystem = rolesFor('hotline.register', principal).includes('telephony');
      const receivedAt = (fromSystem ? body.receivedAt : undefined) ?? new Date().toISOString();
      let status = 201;
      try {
        await deps.temporal.workflow.start('hotlineCallWorkflow', {
          workflowId: hotlineCallWorkflowId(callId),
          taskQueue: deps.taskQueue,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [
            {
              callId,
              agencyCode: body.agencyCode,
              channel: body.channel,
              receivedAt,
              rules: deps.rules.hotline,
              ...(fromSystem ? {} : { enteredBy: principal.userId }),
            },
          ],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        status = 200;
      }
      const call = await handleOf(callId).query(getCall);
      res.status(status).json({ callId, dueAt: call.dueAt, status: call.status });
    },
  );

  // The waiting calls of the agency (the grab-order pool), most urgent first.
  router.get(
    '/calls',
    audit(deps.auditSink, deps.onAuditError, 'hotline.read', 'hotline_call', () => undefined),
    async (req, res) => {
      const principal = principalOf(res);
      const roles = rolesFor('hotline.read', principal);
      if (roles.length === 0) throw forbidden();
      const q = callsQuery.parse(req.query);
      const cityWide = roles.includes('city_centre') || principal.agency === CITY_AGENCY;
      const agencyCode = cityWide ? q.agencyCode : principal.agency;
      if (!agencyCode && !cityWide) throw forbidden();
      const rows = await deps.prisma.hotlineCall.findMany({
        where: { agencyCode, status: q.status },
        orderBy: { dueAt: 'asc' },
        take: q.limit,
      });
      res.json({
        calls: rows.map((c) => ({
          callId: c.id,
          agencyCode: c.agencyCode,
          channel: c.channel,
          receivedAt: c.receivedAt,
          dueAt: c.dueAt,
          status: c.status,
          claimedBy: c.claimedBy,
          answeredBy: c.answeredBy,
          breached: c.breached,
          outcome: c.outcome,
        })),
      });
    },
  );

  router.get('/calls/:callId', ...onCall('hotline.read'), async (req, res) => {
    res.json(await handleOf(callIdOf(req)).query(getCall));
  });

  // Grab-order (在线抢单): exactly one officer wins; a lapsed claim returns the call to the pool.
  router.post('/calls/:callId/claim', limit, ...onCall('hotline.duty'), async (req, res) => {
    const officerId = principalOf(res).userId;
    // S-2.6: only trained duty officers take duty (configurable).
    if (deps.requireTraining) {
      const on = new Date().toISOString();
      if (!(await training.isTrainedFor({ personId: officerId, kind: 'hotline_duty', on }))) {
        throw new ApiError(403, 'TRAINING_REQUIRED', '您尚未取得有效的值班培训记录，暂不能接听（S-2.6）');
      }
    }
    res.json(await send(req, res, claimCall, { officerId }, 'claim'));
  });
  router.post('/calls/:callId/answer', limit, ...onCall('hotline.duty'), async (req, res) => {
    res.json(await send(req, res, answerCall, { officerId: principalOf(res).userId }, 'answer'));
  });
  // S-2.7 first-contact responsibility: every answered call ends with a recorded outcome.
  router.post('/calls/:callId/outcome', limit, ...onCall('hotline.duty'), async (req, res) => {
    const body = callOutcomeBody.parse(req.body);
    const principal = principalOf(res);
    if (body.kind === 'transferred') {
      // The application must be one this officer filed (so S-2.9(d) can prefer them, turn kept).
      const filed = await deps.prisma.intakeRequest.findUnique({ where: { applicationNo: body.applicationNo! } });
      if (!filed || filed.filedBy !== principal.userId) {
        throw new ApiError(422, 'INVALID_INPUT', '转单的申请编号须是您本人提交的法律援助申请');
      }
    }
    res.json(await send(req, res, recordCallOutcome, { ...body, officerId: principal.userId }, 'outcome'));
  });

  // S-2.5, S-2.6: online duty workload per officer and per agency.
  router.get(
    '/duty',
    audit(deps.auditSink, deps.onAuditError, 'hotline.workload', 'duty_credit', () => undefined),
    async (req, res) => {
      const principal = principalOf(res);
      const roles = rolesFor('hotline.workload', principal);
      if (roles.length === 0) throw forbidden();
      const q = dutyQuery.parse(req.query);
      const cityWide = roles.includes('city_centre') || principal.agency === CITY_AGENCY;
      const agencyCode = cityWide ? q.agencyCode : principal.agency;
      const rows = await deps.prisma.dutyCredit.findMany({
        where: { agencyCode },
        orderBy: [{ agencyCode: 'asc' }, { answeredCalls: 'desc' }],
      });
      const agencies = new Map<string, { answeredCalls: number; dutyDays: number; officers: number }>();
      for (const r of rows) {
        const a = agencies.get(r.agencyCode) ?? { answeredCalls: 0, dutyDays: 0, officers: 0 };
        a.answeredCalls += r.answeredCalls;
        a.dutyDays += r.dutyDays;
        a.officers += 1;
        agencies.set(r.agencyCode, a);
      }
      res.json({
        officers: rows.map((r) => ({
          officerId: r.officerId,
          agencyCode: r.agencyCode,
          answeredCalls: r.answeredCalls,
          dutyDays: r.dutyDays,
          // S-2.5: partial counts carry over to the next duty day.
          towardNextDay: r.answeredCalls % 30,
        })),
        agencies: [...agencies.entries()].map(([agencyCode, a]) => ({ agencyCode, ...a })),
      });
    },
  );

  return router;
}
