/**
 * One legal-aid case (法律援助案件), from the application to the subsidy, told in the order of the regulation:
 * intake and eligibility (S-1, L-4, L-8), correction of missing materials (S-3.2, L-2), review and decision (L-1,
 * S-3.1), then — as the decision falls — objection (L-10), assignment (S-3.3, S-2.9, S-2.10), performance (L-6, L-12,
 * S-4.3) and the evaluation with its payout (S-4.4, S-4.5). A notification case (L-4) has no application: it goes
 * from the organ's letter straight to assignment, or back to the organ when the agency cannot act on it. Each phase lives in `workflows/case/`; staff move the case
 * with steps (signals, one at a time), and L-9 may end aid at any point after it started.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  calendarChanged,
  getState,
  type ApplicationInput,
  type ApplicationOutcome,
  type ApplicationState,
} from '../domain/definitions';
import { objectable } from '../domain/termination';
import { cstYearOf } from '../domain/time';
import { assignmentPhase } from './case/assignment';
import { registerAssignmentSteps } from './case/assignment-steps';
import { CaseContext, records } from './case/context';
import {
  correctionPhase,
  enterFirstStage,
  recountCorrectionDeadline,
  registerCorrectionSteps,
} from './case/correction';
import { countOpeningDeadlines, openCase } from './case/intake';
import { registerNotificationSteps } from './case/notification';
import { objectionPhase, registerObjectionSteps } from './case/objection';
import { evaluationPhase, performancePhase } from './case/performance';
import { registerPerformanceSteps } from './case/performance-steps';
import { registerReviewSteps } from './case/review';
import { registerVerificationSteps } from './case/verification';

type Phase = 'correction' | 'review' | 'objection' | 'assignment' | 'performance' | 'evaluation' | 'closed';

function phaseOf(state: ApplicationState): Phase {
  if (objectable(state) || state.stage === 'objection_review') return 'objection';
  // L-4: a notification goes from the letter's receipt straight to assignment (no correction, review or decision).
  if (state.stage === 'received' && state.channel === 'notification') return 'assignment';
  switch (state.stage) {
    case 'received':
    case 'awaiting_materials':
      return 'correction';
    case 'under_review':
      return 'review';
    case 'granted':
    case 'assigning':
      return 'assignment';
    case 'assigned':
    case 'performing':
    case 'file_review':
      return 'performance';
    case 'evaluating':
      return 'evaluation';
    default:
      return 'closed'; // closed; withdrawn at the correction deadline (L-2); a notification returned to the organ (L-4)
  }
}

/**
 * A changed holiday calendar (an administrator entered a year's arrangement): the case fetches it again and counts
 * again the deadlines that have not yet passed; a calendar it already has changes nothing.
 */
async function recountDeadlines(ctx: CaseContext): Promise<void> {
  const calendar = await records.holidayCalendar({ fromYear: cstYearOf(new Date(ctx.input.receivedAt)) });
  await ctx.steps.hold(async () => {
    if (calendar.version === ctx.state.calendarVersion) return;
    ctx.calendar = calendar;
    ctx.state.calendarVersion = calendar.version;
    await recountCorrectionDeadline(ctx);
  });
}

/** Never rename: the workflow type name is persisted. */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const { state, opening } = openCase(input);
  const ctx = new CaseContext(input, state, opening);
  let counting = true;
  setHandler(getState, () => state);
  setHandler(calendarChanged, async () => {
    await condition(() => !counting);
    await recountDeadlines(ctx);
  });
  registerCorrectionSteps(ctx);
  registerVerificationSteps(ctx);
  registerReviewSteps(ctx);
  registerObjectionSteps(ctx);
  registerNotificationSteps(ctx);
  registerAssignmentSteps(ctx);
  registerPerformanceSteps(ctx);
  // Civil Code art. 203: every period is counted with the holiday calendar in force (fetched, so replay sees it).
  ctx.calendar = await records.holidayCalendar({ fromYear: cstYearOf(new Date(input.receivedAt)) });
  countOpeningDeadlines(state, opening, ctx.calendar);
  counting = false;
  if (!ctx.notification) void enterFirstStage(ctx);
  void ctx.steps.serve();

  for (let phase = phaseOf(state); phase !== 'closed'; phase = phaseOf(state)) {
    if (phase === 'correction') await correctionPhase(ctx);
    // L-1: the agency decides by a step (or L-9 ends aid accepted first).
    if (phase === 'review') await condition(() => state.stage !== 'under_review');
    // L-10: a refusal or termination stays open to objection; once final, the case ends there.
    if (phase === 'objection' && (await objectionPhase(ctx)) === 'closed') break;
    if (phase === 'assignment') await assignmentPhase(ctx);
    if (phase === 'performance') await performancePhase(ctx);
    if (phase === 'evaluation') await evaluationPhase(ctx);
  }
  await ctx.settle();
  return { applicationNo: state.applicationNo, stage: state.stage, closedReason: state.closedReason };
}
