/**
 * L-9: ending aid on a statutory ground, shared by the agency head's step (./review.ts) and a verification that
 * refutes the hardship of aid accepted first (./verification.ts). The applicant is told with the objection open to
 * them (L-10); the member and institution handling the case, if any, are told to stop (S-2.10). Work already done
 * goes to the evaluation once the termination is final (application-workflow.ts, S-4.4).
 */
import { L9_GROUNDS, type L9Ground } from '../../domain/definitions';
import { objectionWindow } from '../../domain/deadlines';
import { terminationHandlerText, terminationNoticeText } from '../../domain/notices';
import { notice, type CaseContext } from './context';

/** The pool members and institutions handling the case now (S-2.10): told when the aid ends. */
export function handlersOf(ctx: CaseContext): string[] {
  const slots = (ctx.state.assignment?.slots ?? []).filter((s) => !s.releasedAt);
  const members = slots.map((s) => `member:${s.memberId ?? s.proposedMemberId}`);
  const institutions = slots.map((s) => `institution:${s.institutionId}`);
  return [...new Set([...members, ...institutions])];
}

export interface Termination {
  ground: L9Ground;
  reason: string;
  terminatedBy: string;
  ruleIds: string[];
}

/** Terminates the aid now (the caller checked `terminable`). */
export function terminateOnGround(
  ctx: CaseContext,
  { ground, reason, terminatedBy, ruleIds }: Termination,
): Promise<void> {
  const { state } = ctx;
  state.termination = { ground, reason, terminatedBy, at: new Date().toISOString(), fromStage: state.stage };
  state.closedReason = `${L9_GROUNDS[ground]}，终止法律援助（${ruleIds.join('，')}）：${reason}`;
  const window = objectionWindow(new Date(state.termination.at), ctx.rules.objectionWindowDays, ctx.calendar);
  const text = terminationNoticeText({
    applicationNo: state.applicationNo,
    ground: L9_GROUNDS[ground],
    reason: reason.trim(),
    objectionDueAt: window.dueAt,
    ...(window.moved ? { objectionMoved: window.moved } : {}),
  });
  const toHandlers = handlersOf(ctx).map((to) =>
    notice(
      `aid-terminated-${state.seq + 1}-${to}`,
      'aid_terminated_handler',
      terminationHandlerText(state.applicationNo, L9_GROUNDS[ground]),
      to,
    ),
  );
  return ctx.transition('terminated', { actor: terminatedBy, ruleIds, note: state.closedReason }, [
    notice(`aid-terminated-${state.seq + 1}`, 'aid_terminated', text),
    ...toHandlers,
  ]);
}
