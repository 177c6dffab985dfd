/**
 * Every day-counted deadline a case or an evaluation has running now, counted again from where it started with a
 * holiday calendar (Civil Code arts. 201, 203): what a published change of the calendar re-counts, and where each
 * deadline's "moved because of a holiday" reason comes from. Pure: the workflows apply the result.
 */
import type { Calendar, MovedLastDay } from './calendar';
import { dayPeriod, extendedPeriod, lastDayBefore, periodEndingOn, type PeriodEnd } from './deadlines';
import type { ApplicationInput, ApplicationState, EvaluationState } from './definitions';
import type { RuleConfig } from './rule-config';
import { AID_STARTED_STAGES } from './stages';
import { cstDateOf, startOfCstDay } from './time';

export interface RunningDeadline {
  /** Names the deadline within its case: `review`, `objection-window`, `verification:phone-1`, `evaluation-step`. */
  key: string;
  ruleId: string;
  /** What it is a deadline for, as the timeline writes it: `审查期限`. */
  label: string;
  /** The due instant in force now (for a deadline that is not stored: as counted with the case's calendar). */
  current: string | undefined;
  /** The same period counted with `calendar`. */
  period: PeriodEnd;
  /** Puts the re-counted due instant into the state. */
  apply(dueAt: string): void;
}

const REVIEW_STAGES = ['received', 'awaiting_materials', 'under_review'];

/** L-1: from receipt, or from the resumption with the days that were left (domain/review-clock.ts). */
function reviewPeriod(state: ApplicationState, input: ApplicationInput, calendar: Calendar): PeriodEnd {
  const resumed = state.reviewResumed;
  if (!resumed) return dayPeriod(new Date(input.receivedAt), input.rules.reviewDays, calendar);
  const from = new Date(resumed.at);
  return resumed.days >= 1 ? dayPeriod(from, resumed.days, calendar) : periodEndingOn(cstDateOf(from), calendar);
}

/** L-10: the window to object to the refusal or termination the case rests in. */
export function objectionWindowOf(state: ApplicationState, rules: RuleConfig, calendar: Calendar): PeriodEnd {
  return dayPeriod(new Date(state.stageEnteredAt), rules.objectionWindowDays, calendar);
}

/** The case's running day-counted deadlines, each counted again with `calendar` (`held`: the case's calendar now). */
export function applicationDeadlines(
  state: ApplicationState,
  input: ApplicationInput,
  calendar: Calendar,
  held: Calendar,
): RunningDeadline[] {
  const rules = input.rules;
  const out: RunningDeadline[] = [];
  if (state.reviewDueAt && REVIEW_STAGES.includes(state.stage) && !state.decision) {
    out.push({
      key: 'review',
      ruleId: 'L-1',
      label: '审查期限',
      current: state.reviewDueAt,
      period: reviewPeriod(state, input, calendar),
      apply: (d) => (state.reviewDueAt = d),
    });
  }
  const correcting =
    state.stage === 'awaiting_materials' ||
    (state.acceptedFirst !== undefined && AID_STARTED_STAGES.includes(state.stage));
  if (state.correctionDueAt && correcting) {
    const first = dayPeriod(new Date(input.receivedAt), rules.correctionDays, calendar);
    const extension = state.correctionExtensionDays;
    out.push({
      key: 'correction',
      ruleId: 'S-3.2',
      label: '补正期限',
      current: state.correctionDueAt,
      period: extension ? extendedPeriod(first.dueAt, extension, calendar) : first,
      apply: (d) => (state.correctionDueAt = d),
    });
  }
  const v = state.verification;
  if (v?.status === 'pending') {
    for (const t of v.tasks.filter((x) => x.result === undefined && x.dueDays !== undefined)) {
      out.push({
        key: `verification:${t.id}`,
        ruleId: 'S-3.1',
        label: `核查期限（${t.id}）`,
        current: t.dueAt,
        period: dayPeriod(new Date(t.requestedAt), t.dueDays!, calendar),
        apply: (d) => (t.dueAt = d),
      });
    }
  }
  const objectable = state.stage === 'refused' || (state.stage === 'terminated' && state.termination !== undefined);
  if (objectable) {
    out.push({
      key: 'objection-window',
      ruleId: 'L-10',
      label: '异议期限',
      current: objectionWindowOf(state, rules, held).dueAt.toISOString(),
      period: objectionWindowOf(state, rules, calendar),
      apply: () => undefined, // counted from the stage each time (workflows/case/objection.ts)
    });
  }
  const o = state.objection;
  if (o && state.stage === 'objection_review' && !o.outcome) {
    out.push({
      key: 'objection-review',
      ruleId: 'L-10',
      label: '异议审查期限',
      current: o.reviewDueAt,
      period: dayPeriod(new Date(o.filedAt), rules.objectionReviewDays, calendar),
      apply: (d) => (o.reviewDueAt = d),
    });
  }
  const a = state.assignment;
  if (a && a.status !== 'assigned' && !a.statutoryOverdue && ['granted', 'assigning'].includes(state.stage)) {
    out.push({
      key: 'assignment',
      ruleId: input.channel === 'notification' ? 'L-4' : 'L-3',
      label: '指派期限',
      current: a.statutoryDueAt,
      period: dayPeriod(new Date(a.since), rules.assignmentDays, calendar),
      apply: (d) => (a.statutoryDueAt = d),
    });
  }
  const p = state.performance;
  if (p && state.stage === 'assigned' && !p.engagement && !p.engagementEscalated && p.assignedAt) {
    out.push({
      key: 'engagement',
      ruleId: 'L-6',
      label: '签订委托协议期限',
      current: p.engagementDueAt,
      period: dayPeriod(new Date(p.assignedAt), rules.engagementDays, calendar),
      apply: (d) => {
        p.engagementDueAt = d;
        p.engagementReminded = undefined; // its reminder re-arms
      },
    });
  }
  if (p?.closureDueAt && p.matterEndedOn && state.stage === 'performing' && !p.closureOverdue) {
    out.push({
      key: 'closure',
      ruleId: 'L-12',
      label: '提交结案材料期限',
      current: p.closureDueAt,
      period: dayPeriod(startOfCstDay(p.matterEndedOn), rules.closureReportDays, calendar),
      apply: (d) => (p.closureDueAt = d),
    });
  }
  return out;
}

/** The evaluation's running day-counted deadlines (S-4.4 step or objection window, S-4.6 interview). */
export function evaluationDeadlines(state: EvaluationState, rules: RuleConfig, calendar: Calendar): RunningDeadline[] {
  const out: RunningDeadline[] = [];
  if (state.dueAt && state.status !== 'final' && state.status !== 'special' && !state.escalated) {
    const objection = state.status === 'objection_window';
    out.push({
      key: 'evaluation-step',
      ruleId: 'S-4.4',
      label: objection ? '评估异议期限' : '评估期限',
      current: state.dueAt,
      period: dayPeriod(
        new Date(state.statusSince),
        objection ? rules.evaluationObjectionDays : rules.evaluationStepDays,
        calendar,
      ),
      apply: (d) => {
        state.dueAt = d;
        state.reminded = false; // its reminder re-arms
      },
    });
  }
  const i = state.interview;
  if (i?.scheduledAt && !i.heldOn && !i.cancelled && !i.escalated) {
    out.push({
      key: 'interview',
      ruleId: 'S-4.6',
      label: '约谈期限',
      current: i.dueAt,
      period: dayPeriod(new Date(i.scheduledAt), rules.interviewDays, calendar),
      apply: (d) => (i.dueAt = d),
    });
  }
  return out;
}

export interface Recounted {
  key: string;
  ruleId: string;
  label: string;
  lastDay: string;
  moved?: MovedLastDay;
}

/**
 * Civil Code art. 203 after a calendar change: each deadline not yet passed whose re-counted due instant differs is
 * moved (`apply`); answers what moved.
 */
export function recount(deadlines: RunningDeadline[], now: number): Recounted[] {
  const moved: Recounted[] = [];
  for (const d of deadlines) {
    if (d.current === undefined || Date.parse(d.current) <= now) continue;
    const next = d.period.dueAt.toISOString();
    if (next === d.current) continue;
    d.apply(next);
    moved.push({
      key: d.key,
      ruleId: d.ruleId,
      label: d.label,
      lastDay: lastDayBefore(d.period.dueAt),
      ...(d.period.moved ? { moved: d.period.moved } : {}),
    });
  }
  return moved;
}

/** Why each running deadline's last day moved off a rest day, by key (`{ review: { from, reason: '因国庆节顺延' } }`). */
export function movesOf(deadlines: RunningDeadline[]): Record<string, MovedLastDay> {
  return Object.fromEntries(deadlines.filter((d) => d.period.moved).map((d) => [d.key, d.period.moved!]));
}
