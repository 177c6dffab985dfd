import { movedText, type Calendar } from './calendar';
import { dayPeriod, lastDayBefore, periodEndingOn } from './deadlines';
import type { ApplicationState } from './definitions';
import type { Stage } from './stages';
import { cstDateOf, formatCstDay } from './time';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole calendar days from `from` to `to` (China dates), never negative. */
function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS));
}

/**
 * L-1: the review clock runs from receipt; by policy (`reviewPausesForMaterials`) it pauses while missing materials
 * are awaited and resumes with the days that were left. Applied as the case enters `to`; answers the note for the
 * stage event, or undefined when the clock does not change.
 *
 * Counted in whole days, like every period (Civil Code arts. 201, 203): the day of the pause counts as used, so the
 * days left are those after it up to the last day; on resumption they count again from the day after, and the period
 * ends at 24:00 China time of its new last day. Paused on the last day (none left): it ends at 24:00 of the day it
 * resumes. A pause on the day of receipt (the usual case: materials missing at intake) leaves the whole period. A new
 * last day on a rest day moves to the next working day of `calendar` (art. 203).
 */
export function moveReviewClock(
  state: ApplicationState,
  to: Stage,
  pauses: boolean,
  now: number,
  calendar: Calendar,
): string | undefined {
  if (to === 'awaiting_materials' && pauses && state.reviewDueAt) {
    const daysLeft = daysBetween(cstDateOf(new Date(now)), lastDayBefore(new Date(state.reviewDueAt)));
    state.reviewRemainingMs = daysLeft * DAY_MS;
    state.reviewDueAt = undefined;
    state.reviewResumed = undefined;
    return `审查期限暂停（等待补正材料，尚余 ${daysLeft} 日，L-1）`;
  }
  if (to === 'under_review' && state.reviewRemainingMs !== undefined) {
    const daysLeft = Math.round(state.reviewRemainingMs / DAY_MS);
    const resumed = new Date(now);
    const period =
      daysLeft >= 1 ? dayPeriod(resumed, daysLeft, calendar) : periodEndingOn(cstDateOf(resumed), calendar);
    state.reviewDueAt = period.dueAt.toISOString();
    state.reviewRemainingMs = undefined;
    state.reviewResumed = { at: resumed.toISOString(), days: daysLeft };
    return `审查期限恢复计算，至 ${formatCstDay(period.lastDay)}（含当日）届满${movedText(period.moved)}（L-1）`;
  }
  return undefined;
}
