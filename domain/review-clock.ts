import type { ApplicationState } from './definitions';
import type { Stage } from './stages';

/**
 * L-1: the review clock runs from receipt; by policy (`reviewPausesForMaterials`) it pauses while missing materials
 * are awaited and resumes with the time that was left. Applied as the case enters `to`; answers the note for the
 * stage event, or undefined when the clock does not change.
 */
export function moveReviewClock(state: ApplicationState, to: Stage, pauses: boolean, now: number): string | undefined {
  if (to === 'awaiting_materials' && pauses && state.reviewDueAt) {
    state.reviewRemainingMs = Math.max(0, new Date(state.reviewDueAt).getTime() - now);
    state.reviewDueAt = undefined;
    return '审查期限暂停（等待补正材料，L-1）';
  }
  if (to === 'under_review' && state.reviewRemainingMs !== undefined) {
    state.reviewDueAt = new Date(now + state.reviewRemainingMs).toISOString();
    state.reviewRemainingMs = undefined;
    return `审查期限恢复计算，至 ${state.reviewDueAt}（L-1）`;
  }
  return undefined;
}
