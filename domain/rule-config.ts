import type { HardshipStandard } from './eligibility';

/**
 * Rule numbers are configuration; the text's values are the defaults (rules.md: "Every number below is a default
 * that an administrator can configure per agency"). The values in force when a case starts travel with the case
 * in its workflow input, so a later configuration change never rewrites the clock of a running case. Optional
 * fields were added later: cases started before them get the defaults.
 */
export interface RuleConfig {
  /** S-3.2, L-2: days an applicant has to supply missing materials after the one-time notice. */
  correctionDays: number;
  /** L-1: days to review and decide after the application is received. */
  reviewDays: number;
  /** S-3.2: correction reminders, in days before the last day (0 = on the last day itself). */
  reminderDaysBefore?: number[];
  /** Hour of the day (China time) at which reminders go out. */
  reminderHourCst?: number;
  /** S-3.2: staff may extend a correction deadline once, by at most this many days. */
  maxExtensionDays?: number;
  /** L-1: whether the review clock pauses while missing materials are awaited (the texts leave it open). */
  reviewPausesForMaterials?: boolean;
  /** L-10: days after a refusal in which the applicant may object (the texts leave the window to configuration). */
  objectionWindowDays?: number;
  /** L-10: days the justice bureau has to decide an objection. */
  objectionReviewDays?: number;
  /** S-1.3: the city's one economic-hardship standard. */
  hardshipStandard?: HardshipStandard;
  /** L-3, L-4: days after the grant or the notice letter within which the case must be assigned (law: 3). */
  assignmentDays?: number;
  /** S-2.10: hours an institution has to confirm the member after the agency assigns it the case. */
  memberConfirmHours?: number;
  /** S-3.3 group cases: one member per this many aided persons, up to `maxMembersPerCase`. */
  personsPerMember?: number;
  maxMembersPerCase?: number;
  /** S-2.9(g): members rated excellent at least this many times get `excellentWeight` times the share of cases. */
  excellentThreshold?: number;
  excellentWeight?: number;
}

export const DEFAULT_RULE_CONFIG: Required<RuleConfig> = {
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
  assignmentDays: 3,
  // The texts set no number for S-2.10's confirmation, nor for group cases: our defaults, configurable per agency.
  memberConfirmHours: 24,
  personsPerMember: 10,
  maxMembersPerCase: 3,
  excellentThreshold: 3,
  excellentWeight: 1.5,
};

/** Rules of a case: what it started with, completed by today's defaults for numbers added since (replay-safe). */
export function withDefaults(rules: RuleConfig): Required<RuleConfig> {
  return { ...DEFAULT_RULE_CONFIG, ...rules };
}
