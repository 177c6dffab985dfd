import type { ApplicationState } from './definitions';

/**
 * L-9: whether legal aid can be terminated now: once granted, or before the decision when it was accepted first
 * (S-3.2, L-7: aid already started). `openAfterGrant` is false for cases that ended at their grant (older version).
 */
export function terminable(state: ApplicationState, openAfterGrant = true): boolean {
  if (['granted', 'assigning', 'assigned', 'performing'].includes(state.stage)) return openAfterGrant;
  return (state.stage === 'under_review' || state.stage === 'awaiting_materials') && state.acceptedFirst !== undefined;
}
