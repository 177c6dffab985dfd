/**
 * L-10 objection to a refusal or to an L-9 termination: the applicant may object within the configured window; the
 * justice bureau decides within 5 days (escalated once when that passes) and either upholds the decision or corrects
 * it (a refusal goes back to review; a terminated aid resumes). Helpers of applicationWorkflow; not exported from the
 * barrel.
 */
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { endOfDayPeriod } from '../domain/deadlines';
import {
  decideObjection,
  ERROR_TYPES,
  fileObjection,
  type ApplicationState,
  type DecideObjectionInput,
  type FileObjectionInput,
} from '../domain/definitions';
import { STAGES, type Stage } from '../domain/stages';

export interface ObjectionContext {
  state: ApplicationState;
  windowDays: number;
  reviewDays: number;
  /** False for cases started before objections existed: their refusal is final (replay-safe). */
  enabled: boolean;
  transition(to: Stage, meta: { actor: string; ruleIds: string[]; note?: string }): Promise<void>;
  record(meta: { actor: string; ruleIds: string[]; note?: string }): Promise<void>;
  notify(key: string, template: string, body: string): Promise<void>;
}

function refuse(message: string, type: string = ERROR_TYPES.invalidTransition): never {
  throw ApplicationFailure.create({ type, message });
}

/** A refusal, or aid terminated on an L-9 ground (not a withdrawal at the correction deadline). */
export function objectable(state: ApplicationState): boolean {
  return state.stage === 'refused' || (state.stage === 'terminated' && state.termination !== undefined);
}

export function registerObjectionHandlers(ctx: ObjectionContext): void {
  const { state } = ctx;
  setHandler(
    fileObjection,
    async ({ reason, filedBy }) => {
      const reviewDueAt = endOfDayPeriod(new Date(), ctx.reviewDays).toISOString();
      const against = state.stage === 'terminated' ? 'termination' : 'refusal';
      state.objection = { filedAt: new Date().toISOString(), filedBy, reason, reviewDueAt, against };
      await ctx.transition('objection_review', {
        actor: filedBy,
        ruleIds: ['L-10'],
        note: `申请人提出异议：${reason}`,
      });
      return { stage: state.stage, reviewDueAt };
    },
    {
      validator: ({ reason }: FileObjectionInput) => {
        if (!ctx.enabled) refuse('该申请受理于旧版本流程，请线下提出异议');
        if (!objectable(state)) refuse(`申请当前处于「${STAGES[state.stage]}」阶段，不能提出异议（L-10）`);
        if (!reason.trim()) refuse('请写明异议理由', ERROR_TYPES.invalidInput);
      },
    },
  );
  setHandler(
    decideObjection,
    async ({ outcome, reason, decidedBy }) => {
      const objection = state.objection!;
      objection.outcome = outcome;
      // L-10: upheld -> the decision stands; corrected -> a refusal goes back to review, terminated aid resumes.
      const againstTermination = objection.against === 'termination';
      let to: Stage = againstTermination ? 'terminated' : 'refused';
      if (outcome === 'corrected') {
        // Aid resumed after the grant goes back to `granted` and is assigned again (S-3.3).
        const fromStage = state.termination?.fromStage;
        const afterGrant = ['granted', 'assigning', 'assigned', 'performing'].includes(fromStage ?? '');
        to = againstTermination && afterGrant ? 'granted' : 'under_review';
        if (againstTermination) {
          state.termination = undefined;
          state.closedReason = undefined;
        }
      }
      const what = againstTermination ? '终止法律援助决定' : '不予法律援助决定';
      await ctx.transition(to, {
        actor: decidedBy,
        ruleIds: ['L-10'],
        note: `${outcome === 'upheld' ? '维持' : '纠正'}${what}：${reason}`,
      });
      // The decision's own stage: resumed aid has usually moved on to assignment by now (S-3.3).
      return { stage: to };
    },
    {
      validator: ({ reason }: DecideObjectionInput) => {
        if (state.stage !== 'objection_review') refuse(`申请当前处于「${STAGES[state.stage]}」阶段，没有待审查的异议`);
        if (!reason.trim()) refuse('请写明审查意见', ERROR_TYPES.invalidInput);
      },
    },
  );
}

/**
 * After a refusal or termination: waits for an objection within the window. Returns 'closed' when the decision
 * became final, or 'reopened' when the justice bureau corrected it (back under review, or aid resumed).
 */
export async function objectionPhase(ctx: ObjectionContext): Promise<'closed' | 'reopened'> {
  const { state } = ctx;
  const windowEnd = endOfDayPeriod(new Date(state.stageEnteredAt), ctx.windowDays).getTime();
  const filed = await condition(() => state.stage === 'objection_review', Math.max(1, windowEnd - Date.now()));
  if (!filed) return 'closed';
  const reviewDueAt = new Date(state.objection!.reviewDueAt).getTime();
  const decided = await condition(() => state.stage !== 'objection_review', Math.max(1, reviewDueAt - Date.now()));
  if (!decided) {
    // L-10: the 5-day review is overdue: escalate once (recorded and notified), then keep waiting for the decision.
    await ctx.record({ actor: 'system', ruleIds: ['L-10'], note: '异议审查已超过法定期限，已提醒司法行政部门' });
    await ctx.notify(
      'objection-review-overdue',
      'objection_review_overdue',
      `申请 ${state.applicationNo} 的异议审查已超过期限，请尽快作出决定（L-10）。`,
    );
    await condition(() => state.stage !== 'objection_review');
  }
  return state.stage === 'under_review' || state.stage === 'granted' ? 'reopened' : 'closed';
}
