/**
 * Contract of /cases/stuck and /figures (api/stuck.ts), issue 8: which cases are stuck — waiting on whom, since when,
 * due when — and the SLA and workload figures managers steer by. Read-only, audited, no personal data.
 */
import { z } from 'zod';
import { slaQuery, stuckCountsQuery, stuckQuery, workloadQuery } from '../schemas';
import { instant, optionalInstant, stage } from './answers';
import { route } from './route';

const tag = '待办与统计';
const SCOPE_ERRORS = { 403: '所查机构超出本人可查看的范围 (FORBIDDEN)' } as const;

const stuckItem = z.object({
  applicationNo: z.string().describe('申请编号；需技术支持处理的热线来电为来电编号'),
  agencyCode: z.string(),
  channel: z.string().nullable(),
  stage: stage.nullable(),
  stageLabel: z.string().nullable(),
  stageSince: optionalInstant,
  kind: z.string().describe('待办义务的类型'),
  kindLabel: z.string(),
  ownerRole: z.string().describe('由谁履行（角色）'),
  ownerRoleLabel: z.string(),
  ownerId: z.string().nullable(),
  since: instant,
  dueAt: optionalInstant,
  dueMoved: z.string().optional().describe('期限最后一日遇休息日顺延的原因，如「因国庆节顺延」（民法典第二百零三条）'),
  ruleId: z.string(),
  overdue: z.boolean(),
  overdueMinutes: z.number().int(),
  waitingDays: z.number().int().describe('在当前阶段停留的天数'),
  timelineUrl: z.string(),
  // A case that needs attention (a write met a data error): which workflow waits at which write.
  caseKind: z.string().optional(),
  workflowId: z.string().optional(),
  activity: z.string().optional(),
  sqlstate: z.string().optional(),
  resolveUrl: z.string().optional(),
});

const share = z.object({
  total: z.number().int(),
  met: z.number().int(),
  share: z.number().nullable().describe('达成比例；期间内没有事件时为 null'),
});

export const stuckRoutes = {
  stuck: route({
    method: 'get',
    path: '/cases/stuck',
    summary:
      '卡住的案件（issue 8）：每项待办义务、由谁履行、自何时起、期限（规则编号）；逾期最久的在前。机构人员看本机构，市中心看全市，义务人看自己的',
    tag,
    access: 'cases.stuck',
    query: stuckQuery,
    audit: { targetType: 'obligation' },
    answers: {
      200: {
        description: '待办义务（含需技术支持处理的案件），分页',
        schema: z.object({ total: z.number().int(), asOf: instant, items: z.array(stuckItem) }),
      },
    },
    errors: SCOPE_ERRORS,
  }),
  stuckCounts: route({
    method: 'get',
    path: '/cases/stuck/counts',
    summary: '按阶段和机构统计的待办案件数与逾期案件数',
    tag,
    access: 'cases.stuck',
    query: stuckCountsQuery,
    audit: { targetType: 'obligation' },
    answers: {
      200: {
        description: '按阶段、按机构的待办与逾期案件数',
        schema: z.object({
          asOf: instant,
          byStage: z.array(
            z.object({ stage, stageLabel: z.string(), open: z.number().int(), overdue: z.number().int() }),
          ),
          byAgency: z.array(z.object({ agencyCode: z.string(), open: z.number().int(), overdue: z.number().int() })),
        }),
      },
    },
    errors: SCOPE_ERRORS,
  }),
  sla: route({
    method: 'get',
    path: '/figures/sla',
    summary:
      '时限达成率（按机构、按期间，北京时间日期）：当日指派（S-3.3）、7 日内审查决定（L-1）、热线按时接听（S-2.4）、评估完成（S-4.4）、按等次发放（S-4.5）',
    tag,
    access: 'figures.read',
    query: slaQuery,
    audit: { targetType: 'figures' },
    answers: {
      200: {
        description: '期间及各机构的达成率',
        schema: z.object({
          from: z.string(),
          to: z.string(),
          agencies: z.array(
            z.object({
              agencyCode: z.string(),
              assignmentSameDay: share,
              reviewWithin7Days: share,
              hotlineAnswered: share,
              evaluationsCompleted: share,
              payoutsByTier: z.array(
                z.object({
                  tier: z.string(),
                  tierLabel: z.string(),
                  cases: z.number().int(),
                  amountCents: z.number().int(),
                }),
              ),
            }),
          ),
        }),
      },
    },
    errors: SCOPE_ERRORS,
  }),
  workload: route({
    method: 'get',
    path: '/figures/workload',
    summary: '承办人员工作量：在办案件数、逾期待办数',
    tag,
    access: 'figures.read',
    query: workloadQuery,
    audit: { targetType: 'figures' },
    answers: {
      200: {
        description: '每名法律援助人员的在办案件与逾期待办',
        schema: z.object({
          members: z.array(
            z.object({
              memberId: z.string(),
              institutionId: z.string(),
              agencyCode: z.string(),
              openCases: z.number().int(),
              overdueObligations: z.number().int(),
            }),
          ),
        }),
      },
    },
    errors: SCOPE_ERRORS,
  }),
};
