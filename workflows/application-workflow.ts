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
import { objectable, workDone } from '../domain/termination';
import { movedText } from '../domain/calendar';
import { applicationDeadlines, recount, type Recounted } from '../domain/case-deadlines';
import { cstYearOf, formatCstDay } from '../domain/time';
import { assignmentPhase } from './case/assignment';
import { registerAssignmentSteps } from './case/assignment-steps';
import { CaseContext, notice, records } from './case/context';
import type { Notice } from './support/recorder';
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
 * again every running deadline that has not yet passed (domain/case-deadlines.ts), records what moved and the new
 * calendar version; the clocks re-arm because their keys name the due time. A calendar it already has changes nothing.
 */
async function recountDeadlines(ctx: CaseContext): Promise<void> {
  const calendar = await records.holidayCalendar({ fromYear: cstYearOf(new Date(ctx.input.receivedAt)) });
  await ctx.steps.hold(async () => {
    if (calendar.version === ctx.state.calendarVersion) return;
    const held = ctx.calendar;
    ctx.calendar = calendar;
    ctx.state.calendarVersion = calendar.version;
    await recountCorrectionDeadline(ctx);
    const running = applicationDeadlines(ctx.state, ctx.input, calendar, held).filter((d) => d.key !== 'correction');
    const moved = recount(running, Date.now());
    const lines = moved.map((m) => `${m.label}调整为 ${formatCstDay(m.lastDay)}（含当日）${movedText(m.moved)}`);
    // Nothing else moved: the state (with the version its deadlines are counted with) is stored all the same.
    if (moved.length === 0) return ctx.notify();
    const note = `法定节假日安排调整（日历 ${calendar.version}）：${lines.join('；')}`;
    const ruleIds = [...new Set(moved.map((m) => m.ruleId))];
    await ctx.record({ actor: 'system', ruleIds, note }, objectionMoved(ctx, moved));
  });
}

/** L-10: the objection window is the applicant's: they are told its new last day. */
function objectionMoved(ctx: CaseContext, moved: Recounted[]): Notice[] {
  const m = moved.find((x) => x.key === 'objection-window');
  if (!m) return [];
  const text = `【异议期限调整】因法定节假日安排调整，您对法律援助案件 ${ctx.state.applicationNo} 的决定提出异议的期限调整为 ${formatCstDay(m.lastDay)}（含当日）${movedText(m.moved)}（L-10）。`;
  return [notice(`objection-window-rescheduled-${m.lastDay}`, 'objection_window_rescheduled', text)];
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
    // L-10: a refusal or termination stays open to objection; once final, the case ends there, except aid terminated
    // after a member started work: that work is evaluated and paid first (S-4.4, S-4.5).
    if (phase === 'objection' && (await objectionPhase(ctx)) === 'closed') {
      if (state.stage !== 'terminated' || !workDone(state)) break;
      state.evaluatedAsTerminated = true;
      await ctx.transition('evaluating', {
        actor: 'system',
        ruleIds: ['L-9', 'S-4.4', 'S-4.5'],
        note: '终止法律援助决定已生效，承办人员已开展的工作按每案必评进行质量评估并据此发放补贴（S-4.4，S-4.5）',
      });
    }
    if (phase === 'assignment') await assignmentPhase(ctx);
    if (phase === 'performance') await performancePhase(ctx);
    if (phase === 'evaluation') await evaluationPhase(ctx);
  }
  await ctx.settle();
  return { applicationNo: state.applicationNo, stage: state.stage, closedReason: state.closedReason };
}
