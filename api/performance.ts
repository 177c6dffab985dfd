/**
 * /applications/:no/performance/* and /applications/:no/evaluation/*: the member's performance of the case (L-6,
 * L-9, L-12, S-2.9(b)), the quality manager's review (S-4.3), and the evaluation's steps (S-4.4, S-4.6), sent as
 * updates with validators to the case's workflow or to its evaluation workflow.
 */
import type { Request, RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { RecordChanges } from '../platform/record-changes';
import { storedAnswers } from '../platform/step-client';
import { sendStep } from './steps';
import { requestIdOf } from './idempotency';
import {
  applicationWorkflowId,
  assignEvaluator,
  changeCaseStage,
  decideScoreObjection,
  evaluationWorkflowId,
  expertReview,
  getEvaluation,
  getState,
  markSpecial,
  objectToScore,
  recordEngagement,
  recordEngagementDelay,
  recordInterview,
  reportMatterEnded,
  reportProgress,
  reportTerminationGround,
  reviewCaseFile,
  spotCheck,
  submitCaseFile,
  submitScore,
} from '../domain/definitions';
import type { StepDefinition } from '../domain/definitions';
import type { PrismaClient } from '../prisma/generated/client';
import { rolesFor, type Action, type Principal } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { performanceRoutes } from './contract/performance';
import { ApiError } from './errors';
import { caseGuard } from './guards';
import type { Mounter } from './mount';

export interface PerformanceDeps {
  prisma: PrismaClient;
  recordChanges?: RecordChanges;
  temporal: Client;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

/** The step's id: its kind and the caller's scoped idempotency key (`requestIdOf`). */
const updateKey = (req: Request, principal: Principal, prefix: string) =>
  `${prefix}:${requestIdOf(req, principal.userId, undefined)}`;

type CaseInput = { params: { applicationNo: string }; principal: Principal };

export function mountPerformance(m: Mounter, deps: PerformanceDeps): void {
  const C = performanceRoutes;
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const seen = (action: Action) => caseGuard(deps.prisma, action);
  const caseState = (applicationNo: string) =>
    deps.temporal.workflow.getHandle(applicationWorkflowId(applicationNo)).query(getState);
  const evaluationOf = (applicationNo: string) =>
    deps.temporal.workflow.getHandle(evaluationWorkflowId(applicationNo)).query(getEvaluation);

  const closed = new ApiError(409, 'CASE_CLOSED', '该流程已结束，不能再进行该操作');
  /** Sends a staff step (api/steps.ts) to the case's workflow, or to its evaluation's. */
  const onCase = <Ret, Arg>(
    { params, principal }: CaseInput,
    req: Request,
    step: StepDefinition<Ret, Arg>,
    arg: Arg,
    prefix: string,
  ) =>
    sendStep(
      answers,
      {
        handle: deps.temporal.workflow.getHandle(applicationWorkflowId(params.applicationNo)),
        updateId: updateKey(req, principal, prefix),
        missing: new ApiError(404, 'APPLICATION_NOT_FOUND', '未找到该法律援助申请'),
        closed,
      },
      step,
      arg,
    );
  const onEvaluation = <Ret, Arg>(
    { params, principal }: CaseInput,
    req: Request,
    step: StepDefinition<Ret, Arg>,
    arg: Arg,
    prefix: string,
  ) =>
    sendStep(
      answers,
      {
        handle: deps.temporal.workflow.getHandle(evaluationWorkflowId(params.applicationNo)),
        updateId: updateKey(req, principal, prefix),
        missing: new ApiError(404, 'EVALUATION_NOT_FOUND', '该案件尚未进入质量评估'),
        closed,
      },
      step,
      arg,
    );

  /**
   * Who performs and who reviews, beyond seeing the case: a lawyer acts only as the case's (lead) member; the quality
   * manager only for the institution performing it, and not on a file they submitted themselves (S-4.3).
   */
  const performer = async ({ params, principal }: CaseInput) => {
    const roles = rolesFor('application.perform', principal);
    if (roles.some((r) => r !== 'lawyer')) return;
    const state = await caseState(params.applicationNo);
    if (state.performance?.memberId !== principal.userId) {
      throw new ApiError(403, 'FORBIDDEN', '只有本案承办人员可以进行该操作');
    }
  };
  const fileReviewer = async ({ params, principal }: CaseInput) => {
    const p = (await caseState(params.applicationNo)).performance;
    const ok =
      p !== undefined && principal.institution === p.institutionId && p.caseFile?.submittedBy !== principal.userId;
    if (!ok) throw new ApiError(403, 'FORBIDDEN', '只有承办机构的质量管理员可以审查本案卷宗（S-4.3）');
  };
  const perform = seen('application.perform');

  // L-6: engagement agreement and power of attorney; a delay caused by the aided person is recorded.
  m.mount(C.recordEngagement, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, recordedBy: input.principal.userId };
    res.json(await onCase(input, req, recordEngagement, arg, 'engagement'));
  });
  m.mount(C.recordEngagementDelay, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, recordedBy: input.principal.userId };
    res.json(await onCase(input, req, recordEngagementDelay, arg, 'engagement-delay'));
  });
  m.mount(C.reportProgress, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, reportedBy: input.principal.userId };
    res.json(await onCase(input, req, reportProgress, arg, 'progress'));
  });
  // S-2.9(b): a later stage of the same matter, the same member.
  m.mount(C.changeCaseStage, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, changedBy: input.principal.userId };
    res.json(await onCase(input, req, changeCaseStage, arg, 'case-stage'));
  });
  // L-9: the member reports a ground for termination; the agency head decides (POST /termination).
  m.mount(C.reportTerminationGround, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, reportedBy: input.principal.userId };
    res.json(await onCase(input, req, reportTerminationGround, arg, 'termination-ground'));
  });
  // L-12: the end of the matter, then the file (legal documents and handling report).
  m.mount(C.reportMatterEnded, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, reportedBy: input.principal.userId };
    res.json(await onCase(input, req, reportMatterEnded, arg, 'matter-ended'));
  });
  m.mount(C.submitCaseFile, perform, performer, async (input, req, res) => {
    const arg = { ...input.body, submittedBy: input.principal.userId };
    res.json(await onCase(input, req, submitCaseFile, arg, 'case-file'));
  });
  // S-4.3: the institution's quality manager approves the file (uploaded to the agency) or returns it.
  m.mount(C.reviewCaseFile, seen('application.reviewFile'), fileReviewer, async (input, req, res) => {
    const arg = { ...input.body, reviewedBy: input.principal.userId };
    res.json(await onCase(input, req, reviewCaseFile, arg, 'case-file-review'));
  });

  // S-4.4: the evaluation (its own workflow).
  m.mount(C.evaluation, seen('evaluation.read'), async ({ params }, _req, res) => {
    try {
      res.json(await evaluationOf(params.applicationNo));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new ApiError(404, 'EVALUATION_NOT_FOUND', '该案件尚未进入质量评估');
      }
      throw err;
    }
  });
  m.mount(C.assignEvaluator, seen('evaluation.manage'), async (input, req, res) => {
    const arg = { ...input.body, assignedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, assignEvaluator, arg, 'evaluator'));
  });
  m.mount(C.markSpecial, seen('evaluation.markSpecial'), async (input, req, res) => {
    const arg = { ...input.body, markedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, markSpecial, arg, 'special'));
  });
  m.mount(C.submitScore, seen('evaluation.score'), async (input, req, res) => {
    const arg = { ...input.body, scoredBy: input.principal.userId };
    res.json(await onEvaluation(input, req, submitScore, arg, 'score'));
  });
  m.mount(C.expertReview, seen('evaluation.expertReview'), async (input, req, res) => {
    const arg = { ...input.body, reviewedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, expertReview, arg, 'expert-review'));
  });
  m.mount(C.objectToScore, seen('evaluation.object'), async (input, req, res) => {
    const { principal } = input;
    // Only a member whose case it is objects (an agency person may hand it in for them); S-3.3: any member of a
    // group case, as the result removes each of them (S-2.8(a)).
    if (rolesFor('evaluation.object', principal).every((r) => r === 'lawyer')) {
      const [ev, app] = await Promise.all([
        evaluationOf(input.params.applicationNo),
        deps.prisma.application.findUnique({
          where: { applicationNo: input.params.applicationNo },
          select: { assignedMemberIds: true },
        }),
      ]);
      const members = [ev.memberId, ...(app?.assignedMemberIds ?? [])];
      if (!members.includes(principal.userId)) {
        throw new ApiError(403, 'FORBIDDEN', '只能对本人承办案件的评估提出异议');
      }
    }
    const arg = { ...input.body, filedBy: principal.userId };
    res.json(await onEvaluation(input, req, objectToScore, arg, 'evaluation-objection'));
  });
  m.mount(C.decideScoreObjection, seen('evaluation.review'), async (input, req, res) => {
    const arg = { ...input.body, reviewedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, decideScoreObjection, arg, 'objection-decision'));
  });
  m.mount(C.spotCheck, seen('evaluation.review'), async (input, req, res) => {
    const arg = { ...input.body, reviewedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, spotCheck, arg, 'spot-check'));
  });
  m.mount(C.recordInterview, seen('evaluation.manage'), async (input, req, res) => {
    const arg = { ...input.body, recordedBy: input.principal.userId };
    res.json(await onEvaluation(input, req, recordInterview, arg, 'interview'));
  });
}
