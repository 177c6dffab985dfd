import type { ApplicationState } from '../../domain/definitions';
import { moveReviewClock } from '../../domain/review-clock';
import { packagedCalendar } from '../../repositories/calendar';

const DAY = 24 * 60 * 60 * 1000;
const cst = (local: string) => Date.parse(`${local}+08:00`);
const CALENDAR = packagedCalendar();

describe('L-1 the review clock counts whole days across a pause', () => {
  // Received 2026-12-01 (any time): the 7 days run to 24:00 on 12-08.
  const running = () => ({ reviewDueAt: new Date(cst('2026-12-09T00:00:00')).toISOString() }) as ApplicationState;

  test('L-1 paused mid-period, the days after the pause day are left, and the resumed clock ends at 24:00', () => {
    const state = running();
    expect(moveReviewClock(state, 'awaiting_materials', true, cst('2026-12-03T15:20:00'), CALENDAR)).toContain(
      '尚余 5 日',
    );
    expect(state.reviewRemainingMs).toBe(5 * DAY);
    const note = moveReviewClock(state, 'under_review', true, cst('2026-12-20T10:45:31'), CALENDAR);
    expect(state.reviewDueAt).toBe(new Date(cst('2026-12-26T00:00:00')).toISOString());
    expect(note).toBe('审查期限恢复计算，至 2026年12月25日（含当日）届满（L-1）');
  });

  test('L-1 paused on the last day, the resumed clock ends at 24:00 of the day it resumes', () => {
    const state = running();
    moveReviewClock(state, 'awaiting_materials', true, cst('2026-12-08T23:00:00'), CALENDAR);
    expect(state.reviewRemainingMs).toBe(0);
    moveReviewClock(state, 'under_review', true, cst('2026-12-15T09:00:00'), CALENDAR);
    expect(state.reviewDueAt).toBe(new Date(cst('2026-12-16T00:00:00')).toISOString());
  });

  test('L-1 with the policy off the clock does not pause', () => {
    const state = running();
    expect(moveReviewClock(state, 'awaiting_materials', false, cst('2026-12-03T15:20:00'), CALENDAR)).toBeUndefined();
    expect(state.reviewRemainingMs).toBeUndefined();
  });
});

describe('Civil Code art. 203 the resumed review clock and the holiday calendar', () => {
  test('L-1 a resumed review clock whose last day is a holiday ends on the next working day, with the reason', () => {
    // 5 days left, resumed on 26 Sep 2026: the counted last day is 1 Oct (National Day), in force 8 Oct.
    const state = { reviewRemainingMs: 5 * DAY } as ApplicationState;
    const note = moveReviewClock(state, 'under_review', true, cst('2026-09-26T10:00:00'), CALENDAR);
    expect(state.reviewDueAt).toBe(new Date(cst('2026-10-09T00:00:00')).toISOString());
    expect(note).toBe(
      '审查期限恢复计算，至 2026年10月8日（含当日）届满（原最后一日 2026年10月1日，因国庆节顺延）（L-1）',
    );
  });

  test('L-1 paused on the last day and resumed on a Saturday, the clock runs to the end of Monday', () => {
    const state = { reviewRemainingMs: 0 } as ApplicationState;
    moveReviewClock(state, 'under_review', true, cst('2026-12-12T09:00:00'), CALENDAR);
    expect(state.reviewDueAt).toBe(new Date(cst('2026-12-15T00:00:00')).toISOString());
  });
});
