import type { ApplicationState } from '../../domain/definitions';
import { moveReviewClock } from '../../domain/review-clock';

const DAY = 24 * 60 * 60 * 1000;
const cst = (local: string) => Date.parse(`${local}+08:00`);

describe('L-1 the review clock counts whole days across a pause', () => {
  // Received 2026-12-01 (any time): the 7 days run to 24:00 on 12-08.
  const running = () => ({ reviewDueAt: new Date(cst('2026-12-09T00:00:00')).toISOString() }) as ApplicationState;

  test('L-1 paused mid-period, the days after the pause day are left, and the resumed clock ends at 24:00', () => {
    const state = running();
    expect(moveReviewClock(state, 'awaiting_materials', true, cst('2026-12-03T15:20:00'))).toContain('尚余 5 日');
    expect(state.reviewRemainingMs).toBe(5 * DAY);
    const note = moveReviewClock(state, 'under_review', true, cst('2026-12-20T10:45:31'));
    expect(state.reviewDueAt).toBe(new Date(cst('2026-12-26T00:00:00')).toISOString());
    expect(note).toBe('审查期限恢复计算，至 2026年12月25日（含当日）届满（L-1）');
  });

  test('L-1 paused on the last day, the resumed clock ends at 24:00 of the day it resumes', () => {
    const state = running();
    moveReviewClock(state, 'awaiting_materials', true, cst('2026-12-08T23:00:00'));
    expect(state.reviewRemainingMs).toBe(0);
    moveReviewClock(state, 'under_review', true, cst('2026-12-15T09:00:00'));
    expect(state.reviewDueAt).toBe(new Date(cst('2026-12-16T00:00:00')).toISOString());
  });

  test('L-1 with the policy off the clock does not pause', () => {
    const state = running();
    expect(moveReviewClock(state, 'awaiting_materials', false, cst('2026-12-03T15:20:00'))).toBeUndefined();
    expect(state.reviewRemainingMs).toBeUndefined();
  });
});
