import type { Calendar } from './calendar';
import { endOfDayPeriod } from './deadlines';
import type { ApplicationInput, ApplicationState, EvaluationInput, PerformanceState } from './definitions';
import type { RuleConfig } from './rule-config';
import { cstDateOf } from './time';

/** The performance record for the assignment just completed (a reassignment starts a new one: L-6 again). */
function startPerformance(state: ApplicationState, rules: RuleConfig, calendar: Calendar): PerformanceState {
  const a = state.assignment!;
  const lead = a.slots.find((s) => !s.releasedAt && s.memberId)!;
  const assignedAt = new Date(a.completedAt!);
  return {
    memberId: lead.memberId!,
    institutionId: lead.institutionId,
    assignedOn: cstDateOf(assignedAt),
    assignedAt: assignedAt.toISOString(),
    round: a.picks,
    caseStage: state.performance?.caseStage ?? 'first_instance',
    engagementDueAt: endOfDayPeriod(assignedAt, rules.engagementDays, calendar).toISOString(),
    stageChanges: state.performance?.stageChanges ?? [],
    progressReports: 0,
    terminationReports: [],
    closureReminders: [],
    qaReviews: [],
  };
}

/**
 * L-6: the performance record once the case is assigned: new on the first assignment, and again when a replacement
 * brought another lead member (the new member signs again); unchanged when the lead member stays. Set as the case
 * becomes `assigned`, so that event's snapshot already names the member and the L-6 due time (the read model).
 */
export function performanceOnAssignment(
  state: ApplicationState,
  rules: RuleConfig,
  calendar: Calendar,
): PerformanceState {
  const current = state.performance;
  const lead = state.assignment?.slots.find((s) => !s.releasedAt && s.memberId);
  if (current && (!lead || lead.memberId === current.memberId)) return current;
  return startPerformance(state, rules, calendar);
}

/** S-4.5 fee schedule: the matter's type, from the channel and category. */
export function matterTypeOf(input: ApplicationInput): EvaluationInput['matterType'] {
  const category = input.matter.category;
  if (input.channel === 'notification' || category === 'criminal_defence' || category === 'criminal_victim') {
    return 'criminal';
  }
  return category === 'state_compensation' ? 'administrative' : 'civil';
}
