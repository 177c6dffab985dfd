/**
 * /hotline: 12348 calls and online inquiries (S-2.4–S-2.7). The telephony system or the online platform registers a
 * call; duty officers of the agency see the waiting calls, claim one (grab-order: one winner), answer it and record
 * the outcome (S-2.7); agencies see the online duty workload per officer (S-2.5, S-2.6).
 */
import type { Request } from 'express';
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
import { dutyOfficerTitle, towardNextDutyDay } from '../domain/hotline';
import { createVillageRepository } from '../repositories/village';
import type { PrismaClient } from '../prisma/generated/client';
import { CITY_AGENCY, rolesFor, type Action, type Principal } from './auth/access';
import { hotlineRoutes } from './contract/hotline';
import { ApiError } from './errors';
import type { Mounter } from './mount';

export interface HotlineDeps {
  prisma: PrismaClient;
  recordChanges?: RecordChanges;
  temporal: Client;
  taskQueue: string;
  rules: RuleConfig;
  requireTraining: boolean;
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您无权处理该来电');
const notFound = () => new ApiError(404, 'CALL_NOT_FOUND', '没有这个来电');

export function mountHotline(m: Mounter, deps: HotlineDeps): void {
  const C = hotlineRoutes;
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const training = createVillageRepository({ prisma: deps.prisma });
  const handleOf = (callId: string) => deps.temporal.workflow.getHandle(hotlineCallWorkflowId(callId));

  /** The call is of the person's agency (the city centre: every agency); 404 when there is no such call. */
  const onCall =
    (action: Action) =>
    async ({ params, principal }: { params: { callId: string }; principal: Principal }): Promise<void> => {
      let call: HotlineCallState;
      try {
        call = await handleOf(params.callId).query(getCall);
      } catch (err) {
        throw err instanceof WorkflowNotFoundError ? notFound() : err;
      }
      const cityWide = rolesFor(action, principal).includes('city_centre') || principal.agency === CITY_AGENCY;
      if (!cityWide && principal.agency !== call.agencyCode) throw forbidden();
    };

  /** Sends a staff step to the call's workflow (api/steps.ts): a call that has ended answers 409. */
  function send<Arg>(
    req: Request,
    callId: string,
    principal: Principal,
    step: StepDefinition<HotlineCallState, Arg>,
    arg: Arg,
    prefix: string,
  ): Promise<HotlineCallState> {
    const updateId = `${prefix}:${requestIdOf(req, principal.userId, undefined)}`;
    const closed = new ApiError(409, 'CALL_CLOSED', '该来电已处理完毕');
    return sendStep(answers, { handle: handleOf(callId), updateId, missing: notFound(), closed }, step, arg);
  }

  // S-2.4: a call or inquiry arrives (from the telephony system or the online platform, or entered by duty staff).
  m.mount(C.register, async ({ body, principal }, req, res) => {
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
  });

  // The waiting calls of the agency (the grab-order pool), most urgent first.
  m.mount(C.list, async ({ query: q, principal }, _req, res) => {
    const roles = rolesFor('hotline.read', principal);
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
  });

  m.mount(C.read, onCall('hotline.read'), async ({ params }, _req, res) => {
    res.json(await handleOf(params.callId).query(getCall));
  });

  // Grab-order (在线抢单): exactly one officer wins; a lapsed claim returns the call to the pool.
  m.mount(C.claim, onCall('hotline.duty'), async ({ params, principal }, req, res) => {
    const officerId = principal.userId;
    // S-2.6: only trained duty officers take duty (configurable).
    if (deps.requireTraining) {
      const on = new Date().toISOString();
      if (!(await training.isTrainedFor({ personId: officerId, kind: 'hotline_duty', on }))) {
        throw new ApiError(403, 'TRAINING_REQUIRED', '您尚未取得有效的值班培训记录，暂不能接听（S-2.6）');
      }
    }
    res.json(await send(req, params.callId, principal, claimCall, { officerId }, 'claim'));
  });
  m.mount(C.answer, onCall('hotline.duty'), async ({ params, principal }, req, res) => {
    res.json(await send(req, params.callId, principal, answerCall, { officerId: principal.userId }, 'answer'));
  });
  // S-2.7 first-contact responsibility: every answered call ends with a recorded outcome.
  m.mount(C.outcome, onCall('hotline.duty'), async ({ params, body, principal }, req, res) => {
    if (body.kind === 'transferred') {
      // The application must be one this officer filed (so S-2.9(d) can prefer them, turn kept).
      const filed = await deps.prisma.intakeRequest.findUnique({ where: { applicationNo: body.applicationNo! } });
      if (!filed || filed.filedBy !== principal.userId) {
        throw new ApiError(422, 'INVALID_INPUT', '转单的申请编号须是您本人提交的法律援助申请');
      }
    }
    if (body.kind === 'complaint') {
      // L-13: the complaint must be one this officer filed on the hotline.
      const complaint = await deps.prisma.complaint.findUnique({ where: { id: body.complaintId! } });
      if (!complaint || complaint.filedBy !== principal.userId || complaint.channel !== 'hotline') {
        throw new ApiError(422, 'INVALID_INPUT', '来电投诉的投诉编号须是您本人在热线登记的投诉');
      }
    }
    const arg = { ...body, officerId: principal.userId };
    res.json(await send(req, params.callId, principal, recordCallOutcome, arg, 'outcome'));
  });

  // S-2.5, S-2.6: online duty workload per officer and per agency.
  m.mount(C.duty, async ({ query: q, principal }, _req, res) => {
    const roles = rolesFor('hotline.workload', principal);
    const cityWide = roles.includes('city_centre') || principal.agency === CITY_AGENCY;
    const agencyCode = cityWide ? q.agencyCode : principal.agency;
    const rows = await deps.prisma.dutyCredit.findMany({
      where: { agencyCode },
      orderBy: [{ agencyCode: 'asc' }, { answeredCalls: 'desc' }],
    });
    // S-2.6: officers who are pool members count for their service institution (the one given fewer physical shifts).
    const pooled = await deps.prisma.poolMember.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.officerId))] } },
      select: { id: true, institutionId: true },
    });
    const institutionOf = new Map(pooled.map((p) => [p.id, p.institutionId]));
    type Totals = { answeredCalls: number; dutyDays: number; officers: number };
    const add = (map: Map<string, Totals>, key: string, r: { answeredCalls: number; dutyDays: number }) => {
      const a = map.get(key) ?? { answeredCalls: 0, dutyDays: 0, officers: 0 };
      a.answeredCalls += r.answeredCalls;
      a.dutyDays += r.dutyDays;
      a.officers += 1;
      map.set(key, a);
    };
    const agencies = new Map<string, Totals>();
    const institutions = new Map<string, Totals>();
    for (const r of rows) {
      add(agencies, r.agencyCode, r);
      const institutionId = institutionOf.get(r.officerId);
      if (institutionId) add(institutions, `${r.agencyCode}\n${institutionId}`, r);
    }
    res.json({
      officers: rows.map((r) => ({
        officerId: r.officerId,
        agencyCode: r.agencyCode,
        institutionId: institutionOf.get(r.officerId) ?? null,
        publicTitle: dutyOfficerTitle(r.agencyCode),
        answeredCalls: r.answeredCalls,
        dutyDays: r.dutyDays,
        // S-2.5: partial counts carry over to the next duty day.
        towardNextDay: towardNextDutyDay(r.answeredCalls, deps.rules.hotline),
      })),
      institutions: [...institutions.entries()].map(([key, a]) => {
        const [agencyCode, institutionId] = key.split('\n');
        return { agencyCode: agencyCode!, institutionId: institutionId!, ...a };
      }),
      agencies: [...agencies.entries()].map(([agencyCode, a]) => ({ agencyCode, ...a })),
    });
  });
}
