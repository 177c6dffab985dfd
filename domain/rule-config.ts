import type { HardshipStandard } from './eligibility';
import type { MatterCategory } from './matters';
import { DEFAULT_COMPLAINT_RULES, type ComplaintRules } from './complaints';
import { DEFAULT_HOTLINE_RULES, type HotlineRules } from './hotline';
import type { PoolReentry } from './pool';
import { DEFAULT_REMOVAL_THRESHOLD, DEFAULT_TIERS, type TierRule } from './quality';

/**
 * Rule numbers are configuration; the text's values are the defaults (rules.md: "Every number below is a default
 * that an administrator can configure per agency"). The values in force when a case starts travel with the case
 * in its workflow input, complete (the API fills what an agency does not set from these defaults, once, at intake),
 * so a later configuration change never rewrites the clock of a running case.
 */
export interface RuleConfig {
  /** S-3.2, L-2: days an applicant has to supply missing materials after the one-time notice. */
  correctionDays: number;
  /** L-1: days to review and decide after the application is received. */
  reviewDays: number;
  /** S-3.2: correction reminders, in days before the last day (0 = on the last day itself). */
  reminderDaysBefore: number[];
  /** Hour of the day (China time) at which reminders go out. */
  reminderHourCst: number;
  /** S-3.2: staff may extend a correction deadline once, by at most this many days. */
  maxExtensionDays: number;
  /** L-1: whether the review clock pauses while missing materials are awaited (the texts leave it open). */
  reviewPausesForMaterials: boolean;
  /** L-10: days after a refusal in which the applicant may object (the texts leave the window to configuration). */
  objectionWindowDays: number;
  /** L-10: days the justice bureau has to decide an objection. */
  objectionReviewDays: number;
  /** S-1.3: the city's one economic-hardship standard. */
  hardshipStandard: HardshipStandard;
  /**
   * S-1.1 "unless a law, regulation or rule says otherwise": matters outside the statutory list that are not granted
   * even to applicants who meet the hardship standard (default none). Absent in inputs of cases started before it.
   */
  excludedMatters?: MatterCategory[];
  /** L-3, L-4: days after the grant or the notice letter within which the case must be assigned (law: 3). */
  assignmentDays: number;
  /** S-2.10: hours an institution has to confirm the member after the agency assigns it the case. */
  memberConfirmHours: number;
  /**
   * S-2.8(b): at the end of an impact period the member waits for the agency to confirm their re-entry ('confirm',
   * the text: (b) is a removal) or returns to the rotation by themselves ('automatic').
   */
  poolReentryAfterImpact: PoolReentry;
  /** S-3.3 group cases: one member per this many aided persons, up to `maxMembersPerCase`. */
  personsPerMember: number;
  maxMembersPerCase: number;
  /** S-2.9(g): members rated excellent at least this many times get `excellentWeight` times the share of cases. */
  excellentThreshold: number;
  excellentWeight: number;
  /** L-6: days after the assignment to sign the engagement agreement and power of attorney. */
  engagementDays: number;
  /** L-12: days after the end of the matter to report it with the documents (local practice: 30). */
  closureReportDays: number;
  /** L-12: reminders, in days before the closure report's last day. */
  closureReminderDaysBefore: number[];
  /** S-4.4: days each evaluation step has (assigning the evaluator, scoring, re-review, objection review, spot check). */
  evaluationStepDays: number;
  /** S-4.4: days the member has to object to an unqualified result. */
  evaluationObjectionDays: number;
  /** S-4.4: share of the other results the city centre spot-checks (0..1). */
  spotCheckRate: number;
  /** S-4.6: days within which the interview (约谈) is held. */
  interviewDays: number;
  /** S-4.5: tiers and coefficients, highest first. */
  qualityTiers: TierRule[];
  /** S-2.8(a), S-4.6: "65 分以下". */
  removalThreshold: number;
  /** S-4.5: special cases (not evaluated) are paid at this coefficient of the base fee (the local centre's rule). */
  specialCaseCoefficient: number;
  /**
   * S-4.5: the same per county centre, by agency code (the text leaves special cases to the local centres); an agency
   * not listed uses `specialCaseCoefficient`.
   */
  specialCaseCoefficients?: Partial<Record<string, number>>;
  /**
   * S-4.5: a case terminated after its member was assigned (L-9, or aid accepted first whose documents never came) is
   * paid this share of the base fee (0..1), times its tier's coefficient (the texts give no number: 0.5).
   */
  terminatedCaseFeeShare: number;
  /**
   * S-3.3 group cases: the lead member's share of the case's fee (0..1), the rest in equal parts to the others;
   * absent: every member an equal part (the texts give no split).
   */
  groupLeadFeeShare?: number;
  /** S-2.4, S-2.5: hotline windows, limits and duty credit (each call starts with the values in force). */
  hotline: HotlineRules;
  /** L-13: complaint periods (each complaint starts with the values in force). */
  complaints: ComplaintRules;
}

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  correctionDays: 15,
  reviewDays: 7,
  reminderDaysBefore: [3, 1, 0],
  reminderHourCst: 9,
  maxExtensionDays: 15,
  reviewPausesForMaterials: true,
  objectionWindowDays: 15,
  objectionReviewDays: 5,
  // Placeholder until the administrator sets the city's published figure (HARDSHIP_STANDARD_* variables): the
  // texts we have name no amount.
  hardshipStandard: { id: 'SX-unset', monthlyIncomePerCapita: 2400, otherExemptGroups: [] },
  excludedMatters: [],
  assignmentDays: 3,
  // The texts set no number for S-2.10's confirmation, nor for group cases: our defaults, configurable per agency.
  memberConfirmHours: 24,
  poolReentryAfterImpact: 'confirm',
  personsPerMember: 10,
  maxMembersPerCase: 3,
  excellentThreshold: 3,
  excellentWeight: 1.5,
  engagementDays: 5,
  closureReportDays: 30,
  closureReminderDaysBefore: [7, 1],
  // The texts set no numbers for these evaluation steps: our defaults, configurable.
  evaluationStepDays: 15,
  evaluationObjectionDays: 15,
  spotCheckRate: 0.1,
  interviewDays: 15,
  qualityTiers: DEFAULT_TIERS,
  removalThreshold: DEFAULT_REMOVAL_THRESHOLD,
  specialCaseCoefficient: 1,
  specialCaseCoefficients: {},
  terminatedCaseFeeShare: 0.5,
  hotline: DEFAULT_HOTLINE_RULES,
  complaints: DEFAULT_COMPLAINT_RULES,
};

/**
 * S-4.5: the share of the base fee a terminated case is paid (cases started before the rule existed: the default).
 */
export function terminatedCaseFeeShareOf(rules: Partial<Pick<RuleConfig, 'terminatedCaseFeeShare'>>): number {
  return rules.terminatedCaseFeeShare ?? DEFAULT_RULE_CONFIG.terminatedCaseFeeShare;
}

/** S-3.3: each member's part of a group case's fee, the lead first (one member: all of it). */
export function groupFeeParts(rules: Pick<RuleConfig, 'groupLeadFeeShare'>, members: number): number[] {
  if (members <= 1) return [1];
  const lead = rules.groupLeadFeeShare ?? 1 / members;
  return [lead, ...Array.from({ length: members - 1 }, () => (1 - lead) / (members - 1))];
}

/** `50%` for 0.5: how a fee share is shown in a payout's reason. */
export function shareText(share: number): string {
  return `${Math.round(share * 10_000) / 100}%`;
}

/** S-4.5: the coefficient a special (not evaluated) case of `agencyCode` is paid at: the county's own, else the default. */
export function specialCaseCoefficientFor(
  rules: Pick<RuleConfig, 'specialCaseCoefficient' | 'specialCaseCoefficients'>,
  agencyCode: string,
): number {
  return rules.specialCaseCoefficients?.[agencyCode] ?? rules.specialCaseCoefficient;
}
