/**
 * /applications/:no/performance/* and /applications/:no/evaluation/*: the member's performance of the case (L-6,
 * L-9, L-12, S-2.9(b)), the quality manager's review (S-4.3), and the evaluation's steps (S-4.4, S-4.6), sent as
 * updates with validators to the case's workflow or to its evaluation workflow.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
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
import { rolesFor, type Action } from './auth/access';
import { audit, authorizeApplication, principalOf, type AuditSink } from './auth/middleware';
import { loadApplicationScope } from './applications';
import { ApiError } from './errors';
import { perMinute } from './limits';
import {
  applicationNoParams,
  assignEvaluatorBody,
  caseFileBody,
  caseFileReviewBody,
  caseStageBody,
  engagementBody,
  engagementDelayBody,
  evaluationObjectionBody,
  interviewBody,
  matterEndedBody,
  progressBody,
  reviewScoreBody,
  scoreBody,
  specialCaseBody,
  terminationGroundBody,
} from './schemas';

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
const updateKey = (req: Request, res: Response, prefix: string) =>
  `${prefix}:${requestIdOf(req, principalOf(res).userId, undefined)}`;

export function performanceRouter(deps: PerformanceDeps): Router {
  const answers = storedAnswers(deps.prisma, deps.recordChanges);
  const router = Router();
  const paramNo = (req: Request) => applicationNoParams.parse(req.params).applicationNo;
  const on = (action: Action) => [
    perMinute(deps.limits.actionsPerMinute),
    audit(deps.auditSink, deps.onAuditError, action, 'application', (req) => req.params.applicationNo as string),
    authorizeApplication(action, (no) => loadApplicationScope(deps.prisma, no), paramNo),
  ];

  const closed = new ApiError(409, 'CASE_CLOSED', '该流程已结束，不能再进行该操作');
  /** Sends a staff step (api/steps.ts) to the case's workflow, or to its evaluation's. */
  const onCase = <Ret, Arg>(req: Request, res: Response, step: StepDefinition<Ret, Arg>, arg: Arg, prefix: string) =>
    sendStep(
      answers,
      {
        handle: deps.temporal.workflow.getHandle(applicationWorkflowId(paramNo(req))),
        updateId: updateKey(req, res, prefix),
        missing: new ApiError(404, 'APPLICATION_NOT_FOUND', '未找到该法律援助申请'),
        closed,
      },
      step,
      arg,
    );
  const onEvaluation = <Ret, Arg>(
    req: Request,
    res: Response,
    step: StepDefinition<Ret, Arg>,
    arg: Arg,
    prefix: string,
  ) =>
    sendStep(
      answers,
      {
        handle: deps.temporal.workflow.getHandle(evaluationWorkflowId(paramNo(req))),
        updateId: updateKey(req, res, prefix),
        missing: new ApiError(404, 'EVALUATION_NOT_FOUND', '该案件尚未进入质量评估'),
        closed,
      },
      step,
      arg,
    );
  const me = (res: Parameters<typeof principalOf>[0]) => principalOf(res).userId;

  /**
   * Who performs and who reviews, beyond seeing the case: a lawyer acts only as the case's (lead) member; the quality
   * manager only for the institution performing it, and not on a file they submitted themselves (S-4.3).
   */
  const performer: RequestHandler = async (req, res, next) => {
    const principal = principalOf(res);
    const roles = rolesFor('application.perform', principal);
    if (roles.some((r) => r !== 'lawyer')) return next();
    const state = await deps.temporal.workflow.getHandle(applicationWorkflowId(paramNo(req))).query(getState);
    next(
      state.performance?.memberId === principal.userId
        ? undefined
        : new ApiError(403, 'FORBIDDEN', '只有本案承办人员可以进行该操作'),
    );
  };
  const fileReviewer: RequestHandler = async (req, res, next) => {
    const principal = principalOf(res);
    const state = await deps.temporal.workflow.getHandle(applicationWorkflowId(paramNo(req))).query(getState);
    const p = state.performance;
    const ok =
      p !== undefined && principal.institution === p.institutionId && p.caseFile?.submittedBy !== principal.userId;
    next(ok ? undefined : new ApiError(403, 'FORBIDDEN', '只有承办机构的质量管理员可以审查本案卷宗（S-4.3）'));
  };

  router.use(deps.authenticate);

  // L-6: engagement agreement and power of attorney; a delay caused by the aided person is recorded.
  router.post('/:applicationNo/performance/engagement', ...on('application.perform'), performer, async (req, res) => {
    const body = engagementBody.parse(req.body);
    res.json(await onCase(req, res, recordEngagement, { ...body, recordedBy: me(res) }, 'engagement'));
  });
  router.post(
    '/:applicationNo/performance/engagement-delay',
    ...on('application.perform'),
    performer,
    async (req, res) => {
      const body = engagementDelayBody.parse(req.body);
      res.json(await onCase(req, res, recordEngagementDelay, { ...body, recordedBy: me(res) }, 'engagement-delay'));
    },
  );
  router.post('/:applicationNo/performance/progress', ...on('application.perform'), performer, async (req, res) => {
    const body = progressBody.parse(req.body);
    res.json(await onCase(req, res, reportProgress, { ...body, reportedBy: me(res) }, 'progress'));
  });
  // S-2.9(b): a later stage of the same matter, the same member.
  router.post('/:applicationNo/performance/stage', ...on('application.perform'), performer, async (req, res) => {
    const body = caseStageBody.parse(req.body);
    res.json(await onCase(req, res, changeCaseStage, { ...body, changedBy: me(res) }, 'case-stage'));
  });
  // L-9: the member reports a ground for termination; the agency head decides (POST /termination).
  router.post(
    '/:applicationNo/performance/termination-ground',
    ...on('application.perform'),
    performer,
    async (req, res) => {
      const body = terminationGroundBody.parse(req.body);
      res.json(await onCase(req, res, reportTerminationGround, { ...body, reportedBy: me(res) }, 'termination-ground'));
    },
  );
  // L-12: the end of the matter, then the file (legal documents and handling report).
  router.post('/:applicationNo/performance/matter-ended', ...on('application.perform'), performer, async (req, res) => {
    const body = matterEndedBody.parse(req.body);
    res.json(await onCase(req, res, reportMatterEnded, { ...body, reportedBy: me(res) }, 'matter-ended'));
  });
  router.post('/:applicationNo/performance/case-file', ...on('application.perform'), performer, async (req, res) => {
    const body = caseFileBody.parse(req.body);
    res.json(await onCase(req, res, submitCaseFile, { ...body, submittedBy: me(res) }, 'case-file'));
  });
  // S-4.3: the institution's quality manager approves the file (uploaded to the agency) or returns it.
  router.post(
    '/:applicationNo/performance/case-file/review',
    ...on('application.reviewFile'),
    fileReviewer,
    async (req, res) => {
      const body = caseFileReviewBody.parse(req.body);
      res.json(await onCase(req, res, reviewCaseFile, { ...body, reviewedBy: me(res) }, 'case-file-review'));
    },
  );

  // S-4.4: the evaluation (its own workflow).
  router.get('/:applicationNo/evaluation', ...on('evaluation.read'), async (req, res) => {
    try {
      res.json(await deps.temporal.workflow.getHandle(evaluationWorkflowId(paramNo(req))).query(getEvaluation));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new ApiError(404, 'EVALUATION_NOT_FOUND', '该案件尚未进入质量评估');
      throw err;
    }
  });
  router.post('/:applicationNo/evaluation/evaluator', ...on('evaluation.manage'), async (req, res) => {
    const body = assignEvaluatorBody.parse(req.body);
    res.json(await onEvaluation(req, res, assignEvaluator, { ...body, assignedBy: me(res) }, 'evaluator'));
  });
  router.post('/:applicationNo/evaluation/special', ...on('evaluation.markSpecial'), async (req, res) => {
    const body = specialCaseBody.parse(req.body);
    res.json(await onEvaluation(req, res, markSpecial, { ...body, markedBy: me(res) }, 'special'));
  });
  router.post('/:applicationNo/evaluation/score', ...on('evaluation.score'), async (req, res) => {
    const body = scoreBody.parse(req.body);
    res.json(await onEvaluation(req, res, submitScore, { ...body, scoredBy: me(res) }, 'score'));
  });
  router.post('/:applicationNo/evaluation/expert-review', ...on('evaluation.expertReview'), async (req, res) => {
    const body = reviewScoreBody.parse(req.body);
    res.json(await onEvaluation(req, res, expertReview, { ...body, reviewedBy: me(res) }, 'expert-review'));
  });
  router.post('/:applicationNo/evaluation/objection', ...on('evaluation.object'), async (req, res) => {
    const body = evaluationObjectionBody.parse(req.body);
    const principal = principalOf(res);
    // Only the member whose case it is objects (an agency person may hand it in for them).
    if (rolesFor('evaluation.object', principal).every((r) => r === 'lawyer')) {
      const ev = await deps.temporal.workflow.getHandle(evaluationWorkflowId(paramNo(req))).query(getEvaluation);
      if (ev.memberId !== principal.userId) throw new ApiError(403, 'FORBIDDEN', '只能对本人承办案件的评估提出异议');
    }
    res.json(await onEvaluation(req, res, objectToScore, { ...body, filedBy: me(res) }, 'evaluation-objection'));
  });
  router.post('/:applicationNo/evaluation/objection/decision', ...on('evaluation.review'), async (req, res) => {
    const body = reviewScoreBody.parse(req.body);
    res.json(
      await onEvaluation(req, res, decideScoreObjection, { ...body, reviewedBy: me(res) }, 'objection-decision'),
    );
  });
  router.post('/:applicationNo/evaluation/spot-check', ...on('evaluation.review'), async (req, res) => {
    const body = reviewScoreBody.parse(req.body);
    res.json(await onEvaluation(req, res, spotCheck, { ...body, reviewedBy: me(res) }, 'spot-check'));
  });
  router.post('/:applicationNo/evaluation/interview', ...on('evaluation.manage'), async (req, res) => {
    const body = interviewBody.parse(req.body);
    res.json(await onEvaluation(req, res, recordInterview, { ...body, recordedBy: me(res) }, 'interview'));
  });

  return router;
}
