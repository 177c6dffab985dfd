/**
 * Contract of /complaints (api/complaints.ts): complaints about legal aid (L-13) — intake from every channel, the
 * handling steps of the complaint's workflow, the figures (counts only), and the complainant's own lookup by code.
 */
import { z } from 'zod';
import { COMPLAINT_STATUS_CODES } from '../../domain/complaints';
import {
  acceptComplaintBody,
  complaintAnswerBody,
  complaintDecisionBody,
  complaintExtensionBody,
  complaintFiguresQuery,
  complaintHandlerBody,
  complaintIdParams,
  complaintInvestigationBody,
  complaintLookupBody,
  complaintsQuery,
  complaintWithdrawalBody,
  fileComplaintBody,
} from '../schemas';
import { instant } from './answers';
import { route } from './route';

const tag = '投诉处理（L-13）';
const onComplaint = { targetType: 'complaint' } as const;
const status = z.enum(COMPLAINT_STATUS_CODES);

/** The live state of a complaint (the workflow's `getComplaint` query, domain/definitions.ts `ComplaintState`). */
export const complaintState = z.looseObject({
  complaintId: z.string(),
  agencyCode: z.string(),
  status,
  statusSince: instant,
  seq: z.number().int(),
  anonymous: z.boolean(),
  respondent: z.looseObject({ kind: z.string(), id: z.string() }),
  ground: z.string(),
  receivedAt: instant,
  acceptDueAt: instant,
  dueAt: instant.optional(),
  notifyDueAt: instant.optional(),
  investigation: z.array(z.looseObject({ kind: z.string(), summary: z.string(), by: z.string(), at: instant })),
  escalations: z.array(z.string()),
});

const filed = z.object({
  complaintId: z.string(),
  statusCode: z.string().describe('投诉回执上的查询码：凭投诉编号和查询码查询进度'),
  status,
  acceptDueAt: instant,
});

const NOT_FOUND = '没有这个投诉 (COMPLAINT_NOT_FOUND)';
const FORBIDDEN = '该投诉不属于本机构或本人，或被投诉的机构、人员不能办理 (FORBIDDEN)';
const STEP_ERRORS = {
  403: FORBIDDEN,
  404: NOT_FOUND,
  409: '该投诉已办结 (COMPLAINT_CLOSED)',
  422: '当前状态或规则不允许该操作，或同一幂等键用于不同请求 (INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED)',
} as const;

/** A step on a complaint: POST with its body, answered with the complaint's new state. */
function step<const B extends z.ZodType | undefined = undefined>(
  path: string,
  summary: string,
  access: 'complaint.handle' | 'complaint.extend' | 'complaint.answer' | 'complaint.withdraw',
  body?: B,
) {
  return route({
    method: 'post',
    path: `/complaints/:complaintId${path}`,
    summary,
    tag,
    access,
    params: complaintIdParams,
    body: body as B,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: onComplaint,
    answers: { 200: { description: '已办理：投诉的新状态', schema: complaintState } },
    errors: STEP_ERRORS,
  });
}

const countRow = z.object({ key: z.string(), label: z.string(), complaints: z.number().int() });

export const complaintRoutes = {
  file: route({
    method: 'post',
    path: '/complaints',
    summary: '登记投诉：网上、窗口、12348 热线或村居代办（可匿名；所涉案件须为本人案件）',
    tag,
    access: 'complaint.file',
    body: fileComplaintBody,
    idempotencyKey: 'required',
    limit: 'intake',
    audit: { targetType: 'complaint', targetId: (_req, locals) => locals.complaintId },
    answers: {
      201: {
        description: '已登记：投诉编号、查询码和受理期限（5 个工作日）',
        schema: filed,
        supplies: { complaintId: '/complaintId' },
      },
      200: { description: '同一幂等键的重复登记：同一投诉', schema: filed },
    },
    errors: {
      403: '所涉案件不是您本人的案件，或不能为其他机构登记投诉 (FORBIDDEN)',
      422: '投诉内容不符合规定，被投诉对象或案件不存在，或同一幂等键用于不同请求 (COMPLAINT_*, IDEMPOTENCY_KEY_REUSED)',
    },
  }),
  list: route({
    method: 'get',
    path: '/complaints',
    summary: '投诉列表：本机构的（市中心：全市），期限最近的在前',
    tag,
    access: 'complaint.read',
    query: complaintsQuery,
    audit: onComplaint,
    answers: {
      200: {
        description: '投诉（编号、状态和期限，不含投诉人信息）',
        schema: z.object({
          complaints: z.array(
            z.object({
              complaintId: z.string(),
              agencyCode: z.string(),
              status,
              respondentKind: z.string(),
              respondentId: z.string(),
              applicationNo: z.string().nullable(),
              ground: z.string(),
              receivedAt: instant,
              acceptDueAt: instant,
              dueAt: instant.nullable(),
              notifyDueAt: instant.nullable(),
              escalated: z.boolean(),
            }),
          ),
        }),
      },
    },
    errors: { 403: '没有所属机构 (FORBIDDEN)' },
  }),
  figures: route({
    method: 'get',
    path: '/complaints/figures',
    summary: '投诉统计：按机构、被投诉机构、事由和结果，受理与办结用时（仅计数）',
    tag,
    access: 'figures.read',
    query: complaintFiguresQuery,
    answers: {
      200: {
        description: '该年度收到的投诉的统计',
        schema: z.object({
          year: z.number().int(),
          agencyCode: z.string().nullable(),
          total: z.number().int(),
          byAgency: z.array(countRow),
          byInstitution: z.array(countRow),
          byGround: z.array(countRow),
          byStatus: z.array(countRow),
          byOutcome: z.array(countRow),
          escalated: z.number().int(),
          averageDaysToAccept: z.number().nullable(),
          averageDaysToResolve: z.number().nullable(),
        }),
      },
    },
  }),
  read: route({
    method: 'get',
    path: '/complaints/:complaintId',
    summary: '一件投诉的办理情况',
    tag,
    access: 'complaint.read',
    params: complaintIdParams,
    audit: onComplaint,
    answers: { 200: { description: '投诉的当前状态', schema: complaintState } },
    errors: { 403: FORBIDDEN, 404: NOT_FOUND },
  }),
  accept: step(
    '/acceptance',
    '受理或不予受理（5 个工作日内；不予受理须说明理由并告知投诉人）',
    'complaint.handle',
    acceptComplaintBody,
  ),
  assign: step('/handler', '指定办理人员（不得为被投诉的机构或人员）', 'complaint.handle', complaintHandlerBody),
  investigate: step(
    '/investigation',
    '记录调查情况（承办人员、机构的说明，调取材料）',
    'complaint.handle',
    complaintInvestigationBody,
  ),
  answer: step('/answer', '被投诉的人员或机构作出说明', 'complaint.answer', complaintAnswerBody),
  extend: step(
    '/extension',
    '延长办理期限（一次，至多 30 日；批准人和理由记录在案）',
    'complaint.extend',
    complaintExtensionBody,
  ),
  decide: step(
    '/decision',
    '作出处理决定：属实、部分属实、不属实，及处理措施（约谈、改正、移送、移出人员库）',
    'complaint.handle',
    complaintDecisionBody,
  ),
  notify: step('/notification', '告知投诉人处理结果（决定后 5 个工作日内）', 'complaint.handle'),
  withdraw: step('/withdrawal', '投诉人撤回投诉（处理决定前）', 'complaint.withdraw', complaintWithdrawalBody),
  lookup: route({
    method: 'post',
    path: '/public/complaints/status',
    summary: '投诉人查询办理进度：凭投诉编号和查询码（无需登录，匿名投诉亦可）',
    tag,
    access: 'public',
    body: complaintLookupBody,
    limit: 'lookups',
    audit: { action: 'public.statusLookup', targetType: 'complaint', targetId: (_req, locals) => locals.complaintId },
    answers: {
      200: {
        description: '状态、期限、处理结果和已发送给投诉人的通知（不含个人信息）',
        schema: z.object({
          complaintId: z.string(),
          status,
          statusLabel: z.string(),
          receivedAt: instant,
          acceptDueAt: instant,
          dueAt: instant.nullable(),
          refusalReason: z.string().nullable(),
          outcome: z.string().nullable(),
          measures: z.array(z.string()),
          notices: z.array(z.object({ at: z.string(), text: z.string() })),
        }),
      },
    },
    errors: { 404: '投诉编号或查询码不正确（两者不加区分） (STATUS_NOT_FOUND)' },
  }),
};
