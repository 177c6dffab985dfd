/**
 * S-4.5 fee schedule (/fees), payout ledger and batches for finance (/payouts), S-4.7 award eligibility
 * (/quality/awards); and the S-4.6 / L-15 published results the public router serves. Payout lines are written only by
 * the `recordPayout` activity (activities/payout.ts); here they are read and given to batches. Access:
 * api/auth/access.ts (`fees.*`, `payouts.*`, `quality.awards`).
 */
import type { RequestHandler } from 'express';
import { LINE_KINDS } from '../activities/payout';
import { createPayoutRepository } from '../repositories/payout';
import { TIERS } from '../domain/quality';
import { awardStandings, isTier, tallyResults, type FinalEvaluation } from '../domain/results';
import { addCalendarDays, cstYearOf, startOfCstDay, CST_OFFSET_MS } from '../domain/time';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { agencyListScope, mayActOnAgency, type Action, type Principal } from './auth/access';
import type { AuditSink } from './auth/middleware';
import { financeRoutes } from './contract/finance';
import { forbidden } from './guards';
import { ApiError } from './errors';
import type { Mounter } from './mount';

export interface FinanceDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);
const asDate = (s: string) => new Date(`${s}T00:00:00.000Z`);

type FeeRecord = Prisma.FeeScheduleGetPayload<object>;
type LineRecord = Prisma.PayoutLineGetPayload<object>;
type BatchRecord = Prisma.PayoutBatchGetPayload<object>;

const feeView = (f: FeeRecord) => ({
  id: f.id.toString(),
  agencyCode: f.agencyCode,
  matterType: f.matterType,
  caseStage: f.caseStage,
  amountCents: f.amountCents,
  effectiveFrom: dateOf(f.effectiveFrom),
  createdBy: f.createdBy,
  createdAt: f.createdAt.toISOString(),
});

const lineView = (l: LineRecord) => ({
  id: l.id.toString(),
  applicationNo: l.applicationNo,
  agencyCode: l.agencyCode,
  memberId: l.memberId,
  institutionId: l.institutionId,
  kind: l.kind,
  kindLabel: LINE_KINDS[l.kind as keyof typeof LINE_KINDS] ?? l.kind,
  tier: l.tier,
  tierLabel: isTier(l.tier) ? TIERS[l.tier] : null,
  coefficient: Number(l.coefficient),
  baseFeeCents: l.baseFeeCents,
  amountCents: l.amountCents,
  feeScheduleId: l.feeScheduleId?.toString() ?? null,
  scoreVersion: l.scoreVersion,
  reason: l.reason,
  batchId: l.batchId?.toString() ?? null,
  createdAt: l.createdAt.toISOString(),
});

const batchView = (b: BatchRecord) => ({
  id: b.id.toString(),
  agencyCode: b.agencyCode,
  periodStart: dateOf(b.periodStart),
  periodEnd: dateOf(b.periodEnd),
  lineCount: b.lineCount,
  totalCents: b.totalCents,
  createdBy: b.createdBy,
  createdAt: b.createdAt.toISOString(),
});

/** Cents as yuan with two decimals, for people and spreadsheets: -39000 -> "-390.00". */
export function yuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** China time to the second: `2026-03-31 23:59:59`. */
const cstSeconds = (instant: Date) =>
  new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');

/** One CSV field (RFC 4180); text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function csvField(value: string, text: boolean): string {
  const safe = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_HEADER = [
  '明细编号',
  '申请编号',
  '人员编号',
  '机构编号',
  '类型',
  '质量等级',
  '系数',
  '基本劳务费（元）',
  '金额（元）',
  '生成时间（北京时间）',
];

/** The batch's lines as CSV for finance: UTF-8 with a byte-order mark so Excel reads the Chinese header. */
export function linesCsv(lines: readonly LineRecord[]): string {
  const rows = lines.map((l) =>
    [
      [l.id.toString(), false],
      [l.applicationNo, true],
      [l.memberId, true],
      [l.institutionId, true],
      [LINE_KINDS[l.kind as keyof typeof LINE_KINDS] ?? l.kind, true],
      [isTier(l.tier) ? TIERS[l.tier] : '', true],
      [Number(l.coefficient).toFixed(2), false],
      [yuan(l.baseFeeCents), false],
      [yuan(l.amountCents), false],
      [cstSeconds(l.createdAt), false],
    ]
      .map(([v, text]) => csvField(v as string, text as boolean))
      .join(','),
  );
  return `\uFEFF${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The China year's bounds as instants: [00:00 +08:00 on 1 January, the same a year later). */
const yearBounds = (year: number) => ({
  gte: startOfCstDay(`${year}-01-01`),
  lt: startOfCstDay(`${year + 1}-01-01`),
});

/** Final evaluations of an agency in a China year (finalised then; special cases are not evaluated, S-4.4). */
async function finalEvaluations(prisma: PrismaClient, agencyCode: string, year: number): Promise<FinalEvaluation[]> {
  const rows = await prisma.evaluation.findMany({
    where: { agencyCode, special: false, finalizedAt: yearBounds(year), tier: { not: null } },
    select: { applicationNo: true, memberId: true, institutionId: true, tier: true },
    orderBy: { applicationNo: 'asc' },
  });
  return rows.flatMap((r) => (isTier(r.tier) ? [{ ...r, tier: r.tier }] : []));
}

/**
 * S-4.7 for an agency's award recommendations: its members and institutions, each judged on all its final cases of the
 * year in the whole city (the justice administration applies the exclusion city-wide), and the responsible people
 * excluded with an institution.
 */
async function awards(prisma: PrismaClient, agencyCode: string, year: number) {
  const own = await finalEvaluations(prisma, agencyCode, year);
  const rows = await prisma.evaluation.findMany({
    where: {
      special: false,
      finalizedAt: yearBounds(year),
      tier: { not: null },
      OR: [
        { memberId: { in: [...new Set(own.map((e) => e.memberId))] } },
        { institutionId: { in: [...new Set(own.map((e) => e.institutionId))] } },
      ],
    },
    select: { applicationNo: true, agencyCode: true, memberId: true, institutionId: true, tier: true },
    orderBy: { applicationNo: 'asc' },
  });
  const cases = rows.flatMap((r) => (isTier(r.tier) ? [{ ...r, tier: r.tier }] : []));
  const institutions = await prisma.poolInstitution.findMany({
    where: { id: { in: [...new Set(cases.map((e) => e.institutionId))] } },
    select: { id: true, responsiblePeople: true },
  });
  const responsiblePeople = new Map(institutions.map((i) => [i.id, i.responsiblePeople]));
  return awardStandings(cases, { agencyCode, responsiblePeople });
}

/**
 * S-4.6, L-15: the agency's published quality results for a China year: final evaluations per tier, and per
 * institution and member (ids only, no names, no case numbers) cases by tier and payout totals (the sum of the
 * payout lines of those cases, adjustments included).
 */
export async function publishedResults(prisma: PrismaClient, agencyCode: string, year: number) {
  const evaluations = await finalEvaluations(prisma, agencyCode, year);
  const sums = await prisma.payoutLine.groupBy({
    by: ['applicationNo'],
    where: { applicationNo: { in: evaluations.map((e) => e.applicationNo) } },
    _sum: { amountCents: true },
  });
  const paid = new Map(sums.map((s) => [s.applicationNo, s._sum.amountCents ?? 0]));
  return { agencyCode, year, tierLabels: TIERS, ...tallyResults(evaluations, paid) };
}

export const currentCstYear = () => cstYearOf(new Date());

/** The agency a list is about: the one asked for, else the person's own; city-wide people may leave it open. */
function listAgency(action: Action, p: Principal, asked: string | undefined): string | undefined {
  const scope = agencyListScope(action, p);
  if (asked !== undefined) {
    if (!mayActOnAgency(action, p, asked)) throw forbidden();
    return asked;
  }
  if (scope.all) return undefined;
  if (scope.agency === undefined) throw forbidden();
  return scope.agency;
}

export function mountFinance(m: Mounter, deps: FinanceDeps): void {
  const C = financeRoutes;
  const { prisma } = deps;
  const payouts = createPayoutRepository({ prisma });

  // S-4.5: a fee row is never edited: a new row with a later effectiveFrom replaces it from that day on.
  m.mount(C.createFee, async ({ body, principal }, _req, res) => {
    if (!mayActOnAgency('fees.manage', principal, body.agencyCode)) throw forbidden();
    const key = {
      agencyCode: body.agencyCode,
      matterType: body.matterType,
      caseStage: body.caseStage,
      effectiveFrom: asDate(body.effectiveFrom),
    };
    const row = await prisma.$transaction(async (tx) => {
      // The unique index treats city-wide rows (agency null) as distinct: this lock and check cover them too.
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('fee_schedule'), hashtext(${`${body.agencyCode ?? ''}|${body.matterType}|${body.caseStage}`}))`;
      if (await tx.feeSchedule.findFirst({ where: key })) {
        throw new ApiError(
          409,
          'FEE_SCHEDULE_EXISTS',
          `该机构、案件类型和办案阶段自 ${body.effectiveFrom} 起的标准已经登记；标准不能修改，请以新的生效日期登记新标准`,
        );
      }
      return tx.feeSchedule.create({ data: { ...key, amountCents: body.amountCents, createdBy: principal.userId } });
    });
    res.status(201).json({ fee: feeView(row) });
  });

  m.mount(C.listFees, async ({ query: q, principal }, _req, res) => {
    const agencyCode = listAgency('fees.read', principal, q.agencyCode);
    const rows = await prisma.feeSchedule.findMany({
      where: {
        ...(agencyCode === undefined ? {} : { OR: [{ agencyCode }, { agencyCode: null }] }),
        ...(q.on === undefined ? {} : { effectiveFrom: { lte: asDate(q.on) } }),
      },
      orderBy: [{ agencyCode: 'asc' }, { matterType: 'asc' }, { caseStage: 'asc' }, { effectiveFrom: 'desc' }],
    });
    // With a date: only the row in force per agency, matter type and stage (the latest one started by then).
    const seen = new Set<string>();
    const inForce =
      q.on === undefined
        ? rows
        : rows.filter((r) => {
            const k = `${r.agencyCode}|${r.matterType}|${r.caseStage}`;
            return seen.has(k) ? false : (seen.add(k), true);
          });
    const applicable =
      agencyCode !== undefined && q.on !== undefined && q.matterType !== undefined && q.caseStage !== undefined
        ? await payouts.feeFor({ agencyCode, matterType: q.matterType, caseStage: q.caseStage, on: q.on })
        : undefined;
    res.json({ fees: inForce.map(feeView), ...(applicable === undefined ? {} : { applicable }) });
  });

  // S-4.5: a period's batch: every unbatched line of the agency created before the end of its last day (China time).
  m.mount(C.createBatch, async ({ body, principal }, _req, res) => {
    if (!mayActOnAgency('payouts.batch', principal, body.agencyCode)) throw forbidden();
    const end = startOfCstDay(addCalendarDays(body.periodEnd, 1));
    const period = {
      agencyCode: body.agencyCode,
      periodStart: asDate(body.periodStart),
      periodEnd: asDate(body.periodEnd),
    };
    const { batch, replayed } = await prisma.$transaction(
      async (tx) => {
        // Batches of one agency one at a time: a repeated request finds the batch and touches no line.
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('payout_batch'), hashtext(${body.agencyCode}))`;
        const existing = await tx.payoutBatch.findUnique({ where: { agencyCode_periodStart_periodEnd: period } });
        if (existing) return { batch: existing, replayed: true };
        const lines = await tx.$queryRaw<Array<{ id: bigint; amount_cents: number }>>`
          SELECT id, amount_cents FROM payout_line
           WHERE agency_code = ${body.agencyCode} AND batch_id IS NULL AND created_at < ${end}
           ORDER BY id FOR UPDATE`;
        const created = await tx.payoutBatch.create({
          data: {
            ...period,
            lineCount: lines.length,
            totalCents: lines.reduce((sum, l) => sum + Number(l.amount_cents), 0),
            createdBy: principal.userId,
          },
        });
        if (lines.length > 0) {
          await tx.payoutLine.updateMany({
            where: { id: { in: lines.map((l) => l.id) }, batchId: null },
            data: { batchId: created.id },
          });
        }
        return { batch: created, replayed: false };
      },
      { maxWait: 30_000, timeout: 60_000 },
    );
    res
      .status(replayed ? 200 : 201)
      .setHeader('Location', `/payouts/batches/${batch.id}`)
      .json({ batch: batchView(batch), replayed });
  });

  m.mount(C.listBatches, async ({ query: q, principal }, _req, res) => {
    const agencyCode = listAgency('payouts.read', principal, q.agencyCode);
    const rows = await prisma.payoutBatch.findMany({
      where: agencyCode === undefined ? {} : { agencyCode },
      orderBy: [{ periodEnd: 'desc' }, { id: 'desc' }],
      take: 500,
    });
    res.json({ batches: rows.map(batchView) });
  });

  m.mount(C.batchLines, async ({ params: { batchId }, principal }, _req, res) => {
    const batch = await prisma.payoutBatch.findUnique({ where: { id: BigInt(batchId) } });
    if (!batch) throw new ApiError(404, 'PAYOUT_BATCH_NOT_FOUND', `没有编号为 ${batchId} 的发放批次`);
    if (!mayActOnAgency('payouts.read', principal, batch.agencyCode)) throw forbidden();
    const lines = await prisma.payoutLine.findMany({ where: { batchId: batch.id }, orderBy: { id: 'asc' } });
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader(
        'Content-Disposition',
        `attachment; filename="payout-${batch.agencyCode}-${dateOf(batch.periodStart)}-${dateOf(batch.periodEnd)}.csv"`,
      )
      .send(linesCsv(lines));
  });

  m.mount(C.listPayouts, async ({ query: q, principal }, _req, res) => {
    const page = { orderBy: { id: 'asc' as const }, take: q.limit };
    const after = q.after === undefined ? {} : { id: { gt: BigInt(q.after) } };
    let lines: LineRecord[];
    if (q.applicationNo !== undefined) {
      lines = await prisma.payoutLine.findMany({
        where: {
          applicationNo: q.applicationNo,
          ...(q.agencyCode === undefined ? {} : { agencyCode: q.agencyCode }),
          ...(q.memberId === undefined ? {} : { memberId: q.memberId }),
          ...after,
        },
        ...page,
      });
      if (lines.some((l) => !mayActOnAgency('payouts.read', principal, l.agencyCode))) throw forbidden();
    } else {
      const agencyCode = listAgency('payouts.read', principal, q.agencyCode);
      lines = await prisma.payoutLine.findMany({
        where: {
          ...(agencyCode === undefined ? {} : { agencyCode }),
          ...(q.memberId === undefined ? {} : { memberId: q.memberId }),
          ...after,
        },
        ...page,
      });
    }
    res.json({
      lines: lines.map(lineView),
      totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0),
      next: lines.length === q.limit ? lines.at(-1)!.id.toString() : null,
    });
  });

  // S-4.7: only members / institutions with an excellent case and no unqualified one may be recommended for awards.
  m.mount(C.awards, async ({ query: q, principal }, _req, res) => {
    const agencyCode = q.agencyCode ?? principal.agency;
    if (agencyCode === undefined || !mayActOnAgency('quality.awards', principal, agencyCode)) throw forbidden();
    const year = q.year ?? currentCstYear();
    res.json({ agencyCode, year, ...(await awards(prisma, agencyCode, year)) });
  });
}
