/**
 * The assignment stage's pure rules (指派, S-3.3, L-3, L-4, S-2.9, S-2.10): its deadlines, how many members a group
 * case needs, which facts make the rotation request, and when a person must act before anyone is assigned.
 */
import type { Calendar } from './calendar';
import type { ApplicationInput } from './definitions';
import { endOfDayPeriod } from './deadlines';
import type { AssignmentHints } from './intake';
import type { PickRequest, Priority } from './rotation';
import { addCalendarDays, cstDateOf, startOfCstDay } from './time';

const HOUR_MS = 60 * 60 * 1000;

/**
 * S-3.3: assign immediately or on the same day (China time) as the grant or the receipt of the notice letter;
 * L-3/L-4: the law's limit, `days` days counted like every period (Civil Code art. 201: from the next day).
 */
export function assignmentDeadlines(
  since: Date,
  days: number,
  calendar: Calendar,
): { sameDayDueAt: Date; statutoryDueAt: Date } {
  return {
    sameDayDueAt: startOfCstDay(addCalendarDays(cstDateOf(since), 1)),
    statutoryDueAt: endOfDayPeriod(since, days, calendar),
  };
}

/** S-2.10: the institution confirms the member within `hours`, never later than the statutory limit. */
export function memberConfirmDueAt(pickedAt: Date, hours: number, statutoryDueAt: Date): Date {
  return new Date(Math.min(pickedAt.getTime() + hours * HOUR_MS, statutoryDueAt.getTime()));
}

/** S-3.3 group cases: one member per `personsPerMember` aided persons, at least one, at most `max`. */
export function membersNeeded(aidedPersons: number | undefined, personsPerMember: number, max: number): number {
  const persons = Math.max(1, Math.floor(aidedPersons ?? 1));
  return Math.max(1, Math.min(max, Math.ceil(persons / personsPerMember)));
}

/** When the duty to assign arose: the notice letter for notification cases (L-4), else the grant (S-3.3, L-3). */
export function assignmentSince(input: ApplicationInput, grantedAt: Date): Date {
  if (input.channel !== 'notification') return grantedAt;
  const received = new Date(input.receivedAt);
  return received.getTime() < grantedAt.getTime() ? received : grantedAt;
}

/** S-2.9(c), L-5: what the notification ground asks of the member. */
export function baseRequest(input: ApplicationInput): PickRequest {
  const ground = input.intake?.notification?.ground;
  // Law arts. 25-26: defence (applied for or notified) and every notification case go to lawyers of law firms.
  if (input.channel !== 'notification')
    return input.matter.category === 'criminal_defence' ? { lawyersOnly: true } : {};
  return {
    lawyersOnly: true,
    notification: {
      lifeOrDeath: ground === 'life_or_death_sentence' || ground === 'death_penalty_review',
      juvenile: ground === 'minor',
    },
  };
}

/**
 * Whether a person must act before anyone is assigned, and why (in Chinese, with the rule). S-2.9(f): a major case
 * waits for the agency head's choice after a collective discussion. S-2.9(a), (d), (e): the agency confirms the
 * priority and names the member (S-2.10). S-2.9(b) needs no one: the earlier stage's member is looked up.
 */
export function humanStep(hints: AssignmentHints | undefined): string | undefined {
  if (!hints) return undefined;
  if (hints.majorCase) return '重大、疑难、复杂案件，须经集体讨论后由机构负责人指派（S-2.9(f)，S-3.3）';
  const named: string[] = [];
  if (hints.chosenMemberId) named.push(`受援人选择的人员 ${hints.chosenMemberId}（S-2.9(a)）`);
  if (hints.hotlineOfficerId) named.push(`经办的值班人员 ${hints.hotlineOfficerId}（S-2.9(d)）`);
  if (hints.villageAdvisorId) named.push(`村居法律顾问 ${hints.villageAdvisorId}（S-2.9(e)）`);
  return named.length ? `待确认优先指派：${named.join('；')}（S-2.10 由机构指定人员）` : undefined;
}

/** S-2.9(b): the same case's earlier stage gives its member priority, turn deducted. */
export function earlierStagePriority(memberId: string | null | undefined): Priority | undefined {
  return memberId ? { rule: 'S-2.9(b)', memberId } : undefined;
}

/** The names of the turn outcomes, for notes and notices. */
export const TURN_LABELS: Record<string, string> = {
  consumed: '扣除轮次',
  kept: '保留轮次',
  outside: '不计入轮次',
  refunded: '退还轮次',
};
