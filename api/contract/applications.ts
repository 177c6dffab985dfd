/**
 * /applications: intake, the stored record, the live state, and the staff steps that move a case (S-3.1 to S-3.3,
 * L-1, L-9, L-10, S-2.9, S-2.10, L-11).
 */
import { z } from 'zod';
import {
  applicationNoParams,
  assignCaseBody,
  confirmAssignedMemberBody,
  conflictBody,
  createApplicationBody,
  decisionBody,
  extendDeadlineBody,
  listQuery,
  objectionBody,
  objectionDecisionBody,
  replacementBody,
  returnToOrganBody,
  settleVerificationBody,
  supplyMaterialsBody,
  taskIdParams,
  terminationBody,
  verificationResultBody,
  verificationTaskBody,
} from '../schemas';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import {
  accepted,
  applicationState,
  assignmentState,
  instant,
  optionalInstant,
  stage,
  verificationState,
} from './answers';
import type { Action } from '../auth/access';
import { caseStep, STEP_ERRORS } from './case-step';
import { route } from './route';

const tag = '申请与受理';
const onCase = { targetType: 'application' } as const;
export { STEP_ERRORS } from './case-step';
const READ_ERRORS = {
  404: '申请不存在，或记录正在生成 (APPLICATION_NOT_FOUND, APPLICATION_NOT_RECORDED_YET)',
} as const;

const material = z.object({ code: z.string(), label: z.string() });
const intakeAnswer = z.object({
  applicationNo: z.string(),
  workflowId: z.string(),
  receivedAt: instant,
  replayed: z.boolean(),
  statusCode: z.string().describe('查询码：与申请编号一起用于公开查询'),
  homeVisit: z
    .object({
      advice: z.string().describe('建议上门服务（S-2.3）及理由'),
      visit: z
        .object({ id: z.string(), servicePointId: z.string() })
        .nullable()
        .describe('代办人提交的：在其服务点登记的上门服务申请'),
    })
    .nullable()
    .describe('S-2.3：老年人、行动不便的申请人建议上门服务'),
});

/** A staff step on a case (api/contract/case-step.ts). */
const step = <const X extends Action, const B extends z.ZodType, const A extends z.ZodType>(
  path: string,
  summary: string,
  access: X,
  body: B,
  answer: A,
) => caseStep({ path, summary, tag, access, body, answer });

export const applicationRoutes = {
  create: route({
    method: 'post',
    path: '/applications',
    summary: '提交法律援助申请（受理登记）',
    tag,
    access: 'application.create',
    body: createApplicationBody,
    idempotencyKey: 'required',
    limit: 'intake',
    audit: { targetType: 'application', targetId: (_req, locals) => locals.applicationNo },
    answers: {
      201: {
        description: '已受理：申请编号与查询码',
        schema: intakeAnswer,
        supplies: { applicationNo: '/applicationNo' },
      },
      200: { description: '同一幂等键的重复提交：第一次的答复', schema: intakeAnswer },
    },
    errors: {
      403: '该角色不能通过该渠道提交，或未取得代办培训 (CHANNEL_NOT_ALLOWED, TRAINING_REQUIRED)',
      409: '同一通知机关的同一文号的通知书已登记，details.applicationNo 为已登记的案件 (NOTIFICATION_ALREADY_REGISTERED)',
      422: '同一幂等键用于不同的申请，或来电不是本机构值班人员引导、转办的来电 (IDEMPOTENCY_KEY_REUSED, HOTLINE_CALL_NOT_LINKABLE)',
    },
  }),
  list: route({
    method: 'get',
    path: '/applications',
    summary: '工作队列：按阶段、机构、渠道、期限筛选（仅限可查看的案件）',
    tag,
    access: 'application.list',
    query: listQuery,
    answers: {
      200: {
        description: '案件列表（不含个人信息）',
        schema: z.object({
          applications: z.array(
            z.object({
              applicationNo: z.string(),
              agencyCode: z.string(),
              channel: z.string(),
              stage,
              stageLabel: z.string(),
              stageEnteredAt: instant,
              receivedAt: instant,
              correctionDueAt: optionalInstant,
              reviewDueAt: optionalInstant,
              reviewRemainingMs: z.number().nullable(),
            }),
          ),
          next: z.string().nullable().describe('下一页从此编号之后开始（after）'),
        }),
      },
    },
  }),
  read: route({
    method: 'get',
    path: '/applications/:applicationNo',
    summary: '申请的登记记录',
    tag,
    access: 'application.read',
    params: applicationNoParams,
    audit: onCase,
    answers: {
      200: {
        description: '登记记录、材料、决定与阶段历史',
        schema: z.object({
          applicationNo: z.string(),
          agencyCode: z.string(),
          channel: z.string(),
          stage,
          stageLabel: z.string(),
          stageEnteredAt: instant,
          receivedAt: instant,
          correctionDueAt: optionalInstant,
          review: z.object({ dueAt: optionalInstant, paused: z.boolean(), remainingMs: z.number().nullable() }),
          materials: z.object({ supplied: z.array(material), missing: z.array(material) }),
          decision: z
            .object({
              decidedAt: instant,
              decidedBy: z.string().nullable(),
              reason: z.string().nullable(),
              late: z.boolean().nullable(),
            })
            .nullable(),
          closedReason: z.string().nullable(),
          eligibility: z.unknown(),
          homeVisit: z
            .object({
              advice: z.string().nullable(),
              visits: z.array(
                z.object({ id: z.string(), servicePointId: z.string(), status: z.string(), statusLabel: z.string() }),
              ),
            })
            .nullable()
            .describe('S-2.3：建议上门服务及本案的上门服务记录'),
          intake: z.unknown(),
          verification: z.unknown(),
          applicant: z.unknown(),
          matter: z.unknown(),
          economicSituation: z.unknown(),
          history: z.array(
            z.object({
              seq: z.number().int(),
              stage,
              stageLabel: z.string(),
              at: instant,
              actor: z.string().nullable(),
              ruleIds: z.array(z.string()),
              note: z.string().nullable(),
            }),
          ),
        }),
      },
    },
    errors: READ_ERRORS,
  }),
  notices: route({
    method: 'get',
    path: '/applications/:applicationNo/notices',
    summary: '申请人的站内通知（补正通知、提醒、终止通知等）',
    tag,
    access: 'application.read',
    params: applicationNoParams,
    audit: onCase,
    answers: {
      200: {
        description: '通知，按时间先后',
        schema: z.object({
          notices: z.array(
            z.object({
              obligation: z.string().nullable(),
              template: z.string(),
              text: z.string(),
              status: z.string(),
              createdAt: instant,
              sentAt: optionalInstant,
            }),
          ),
        }),
      },
    },
    errors: READ_ERRORS,
  }),
  timeline: route({
    method: 'get',
    path: '/applications/:applicationNo/timeline',
    summary: '案件时间线：阶段、决定、期限变化与全部通知',
    tag,
    access: 'application.read',
    params: applicationNoParams,
    audit: onCase,
    answers: {
      200: {
        description: '事件与通知，按时间先后',
        schema: z.object({
          applicationNo: z.string(),
          timeline: z.array(
            z.union([
              z.object({
                at: instant,
                kind: z.literal('event'),
                stage,
                stageLabel: z.string(),
                actor: z.string().nullable(),
                ruleIds: z.array(z.string()),
                note: z.string().nullable(),
              }),
              z.object({
                at: instant,
                kind: z.literal('notice'),
                obligation: z.string().nullable(),
                recipient: z.string(),
                text: z.string(),
                status: z.string(),
              }),
            ]),
          ),
        }),
      },
    },
    errors: READ_ERRORS,
  }),
  state: route({
    method: 'get',
    path: '/applications/:applicationNo/state',
    summary: '流程的实时状态（查询工作流）',
    tag,
    access: 'application.read',
    params: applicationNoParams,
    answers: { 200: { description: '工作流的当前状态', schema: applicationState } },
    errors: READ_ERRORS,
  }),
  supplyMaterials: step(
    '/materials',
    '登记补正材料（S-3.2）',
    'application.supplyMaterials',
    supplyMaterialsBody,
    z.looseObject({ stage, materialsMissing: z.array(z.string()) }),
  ),
  requestVerification: route({
    ...step(
      '/verification/tasks',
      '发起经济状况核查（S-3.1；实地核实可委托本机构的村居法律服务点）',
      'application.verify',
      verificationTaskBody,
      verificationState,
    ),
    errors: {
      ...STEP_ERRORS,
      404: '申请或服务点不存在 (APPLICATION_NOT_FOUND, SERVICE_POINT_NOT_FOUND)',
      422: '当前阶段不允许该操作，服务点不属于本机构，或同一幂等键用于不同请求 (INVALID_TRANSITION, INVALID_INPUT, SERVICE_POINT_OTHER_AGENCY, IDEMPOTENCY_KEY_REUSED)',
    },
  }),
  reportVerification: route({
    ...step(
      '/verification/tasks/:taskId/result',
      '报告核查结果（S-3.1；村居人员仅限实地核实）',
      'application.reportVerification',
      verificationResultBody,
      verificationState,
    ),
    params: taskIdParams,
  }),
  settleVerification: step(
    '/verification/settle',
    '认定经济困难状况（S-3.1）',
    'application.verify',
    settleVerificationBody,
    verificationState,
  ),
  terminate: route({
    method: 'post',
    path: '/applications/:applicationNo/termination',
    summary: '终止法律援助（L-9）',
    tag,
    access: 'application.terminate',
    params: applicationNoParams,
    body: terminationBody,
    limit: 'actions',
    audit: onCase,
    answers: { 202: { description: '已接受：流程将终止法律援助', schema: accepted } },
    errors: { 404: STEP_ERRORS[404], 422: '当前阶段不能终止法律援助 (INVALID_TRANSITION)' },
  }),
  assign: step(
    '/assignment',
    '机构指派承办人员（S-2.9、S-2.10、S-3.3）',
    'application.assign',
    assignCaseBody,
    assignmentState,
  ),
  confirmMember: step(
    '/assignment/confirmation',
    '法律服务机构确认承办人员（S-2.10）',
    'application.confirmMember',
    confirmAssignedMemberBody,
    assignmentState,
  ),
  reportConflict: step(
    '/assignment/conflict',
    '报告利益冲突或不能承办（S-2.10）',
    'application.reportConflict',
    conflictBody,
    assignmentState,
  ),
  replaceMember: step(
    '/assignment/replacement',
    '同意更换承办人员（L-11）',
    'application.replaceMember',
    replacementBody,
    assignmentState,
  ),
  object: step(
    '/objection',
    '对不予法律援助决定提出异议（L-10）',
    'application.object',
    objectionBody,
    z.looseObject({ stage, reviewDueAt: instant.optional() }),
  ),
  decideObjection: step(
    '/objection/decision',
    '司法行政机关对异议作出决定（L-10）',
    'application.decideObjection',
    objectionDecisionBody,
    z.looseObject({ stage, reviewDueAt: instant.optional() }),
  ),
  extendDeadline: step(
    '/correction-deadline/extension',
    '延长补正期限（一次，S-3.2）',
    'application.extendDeadline',
    extendDeadlineBody(DEFAULT_RULE_CONFIG.maxExtensionDays),
    z.looseObject({ correctionDueAt: instant }),
  ),
  returnToOrgan: step(
    '/return-to-organ',
    '通知辩护/代理案件不能办理的，退回通知机关并说明理由（L-4）',
    'application.returnToOrgan',
    returnToOrganBody,
    z.looseObject({ applicationNo: z.string(), stage, returnedAt: instant }),
  ),
  decide: step(
    '/decision',
    '作出给予或不予法律援助的决定（L-1）',
    'application.decide',
    decisionBody,
    z.looseObject({ applicationNo: z.string(), stage, decidedAt: instant }),
  ),
};
