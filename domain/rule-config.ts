/**
 * Rule numbers are configuration; the text's values are the defaults (rules.md: "Every number below is a default
 * that an administrator can configure per agency"). The values in force when a case starts travel with the case
 * in its workflow input, so a later configuration change never rewrites the clock of a running case.
 */
export interface RuleConfig {
  /** S-3.2, L-2: days an applicant has to supply missing materials after the one-time notice. */
  correctionDays: number;
  /** L-1: days to review and decide after the application is received. */
  reviewDays: number;
}

export const DEFAULT_RULE_CONFIG: RuleConfig = {
  correctionDays: 15,
  reviewDays: 7,
};
