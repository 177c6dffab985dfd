import { addWorkingDays, lastDayInForce, type Calendar, type MovedLastDay } from './calendar';
import { addCalendarDays, cstDateOf, formatCstDay, startOfCstDay, type CstDate } from './time';

const HOUR_MS = 60 * 60 * 1000;

export interface PeriodEnd {
  /** The instant the period is over: 00:00 China time after its last day in force. */
  dueAt: Date;
  /** The last day in force (inclusive, China time). */
  lastDay: CstDate;
  /** Civil Code art. 203: the counted last day was a rest day and the period runs to the next working day. */
  moved?: MovedLastDay;
}

/**
 * A period of `days` calendar days that starts with an event at `from`, in China time.
 *
 * PRC Civil Code art. 201: a period counted in days starts on the day after the event; art. 203: it ends at 24:00
 * of its last day, and a last day that is a rest day (a public holiday, or a weekend day not made a working day)
 * moves to the next working day of `calendar`. So a notice served at any time on 2026-11-26 with a 15-day period runs
 * to the end of 2026-12-11 (a Friday) and is over at 2026-12-12 00:00 China time; one whose last day is 2026-10-01
 * runs to the end of 2026-10-08, the first working day after the National Day holiday ("因国庆节顺延").
 */
export function dayPeriod(from: Date, days: number, calendar: Calendar): PeriodEnd {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`period must be a positive whole number of days: ${days}`);
  return periodEndingOn(addCalendarDays(cstDateOf(from), days), calendar);
}

/** The period whose counted last day is `counted`, moved off a rest day (art. 203). */
export function periodEndingOn(counted: CstDate, calendar: Calendar): PeriodEnd {
  const { lastDay, moved } = lastDayInForce(calendar, counted);
  return { dueAt: startOfCstDay(addCalendarDays(lastDay, 1)), lastDay, ...(moved ? { moved } : {}) };
}

/** The instant a period of `days` days from `from` is over (`dayPeriod`). */
export function endOfDayPeriod(from: Date, days: number, calendar: Calendar): Date {
  return dayPeriod(from, days, calendar).dueAt;
}

/**
 * A period of `days` working days (工作日) from `from`: it starts the next day and counts only working days, so its
 * last day is always a working day.
 */
export function workingDayPeriod(from: Date, days: number, calendar: Calendar): PeriodEnd {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`period must be a positive whole number of working days: ${days}`);
  const lastDay = addWorkingDays(calendar, cstDateOf(from), days);
  return { dueAt: startOfCstDay(addCalendarDays(lastDay, 1)), lastDay };
}

/** The counted last day (inclusive, China time) of a period of `days` days, before any move off a rest day. */
export function lastDayOfPeriod(from: Date, days: number): CstDate {
  return addCalendarDays(cstDateOf(from), days);
}

/**
 * S-3.2, L-2: the correction deadline (补正期限) for an application accepted with documents missing (容缺受理).
 * The law sets no number of days; the agency's configured number applies (default 15, see RuleConfig).
 */
export function correctionDeadline(noticeAt: Date, correctionDays: number, calendar: Calendar): Date {
  return dayPeriod(noticeAt, correctionDays, calendar).dueAt;
}

/** The last day (China time) of a period that is over at `dueAt` (the following midnight). */
export function lastDayBefore(dueAt: Date): CstDate {
  return cstDateOf(new Date(dueAt.getTime() - 1));
}

/** A deadline as notices write it: `请于 2026年12月17日（含当日）前`, the last day of a period over at `dueAt`. */
export function deadlineText(dueAt: Date): string {
  return `请于 ${formatCstDay(lastDayBefore(dueAt))}（含当日）前`;
}

/**
 * L-10: the window to object to a refusal or termination decided at `decidedAt` (the case's rules), its last day
 * moved off a rest day (art. 203).
 */
export function objectionWindow(decidedAt: Date, windowDays: number, calendar: Calendar): PeriodEnd {
  return dayPeriod(decidedAt, windowDays, calendar);
}

/** The instant the objection window is over (`objectionWindow`). */
export function objectionWindowEnd(decidedAt: Date, windowDays: number, calendar: Calendar): Date {
  return objectionWindow(decidedAt, windowDays, calendar).dueAt;
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

/**
 * S-3.2: a deadline extended by `days` calendar days runs `days` days past its last day in force, still to midnight
 * China time, and moves off a rest day like any period (art. 203).
 */
export function extendedPeriod(dueAt: Date, days: number, calendar: Calendar): PeriodEnd {
  return periodEndingOn(addCalendarDays(lastDayBefore(dueAt), days), calendar);
}

/** The instant an extended deadline is over (`extendedPeriod`). */
export function extendDeadline(dueAt: Date, days: number, calendar: Calendar): Date {
  return extendedPeriod(dueAt, days, calendar).dueAt;
}
