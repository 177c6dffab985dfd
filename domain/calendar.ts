/**
 * The holiday calendar (法定节假日安排) every period in days is counted with (PRC Civil Code art. 203: a period whose
 * last day is a public holiday ends on the day after the holiday; the regulation's 工作日 count working days).
 *
 * A `Calendar` is a plain value — the dates of each year's State Council arrangement as China dates — so workflows can
 * hold it (it arrives through an activity, so replay sees the same one) and these functions stay pure. Rest days are
 * Saturdays, Sundays and the arrangement's holidays, except the weekend days the arrangement makes working days (调休).
 * A year the calendar does not cover (`years`) has weekends only: the administrators enter it when it is published.
 */
import { addCalendarDays, type CstDate } from './time';

export interface Calendar {
  /** Names this calendar's content: a case records the version its deadlines were computed with. */
  version: string;
  /** The years whose arrangement is in the calendar (published or entered by an administrator). */
  years: number[];
  /** Holiday dates (rest days, weekends within a holiday included) with the holiday's name: `{'2026-10-01': '国庆节'}`. */
  rest: Record<CstDate, string>;
  /** Weekend days made working days (调休上班), with the holiday they make up for. */
  work: Record<CstDate, string>;
}

/** A calendar with no arrangement at all: only Saturdays and Sundays are rest days. */
export const WEEKENDS_ONLY: Calendar = { version: 'weekends-only', years: [], rest: {}, work: {} };

const isWeekend = (date: CstDate): boolean => {
  const day = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return day === 0 || day === 6;
};

/** A rest day (休息日/法定休假日): a holiday of the arrangement, or a weekend day not made a working day. */
export function isRestDay(calendar: Calendar, date: CstDate): boolean {
  if (calendar.rest[date] !== undefined) return true;
  if (calendar.work[date] !== undefined) return false;
  return isWeekend(date);
}

/** `date` itself when it is a working day, else the first working day after it. */
export function nextWorkingDay(calendar: Calendar, date: CstDate): CstDate {
  let day = date;
  // Never more than a few weeks of rest in a row; the bound only guards against a malformed calendar.
  for (let i = 0; i < 366 && isRestDay(calendar, day); i += 1) day = addCalendarDays(day, 1);
  return day;
}

/** The `days`-th working day after `date` (工作日): `date` itself is not counted. */
export function addWorkingDays(calendar: Calendar, date: CstDate, days: number): CstDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number: ${days}`);
  let day = date;
  for (let left = days; left > 0;) {
    day = addCalendarDays(day, 1);
    if (!isRestDay(calendar, day)) left -= 1;
  }
  return day;
}

/** Why a last day moved: `因国庆节顺延`, or `因休息日顺延` for a plain weekend. */
export function movedReason(calendar: Calendar, date: CstDate): string {
  const holiday = calendar.rest[date];
  return holiday ? `因${holiday}顺延` : '因休息日顺延';
}

/** Civil Code art. 203: the counted last day was a rest day, and why it moved (`因国庆节顺延`). */
export interface MovedLastDay {
  from: string;
  reason: string;
}

/** `（原最后一日 2026年10月1日，因国庆节顺延）`, or nothing when the last day did not move. */
export function movedText(moved: MovedLastDay | undefined): string {
  if (!moved) return '';
  const [y, m, d] = moved.from.split('-');
  return `（原最后一日 ${y}年${Number(m)}月${Number(d)}日，${moved.reason}）`;
}

export interface LastDay {
  /** The last day in force (a working day). */
  lastDay: CstDate;
  /** When the counted last day was a rest day: that day, and why it moved (`因国庆节顺延`). */
  moved?: MovedLastDay;
}

/** Civil Code art. 203: a counted last day on a rest day moves to the next working day. */
export function lastDayInForce(calendar: Calendar, counted: CstDate): LastDay {
  const lastDay = nextWorkingDay(calendar, counted);
  return lastDay === counted
    ? { lastDay }
    : { lastDay, moved: { from: counted, reason: movedReason(calendar, counted) } };
}

/**
 * Merges the package's arrangement with the administrators' years: a year an administrator entered replaces the
 * package's for that year (the State Council's arrangement for next year is published each November).
 */
export function mergeCalendars(
  base: { rest: Record<CstDate, string>; work: Record<CstDate, string> },
  entered: ReadonlyArray<{ date: CstDate; kind: 'rest' | 'work'; name: string }>,
  version: string,
): Calendar {
  const enteredYears = new Set(entered.map((e) => Number(e.date.slice(0, 4))));
  const keep = (table: Record<CstDate, string>) =>
    Object.fromEntries(Object.entries(table).filter(([date]) => !enteredYears.has(Number(date.slice(0, 4)))));
  const rest = keep(base.rest);
  const work = keep(base.work);
  for (const e of entered) (e.kind === 'rest' ? rest : work)[e.date] = e.name;
  const years = [...new Set([...Object.keys(rest), ...Object.keys(work)].map((d) => Number(d.slice(0, 4))))];
  return { version, years: years.sort((a, b) => a - b), rest, work };
}

/** The part of a calendar from `fromYear` on (what a case needs: its deadlines are never in the past). */
export function calendarFrom(calendar: Calendar, fromYear: number): Calendar {
  const from = (table: Record<CstDate, string>) =>
    Object.fromEntries(Object.entries(table).filter(([date]) => Number(date.slice(0, 4)) >= fromYear));
  return {
    version: calendar.version,
    years: calendar.years.filter((y) => y >= fromYear),
    rest: from(calendar.rest),
    work: from(calendar.work),
  };
}
