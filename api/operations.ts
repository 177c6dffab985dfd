/**
 * /operations: cases that need attention (需技术支持处理). A write of the case met a data error no retry can cure
 * (activities/attention.ts); its workflow waits at that write. Technical support lists the open ones and resolves each:
 * `retry` (the write as it is, e.g. after a fix of the schema) or `sanitize` (control characters stripped from the
 * payload first). Resolving sends the `resolveAttention` signal; the workflow retries the write and, once it went
 * through, clears the row (clearAttention). Agency-scoped, audited, ids and codes only.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ATTENTION_CASE_KINDS, type AttentionCaseKind } from '../activities/attention';
import { resolveAttention, type ResolveAttentionInput } from '../domain/definitions';
import { OBLIGATION_KINDS } from '../domain/obligations';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import { agencyListScope, mayActOnAgency } from './auth/access';
import { operationsRoutes } from './contract/operations';
import { ApiError } from './errors';
import type { Mounter } from './mount';

export interface OperationsDeps {
  prisma: PrismaClient;
  temporal: Client;
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限处理需技术支持的案件');
const notOpen = (workflowId: string) =>
  new ApiError(404, 'ATTENTION_NOT_FOUND', `案件流程 ${workflowId} 没有待技术支持处理的数据写入故障`);

interface AttentionRow {
  workflow_id: string;
  case_kind: AttentionCaseKind;
  case_no: string;
  agency_code: string;
  activity: string;
  sqlstate: string;
  since: Date;
  occurrences: number;
}

export function mountOperations(m: Mounter, deps: OperationsDeps): void {
  const C = operationsRoutes;
  const db = deps.prisma;

  // The open ones, oldest first: the whole city, or the person's agency.
  m.mount(C.attention, async ({ query: q, principal }, _req, res) => {
    const scope = agencyListScope('operations.attention.read', principal);
    if (!scope.all && (!scope.agency || (q.agencyCode && q.agencyCode !== scope.agency))) throw forbidden();
    const agency = scope.all ? q.agencyCode : scope.agency;
    const where = [Prisma.sql`resolved_at IS NULL`];
    if (agency) where.push(Prisma.sql`agency_code = ${agency}`);
    if (q.caseKind) where.push(Prisma.sql`case_kind = ${q.caseKind}`);
    const filter = Prisma.join(where, ' AND ');
    const [rows, [count]] = await Promise.all([
      db.$queryRaw<AttentionRow[]>`
        SELECT workflow_id, case_kind, case_no, agency_code, activity, sqlstate, since, occurrences
        FROM case_attention WHERE ${filter}
        ORDER BY since ASC, workflow_id ASC
        LIMIT ${q.limit} OFFSET ${q.offset}`,
      db.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total FROM case_attention WHERE ${filter}`,
    ]);
    res.json({
      total: Number(count!.total),
      items: rows.map((r) => ({
        workflowId: r.workflow_id,
        caseKind: r.case_kind,
        caseKindLabel: ATTENTION_CASE_KINDS[r.case_kind] ?? r.case_kind,
        caseNo: r.case_no,
        agencyCode: r.agency_code,
        kind: 'data_error',
        kindLabel: OBLIGATION_KINDS.data_error,
        activity: r.activity,
        sqlstate: r.sqlstate,
        since: r.since.toISOString(),
        occurrences: r.occurrences,
        resolveUrl: `/operations/attention/${r.workflow_id}/resolve`,
      })),
    });
  });

  // Resolve one: the workflow retries the write (as it is, or sanitized) and clears the row once it went through.
  // The row is looked up after the body is checked (as before the contract): a bad body is 400 whatever the row.
  m.mount(C.resolve, async ({ params: { workflowId }, body, principal }, _req, res) => {
    const row = await db.caseAttention.findUnique({ where: { workflowId } });
    if (!row || row.resolvedAt !== null) throw notOpen(workflowId);
    if (!mayActOnAgency('operations.attention.resolve', principal, row.agencyCode)) throw forbidden();
    const input: ResolveAttentionInput = {
      action: body.action,
      resolvedBy: principal.userId,
      ...(body.note ? { note: body.note } : {}),
    };
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(resolveAttention, input);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new ApiError(409, 'CASE_NOT_RUNNING', `案件流程 ${workflowId} 已结束或不存在，无法重试写入`);
      }
      throw err;
    }
    res.status(202).json({
      workflowId,
      action: body.action,
      status: 'signalled',
      message:
        body.action === 'sanitize'
          ? '已通知案件流程去除控制字符后重试写入；写入成功后该案件移出待处理列表'
          : '已通知案件流程重试写入；写入成功后该案件移出待处理列表',
    });
  });
}
