/**
 * Village and community service points (村居法律服务点, S-2.1-S-2.3): the roles of their people, paper materials
 * forwarded (S-2.2) and home visits (S-2.3). Pure rules; the stored data is in repositories/village.ts.
 */
import { cstDateOf, startOfCstDay } from './time';
import { DomainError } from './errors';

export const POINT_ROLES = { advisor: '村居法律顾问', agent: '代办人', volunteer: '法律援助志愿者' } as const;
export type PointRole = keyof typeof POINT_ROLES;
export const POINT_ROLE_CODES = Object.keys(POINT_ROLES) as [PointRole, ...PointRole[]];

/** S-2.2: where the agent forwards the paper materials. */
export const FORWARD_TARGETS = { township_office: '乡镇（街道）司法所', agency: '法律援助机构' } as const;
export type ForwardTarget = keyof typeof FORWARD_TARGETS;
export const FORWARD_TARGET_CODES = Object.keys(FORWARD_TARGETS) as [ForwardTarget, ...ForwardTarget[]];

export const VISIT_STATUSES = {
  requested: '已申请',
  scheduled: '已安排',
  done: '已上门',
  cancelled: '已取消',
} as const;
export type VisitStatus = keyof typeof VISIT_STATUSES;

const DAY_MS = 86_400_000;

/**
 * S-2.2 tracking: whole China calendar days from the day the paper was forwarded to `until` (the day it was received,
 * or today). Forwarded and received on the same China day: 0.
 */
export function daysOutstanding(forwardedAt: Date, until: Date): number {
  const from = Date.parse(`${cstDateOf(forwardedAt)}T00:00:00Z`);
  const to = Date.parse(`${cstDateOf(until)}T00:00:00Z`);
  return Math.max(0, Math.round((to - from) / DAY_MS));
}

/** S-2.3 home visits move requested -> scheduled -> done; a visit may be rescheduled; done and cancelled are final. */
export class VisitRuleError extends DomainError {
  constructor(message: string) {
    super('refused', 'HOME_VISIT_CLOSED', message);
  }
}

export function checkVisitStep(status: string, step: 'schedule' | 'done'): void {
  if (status === 'cancelled') throw new VisitRuleError('该上门服务已取消');
  if (status === 'done' && step === 'schedule') throw new VisitRuleError('该上门服务已完成，不能再安排');
}

/** The China year's bounds as instants, for counting an advisor's visits in a year (S-2.3). */
export function cstYearBounds(year: number): { from: Date; to: Date } {
  return { from: startOfCstDay(`${year}-01-01`), to: startOfCstDay(`${year + 1}-01-01`) };
}

/** S-2.3: the age from which an applicant counts as elderly (老年人权益保障法: 六十周岁以上). */
export const HOME_VISIT_AGE = 60;

export const HOME_VISIT_ADVICE = '建议上门服务（S-2.3）';

/**
 * S-2.3: elderly people and people with limited mobility get home-visit service from the agent or advisor. The
 * reasons, from the age (ID number) and what the eligibility claims say; none: no home visit advised.
 */
export function homeVisitReasons(facts: {
  age?: number;
  specialGroup?: string;
  disabledOrSemiDisabled?: boolean;
  mobilityImpaired?: boolean;
}): string[] {
  const reasons: string[] = [];
  if (facts.age !== undefined && facts.age >= HOME_VISIT_AGE) reasons.push(`年满${HOME_VISIT_AGE}周岁`);
  if (facts.specialGroup === 'disabled') reasons.push('残疾人');
  if (facts.disabledOrSemiDisabled) reasons.push('失能、半失能');
  if (facts.mobilityImpaired) reasons.push('行动不便');
  return reasons;
}

/** The line staff read on the case: `建议上门服务（S-2.3）：申请人年满60周岁、行动不便`. */
export function homeVisitNote(reasons: readonly string[]): string | undefined {
  return reasons.length ? `${HOME_VISIT_ADVICE}：申请人${reasons.join('、')}` : undefined;
}
