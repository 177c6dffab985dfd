/**
 * Contract of the performance routes (api/contract/route.ts): the member's performance of the case (L-6, L-9, L-12,
 * S-2.9(b)), the quality manager's review of the file (S-4.3), and the evaluation's steps (S-4.4, S-4.6). The answers
 * are the workflow's states (domain/definitions.ts `PerformanceState`, `EvaluationState`), as loose objects.
 */
import { z } from 'zod';
import { L9_GROUNDS, type L9Ground } from '../../domain/grounds';
import { CASE_STAGES, type CaseStage } from '../../domain/stages';
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
} from '../schemas';
import { instant } from './answers';
import type { Action } from '../auth/access';
import { caseStep, STEP_ERRORS } from './case-step';
import { route } from './route';

const caseStage = z.enum(Object.keys(CASE_STAGES) as [CaseStage, ...CaseStage[]]);
const l9Ground = z.enum(Object.keys(L9_GROUNDS) as [L9Ground, ...L9Ground[]]);
/** A China date (YYYY-MM-DD). */
const chinaDate = z.string();

/** The member's performance of the case (the application workflow's `performance`). */
export const performanceState = z.looseObject({
  memberId: z.string(),
  institutionId: z.string(),
  assignedOn: chinaDate,
  round: z.number().int().optional(),
  caseStage,
  engagementDueAt: instant,
  engagement: z
    .looseObject({ signedOn: chinaDate, recordedBy: z.string(), recordedAt: instant, late: z.boolean() })
    .optional(),
  engagementDelay: z
    .looseObject({
      cause: z.enum(['aided_person', 'objective']),
      reason: z.string(),
      recordedBy: z.string(),
      recordedAt: instant,
    })
    .optional(),
  engagementReminded: z.boolean().optional(),
  engagementEscalated: z.boolean().optional(),
  stageChanges: z.array(
    z.looseObject({ from: caseStage, to: caseStage, at: instant, by: z.string(), ledgerSeq: z.number().int() }),
  ),
  progressReports: z.number().int(),
  lastProgressAt: instant.optional(),
  terminationReports: z.array(z.looseObject({ ground: l9Ground, at: instant, by: z.string() })),
  matterEndedOn: chinaDate.optional(),
  closureDueAt: instant.optional(),
  closureReminders: z.array(z.string()),
  closureOverdue: z.boolean().optional(),
  caseFile: z
    .looseObject({
      submittedAt: instant,
      submittedBy: z.string(),
      documents: z.array(z.string()),
      round: z.number().int(),
    })
    .optional(),
  qaReviews: z.array(
    z.looseObject({
      round: z.number().int(),
      approved: z.boolean(),
      by: z.string(),
      at: instant,
      comments: z.string(),
    }),
  ),
  approvedAt: instant.optional(),
});

const scoreRecord = z.looseObject({
  score: z.number(),
  tier: z.string(),
  by: z.string(),
  at: instant,
  step: z.enum(['scoring', 'expert_review', 'objection', 'spot_check']),
  sheetId: z.string().optional(),
  points: z.record(z.string(), z.number()).optional(),
  comments: z.string().optional(),
});

/** The live state of a case's evaluation (the evaluation workflow's `getEvaluation`). */
export const evaluationState = z.looseObject({
  applicationNo: z.string(),
  agencyCode: z.string(),
  memberId: z.string(),
  institutionId: z.string(),
  status: z.enum([
    'waiting_evaluator',
    'scoring',
    'expert_review',
    'objection_window',
    'objection_review',
    'spot_check',
    'final',
    'special',
  ]),
  statusSince: instant,
  dueAt: instant.optional(),
  reminded: z.boolean().optional(),
  escalated: z.boolean().optional(),
  seq: z.number().int(),
  evaluator: z
    .looseObject({
      id: z.string(),
      kind: z.enum(['expert', 'peer', 'staff']),
      assignedBy: z.string(),
      at: instant,
    })
    .optional(),
  sheetKind: z.enum(['criminal', 'civil_administrative']),
  scores: z.array(scoreRecord),
  current: z
    .looseObject({
      score: z.number(),
      tier: z.string(),
      coefficient: z.number(),
      version: z.number().int(),
    })
    .optional(),
  special: z.looseObject({ reason: z.string(), by: z.string(), at: instant }).optional(),
  objection: z
    .looseObject({
      reason: z.string(),
      by: z.string(),
      at: instant,
      outcome: z.enum(['upheld', 'changed']).optional(),
    })
    .optional(),
  spotChecked: z.boolean().optional(),
  interview: z
    .looseObject({
      version: z.number().int(),
      dueAt: instant,
      heldOn: chinaDate.optional(),
      notes: z.string().optional(),
      cancelled: z.boolean().optional(),
      escalated: z.boolean().optional(),
    })
    .optional(),
  removal: z
    .looseObject({ version: z.number().int(), removed: z.boolean(), reversed: z.boolean().optional() })
    .optional(),
  payouts: z.array(
    z.looseObject({ version: z.number().int(), amountCents: z.number().int(), totalCents: z.number().int() }),
  ),
  payoutPending: z.string().optional(),
  finalizedAt: instant.optional(),
  attention: z.looseObject({ since: instant, activity: z.string(), sqlstate: z.string() }).optional(),
});

const performanceTag = '承办与结案';
const evaluationTag = '质量评估';
const onCase = { targetType: 'application' } as const;

const EVALUATION_NOT_FOUND = '申请不存在，或该案件尚未进入质量评估 (APPLICATION_NOT_FOUND, EVALUATION_NOT_FOUND)';
/** The refusals of an evaluation's step: as a case's, and 404 when the evaluation has not started. */
const EVALUATION_STEP_ERRORS = {
  ...STEP_ERRORS,
  404: EVALUATION_NOT_FOUND,
  409: '质量评估已结束 (CASE_CLOSED)',
} as const;

const performanceStep = <const B extends z.ZodType, const X extends Action = 'application.perform'>(
  path: string,
  summary: string,
  body: B,
  access: X = 'application.perform' as X,
) => caseStep({ path, summary, tag: performanceTag, access, body, answer: performanceState });
const evaluationStep = <const X extends Action, const B extends z.ZodType>(
  path: string,
  summary: string,
  access: X,
  body: B,
) =>
  caseStep({
    path,
    summary,
    tag: evaluationTag,
    access,
    body,
    answer: evaluationState,
    errors: EVALUATION_STEP_ERRORS,
  });

export const performanceRoutes = {
  recordEngagement: performanceStep(
    '/performance/engagement',
    '登记委托协议和授权委托书的签订（L-6；律师仅限本案承办人员）',
    engagementBody,
  ),
  recordEngagementDelay: performanceStep(
    '/performance/engagement-delay',
    '登记受援人等原因造成的签订延迟（L-6）',
    engagementDelayBody,
  ),
  reportProgress: performanceStep('/performance/progress', '报告办案进展', progressBody),
  changeCaseStage: performanceStep(
    '/performance/stage',
    '案件进入后续诉讼阶段，由原承办人员继续承办（S-2.9(b)）',
    caseStageBody,
  ),
  reportTerminationGround: performanceStep(
    '/performance/termination-ground',
    '承办人员报告终止法律援助的情形（L-9；由机构负责人决定）',
    terminationGroundBody,
  ),
  reportMatterEnded: performanceStep('/performance/matter-ended', '报告案件办结（L-12）', matterEndedBody),
  submitCaseFile: performanceStep('/performance/case-file', '提交结案材料：法律文书和办案小结（L-12）', caseFileBody),
  reviewCaseFile: performanceStep(
    '/performance/case-file/review',
    '承办机构质量管理员审查卷宗：通过后上传法律援助机构，或退回（S-4.3）',
    caseFileReviewBody,
    'application.reviewFile',
  ),
  evaluation: route({
    method: 'get',
    path: '/applications/:applicationNo/evaluation',
    summary: '案件质量评估的实时状态（查询评估流程，S-4.4）',
    tag: evaluationTag,
    access: 'evaluation.read',
    params: applicationNoParams,
    limit: 'actions',
    audit: onCase,
    answers: { 200: { description: '评估流程的当前状态', schema: evaluationState } },
    errors: { 404: EVALUATION_NOT_FOUND },
  }),
  assignEvaluator: evaluationStep(
    '/evaluation/evaluator',
    '指定评估人员（S-4.4）',
    'evaluation.manage',
    assignEvaluatorBody,
  ),
  markSpecial: evaluationStep(
    '/evaluation/special',
    '认定为特殊案件，不参与评分（S-4.4）',
    'evaluation.markSpecial',
    specialCaseBody,
  ),
  submitScore: evaluationStep('/evaluation/score', '评估人员按评分表评分（S-4.4）', 'evaluation.score', scoreBody),
  expertReview: evaluationStep(
    '/evaluation/expert-review',
    '专家复评（S-4.4）',
    'evaluation.expertReview',
    reviewScoreBody,
  ),
  objectToScore: evaluationStep(
    '/evaluation/objection',
    '承办人员对评估结果提出异议（S-4.4；律师仅限本人承办的案件）',
    'evaluation.object',
    evaluationObjectionBody,
  ),
  decideScoreObjection: evaluationStep(
    '/evaluation/objection/decision',
    '市法律援助中心对评估异议作出复核决定（S-4.4）',
    'evaluation.review',
    reviewScoreBody,
  ),
  spotCheck: evaluationStep(
    '/evaluation/spot-check',
    '市法律援助中心抽查评估结果（S-4.4）',
    'evaluation.review',
    reviewScoreBody,
  ),
  recordInterview: evaluationStep(
    '/evaluation/interview',
    '登记约谈承办人员及机构负责人的情况（S-4.6）',
    'evaluation.manage',
    interviewBody,
  ),
};
