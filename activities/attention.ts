/**
 * Cases that need attention (需技术支持处理). A write that no retry can cure (PostgreSQL SQLSTATE class 22 data
 * exception or 23 integrity violation: a NUL in text or jsonb, a value too long, a violated constraint) is failed by
 * `withSafeErrors` (activities/index.ts) as a non-retryable `DataError`; the case's workflow then flags the case here
 * and waits at that write until an operator resolves it (api/operations.ts, the `resolveAttention` signal), and
 * clears the flag once the write went through.
 *
 * `case_attention` keeps one row per workflow, ids and codes only (never the data that failed). Its open rows are on
 * the stuck-case board (api/stuck.ts) as a `data_error` owed by the agency's technical support, and counted in
 * /metrics. The workflows' own obligation sync never touches them (they are not in `obligation`).
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ERROR_TYPES, type DataErrorDetails } from '../domain/definitions';
import type { PrismaClient } from '../prisma/generated/client';

export type AttentionCaseKind = 'application' | 'evaluation' | 'hotline' | 'complaint';
export const ATTENTION_CASE_KINDS = {
  application: '法律援助申请',
  evaluation: '质量评估',
  hotline: '12348 热线来电',
  complaint: '法律援助投诉',
} as const satisfies Record<AttentionCaseKind, string>;

export interface FlagAttentionInput {
  workflowId: string;
  caseKind: AttentionCaseKind;
  /** The application number (application, evaluation) or the hotline call id. */
  caseNo: string;
  agencyCode: string;
  /** The activity whose write failed, and the SQLSTATE (the `DataError`'s details). */
  activity: string;
  sqlstate: string;
  /** ISO instant of the failure, from the workflow's clock. */
  since: string;
}

export interface ClearAttentionInput {
  workflowId: string;
  action: 'retry' | 'sanitize';
  resolvedBy: string;
  /** ISO instant the write went through, from the workflow's clock. */
  at: string;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the same write fails every time. */
const DATA_ERROR_SQLSTATE = /^2[23][0-9A-Z]{3}$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Prisma's own error codes (P1xxx–P6xxx) look like SQLSTATEs; PL/pgSQL's P0xxx are real ones. */
const PRISMA_CODE = /^P[1-9][0-9]{3}$/;

/**
 * Prisma errors that name a data error without the driver's SQLSTATE (e.g. raised by the query engine itself):
 * P2000 value too long, P2002 unique, P2003 foreign key, P2011 null, P2020 out of range.
 */
const PRISMA_SQLSTATES: Record<string, string> = {
  P2000: '22001',
  P2002: '23505',
  P2003: '23503',
  P2011: '23502',
  P2020: '22003',
};

type ErrorLike = {
  code?: unknown;
  originalCode?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } };
};

const asSqlstate = (value: unknown): string | undefined =>
  typeof value === 'string' && SQLSTATE.test(value) && !PRISMA_CODE.test(value) ? value : undefined;

/**
 * The SQLSTATE PostgreSQL answered, wherever the error carries it. Prisma 7 with `@prisma/adapter-pg` throws a
 * `PrismaClientKnownRequestError` (P2039 for most server errors, P2010 for raw queries, P2000/P2002/P2003 for the
 * kinds it maps) whose `meta.driverAdapterError` is the adapter's `DriverAdapterError`; its `cause` holds the server's
 * code as `originalCode` (always) and `code` (for kind `postgres`). A bare `DriverAdapterError` has the same `cause`;
 * a `pg` error has `code` itself. Never reads messages or details, which may quote the values.
 */
export function sqlstateOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const e = err as ErrorLike;
  const adapter = e.meta?.driverAdapterError?.cause;
  const direct =
    asSqlstate(adapter?.originalCode) ?? asSqlstate(adapter?.code) ?? asSqlstate(e.originalCode) ?? asSqlstate(e.code);
  if (direct) return direct;
  const mapped = typeof e.code === 'string' ? PRISMA_SQLSTATES[e.code] : undefined;
  return mapped ?? sqlstateOf(e.cause, depth + 1);
}

/** The SQLSTATE of an error no retry can cure (class 22 or 23), or undefined for any other error. */
export function dataErrorSqlstate(err: unknown): string | undefined {
  const sqlstate = sqlstateOf(err);
  return sqlstate && DATA_ERROR_SQLSTATE.test(sqlstate) ? sqlstate : undefined;
}

/** The non-retryable failure for a data error: the activity and the SQLSTATE, no value, no personal data. */
export function dataErrorFailure(activity: string, sqlstate: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ERROR_TYPES.dataError,
    nonRetryable: true,
    message: `${activity} failed: data error ${sqlstate}`,
    details: [{ activity, sqlstate } satisfies DataErrorDetails],
  });
}

/**
 * Inputs are ids and codes, but this write must never meet a data error itself: control characters out, each value
 * cut to its column, instants that PostgreSQL can read.
 */
const clean = (value: string, max: number) =>
  String(value)
    .replace(/\p{Cc}|\p{Cs}/gu, '')
    .slice(0, max);
const instant = (iso: string) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? new Date() : at;
};

export function createAttentionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /**
     * Opens the workflow's attention row. Idempotent: a retry (same `since`) changes nothing. A later data error of
     * the same workflow (a newer `since`) reopens the row with its activity and SQLSTATE and counts it; an older one
     * (a stale retry) changes nothing. Returns whether the row was opened (or reopened) now.
     */
    async flagAttention(input: FlagAttentionInput): Promise<{ flagged: boolean }> {
      const sqlstate = SQLSTATE.test(input.sqlstate) ? input.sqlstate : 'XXXXX';
      const rows = await prisma.$queryRaw<Array<{ occurrences: number }>>`
        INSERT INTO case_attention (workflow_id, case_kind, case_no, agency_code, activity, sqlstate, since, updated_at)
        VALUES (${clean(input.workflowId, 128)}, ${clean(input.caseKind, 16)}, ${clean(input.caseNo, 48)},
                ${clean(input.agencyCode, 16)}, ${clean(input.activity, 64)}, ${sqlstate}, ${instant(input.since)},
                now())
        ON CONFLICT (workflow_id) DO UPDATE SET
          case_kind = EXCLUDED.case_kind, case_no = EXCLUDED.case_no, agency_code = EXCLUDED.agency_code,
          activity = EXCLUDED.activity, sqlstate = EXCLUDED.sqlstate, since = EXCLUDED.since,
          occurrences = case_attention.occurrences + 1,
          resolved_at = NULL, resolved_by = NULL, action = NULL, updated_at = now()
          WHERE EXCLUDED.since > case_attention.since
        RETURNING occurrences`;
      return { flagged: rows.length > 0 };
    },

    /**
     * Closes the workflow's open attention row (and so its board entry). Idempotent: a closed row, or none, is left as
     * it is; a row opened after `at` (a later data error) stays open. Returns whether a row was closed now.
     */
    async clearAttention(input: ClearAttentionInput): Promise<{ cleared: boolean }> {
      const at = instant(input.at);
      const count = await prisma.$executeRaw`
        UPDATE case_attention
        SET resolved_at = ${at}, resolved_by = ${clean(input.resolvedBy, 128)}, action = ${clean(input.action, 16)},
            updated_at = now()
        WHERE workflow_id = ${clean(input.workflowId, 128)} AND resolved_at IS NULL AND since <= ${at}`;
      return { cleared: count > 0 };
    },
  };
}
