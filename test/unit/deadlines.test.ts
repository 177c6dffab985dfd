import { correctionDeadline, endOfDayPeriod, lastDayOfPeriod } from '../../domain/deadlines';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { addCalendarDays, cstDateOf, cstYearOf, startOfCstDay } from '../../domain/time';
import { packagedCalendar } from '../../repositories/calendar';

/** The package's holiday calendar: the one these tests' cases count their deadlines with. */
const CALENDAR = packagedCalendar();

describe('China Standard Time, whatever the server zone', () => {
  test('an instant late on 31 December UTC is already the next year in China', () => {
    const instant = new Date('2026-12-31T16:30:00Z'); // 2027-01-01 00:30 in Shanghai
    expect(cstDateOf(instant)).toBe('2027-01-01');
    expect(cstYearOf(instant)).toBe(2027);
  });

  test('midnight in Shanghai is 16:00 UTC the day before', () => {
    expect(startOfCstDay('2026-11-27').toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });

  test('calendar days cross month and leap-day boundaries', () => {
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-11-26', 15)).toBe('2026-12-11');
  });

  test('a malformed date is refused rather than silently shifted', () => {
    expect(() => startOfCstDay('2026-13')).toThrow(RangeError);
  });
});

describe('S-3.2 / L-2 correction deadline (Civil Code arts. 201, 203 counting)', () => {
  test('S-3.2 default correction period is the configured 15 days', () => {
    expect(DEFAULT_RULE_CONFIG.correctionDays).toBe(15);
    expect(DEFAULT_RULE_CONFIG.reviewDays).toBe(7);
  });

  test('S-3.2 a notice on 26 Nov runs 15 days from the next day: last day 11 Dec, over at 12 Dec 00:00 Shanghai', () => {
    const notice = new Date('2026-11-26T02:00:00Z'); // 10:00 in Shanghai
    expect(lastDayOfPeriod(notice, 15)).toBe('2026-12-11');
    expect(correctionDeadline(notice, 15, CALENDAR).toISOString()).toBe('2026-12-11T16:00:00.000Z');
  });

  test('S-3.2 a notice at 23:59 Shanghai counts from the Shanghai date, not the UTC one', () => {
    const lateEvening = new Date('2026-11-26T15:59:00Z'); // 23:59 on 26 Nov in Shanghai
    const justAfterMidnight = new Date('2026-11-26T16:01:00Z'); // 00:01 on 27 Nov in Shanghai
    expect(correctionDeadline(lateEvening, 15, CALENDAR).toISOString()).toBe('2026-12-11T16:00:00.000Z');
    // Counted from 27 Nov the last day is Saturday 12 Dec, a rest day: the period runs to Monday 14 Dec (art. 203).
    expect(correctionDeadline(justAfterMidnight, 15, CALENDAR).toISOString()).toBe('2026-12-14T16:00:00.000Z');
  });

  test('S-3.2 the deadline instant itself is the first moment past the period (届满 includes the last day)', () => {
    const due = correctionDeadline(new Date('2026-11-26T02:00:00Z'), 15, CALENDAR);
    expect(cstDateOf(new Date(due.getTime() - 1))).toBe('2026-12-11');
    expect(cstDateOf(due)).toBe('2026-12-12');
  });

  test('a period must be a positive whole number of days', () => {
    expect(() => endOfDayPeriod(new Date(), 0, CALENDAR)).toThrow(RangeError);
    expect(() => endOfDayPeriod(new Date(), 1.5, CALENDAR)).toThrow(RangeError);
  });
});
