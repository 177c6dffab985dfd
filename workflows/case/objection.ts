/**
 * L-10 objection to a refusal or to an L-9 termination: the applicant may object within the configured window; the
 * justice bureau decides within its period (escalated once when that passes) and either upholds the decision or
 * corrects it (a refusal goes back to review; terminated aid resumes, and aid already granted is assigned again).
 */
import { objectionWindowOf } from '../../domain/case-deadlines';
import { endOfDayPeriod } from '../../domain/deadlines';
import {
  decideObjection,
  ERROR_TYPES,
  fileObjection,
  type DecideObjectionInput,
  type FileObjectionInput,
} from '../../domain/definitions';
import { STAGES, type Stage } from '../../domain/stages';
import { objectable } from '../../domain/termination';
import { runClocks, type Clock } from '../support/clocks';
import { fail, notice, type CaseContext } from './context';

const AFTER_GRANT = ['granted', 'assigning', 'assigned', 'performing'];

/** The justice bureau that reviews the agency's objections, as notices name it (the owner of `objection_review`). */
const bureauOf = (ctx: CaseContext) => `justice_bureau:${ctx.state.agencyCode}`;

export function registerObjectionSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(fileObjection, {
    validate: ({ reason }: FileObjectionInput) => {
      if (!objectable(state)) fail(`申请当前处于「${STAGES[state.stage]}」阶段，不能提出异议（L-10）`);
      if (!reason.trim()) fail('请写明异议理由', ERROR_TYPES.invalidInput);
    },
    run: async ({ reason, filedBy }) => {
      const reviewDueAt = endOfDayPeriod(new Date(), ctx.rules.objectionReviewDays, ctx.calendar).toISOString();
      const against = state.stage === 'terminated' ? 'termination' : 'refusal';
      state.objection = { filedAt: new Date().toISOString(), filedBy, reason, reviewDueAt, against };
      await ctx.transition('objection_review', {
        actor: filedBy,
        ruleIds: ['L-10'],
        note: `申请人提出异议：${reason}`,
      });
      return { stage: state.stage, reviewDueAt };
    },
  });
  ctx.steps.on(decideObjection, {
    validate: ({ reason }: DecideObjectionInput) => {
      if (state.stage !== 'objection_review') fail(`申请当前处于「${STAGES[state.stage]}」阶段，没有待审查的异议`);
      if (!reason.trim()) fail('请写明审查意见', ERROR_TYPES.invalidInput);
    },
    run: async ({ outcome, reason, decidedBy }) => {
      const objection = state.objection!;
      objection.outcome = outcome;
      const againstTermination = objection.against === 'termination';
      let to: Stage = againstTermination ? 'terminated' : 'refused';
      if (outcome === 'corrected') {
        // Aid resumed after the grant goes back to `granted` and is assigned again (S-3.3).
        to =
          againstTermination && AFTER_GRANT.includes(state.termination?.fromStage ?? '') ? 'granted' : 'under_review';
        if (againstTermination) {
          state.termination = undefined;
          state.closedReason = undefined;
        }
      }
      const what = againstTermination ? '终止法律援助决定' : '不予法律援助决定';
      const note = `${outcome === 'upheld' ? '维持' : '纠正'}${what}：${reason}`;
      await ctx.transition(to, { actor: decidedBy, ruleIds: ['L-10'], note });
      // The decision's own stage: resumed aid has usually moved on to assignment by now (S-3.3).
      return { stage: to };
    },
  });
}

/**
 * After a refusal or termination: waits for an objection within the window, then for the decision. Returns 'closed'
 * when the decision became final, or 'reopened' when the justice bureau corrected it.
 */
export async function objectionPhase(ctx: CaseContext): Promise<'closed' | 'reopened'> {
  const { state } = ctx;
  // Counted each time from the stage with the case's calendar: a published calendar change reaches it (art. 203).
  const windowEnd = () => objectionWindowOf(state, ctx.rules, ctx.calendar).dueAt.getTime();
  const earlier = state.objection; // an objection of an earlier round (corrected, then refused again)
  let windowClosed = false;
  const decided = () => state.objection !== earlier && state.objection?.outcome !== undefined;
  const overdue = async () => {
    // L-10: the review period passed: escalate once to the justice bureau that reviews it (recorded and notified,
    // in its inbox like every escalation to staff), then keep waiting for the decision.
    const text = `【异议审查逾期】申请 ${state.applicationNo} 的异议审查已超过期限，请尽快作出决定（L-10）。`;
    await ctx.record({ actor: 'system', ruleIds: ['L-10'], note: '异议审查已超过法定期限，已提醒司法行政部门' }, [
      notice('objection-review-overdue', 'objection_review_overdue', text, bureauOf(ctx)),
    ]);
  };
  const clocks = (): Clock[] =>
    state.stage === 'objection_review'
      ? [
          {
            key: `objection-overdue-${state.objection!.filedAt}-${state.objection!.reviewDueAt}`,
            at: Date.parse(state.objection!.reviewDueAt),
            fire: overdue,
          },
        ]
      : [{ key: `objection-window-${windowEnd()}`, at: windowEnd(), fire: () => void (windowClosed = true) }];
  await runClocks({
    hold: (part) => ctx.steps.hold(part),
    done: () => windowClosed || decided() || !(objectable(state) || state.stage === 'objection_review'),
    clocks,
    version: () => state.seq,
  });
  return state.stage === 'under_review' || state.stage === 'granted' ? 'reopened' : 'closed';
}
