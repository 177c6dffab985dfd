/**
 * Contract of /public (api/public.ts): what anybody may read without signing in — an applicant's own status (by
 * application number and the status code of the intake receipt), the rotation order and its ledger (S-2.9), and the
 * published quality results (S-4.6, L-15). Rate-limited per client address; no personal data.
 */
import { z } from 'zod';
import { AGENCY_CODES } from '../../domain/agencies';
import { TIERS, type Tier } from '../../domain/quality';
import { resultsParams, resultsQuery, statusLookupBody } from '../schemas';
import { instant, stage } from './answers';
import { route } from './route';

const tag = '公开查询';

export const rotationParams = z.object({ agencyCode: z.enum(AGENCY_CODES) });

const tierCounts = z.object(
  Object.fromEntries(Object.keys(TIERS).map((t) => [t, z.number().int()])) as Record<Tier, z.ZodNumber>,
);
const resultRow = { cases: z.number().int(), tiers: tierCounts, payoutCents: z.number().int() };

/** S-4.6, L-15: the agency's published quality results of a year (api/finance.ts `publishedResults`). */
export const publishedResultsAnswer = z.object({
  agencyCode: z.string(),
  year: z.number().int(),
  tierLabels: z.record(z.string(), z.string()),
  ...resultRow,
  institutions: z.array(z.object({ institutionId: z.string(), ...resultRow })),
  members: z.array(z.object({ memberId: z.string(), ...resultRow })),
  /** L-13, L-15: the year's complaints, counts only (no names, no facts). */
  complaints: z.object({
    total: z.number().int(),
    byGround: z.array(z.object({ key: z.string(), label: z.string(), complaints: z.number().int() })),
    byOutcome: z.array(z.object({ key: z.string(), label: z.string(), complaints: z.number().int() })),
    averageDaysToAccept: z.number().nullable(),
    averageDaysToResolve: z.number().nullable(),
  }),
});

export const publicRoutes = {
  statusLookup: route({
    method: 'post',
    path: '/public/applications/status',
    summary: '申请人查询办理进度：凭申请编号和受理回执上的查询码（无需登录）',
    tag,
    access: 'public',
    body: statusLookupBody,
    limit: 'lookups',
    audit: {
      action: 'public.statusLookup',
      targetType: 'application',
      targetId: (_req, locals) => locals.applicationNo,
    },
    answers: {
      200: {
        description: '阶段、尚欠的材料与期限、正在等待谁办理什么、已发送的通知（不含个人信息）',
        schema: z.object({
          applicationNo: z.string(),
          filedBy: z
            .string()
            .nullable()
            .describe('由值班人员代为提交的，显示「XX区、县（市）公共法律服务中心值班员」（S-2.6），不显示个人'),
          stage,
          stageLabel: z.string(),
          since: z.string().describe('进入当前阶段的时间（北京时间）'),
          owes: z
            .object({
              materials: z.array(z.string()),
              dueAt: instant,
              lastDay: z.string().describe('补正的最后一日（北京时间日期，含当日）'),
              message: z.string(),
            })
            .nullable(),
          waitingOn: z.array(
            z.object({
              kind: z.string(),
              label: z.string(),
              owner: z.string().describe('由谁办理（角色，不是个人）'),
              yours: z.boolean().describe('是否等待申请人本人'),
              since: z.string(),
              dueAt: instant.nullable(),
              dueMoved: z.string().optional().describe('期限最后一日遇休息日顺延的原因，如「因国庆节顺延」'),
              ruleId: z.string(),
              text: z.string(),
            }),
          ),
          closedReason: z.string().nullable(),
          notices: z.array(z.object({ at: z.string(), stageLabel: z.string().optional(), text: z.string() })),
        }),
      },
    },
    errors: { 404: '申请编号或查询码不正确（两者不加区分） (STATUS_NOT_FOUND)' },
  }),
  rotation: route({
    method: 'get',
    path: '/public/rotation/:agencyCode',
    summary: '轮流指派顺序和指派记录（公开，S-2.9）：仅人员和机构编号',
    tag,
    access: 'public',
    params: rotationParams,
    limit: 'lookups',
    answers: {
      200: {
        description: '当前轮流顺序，及最近 100 条指派记录（新的在前）',
        schema: z.object({
          agencyCode: z.string(),
          order: z.array(
            z.object({
              place: z.number().int(),
              memberId: z.string(),
              institutionId: z.string(),
              status: z.string(),
              turnsUsed: z.number().int(),
            }),
          ),
          ledger: z.array(
            z.object({
              seq: z.number().int(),
              at: instant,
              applicationNo: z.string(),
              purpose: z.string(),
              next: z.string().nullable(),
              chosen: z.string(),
              rule: z.string(),
              turn: z.string(),
              skipped: z
                .array(z.looseObject({ memberId: z.string(), reason: z.string() }))
                .describe('跳过的人员及原因'),
              institutionId: z.string().nullable(),
              reason: z.string().nullable(),
              released: z.string().nullable(),
              releasedTurn: z.string().nullable(),
            }),
          ),
        }),
      },
    },
  }),
  results: route({
    method: 'get',
    path: '/public/results/:agencyCode',
    summary: '案件质量评估结果、补贴发放和投诉处理情况公开（S-4.6，L-13，L-15）：按等级统计，按机构和人员（仅编号）',
    tag,
    access: 'public',
    params: resultsParams,
    query: resultsQuery,
    limit: 'lookups',
    answers: { 200: { description: '该年度的评估结果与补贴合计', schema: publishedResultsAnswer } },
  }),
};
