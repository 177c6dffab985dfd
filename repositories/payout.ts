/**
 * S-4.5 fee schedule (基本劳务费): the base labour fee in force for a case, read by the API's fee lookup and by the
 * activities that pay by it (activities/payout.ts `recordPayout`, activities/hotline.ts duty calls).
 */
import type { Prisma, PrismaClient } from '../prisma/generated/client';

export type Db = PrismaClient | Prisma.TransactionClient;

export interface FeeQuery {
  agencyCode: string;
  matterType: string;
  caseStage: string;
  /** China date (YYYY-MM-DD) on which the fee must be in force, e.g. the day the case was assigned. */
  on: string;
}

export interface FeeRow {
  id: string;
  agencyCode: string | null;
  matterType: string;
  caseStage: string;
  amountCents: number;
  effectiveFrom: string;
}

export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * S-4.5: the base labour fee in force on a date. The most specific row wins: the agency's own over the city-wide
 * default (agency null), then an exact matter type over `any`, then an exact case stage over `any`; among rows equally
 * specific, the latest `effectiveFrom` on or before the date. So a newer city-wide default never overrides an
 * agency's own fee, and a new row with a later date replaces an older one from that date on.
 */
export async function feeFor(db: Db, q: FeeQuery): Promise<FeeRow | null> {
  if (!DATE.test(q.on)) throw new RangeError(`not a date: ${q.on}`);
  const rows = await db.$queryRaw<
    Array<{
      id: bigint;
      agency_code: string | null;
      matter_type: string;
      case_stage: string;
      amount_cents: number;
      effective_from: string;
    }>
  >`
    SELECT id, agency_code, matter_type, case_stage, amount_cents, to_char(effective_from, 'YYYY-MM-DD') AS effective_from
      FROM fee_schedule
     WHERE (agency_code = ${q.agencyCode} OR agency_code IS NULL)
       AND matter_type IN (${q.matterType}, 'any')
       AND case_stage IN (${q.caseStage}, 'any')
       AND effective_from <= ${q.on}::date
     ORDER BY (agency_code IS NULL), (matter_type = 'any'), (case_stage = 'any'), effective_from DESC, id DESC
     LIMIT 1`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id.toString(),
    agencyCode: row.agency_code,
    matterType: row.matter_type,
    caseStage: row.case_stage,
    amountCents: Number(row.amount_cents),
    effectiveFrom: row.effective_from,
  };
}

export function createPayoutRepository({ prisma }: { prisma: PrismaClient }) {
  return {
    /** S-4.5: the base fee in force for a case (the API's fee lookup). */
    async feeFor(q: FeeQuery): Promise<FeeRow | null> {
      return feeFor(prisma, q);
    },
  };
}

export type PayoutRepository = ReturnType<typeof createPayoutRepository>;

/**
 * S-2.5: the duty-day fee in force on a date: a row for `case_stage = 'duty_day'` (matter type `any`), the agency's own
 * over the city-wide default, the latest on or before the date. Never a case fee: an `any` stage row is for cases.
 */
export async function dutyFeeFor(db: Db, q: { agencyCode: string; on: string }): Promise<FeeRow | null> {
  if (!DATE.test(q.on)) throw new RangeError(`not a date: ${q.on}`);
  const row = await db.feeSchedule.findFirst({
    where: {
      OR: [{ agencyCode: q.agencyCode }, { agencyCode: null }],
      matterType: 'any',
      caseStage: 'duty_day',
      effectiveFrom: { lte: new Date(`${q.on}T00:00:00.000Z`) },
    },
    orderBy: [{ agencyCode: { sort: 'asc', nulls: 'last' } }, { effectiveFrom: 'desc' }, { id: 'desc' }],
  });
  if (!row) return null;
  return {
    id: row.id.toString(),
    agencyCode: row.agencyCode,
    matterType: row.matterType,
    caseStage: row.caseStage,
    amountCents: row.amountCents,
    effectiveFrom: row.effectiveFrom.toISOString().slice(0, 10),
  };
}
