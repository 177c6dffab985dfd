/**
 * Contract of /hotline (api/hotline.ts): 12348 calls and online inquiries (S-2.4–S-2.7) — registration by the
 * telephony system or the online platform, the grab-order pool, claim, answer, outcome, and the duty workload.
 */
import { z } from 'zod';
import { callIdParams, callOutcomeBody, callsQuery, createCallBody, dutyQuery } from '../schemas';
import { instant } from './answers';
import { route } from './route';

const tag = '12348 热线';
const onCall = { targetType: 'hotline_call' } as const;
const callStatus = z.enum(['waiting', 'claimed', 'answered', 'closed']);

/** The live state of a call (the call workflow's `getCall` query, domain/definitions.ts `HotlineCallState`). */
export const hotlineCallState = z.looseObject({
  callId: z.string(),
  agencyCode: z.string(),
  channel: z.enum(['phone', 'online']),
  receivedAt: instant,
  dueAt: instant,
  status: callStatus,
  seq: z.number().int(),
  claim: z.looseObject({ officerId: z.string(), at: instant, expiresAt: instant }).optional(),
  lapsedClaims: z.array(z.looseObject({ officerId: z.string(), at: instant })),
  answer: z.looseObject({ officerId: z.string(), at: instant, late: z.boolean() }).optional(),
  breach: z.looseObject({ at: instant }).optional(),
  outcome: z
    .looseObject({
      kind: z.enum(['guided', 'transferred', 'out_of_scope', 'complaint']),
      note: z.string(),
      referredTo: z.string().optional(),
      applicationNo: z.string().optional(),
      complaintId: z.string().optional(),
      at: instant,
    })
    .optional(),
  credit: z.looseObject({ ordinal: z.number().int(), dutyDay: z.boolean() }).optional(),
  attention: z.looseObject({ since: instant, activity: z.string(), sqlstate: z.string() }).optional(),
});

const registered = z.object({ callId: z.string(), dueAt: instant, status: callStatus });

const CALL_NOT_FOUND = '没有这个来电 (CALL_NOT_FOUND)';
const OTHER_AGENCY = '该来电不属于本机构 (FORBIDDEN)';
/** The refusals of a duty step on a call (api/steps.ts). */
const STEP_ERRORS = {
  403: OTHER_AGENCY,
  404: CALL_NOT_FOUND,
  409: '该来电已处理完毕 (CALL_CLOSED)',
  422: '当前状态不允许该操作，或同一幂等键用于不同请求 (INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED)',
} as const;

/** A duty officer's step on a call: POST (with a body where it takes one), answered with the call's new state. */
function step<const B extends z.ZodType | undefined = undefined>(
  path: string,
  summary: string,
  { errors = STEP_ERRORS, body }: { errors?: Record<number, string>; body?: B } = {},
) {
  return route({
    method: 'post',
    path: `/hotline/calls/:callId${path}`,
    summary,
    tag,
    access: 'hotline.duty',
    params: callIdParams,
    body: body as B,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: onCall,
    answers: { 200: { description: '已办理：来电的新状态', schema: hotlineCallState } },
    errors,
  });
}

export const hotlineRoutes = {
  register: route({
    method: 'post',
    path: '/hotline/calls',
    summary: '登记来电或在线咨询（电话系统、在线平台或值班人员录入，S-2.4）',
    tag,
    access: 'hotline.register',
    body: createCallBody,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: onCall,
    answers: {
      201: { description: '已登记：来电编号、接听期限与状态', schema: registered },
      200: { description: '同一幂等键的重复登记：同一来电', schema: registered },
    },
    errors: { 403: '不能为其他机构登记来电 (FORBIDDEN)' },
  }),
  list: route({
    method: 'get',
    path: '/hotline/calls',
    summary: '本机构的来电（抢单池），最紧急的在前',
    tag,
    access: 'hotline.read',
    query: callsQuery,
    audit: onCall,
    answers: {
      200: {
        description: '来电列表',
        schema: z.object({
          calls: z.array(
            z.object({
              callId: z.string(),
              agencyCode: z.string(),
              channel: z.string(),
              receivedAt: instant,
              dueAt: instant,
              status: z.string(),
              claimedBy: z.string().nullable(),
              answeredBy: z.string().nullable(),
              breached: z.boolean(),
              outcome: z.string().nullable(),
            }),
          ),
        }),
      },
    },
    errors: { 403: '没有所属机构 (FORBIDDEN)' },
  }),
  read: route({
    method: 'get',
    path: '/hotline/calls/:callId',
    summary: '一次来电的状态',
    tag,
    access: 'hotline.read',
    params: callIdParams,
    audit: onCall,
    answers: { 200: { description: '来电的当前状态', schema: hotlineCallState } },
    errors: { 403: OTHER_AGENCY, 404: CALL_NOT_FOUND },
  }),
  claim: step('/claim', '抢单：只有一名值班人员成功；认领过期则回到抢单池（S-2.6 须有值班培训）', {
    errors: { ...STEP_ERRORS, 403: '该来电不属于本机构，或未取得值班培训 (FORBIDDEN, TRAINING_REQUIRED)' },
  }),
  answer: step('/answer', '接听来电'),
  outcome: step('/outcome', '记录处理结果（S-2.7 首问负责：引导申请、转单、告知主管部门，或登记为投诉 L-13）', {
    body: callOutcomeBody,
    errors: {
      ...STEP_ERRORS,
      422: '转单的申请编号须是本人提交的申请，或当前状态不允许该操作 (INVALID_INPUT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED)',
    },
  }),
  duty: route({
    method: 'get',
    path: '/hotline/duty',
    summary: '在线值班工作量：按值班人员和机构（S-2.5，S-2.6）',
    tag,
    access: 'hotline.workload',
    query: dutyQuery,
    audit: { targetType: 'duty_credit' },
    answers: {
      200: {
        description: '每名值班人员的接听数、值班日数，以及各服务机构、各法律援助机构合计',
        schema: z.object({
          officers: z.array(
            z.object({
              officerId: z.string(),
              agencyCode: z.string(),
              institutionId: z.string().nullable().describe('值班人员所在的服务机构（人员库中的机构；S-2.6）'),
              publicTitle: z.string().describe('对外称谓：XX区、县（市）公共法律服务中心值班员（S-2.6）'),
              answeredCalls: z.number().int(),
              dutyDays: z.number().int(),
              towardNextDay: z.number().int().describe('计入下一个值班日的接听数'),
            }),
          ),
          institutions: z
            .array(
              z.object({
                agencyCode: z.string(),
                institutionId: z.string(),
                answeredCalls: z.number().int(),
                dutyDays: z.number().int(),
                officers: z.number().int(),
              }),
            )
            .describe('各服务机构的在线值班合计（S-2.6：在线值班多的机构可少排实体值班）'),
          agencies: z.array(
            z.object({
              agencyCode: z.string(),
              answeredCalls: z.number().int(),
              dutyDays: z.number().int(),
              officers: z.number().int(),
            }),
          ),
        }),
      },
    },
  }),
};
