import type { ApplicationState } from './definitions';

/**
 * L-9: whether legal aid can be terminated now: once granted, or before the decision when it was accepted first
 * (S-3.2, L-7: aid already started).
 */
export function terminable(state: ApplicationState): boolean {
  if (['granted', 'assigning', 'assigned', 'performing'].includes(state.stage)) return true;
  return (state.stage === 'under_review' || state.stage === 'awaiting_materials') && state.acceptedFirst !== undefined;
}

/** L-10: a refusal, or aid terminated on an L-9 ground (not a withdrawal at the correction deadline), may be objected to. */
export function objectable(state: ApplicationState): boolean {
  return state.stage === 'refused' || (state.stage === 'terminated' && state.termination !== undefined);
}

/**
 * S-3.1: a grant needs the economic statement settled first; a refusal does not. The refusal's message, if any. Aid
 * accepted first (S-3.2, L-7) starts now: it may be granted while the verification runs (a refutation later ends it).
 */
export function grantBlockedByVerification(state: ApplicationState): string | undefined {
  const v = state.verification;
  if (!v || v.status === 'accepted' || v.status === 'verified') return undefined;
  if (v.status === 'pending' && state.acceptedFirst !== undefined) return undefined;
  return v.status === 'refuted'
    ? '核查结果否定了申请人的经济困难状况（S-3.1），不能给予法律援助'
    : '经济困难状况尚未核查完毕（S-3.1），不能作出给予法律援助决定';
}

/**
 * S-4.4: a member had started work on aid that ended (assigned or later): the work done goes to the evaluation and its
 * payout like every case (S-4.5, by tier) once the termination is final.
 */
export function workDone(state: ApplicationState): boolean {
  return state.performance !== undefined;
}
