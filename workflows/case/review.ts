/**
 * Review and decision (审查与决定, L-1): the agency decides within the review period (a late decision is allowed and
 * flagged); a grant needs the economic statement settled (S-3.1); a refusal carries its written reasons. And L-9: aid
 * granted (or accepted first) is terminated on a statutory ground, told to the applicant with the objection window.
 */
import { setHandler } from '@temporalio/workflow';
import {
  decide,
  ERROR_TYPES,
  L9_GROUNDS,
  terminateAid,
  type DecideInput,
  type TerminateAidInput,
} from '../../domain/definitions';
import { matterScope } from '../../domain/eligibility';
import { lastDayBefore, objectionWindow, type PeriodEnd } from '../../domain/deadlines';
import { refusalNoticeText } from '../../domain/notices';
import { formatCstDay } from '../../domain/time';
import { NOTIFICATION_NOT_DECIDED } from '../../domain/stages';
import { grantBlockedByVerification, terminable } from '../../domain/termination';
import { assertTransition, fail, notice, type CaseContext } from './context';
import { terminateOnGround } from './termination';

/** L-10: the objection's last day for a notice, with why it moved off a rest day (Civil Code art. 203). */
const objectionDue = (window: PeriodEnd) => ({
  objectionDueAt: window.dueAt,
  ...(window.moved ? { objectionMoved: window.moved } : {}),
});

export function registerReviewSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(decide, {
    validate: ({ decision, reason }: DecideInput) => {
      if (ctx.notification) fail(NOTIFICATION_NOT_DECIDED);
      assertTransition(state.stage, decision === 'grant' ? 'granted' : 'refused', state.acceptedFirst !== undefined);
      // S-1.1: a matter outside the statutory list only for an applicant who meets the hardship standard.
      if (decision === 'grant' && state.eligibility) {
        const scope = matterScope(ctx.input.matter.category, state.eligibility, ctx.rules.excludedMatters);
        if (!scope.allowed) fail(`${scope.note}，不能作出给予法律援助决定`);
      }
      const blocked = decision === 'grant' ? grantBlockedByVerification(state) : undefined;
      if (blocked) fail(blocked);
      if (decision === 'refuse' && !reason?.trim()) fail('不予法律援助须书面说明理由（L-1）', ERROR_TYPES.invalidInput);
    },
    run: async ({ decision, reason, decidedBy, requestId }) => {
      const decidedAt = new Date().toISOString();
      const late = state.reviewDueAt !== undefined && Date.now() > new Date(state.reviewDueAt).getTime();
      state.decision = { decision, reason, decidedBy, decidedAt, requestId, late };
      const decided = decision === 'grant' ? 'granted' : 'refused';
      const lateNote = late ? `${reason ?? ''}（超过审查期限作出，L-1）` : reason;
      // S-3.2, L-7: aid accepted first is granted before the documents arrive; their deadline keeps running.
      const early = decided === 'granted' && state.stage === 'awaiting_materials';
      const pending = early
        ? `先行受理，材料补齐前给予法律援助；补正期限 ${formatCstDay(lastDayBefore(new Date(state.correctionDueAt!)))}（含当日）继续计算，逾期未补齐的终止法律援助`
        : undefined;
      const note = [lateNote, pending].filter((n) => n !== undefined && n !== '').join('\n') || lateNote;
      const ruleIds = early ? ['L-1', 'S-3.2', 'L-7'] : ['L-1'];
      // L-1: a refusal is told to the applicant in writing, with its reasons and the objection open to them (L-10).
      const notices =
        decision === 'refuse'
          ? [
              notice(
                `refusal-${state.seq + 1}`,
                'refusal',
                refusalNoticeText({
                  applicationNo: state.applicationNo,
                  reason: reason!.trim(),
                  ...objectionDue(objectionWindow(new Date(decidedAt), ctx.rules.objectionWindowDays, ctx.calendar)),
                }),
              ),
            ]
          : [];
      await ctx.transition(decided, { actor: decidedBy, ruleIds, ...(note === undefined ? {} : { note }) }, notices);
      // The decision's own stage: a granted case has usually moved on to assignment by now (S-3.3).
      return { applicationNo: state.applicationNo, stage: decided, decidedAt };
    },
  });

  // L-9 is a signal: the API checks first and answers 422; a late or repeated signal changes nothing.
  setHandler(terminateAid, ({ ground, reason, terminatedBy }: TerminateAidInput) => {
    if (!terminable(state) || !(ground in L9_GROUNDS) || !reason.trim()) return;
    void terminateOnGround(ctx, { ground, reason, terminatedBy, ruleIds: ['L-9'] });
  });
}
