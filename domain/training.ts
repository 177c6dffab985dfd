/**
 * S-2.2, S-2.6 training (培训): village agents and advisors file applications for others only after the filing
 * training; duty officers take hotline duty only after theirs. Pure: importable from workflows, activities and the API.
 */
import type { CstDate } from './time';

export const TRAINING_KINDS = {
  agent_filing: '村居代办培训（S-2.2）',
  hotline_duty: '热线值班培训（S-2.6）',
} as const;
export type TrainingKind = keyof typeof TRAINING_KINDS;
export const TRAINING_KIND_CODES = Object.keys(TRAINING_KINDS) as [TrainingKind, ...TrainingKind[]];

/** A training record as the rule sees it: China calendar dates (`YYYY-MM-DD`), no expiry when `validUntil` is null. */
export interface TrainingFact {
  kind: string;
  completedOn: CstDate;
  validUntil: CstDate | null;
}

/**
 * True when one record of `kind` is in force on `onDate` (China date): completed on or before that day and, when it
 * expires, valid through that day (`validUntil` inclusive). Dates compare as strings: `YYYY-MM-DD` sorts by time.
 */
export function isTrained(records: readonly TrainingFact[], kind: TrainingKind, onDate: CstDate): boolean {
  return records.some(
    (r) => r.kind === kind && r.completedOn <= onDate && (r.validUntil === null || onDate <= r.validUntil),
  );
}
