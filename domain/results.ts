/**
 * S-4.6 / L-15 published quality results and S-4.7 award eligibility, as pure functions over final evaluations.
 * Ids only: member and institution ids, never names; the published form carries no case numbers.
 */
import { awardEligible, TIERS, type Tier } from './quality';

export interface FinalEvaluation {
  applicationNo: string;
  memberId: string;
  institutionId: string;
  tier: Tier;
  /** The agency that handled the case (S-4.7 exclusions are city-wide: other districts' cases count too). */
  agencyCode?: string;
}

export type TierCounts = Record<Tier, number>;

const TIER_CODES = Object.keys(TIERS) as Tier[];
const zero = (): TierCounts => ({ excellent: 0, good: 0, pass: 0, unqualified: 0 });

export const isTier = (value: string | null): value is Tier => value !== null && value in TIERS;

export interface ResultRow {
  cases: number;
  tiers: TierCounts;
  payoutCents: number;
}

export interface PublishedResults {
  cases: number;
  tiers: TierCounts;
  payoutCents: number;
  institutions: Array<ResultRow & { institutionId: string }>;
  members: Array<ResultRow & { memberId: string }>;
}

function add(row: ResultRow, e: FinalEvaluation, paid: number): void {
  row.cases += 1;
  row.tiers[e.tier] += 1;
  row.payoutCents += paid;
}

/** S-4.6, L-15: counts per tier and payout totals, for the agency, each institution and each member (by id). */
export function tallyResults(
  evaluations: readonly FinalEvaluation[],
  paid: ReadonlyMap<string, number>,
): PublishedResults {
  const total: ResultRow = { cases: 0, tiers: zero(), payoutCents: 0 };
  const institutions = new Map<string, ResultRow>();
  const members = new Map<string, ResultRow>();
  for (const e of evaluations) {
    const cents = paid.get(e.applicationNo) ?? 0;
    add(total, e, cents);
    for (const [map, id] of [
      [institutions, e.institutionId],
      [members, e.memberId],
    ] as const) {
      if (!map.has(id)) map.set(id, { cases: 0, tiers: zero(), payoutCents: 0 });
      add(map.get(id)!, e, cents);
    }
  }
  const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...total,
    institutions: sorted(institutions).map(([institutionId, row]) => ({ institutionId, ...row })),
    members: sorted(members).map(([memberId, row]) => ({ memberId, ...row })),
  };
}

export interface AwardStanding {
  tiers: TierCounts;
  eligible: boolean;
  /**
   * Why not: `UNQUALIFIED_CASE` (excluded for the year), `INSTITUTION_UNQUALIFIED` (a member who is a responsible
   * person of an excluded institution) or `NO_EXCELLENT_CASE`; null when eligible.
   */
  reasonCode: 'UNQUALIFIED_CASE' | 'INSTITUTION_UNQUALIFIED' | 'NO_EXCELLENT_CASE' | null;
  reason: string | null;
  /** The unqualified cases that exclude them (S-4.7), in any district of the city. */
  unqualifiedCases: string[];
}

/** S-4.7: a responsible person (负责人) excluded with their institution. */
export interface ExcludedPerson {
  personId: string;
  institutionId: string;
  reason: string;
  unqualifiedCases: string[];
}

function standing(cases: readonly FinalEvaluation[]): AwardStanding {
  const tiers = zero();
  for (const e of cases) tiers[e.tier] += 1;
  const unqualifiedCases = cases.filter((e) => e.tier === 'unqualified').map((e) => e.applicationNo);
  const eligible = awardEligible(TIER_CODES.flatMap((t) => (tiers[t] > 0 ? [t] : [])));
  if (eligible) return { tiers, eligible, reasonCode: null, reason: null, unqualifiedCases };
  if (unqualifiedCases.length > 0) {
    return {
      tiers,
      eligible,
      reasonCode: 'UNQUALIFIED_CASE',
      reason: `本年度有不合格案件（${unqualifiedCases.join('、')}），不得推荐评优（S-4.7）`,
      unqualifiedCases,
    };
  }
  return {
    tiers,
    eligible,
    reasonCode: 'NO_EXCELLENT_CASE',
    reason: '本年度没有评为优秀的案件（S-4.7）',
    unqualifiedCases,
  };
}

/**
 * S-4.7: award eligibility of each member and each institution for a year: at least one excellent case and no
 * unqualified one. Any unqualified case of an institution's members excludes the institution, and with it its
 * responsible people (`responsiblePeople`, institution id -> staff ids). The exclusion is city-wide: `evaluations` are
 * the year's final evaluations of the whole city (or at least every case of the agency's members and institutions);
 * with `agencyCode`, only members and institutions with a case of that agency are listed, judged on all their cases.
 */
export function awardStandings(
  evaluations: readonly FinalEvaluation[],
  opts: { agencyCode?: string; responsiblePeople?: ReadonlyMap<string, readonly string[]> } = {},
): {
  members: Array<AwardStanding & { memberId: string }>;
  institutions: Array<AwardStanding & { institutionId: string }>;
  excludedPeople: ExcludedPerson[];
} {
  const listed = (cases: readonly FinalEvaluation[]) =>
    opts.agencyCode === undefined || cases.some((e) => e.agencyCode === opts.agencyCode);
  const group = (key: (e: FinalEvaluation) => string) => {
    const map = new Map<string, FinalEvaluation[]>();
    for (const e of evaluations) map.set(key(e), [...(map.get(key(e)) ?? []), e]);
    return [...map.entries()].filter(([, cases]) => listed(cases)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  const institutions = group((e) => e.institutionId).map(([institutionId, cases]) => ({
    institutionId,
    ...standing(cases),
  }));
  const excludedPeople: ExcludedPerson[] = institutions
    .filter((i) => i.reasonCode === 'UNQUALIFIED_CASE')
    .flatMap((i) =>
      (opts.responsiblePeople?.get(i.institutionId) ?? []).map((personId) => ({
        personId,
        institutionId: i.institutionId,
        reason: `所在机构 ${i.institutionId} 本年度有不合格案件（${i.unqualifiedCases.join('、')}），机构负责人不得推荐评优（S-4.7）`,
        unqualifiedCases: i.unqualifiedCases,
      })),
    );
  const members = group((e) => e.memberId).map(([memberId, cases]) => {
    const own = standing(cases);
    const withInstitution = excludedPeople.find((p) => p.personId === memberId);
    if (!withInstitution || own.reasonCode === 'UNQUALIFIED_CASE') return { memberId, ...own };
    return {
      memberId,
      ...own,
      eligible: false,
      reasonCode: 'INSTITUTION_UNQUALIFIED' as const,
      reason: withInstitution.reason,
      unqualifiedCases: withInstitution.unqualifiedCases,
    };
  });
  return { members, institutions, excludedPeople };
}
