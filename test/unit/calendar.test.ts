/**
 * Civil Code art. 203 with the holiday calendar (domain/calendar.ts): a period whose last day is a rest day ends on
 * the next working day; working days count around the State Council's arrangement (调休 included).
 */
import packageJson from '../../package.json';
import {
  addWorkingDays,
  isRestDay,
  mergeCalendars,
  nextWorkingDay,
  WEEKENDS_ONLY,
  type Calendar,
} from '../../domain/calendar';
import { correctionDeadline, dayPeriod, extendedPeriod, workingDayPeriod } from '../../domain/deadlines';
import { correctionNoticeText } from '../../domain/materials';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { startOfCstDay } from '../../domain/time';
import { PACKAGED, PACKAGED_CALENDAR, PACKAGED_YEARS, packagedCalendar } from '../../repositories/calendar';

const CALENDAR = packagedCalendar();
/** 10:00 China time on `date`. */
const at10 = (date: string) => new Date(startOfCstDay(date).getTime() + 10 * 3_600_000);

/** A 2027 Spring Festival arrangement as the city centre would enter it (made up for the test: 8 days off, 调休 Sunday). */
const SPRING_2027 = [
  ...['05', '06', '07', '08', '09', '10', '11', '12'].map((d) => ({
    date: `2027-02-${d}`,
    kind: 'rest' as const,
    name: '春节',
  })),
  { date: '2027-02-14', kind: 'work' as const, name: '春节' },
];

describe('the packaged calendar (chinese-days, pinned, shipped inside the package)', () => {
  test('the version is pinned exactly and names the calendar version', () => {
    expect(packageJson.dependencies['chinese-days']).toBe('1.5.7');
    expect(PACKAGED_CALENDAR).toBe('chinese-days@1.5.7');
    expect(CALENDAR.version).toBe('chinese-days@1.5.7');
  });

  test('it has the 2026 arrangement: National Day 1-7 Oct off, Saturday 10 Oct a working day (调休)', () => {
    expect(PACKAGED_YEARS).toContain(2026);
    expect(PACKAGED.rest['2026-10-01']).toBe('国庆节');
    expect(isRestDay(CALENDAR, '2026-10-07')).toBe(true);
    expect(isRestDay(CALENDAR, '2026-10-08')).toBe(false);
    expect(isRestDay(CALENDAR, '2026-10-10')).toBe(false); // a Saturday made a working day
    expect(isRestDay(CALENDAR, '2026-10-11')).toBe(true); // a plain Sunday
    expect(isRestDay(CALENDAR, '2026-12-09')).toBe(false); // a plain Wednesday
  });
});

describe('S-3.2 correction deadline with the holiday calendar (Civil Code art. 203)', () => {
  test('S-3.2 a 15-day correction period whose last day is 2026-10-01 ends with 2026-10-08, because of National Day', () => {
    const period = dayPeriod(at10('2026-09-16'), DEFAULT_RULE_CONFIG.correctionDays, CALENDAR);
    expect(period.lastDay).toBe('2026-10-08');
    expect(period.dueAt.toISOString()).toBe('2026-10-08T16:00:00.000Z'); // 2026-10-09 00:00 China time
    expect(period.moved).toEqual({ from: '2026-10-01', reason: '因国庆节顺延' });
    expect(correctionDeadline(at10('2026-09-16'), 15, CALENDAR)).toEqual(period.dueAt);
    // Before the calendar the case closed at 2026-10-02 00:00, in the middle of the holiday.
    expect(period.dueAt.getTime()).toBeGreaterThan(startOfCstDay('2026-10-02').getTime());
  });

  test('S-3.2 the correction notice says the last day moved and why', () => {
    const period = dayPeriod(at10('2026-09-16'), 15, CALENDAR);
    const text = correctionNoticeText({
      applicationNo: 'KQ-2026-000000001',
      missing: ['economic_statement'],
      dueAt: period.dueAt,
      moved: period.moved!,
    });
    expect(text).toContain('请于 2026年10月8日（含当日）前补齐（原最后一日 2026年10月1日，因国庆节顺延）');
  });

  test('S-3.2 a period ending on 2027-02-07 ends after the 2027 Spring Festival once an administrator entered 2027', () => {
    // The package has no 2027 yet: 7 Feb is a Sunday, so only the weekend moves it.
    expect(CALENDAR.years).not.toContain(2027);
    const before = dayPeriod(at10('2027-01-23'), 15, CALENDAR);
    expect(before.lastDay).toBe('2027-02-08');
    expect(before.moved?.reason).toBe('因休息日顺延');

    // The city centre enters the 2027 arrangement (repositories/calendar.ts merges it the same way).
    const entered = mergeCalendars(PACKAGED, SPRING_2027, `${PACKAGED_CALENDAR}+2027r1`);
    const after = dayPeriod(at10('2027-01-23'), 15, entered);
    expect(after.lastDay).toBe('2027-02-14'); // the Sunday made a working day (调休), first working day after 春节
    expect(after.moved).toEqual({ from: '2027-02-07', reason: '因春节顺延' });
    expect(entered.version).toBe('chinese-days@1.5.7+2027r1');
    // The package's own years stay as they were.
    expect(dayPeriod(at10('2026-09-16'), 15, entered).lastDay).toBe('2026-10-08');
  });

  test('S-3.2 an entered year replaces the package year it covers', () => {
    const replaced = mergeCalendars(PACKAGED, [{ date: '2026-12-10', kind: 'rest', name: '测试假日' }], 'v');
    expect(isRestDay(replaced, '2026-10-01')).toBe(false); // 2026 is now the entered arrangement only
    expect(isRestDay(replaced, '2026-12-10')).toBe(true);
    expect(isRestDay(replaced, '2025-10-01')).toBe(true); // other years untouched
  });

  test('S-3.2 an extension runs from the last day in force and moves off a rest day too', () => {
    const first = dayPeriod(at10('2026-09-16'), 15, CALENDAR); // last day 2026-10-08
    const extended = extendedPeriod(first.dueAt, 3, CALENDAR); // 2026-10-11 is a Sunday
    expect(extended.lastDay).toBe('2026-10-12');
    expect(extended.moved).toEqual({ from: '2026-10-11', reason: '因休息日顺延' });
  });
});

describe('working days (工作日)', () => {
  test('working days skip the holiday and count the 调休 Saturday', () => {
    expect(addWorkingDays(CALENDAR, '2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays(CALENDAR, '2026-10-08', 2)).toBe('2026-10-10'); // Fri 9, Sat 10 (调休)
    expect(workingDayPeriod(at10('2026-09-30'), 5, CALENDAR).lastDay).toBe('2026-10-13');
    expect(() => addWorkingDays(CALENDAR, '2026-10-08', -1)).toThrow(RangeError);
  });

  test('without an arrangement only weekends rest', () => {
    const none: Calendar = WEEKENDS_ONLY;
    expect(nextWorkingDay(none, '2030-10-01')).toBe('2030-10-01'); // a Tuesday
    expect(nextWorkingDay(none, '2030-10-05')).toBe('2030-10-07');
  });
});
