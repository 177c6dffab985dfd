/**
 * S-4.5 fee schedule (/fees), payout ledger and batches for finance (/payouts), S-4.7 award eligibility
 * (/quality/awards).
 */
import { z } from 'zod';
import { TIERS, type Tier } from '../../domain/quality';
import {
  awardsQuery,
  batchesQuery,
  batchParams,
  createBatchBody,
  createFeeBody,
  FEE_MATTER_TYPES,
  feesQuery,
  payoutsQuery,
} from '../schemas';
import { instant } from './answers';
import { QUALITY_TAG } from './quality';
import { route } from './route';

const tag = '劳务费与补贴发放';
const TIER_CODES = Object.keys(TIERS) as [Tier, ...Tier[]];
const chinaDate = z.iso.date().describe('中国日期（YYYY-MM-DD）');

const feeRow = {
  id: z.string(),
  agencyCode: z.string().nullable().describe('null：全市通用标准'),
  matterType: z.enum(FEE_MATTER_TYPES),
  caseStage: z.string(),
  amountCents: z.number().int().describe('基本劳务费（分）'),
  effectiveFrom: chinaDate.describe('自该日起适用（含当日）'),
};
const fee = z.object({ ...feeRow, createdBy: z.string(), createdAt: instant });

const batch = z.object({
  id: z.string(),
  agencyCode: z.string(),
  periodStart: chinaDate,
  periodEnd: chinaDate.describe('含当日'),
  lineCount: z.number().int(),
  totalCents: z.number().int(),
  createdBy: z.string(),
  createdAt: instant,
});

const line = z.object({
  id: z.string(),
  applicationNo: z.string(),
  agencyCode: z.string(),
  memberId: z.string(),
  institutionId: z.string(),
  kind: z.string().describe('payout 质量补贴；adjustment 调整；special 特殊案件补贴；duty 值班补贴'),
  kindLabel: z.string(),
  tier: z.string().nullable(),
  tierLabel: z.string().nullable(),
  coefficient: z.number(),
  baseFeeCents: z.number().int(),
  amountCents: z.number().int().describe('金额（分），调整可为负数'),
  feeScheduleId: z.string().nullable(),
  scoreVersion: z.number().int(),
  reason: z.string(),
  batchId: z.string().nullable(),
  createdAt: instant,
});

const standing = {
  tiers: z.record(z.enum(TIER_CODES), z.number().int()).describe('各等次的案件数'),
  eligible: z.boolean(),
  reasonCode: z
    .enum(['UNQUALIFIED_CASE', 'INSTITUTION_UNQUALIFIED', 'NO_EXCELLENT_CASE'])
    .nullable()
    .describe('UNQUALIFIED_CASE 本年度有不合格案件；INSTITUTION_UNQUALIFIED 所负责机构有不合格案件；NO_EXCELLENT_CASE'),
  reason: z.string().nullable(),
  unqualifiedCases: z.array(z.string()).describe('不合格案件的申请编号（S-4.7，全市范围）'),
};

const batchAnswer = (replayed: boolean) => z.object({ batch, replayed: z.literal(replayed) });

export const financeRoutes = {
  createFee: route({
    method: 'post',
    path: '/fees',
    summary: '登记基本劳务费标准（机构负责人登记本机构的，市法律援助中心登记全市通用的）；标准不修改，以新生效日期取代',
    tag,
    access: 'fees.manage',
    body: createFeeBody,
    limit: 'actions',
    audit: {
      targetType: 'fee_schedule',
      targetId: (req) => (req.body as { agencyCode?: unknown } | undefined)?.agencyCode ?? 'city',
    },
    answers: { 201: { description: '已登记', schema: z.object({ fee }) } },
    errors: { 409: '该机构、案件类型、办案阶段和生效日期的标准已经登记 (FEE_SCHEDULE_EXISTS)' },
  }),
  listFees: route({
    method: 'get',
    path: '/fees',
    summary: '基本劳务费标准（S-4.5）：本机构及全市通用标准；给出日期、案件类型和阶段时返回该案适用的标准',
    tag,
    access: 'fees.read',
    query: feesQuery,
    answers: {
      200: {
        description: '标准（给出日期时只列该日适用的）；applicable：该案适用的标准，没有时为 null',
        schema: z.object({ fees: z.array(fee), applicable: z.object(feeRow).nullable().optional() }),
      },
    },
  }),
  createBatch: route({
    method: 'post',
    path: '/payouts/batches',
    summary: '按期间生成发放批次：本机构截至截止日（北京时间）尚未入批的明细；同一期间再次请求返回原批次',
    tag,
    access: 'payouts.batch',
    body: createBatchBody,
    limit: 'actions',
    audit: {
      targetType: 'payout_batch',
      targetId: (req) => (req.body as { agencyCode?: unknown } | undefined)?.agencyCode,
    },
    answers: {
      201: { description: '已生成', schema: batchAnswer(false) },
      200: { description: '该期间的批次已存在', schema: batchAnswer(true) },
    },
  }),
  listBatches: route({
    method: 'get',
    path: '/payouts/batches',
    summary: '发放批次',
    tag,
    access: 'payouts.read',
    query: batchesQuery,
    audit: { targetType: 'payout_batch' },
    answers: {
      200: { description: '批次，截止日期新的在前（最多 500 个）', schema: z.object({ batches: z.array(batch) }) },
    },
  }),
  batchLines: route({
    method: 'get',
    path: '/payouts/batches/:batchId/lines.csv',
    summary: '批次明细 CSV（UTF-8 带 BOM，金额单位元，时间为北京时间）',
    tag,
    access: 'payouts.read',
    params: batchParams,
    audit: { targetType: 'payout_batch' },
    answers: { 200: { description: '批次明细（CSV 文件）', contentType: 'text/csv' } },
    errors: { 404: '发放批次不存在 (PAYOUT_BATCH_NOT_FOUND)' },
  }),
  listPayouts: route({
    method: 'get',
    path: '/payouts',
    summary: '补贴发放明细（S-4.5）：按申请编号，或按机构和人员',
    tag,
    access: 'payouts.read',
    query: payoutsQuery,
    audit: { targetType: 'payout_line', targetId: ({ query }) => query.applicationNo ?? query.memberId },
    answers: {
      200: {
        description: '明细，按编号排列',
        schema: z.object({
          lines: z.array(line),
          totalCents: z.number().int().describe('本页明细金额合计（分）'),
          next: z.string().nullable().describe('下一页从此编号之后开始（after）'),
        }),
      },
    },
  }),
  awards: route({
    method: 'get',
    path: '/quality/awards',
    summary: '评优推荐资格（S-4.7）：有优秀案件且无不合格案件的人员和机构，及不符合的原因',
    tag: QUALITY_TAG,
    access: 'quality.awards',
    query: awardsQuery,
    audit: { targetType: 'agency', targetId: ({ query }) => query.agencyCode },
    answers: {
      200: {
        description: '该机构该年度（北京时间）定级案件中的人员和机构；不合格案件按全市范围计算（S-4.7）',
        schema: z.object({
          agencyCode: z.string(),
          year: z.number().int(),
          members: z.array(z.object({ memberId: z.string(), ...standing })),
          institutions: z.array(z.object({ institutionId: z.string(), ...standing })),
          excludedPeople: z
            .array(
              z.object({
                personId: z.string(),
                institutionId: z.string(),
                reason: z.string(),
                unqualifiedCases: z.array(z.string()),
              }),
            )
            .describe('随机构一并不得推荐评优的机构负责人（S-4.7）'),
        }),
      },
    },
  }),
};
