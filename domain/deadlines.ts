import { addCalendarDays, cstDateOf, formatCstDay, startOfCstDay, type CstDate } from './time';

const HOUR_MS = 60 * 60 * 1000;

/**
 * End of a period of `days` calendar days that starts with an event at `from`, in China time.
 *
 * PRC Civil Code art. 201: a period counted in days starts on the day after the event; art. 203: it ends at 24:00
 * of its last day. So a notice served at any time on 2026-11-26 with a 15-day period runs to the end of 2026-12-11,
 * and the returned instant is 2026-12-12 00:00 China time. (Art. 203 also moves a last day that falls on a public
 * holiday to the next working day; that needs the holiday calendar, which arrives with working-day rules.)
 */
export function endOfDayPeriod(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`period must be a positive whole number of days: ${days}`);
  return startOfCstDay(addCalendarDays(cstDateOf(from), days + 1));
}

/** The last day (inclusive, China time) of the period that `endOfDayPeriod` ends, for notices: "请于 2026-12-11 前". */
export function lastDayOfPeriod(from: Date, days: number): CstDate {
  return addCalendarDays(cstDateOf(from), days);
}

/**
 * S-3.2, L-2: the correction deadline (补正期限) for an application accepted with documents missing (容缺受理).
 * The law sets no number of days; the agency's configured number applies (default 15, see RuleConfig).
 */
export function correctionDeadline(noticeAt: Date, correctionDays: number): Date {
  return endOfDayPeriod(noticeAt, correctionDays);
}

/** The last day (China time) of a period that is over at `dueAt` (the following midnight). */
export function lastDayBefore(dueAt: Date): CstDate {
  return cstDateOf(new Date(dueAt.getTime() - 1));
}

/** A deadline as notices write it: `请于 2026年12月17日（含当日）前`, the last day of a period over at `dueAt`. */
export function deadlineText(dueAt: Date): string {
  return `请于 ${formatCstDay(lastDayBefore(dueAt))}（含当日）前`;
}

/** L-10: the end of the window to object to a refusal or termination decided at `decidedAt` (the case's rules). */
export function objectionWindowEnd(decidedAt: Date, windowDays: number): Date {
  return endOfDayPeriod(decidedAt, windowDays);
}

export interface Reminder {
  /** Stable per deadline: `correction-reminder-3d-2026-12-11`; the outbox sends each key once. */
  key: string;
  daysBefore: number;
  at: Date;
}

/**
 * S-3.2: the reminder ladder for a correction deadline: `daysBefore` days before its last day, at `hourCst` China
 * time (default: 3 days before, 1 day before and on the last day, at 09:00), earliest first.
 */
export function reminderSchedule(dueAt: Date, daysBefore: readonly number[], hourCst: number): Reminder[] {
  const lastDay = lastDayBefore(dueAt);
  return [...new Set(daysBefore)]
    .map((days) => ({
      key: `correction-reminder-${days}d-${lastDay}`,
      daysBefore: days,
      at: new Date(startOfCstDay(addCalendarDays(lastDay, -days)).getTime() + hourCst * HOUR_MS),
    }))
    .filter((r) => r.at.getTime() < dueAt.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** S-3.2: a deadline extended by `days` calendar days ends `days` days later, still at midnight China time. */
export function extendDeadline(dueAt: Date, days: number): Date {
  return startOfCstDay(addCalendarDays(cstDateOf(dueAt), days));
}
