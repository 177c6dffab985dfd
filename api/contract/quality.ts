/**
 * S-4.4 quality evaluation: the scoring sheets (评分表) as versioned data loaded by the city centre, and reads of the
 * stored evaluations (written by the evaluation workflow only).
 */
import { z } from 'zod';
import { TIERS, type Tier } from '../../domain/quality';
import { SHEET_KIND_CODES } from '../../domain/scoring-sheets';
import { applicationNoParams, createSheetBody, evaluationsQuery, sheetParams, sheetsQuery } from '../schemas';
import { instant, optionalInstant } from './answers';
import { route } from './route';

/** The tag of the quality routes (the awards of api/contract/finance.ts too). */
export const QUALITY_TAG = '案件质量评估';
const tag = QUALITY_TAG;
const TIER_CODES = Object.keys(TIERS) as [Tier, ...Tier[]];
const chinaDate = z.iso.date().describe('中国日期（YYYY-MM-DD）');

const sheet = z.object({
  id: z.string(),
  kind: z.enum(SHEET_KIND_CODES),
  kindLabel: z.string(),
  version: z.number().int(),
  title: z.string(),
  items: z.array(z.object({ code: z.string(), label: z.string(), max: z.number(), weight: z.number() })),
  effectiveFrom: chinaDate.describe('启用日期（中国日期）'),
  agencyCode: z.string().describe('SX 全市评分表；或区、县（市）法律援助中心自定的评分表（S-4.4）'),
  loadedBy: z.string(),
  loadedAt: instant,
});

const evaluation = z.object({
  applicationNo: z.string(),
  agencyCode: z.string(),
  memberId: z.string(),
  institutionId: z.string(),
  status: z
    .string()
    .describe(
      'waiting_evaluator、scoring、expert_review、objection_window、objection_review、spot_check、final、special',
    ),
  special: z.boolean(),
  score: z.number().nullable().describe('现行分数（两位小数）；评分前及特殊案件为 null'),
  tier: z.enum(TIER_CODES).nullable(),
  tierLabel: z.string().nullable(),
  scoreVersion: z.number().int(),
  year: z.number().int().nullable().describe('评估结果所属年度（中国时间）'),
  finalizedAt: optionalInstant,
  state: z.unknown().describe('评估流程保存的状态'),
  updatedAt: instant,
});

const NOT_CHANGEABLE =
  '评分表不能修改：同一编号内容不同 (SCORING_SHEET_EXISTS)，或该类型的版本号已使用 (SCORING_SHEET_VERSION_TAKEN)';

export const qualityRoutes = {
  createSheet: route({
    method: 'post',
    path: '/quality/sheets',
    summary: '载入评分表（市法律援助中心载入全市或各县的，区县负责人载入本县的；不可修改，新标准以新版本载入）',
    tag,
    access: 'quality.sheets.manage',
    body: createSheetBody,
    limit: 'actions',
    audit: { targetType: 'scoring_sheet', targetId: (req) => (req.body as { id?: unknown } | undefined)?.id },
    answers: {
      201: {
        description: '已载入',
        schema: z.object({ sheet, replayed: z.literal(false) }),
        supplies: { id: '/sheet/id' },
      },
      200: { description: '同一评分表再次载入（内容相同）', schema: z.object({ sheet, replayed: z.literal(true) }) },
    },
    errors: { 409: NOT_CHANGEABLE },
  }),
  listSheets: route({
    method: 'get',
    path: '/quality/sheets',
    summary: '评分表（S-4.4，浙江省刑事、民事行政案件质量评估标准）：全部版本，或某日适用的版本',
    tag,
    access: 'quality.sheets.read',
    query: sheetsQuery,
    answers: { 200: { description: '评分表，新版本在前', schema: z.object({ sheets: z.array(sheet) }) } },
  }),
  readSheet: route({
    method: 'get',
    path: '/quality/sheets/:id',
    summary: '一份评分表及其评分项',
    tag,
    access: 'quality.sheets.read',
    params: sheetParams,
    answers: { 200: { description: '评分表', schema: z.object({ sheet }) } },
    errors: { 404: '评分表不存在 (SCORING_SHEET_NOT_FOUND)' },
  }),
  listEvaluations: route({
    method: 'get',
    path: '/evaluations',
    summary: '案件质量评估结果（S-4.4）：按机构、状态、人员、服务机构、年度筛选（仅限可查看的）',
    tag,
    access: 'evaluations.read',
    query: evaluationsQuery,
    audit: { targetType: 'evaluation' },
    answers: {
      200: {
        description: '评估结果，按申请编号排列',
        schema: z.object({
          evaluations: z.array(evaluation),
          next: z.string().nullable().describe('下一页从此编号之后开始（after）'),
        }),
      },
    },
  }),
  readEvaluation: route({
    method: 'get',
    path: '/evaluations/:applicationNo',
    summary: '一件案件的质量评估：分数、等次、状态（S-4.4，S-4.5）',
    tag,
    access: 'evaluations.read',
    params: applicationNoParams,
    audit: { targetType: 'evaluation' },
    answers: { 200: { description: '评估结果', schema: z.object({ evaluation }) } },
    errors: { 404: '该案件尚无质量评估记录 (EVALUATION_NOT_FOUND)' },
  }),
};
