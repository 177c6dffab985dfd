/**
 * S-4.5 subsidy payout (按质计酬): the base labour fee (基本劳务费) from the fee schedule, times the tier's coefficient,
 * written to the append-only payout ledger (`payout_line`, guarded by a trigger).
 *
 * Exactly once per case and score version: every call runs in one transaction under a per-case advisory lock, keyed
 * by `payout:<applicationNo>:v<scoreVersion>` (unique). A retried activity (the worker crashed after the commit,
 * before Temporal heard of it) finds its own line and returns it. A changed score (re-review, objection, spot check)
 * never edits the first line: it adds an `adjustment` line for the difference between the new target and what the
 * case's lines already add up to, so a case is never paid twice and its lines always sum to the amount in force.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { subsidyCents } from '../domain/quality';
import type { PrismaClient } from '../prisma/generated/client';
import { DATE, feeFor, type Db } from '../repositories/payout';

/** The failure type when no fee schedule row covers a case (non-retryable: an administrator must add one). */
export const FEE_SCHEDULE_MISSING = 'FeeScheduleMissing';
/** Wrong arguments from the caller (a bug, not a transient failure): non-retryable. */
export const PAYOUT_INVALID_INPUT = 'InvalidInput';

/** Lines that make up a case's subsidy; `duty` lines (S-2.5) are paid per shift, not per case. */
export const CASE_LINE_KINDS = ['payout', 'adjustment', 'special'] as const;

export const LINE_KINDS = {
  payout: '质量补贴',
  adjustment: '调整',
  special: '特殊案件补贴',
  duty: '值班补贴',
} as const;

export interface RecordPayoutArgs {
  applicationNo: string;
  agencyCode: string;
  memberId: string;
  institutionId: string;
  matterType: string;
  caseStage: string;
  /** China date YYYY-MM-DD: the fee schedule in force on this day applies. */
  assignedOn: string;
  kind: 'payout' | 'special';
  tier: string | null;
  coefficient: number;
  scoreVersion: number;
  reason: string;
  /**
   * S-4.5: the share of the base fee this line's member is paid (0..1): a terminated case's share, times the member's
   * part of a group case (S-3.3); omitted: all of it.
   */
  feeShare?: number;
  /** S-3.3: a group case's other member (not the lead): the line is keyed by the member too. */
  groupMember?: boolean;
}

export interface RecordPayoutResult {
  baseFeeCents: number;
  feeScheduleId: string;
  /** This call's line; 0 when nothing was written. */
  amountCents: number;
  /** The case's total after this call. */
  totalCents: number;
  lineId: string | null;
}

export const payoutKey = (applicationNo: string, scoreVersion: number, memberId?: string) =>
  `payout:${applicationNo}:v${scoreVersion}${memberId === undefined ? '' : `:${memberId}`}`;

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: PAYOUT_INVALID_INPUT, message, nonRetryable: true });
}

function checkArgs(a: RecordPayoutArgs): void {
  if (!DATE.test(a.assignedOn) || Number.isNaN(Date.parse(`${a.assignedOn}T00:00:00Z`))) {
    throw invalid(`指派日期格式不正确：${a.assignedOn}（应为 YYYY-MM-DD）`);
  }
  if (!Number.isFinite(a.coefficient) || a.coefficient < 0 || a.coefficient > 9.99) {
    throw invalid(`补贴系数应在 0 至 9.99 之间：${a.coefficient}`);
  }
  if (a.feeShare !== undefined && !(Number.isFinite(a.feeShare) && a.feeShare >= 0 && a.feeShare <= 1)) {
    throw invalid(`基本补贴的发放比例应在 0 至 1 之间：${a.feeShare}`);
  }
  if (!Number.isInteger(a.scoreVersion) || a.scoreVersion < 0) throw invalid('评分版本应为非负整数');
  if (a.kind !== 'payout' && a.kind !== 'special') throw invalid(`补贴类型不正确：${String(a.kind)}`);
}

/** The sum of the case's lines up to and including `uptoId` (all of them when omitted). */
async function caseTotal(tx: Db, applicationNo: string, uptoId?: bigint): Promise<number> {
  const sum = await tx.payoutLine.aggregate({
    where: {
      applicationNo,
      kind: { in: [...CASE_LINE_KINDS] },
      ...(uptoId === undefined ? {} : { id: { lte: uptoId } }),
    },
    _sum: { amountCents: true },
  });
  return sum._sum.amountCents ?? 0;
}

export function createPayoutActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /**
     * S-4.5: records the case's subsidy for one score version, exactly once. The first line of a case is a `payout`
     * (or `special`) of the full target; a later score version adds an `adjustment` of target minus what was paid,
     * written only when that is not zero. A stale call (a version older than one already paid) writes nothing.
     */
    async recordPayout(args: RecordPayoutArgs): Promise<RecordPayoutResult> {
      checkArgs(args);
      const idempotencyKey = payoutKey(
        args.applicationNo,
        args.scoreVersion,
        args.groupMember ? args.memberId : undefined,
      );
      return prisma.$transaction(
        async (tx) => {
          // One writer per case: retries, re-reviews and concurrent calls queue here (two-key form: its own space).
          await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('payout_line'), hashtext(${args.applicationNo}))`;
          const existing = await tx.payoutLine.findUnique({ where: { idempotencyKey } });
          if (existing) {
            return {
              baseFeeCents: existing.baseFeeCents,
              feeScheduleId: existing.feeScheduleId?.toString() ?? '',
              amountCents: existing.amountCents,
              totalCents: await caseTotal(tx, args.applicationNo, existing.id),
              lineId: existing.id.toString(),
            };
          }
          const fee = await feeFor(tx, {
            agencyCode: args.agencyCode,
            matterType: args.matterType,
            caseStage: args.caseStage,
            on: args.assignedOn,
          });
          if (!fee) {
            throw ApplicationFailure.create({
              type: FEE_SCHEDULE_MISSING,
              message:
                `未找到 ${args.assignedOn} 适用的基本劳务费标准（机构 ${args.agencyCode}，案件类型 ${args.matterType}，` +
                `办案阶段 ${args.caseStage}），请先登记收费标准后重试（S-4.5）`,
              nonRetryable: true,
            });
          }
          // Each member's lines add up to their own part (S-3.3 group cases); the total is the case's.
          const lines = await tx.payoutLine.findMany({
            where: { applicationNo: args.applicationNo, memberId: args.memberId, kind: { in: [...CASE_LINE_KINDS] } },
            select: { amountCents: true, scoreVersion: true },
          });
          const paid = lines.reduce((sum, l) => sum + l.amountCents, 0);
          const caseTotalNow = await caseTotal(tx, args.applicationNo);
          const noLine = {
            baseFeeCents: fee.amountCents,
            feeScheduleId: fee.id,
            amountCents: 0,
            totalCents: caseTotalNow,
          };
          // A late call for an older score must not undo the adjustment of a newer one.
          if (lines.some((l) => l.scoreVersion > args.scoreVersion)) return { ...noLine, lineId: null };
          const target = subsidyCents(fee.amountCents, args.coefficient, args.feeShare);
          const first = lines.length === 0;
          const amountCents = first ? target : target - paid;
          if (!first && amountCents === 0) return { ...noLine, lineId: null };
          const line = await tx.payoutLine.create({
            data: {
              applicationNo: args.applicationNo,
              agencyCode: args.agencyCode,
              memberId: args.memberId,
              institutionId: args.institutionId,
              kind: first ? args.kind : 'adjustment',
              tier: args.tier,
              coefficient: (Math.round(args.coefficient * 100) / 100).toFixed(2),
              baseFeeCents: fee.amountCents,
              amountCents,
              feeScheduleId: BigInt(fee.id),
              scoreVersion: args.scoreVersion,
              reason: args.reason,
              idempotencyKey,
            },
          });
          return { ...noLine, amountCents, totalCents: caseTotalNow + amountCents, lineId: line.id.toString() };
        },
        { maxWait: 30_000, timeout: 30_000 },
      );
    },
  };
}
