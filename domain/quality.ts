/**
 * Quality tiers and their consequences (S-4.5, S-4.6, S-2.8(a), S-4.7), as pure functions.
 *
 * Wording follows the Civil Code art. 1259: "以上" (at least) includes the number, "不满" (under) excludes it. So 90 is
 * excellent and 89.99 good; 60 is a pass and 59.99 unqualified; "65 分以下" (S-2.8(a), S-4.6) includes 65.
 * Scores and sheet points have at most two decimals (the API refuses more, `atMostTwoDecimals`), and every comparison
 * is on the exact value: nothing is rounded before it is compared, so 89.995 is never read as 90, nor 65.001 as 65.
 */
import { DomainError } from './errors';

export const TIERS = {
  excellent: '优秀',
  good: '良好',
  pass: '合格',
  unqualified: '不合格',
} as const;
export type Tier = keyof typeof TIERS;

export interface TierRule {
  tier: Tier;
  /** The lowest score of the tier (inclusive, "以上"). */
  minScore: number;
  coefficient: number;
}

/** S-4.5 defaults, highest first. Configurable per case through RuleConfig.qualityTiers. */
export const DEFAULT_TIERS: TierRule[] = [
  { tier: 'excellent', minScore: 90, coefficient: 1.2 },
  { tier: 'good', minScore: 75, coefficient: 0.9 },
  { tier: 'pass', minScore: 60, coefficient: 0.6 },
  { tier: 'unqualified', minScore: 0, coefficient: 0 },
];

/** S-2.8(a) and S-4.6: "65 分以下" (65 included). */
export const DEFAULT_REMOVAL_THRESHOLD = 65;

/** A number given to at most two decimals (89.99 yes, 89.995 no), within binary floating-point's reach. */
export function atMostTwoDecimals(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;
}

/** A value given to at most two decimals, as an exact integer number of hundredths. */
const hundredths = (n: number) => Math.round(n * 100);

export function assertScore(score: number): void {
  if (!Number.isFinite(score) || score < 0 || score > 100) throw new RangeError(`score out of range: ${score}`);
}

/** S-4.5: the tier and coefficient of a score, compared exactly with each tier's lowest score ("以上"). */
export function tierOf(score: number, tiers: readonly TierRule[] = DEFAULT_TIERS): TierRule {
  assertScore(score);
  const sorted = [...tiers].sort((a, b) => b.minScore - a.minScore);
  return sorted.find((t) => score >= t.minScore) ?? sorted.at(-1)!;
}

/**
 * S-2.8(a), S-4.6: "65 分以下", 65 included, compared exactly. The one decision of it: the evaluation (removal,
 * interview) and the pool (`removeForScore`, a manual removal for a score) both ask here, with the configured
 * threshold (RuleConfig.removalThreshold).
 */
export function removesMember(score: number, threshold = DEFAULT_REMOVAL_THRESHOLD): boolean {
  return score <= threshold;
}

/** S-4.6: unqualified and "basic pass" (60–65) cases lead to an interview (约谈) of the member and the head. */
export function needsInterview(score: number, threshold = DEFAULT_REMOVAL_THRESHOLD): boolean {
  return removesMember(score, threshold);
}

/** S-4.4: excellent and unqualified results go to an expert for re-review. */
export function needsExpertReview(tier: Tier): boolean {
  return tier === 'excellent' || tier === 'unqualified';
}

/**
 * S-4.5: the subsidy in cents: the base labour fee (or `share` of it: a terminated case) times the coefficient,
 * rounded to the cent.
 */
export function subsidyCents(baseFeeCents: number, coefficient: number, share = 1): number {
  const base = Math.round(baseFeeCents * share);
  return Math.round((base * Math.round(coefficient * 100)) / 100);
}

/**
 * S-4.7: award eligibility for a year: at least one excellent case and no unqualified one. Applies alike to a member
 * and to an institution (any unqualified case of its members excludes it).
 */
export function awardEligible(tiers: readonly Tier[]): boolean {
  return tiers.includes('excellent') && !tiers.includes('unqualified');
}

/** A scoring sheet's items (S-4.4, versioned data) and a filled-in sheet. */
export interface SheetItem {
  code: string;
  label: string;
  max: number;
  /** Multiplies the item's points; the weighted maximums must add up to 100. */
  weight: number;
}

export class ScoreSheetError extends DomainError {
  constructor(message: string) {
    super('invalid', 'VALIDATION_FAILED', message);
  }
}

/** Checks a sheet's items: unique codes, positive maximums and weights, weighted maximums adding up to 100. */
export function validateSheet(items: readonly SheetItem[]): void {
  if (items.length === 0) throw new ScoreSheetError('评分表至少要有一个评分项');
  const codes = new Set(items.map((i) => i.code));
  if (codes.size !== items.length) throw new ScoreSheetError('评分项编号不能重复');
  for (const i of items) {
    if (!(i.max > 0) || !(i.weight > 0)) throw new ScoreSheetError(`评分项 ${i.code} 的满分和权重应大于 0`);
    if (!atMostTwoDecimals(i.max) || !atMostTwoDecimals(i.weight)) {
      throw new ScoreSheetError(`评分项 ${i.code} 的满分和权重最多保留两位小数`);
    }
  }
  // Exact, in ten-thousandths: a sum of 99.995 is not 100.
  const total = items.reduce((sum, i) => sum + hundredths(i.max) * hundredths(i.weight), 0) / 100;
  if (total !== 10_000) throw new ScoreSheetError(`评分表各项加权满分合计应为 100 分，现为 ${total / 100} 分`);
}

/**
 * The score of a filled-in sheet: each item within 0..max and given to at most two decimals, every item scored. The
 * weighted sum is computed exactly (in ten-thousandths: points and weights have two decimals at most) and cut, never
 * rounded up, to two decimals, so a sheet never reaches a tier its points do not (44.995 + 45 is refused; with a
 * weight of 0.5, points worth 89.995 score 89.99).
 */
export function scoreSheet(items: readonly SheetItem[], points: Record<string, number>): number {
  const unknown = Object.keys(points).filter((code) => !items.some((i) => i.code === code));
  if (unknown.length) throw new ScoreSheetError(`评分表中没有这些评分项：${unknown.join('、')}`);
  let total = 0;
  for (const i of items) {
    const p = points[i.code];
    if (p === undefined) throw new ScoreSheetError(`评分项「${i.label}」未评分`);
    if (!Number.isFinite(p) || p < 0 || p > i.max) {
      throw new ScoreSheetError(`评分项「${i.label}」的得分应在 0 至 ${i.max} 分之间`);
    }
    if (!atMostTwoDecimals(p)) throw new ScoreSheetError(`评分项「${i.label}」的得分最多保留两位小数`);
    total += hundredths(p) * hundredths(i.weight);
  }
  return Math.floor(total / 100) / 100;
}
