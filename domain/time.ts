/**
 * China Standard Time (Asia/Shanghai) for every rule, whatever the server's zone (rules.md, "All wall-clock rules").
 *
 * China has kept UTC+8 with no daylight saving since 1991, so a fixed offset is exact for every date this system
 * handles. Fixed-offset arithmetic also keeps these functions pure and free of Intl/tz data, so workflows (which
 * must be deterministic) can use them.
 */
export const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date in China, as `YYYY-MM-DD`. */
export type CstDate = string;

/** The calendar date in China at `instant`. */
export function cstDateOf(instant: Date): CstDate {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The year in China at `instant` (a case received at 2026-12-31T20:00Z belongs to 2027). */
export function cstYearOf(instant: Date): number {
  return Number(cstDateOf(instant).slice(0, 4));
}

/** 00:00 China time on `date`, as an instant. */
export function startOfCstDay(date: CstDate): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - CST_OFFSET_MS);
}

/** `date` plus `days` calendar days. */
export function addCalendarDays(date: CstDate, days: number): CstDate {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** An instant for people to read, in China time: `2026-12-11 16:00`. */
export function formatCst(instant: Date): string {
  const shifted = new Date(instant.getTime() + CST_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** A China date as notices write it: `2026年12月17日`. */
export function formatCstDay(date: CstDate): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}
