/**
 * The assignment (指派, S-3.3, L-3, L-4, S-2.9, S-2.10, L-11): after the grant (or the notice letter) the case is
 * assigned at once by the rotation; where a person must act (a priority to confirm, a major case's collective
 * discussion, nobody eligible) it waits for the agency, escalated to the agency head when the day ends (China time) and
 * again at the statutory limit; each institution confirms its member within its deadline (S-2.10).
 */
import {
  assignmentDeadlines,
  assignmentSince,
  earlierStagePriority,
  humanStep,
  membersNeeded,
} from '../../domain/assignment';
import type { AssignmentState } from '../../domain/definitions';
import { formatCst } from '../../domain/time';
import { runClocks, type Clock } from '../support/clocks';
import { active, headOf, pickSlots, requestFor } from './assignment-picks';
import { notice, rotation, type CaseContext } from './context';

/** S-3.3: a new duty to assign, from the grant (or the letter's receipt), with its same-day and statutory limits. */
function openAssignment(ctx: CaseContext): AssignmentState {
  const since = assignmentSince(ctx.input, new Date());
  const { sameDayDueAt, statutoryDueAt } = assignmentDeadlines(since, ctx.rules.assignmentDays, ctx.calendar);
  const hints = ctx.input.intake?.assignment;
  return {
    status: 'picking',
    since: since.toISOString(),
    sameDayDueAt: sameDayDueAt.toISOString(),
    statutoryDueAt: statutoryDueAt.toISOString(),
    membersNeeded: membersNeeded(hints?.aidedPersons, ctx.rules.personsPerMember, ctx.rules.maxMembersPerCase),
    // A case granted again after an objection keeps its ledger purposes unique.
    picks: ctx.state.assignment?.picks ?? 0,
    slots: [],
    excluded: [],
  };
}

/** The first pick: the agency's step when a person must act; else S-2.9(b)'s earlier-stage member or the rotation. */
async function firstPick(ctx: CaseContext, a: AssignmentState): Promise<void> {
  const hints = ctx.input.intake?.assignment;
  const step = humanStep(hints);
  if (step) {
    a.status = 'awaiting_agency';
    a.needs = step;
    const text = `【待指派】法律援助案件 ${ctx.state.applicationNo}：${step}。`;
    await ctx.record({ actor: 'system', ruleIds: ['S-2.9', 'S-2.10'], note: step }, [
      notice(`assignment-needs-agency-r${a.picks}`, 'assignment_needs_agency', text, headOf(ctx)),
    ]);
    return;
  }
  const earlier = hints?.earlierApplicationNo
    ? earlierStagePriority(
        await ctx.call(() =>
          rotation.earlierStageMember({
            applicationNo: hints.earlierApplicationNo!,
            laterApplicationNo: ctx.state.applicationNo,
          }),
        ),
      )
    : undefined;
  const count = earlier ? 1 : a.membersNeeded;
  await pickSlots(ctx, {
    request: requestFor(ctx, a, earlier),
    count,
    actor: 'system',
    agencyNamed: !!earlier,
    rethrow: false,
  });
  const missing = a.membersNeeded - active(a).length;
  if (earlier && missing > 0 && a.status !== 'awaiting_agency') {
    await pickSlots(ctx, {
      request: requestFor(ctx, a),
      count: missing,
      actor: 'system',
      agencyNamed: false,
      rethrow: false,
    });
  }
}

/** Escalations: the end of the day (S-3.3), the statutory limit (L-3/L-4), unconfirmed members (S-2.10). */
function assignmentClocks(ctx: CaseContext, a: AssignmentState): Clock[] {
  const no = ctx.state.applicationNo;
  const clocks: Clock[] = [];
  const escalate = (note: string, ruleId: string, key: string, template: string, text: string) =>
    ctx.record({ actor: 'system', ruleIds: [ruleId], note }, [notice(key, template, text, headOf(ctx))]);
  if (a.status !== 'assigned' && !a.sameDayEscalated) {
    clocks.push({
      key: `same-day-${a.since}`,
      at: Date.parse(a.sameDayDueAt),
      fire: () => {
        a.sameDayEscalated = true;
        const note = `当日未完成指派，已提请机构负责人处理（S-3.3）；法定期限至 ${formatCst(new Date(a.statutoryDueAt))}`;
        const key = `assignment-escalated-same-day-${Date.parse(a.since)}`;
        return escalate(
          note,
          'S-3.3',
          key,
          'assignment_escalation',
          `【指派督办】法律援助案件 ${no} 未能当日指派（S-3.3）。${a.needs ?? ''}`,
        );
      },
    });
  }
  if (a.status !== 'assigned' && !a.statutoryOverdue) {
    clocks.push({
      key: `statutory-${a.since}`,
      at: Date.parse(a.statutoryDueAt),
      fire: () => {
        a.statutoryOverdue = true;
        const rule = ctx.notification ? 'L-4' : 'L-3';
        const note = `超过法定 ${ctx.rules.assignmentDays} 日指派期限仍未完成指派（${rule}）`;
        const key = `assignment-overdue-${Date.parse(a.since)}`;
        return escalate(note, rule, key, 'assignment_overdue', `【指派逾期】法律援助案件 ${no}：${note}。`);
      },
    });
  }
  for (const s of active(a).filter((x) => !x.memberId && x.confirmDueAt && !x.confirmEscalated)) {
    clocks.push({
      key: `confirm-${s.ledgerSeq}`,
      at: Date.parse(s.confirmDueAt!),
      fire: () => {
        s.confirmEscalated = true;
        const note = `${s.institutionName || s.institutionId} 逾期未确认承办人员，由法律援助机构指定（S-2.10）`;
        const key = `member-confirmation-overdue-${s.ledgerSeq}`;
        return escalate(
          note,
          'S-2.10',
          key,
          'member_confirmation_overdue',
          `【指派督办】法律援助案件 ${no}：${note}。`,
        );
      },
    });
  }
  return clocks;
}

/** S-3.3: the assignment opens at the grant and the first pick is made at once. */
async function openAndPick(ctx: CaseContext): Promise<void> {
  const a = openAssignment(ctx);
  ctx.state.assignment = a;
  const group =
    a.membersNeeded > 1
      ? `；群体性案件，受援人 ${ctx.input.intake?.assignment?.aidedPersons} 人，需指派 ${a.membersNeeded} 人（S-3.3）`
      : '';
  // L-4: the letter's receipt, not a decision, opens a notification case's assignment.
  const source = ctx.notification ? `收到${letterOf(ctx)}，不经申请审查，即予指派（L-4）；` : '';
  await ctx.transition('assigning', {
    actor: 'system',
    ruleIds: ctx.notification ? ['S-3.3', 'L-4'] : ['S-3.3', 'L-3'],
    note: `${source}应于 ${formatCst(new Date(a.sameDayDueAt))} 前完成指派（当日，S-3.3），法定期限 ${formatCst(new Date(a.statutoryDueAt))}${group}`,
  });
  await firstPick(ctx, a);
}

/** L-4: the organ's letter, as the notes and notices name it. */
function letterOf(ctx: CaseContext): string {
  const n = ctx.input.intake?.notification;
  return n ? `${n.organName}的通知（${n.letterNo ?? `${n.noticeDate} 通知`}）` : '通知机关的通知';
}

/**
 * From `granted` — or for a notification case (L-4) from the letter's receipt — (or `assigning` again after a conflict
 * or replacement) until the case is assigned, or leaves the stage (L-9 termination, L-4 returned to the organ).
 */
export async function assignmentPhase(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  const opening = state.stage === 'granted' || (state.stage === 'received' && ctx.notification);
  if (opening) await ctx.steps.hold(() => openAndPick(ctx));
  await runClocks({
    hold: (part) => ctx.steps.hold(part),
    done: () => state.stage !== 'assigning',
    clocks: () => assignmentClocks(ctx, state.assignment!),
    version: () => `${state.seq}:${state.stage}`,
  });
}
