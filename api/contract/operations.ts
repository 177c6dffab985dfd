/**
 * Contract of /operations (api/operations.ts): cases that need attention (需技术支持处理) — a write of the case met a
 * data error no retry can cure and its workflow waits at it; technical support lists and resolves them.
 */
import { z } from 'zod';
import type { AttentionCaseKind } from '../../activities/attention';
import { line, text } from '../text';
import { instant } from './answers';
import { route } from './route';

const tag = '技术支持';
/** The kinds of activities/attention.ts `ATTENTION_CASE_KINDS` (not imported: no server module in the contract). */
const KINDS: Record<AttentionCaseKind, true> = { application: true, evaluation: true, hotline: true, complaint: true };
const CASE_KINDS = Object.keys(KINDS) as [AttentionCaseKind, ...AttentionCaseKind[]];

export const attentionQuery = z
  .object({
    agencyCode: line('机构代码')
      .regex(/^[A-Za-z][A-Za-z0-9]{1,15}$/, '机构代码格式不正确')
      .optional(),
    caseKind: z.enum(CASE_KINDS, '案件类型只能是 application、evaluation 或 hotline').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export const attentionParams = z.object({
  workflowId: line('流程编号').regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, '流程编号格式不正确'),
});
export const resolveAttentionBody = z
  .object({
    action: z.enum(['retry', 'sanitize'], '处理方式只能是 retry（原样重试）或 sanitize（去除控制字符后重试）'),
    note: text('备注').trim().max(500, '备注不能超过 500 字').optional(),
  })
  .strict();

export const operationsRoutes = {
  attention: route({
    method: 'get',
    path: '/operations/attention',
    summary: '需技术支持处理的案件：数据写入故障，最早的在前（本机构，市级为全市）',
    tag,
    access: 'operations.attention.read',
    query: attentionQuery,
    audit: { targetType: 'case_attention' },
    answers: {
      200: {
        description: '尚未处理的案件及其故障（仅编号和代码）',
        schema: z.object({
          total: z.number().int(),
          items: z.array(
            z.object({
              workflowId: z.string(),
              caseKind: z.enum(CASE_KINDS),
              caseKindLabel: z.string(),
              caseNo: z.string(),
              agencyCode: z.string(),
              kind: z.literal('data_error'),
              kindLabel: z.string(),
              activity: z.string(),
              sqlstate: z.string(),
              since: instant,
              occurrences: z.number().int(),
              resolveUrl: z.string(),
            }),
          ),
        }),
      },
    },
    errors: { 403: '所查机构超出本人可查看的范围 (FORBIDDEN)' },
  }),
  resolve: route({
    method: 'post',
    path: '/operations/attention/:workflowId/resolve',
    summary: '处理一件需技术支持的案件：原样重试（retry）或去除控制字符后重试（sanitize）；写入成功后移出列表',
    tag,
    access: 'operations.attention.resolve',
    params: attentionParams,
    body: resolveAttentionBody,
    limit: 'actions',
    audit: { targetType: 'case_attention' },
    answers: {
      202: {
        description: '已通知案件流程重试写入',
        schema: z.object({
          workflowId: z.string(),
          action: z.enum(['retry', 'sanitize']),
          status: z.literal('signalled'),
          message: z.string(),
        }),
      },
    },
    errors: {
      403: '该案件不属于本机构 (FORBIDDEN)',
      404: '该流程没有待处理的数据写入故障 (ATTENTION_NOT_FOUND)',
      409: '案件流程已结束或不存在 (CASE_NOT_RUNNING)',
    },
  }),
};
