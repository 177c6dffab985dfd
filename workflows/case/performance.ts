/**
 * Performance of an assigned case (承办) and its evaluation: from `assigned` to the approved file, with the clocks of
 * the engagement agreement (L-6) and the closure report (L-12); the steps are in ./performance-steps.ts. A conflict
 * or replacement (S-2.10, L-11) sends the case back to assignment, a termination (L-9) ends it; both end the phase.
 * Then the evaluation (S-4.4, S-4.5) runs as a child workflow, and the case is closed with its outcome.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, sleep } from '@temporalio/workflow';
import { movedText } from '../../domain/calendar';
import { lastDayBefore } from '../../domain/deadlines';
import { evaluationWorkflowId, type EvaluationInput, type EvaluationOutcome } from '../../domain/definitions';
import { matterTypeOf, performanceOnAssignment } from '../../domain/performance';
import { TIERS, type Tier } from '../../domain/quality';
import type { Stage } from '../../domain/stages';
import { formatCst, formatCstDay } from '../../domain/time';
import { ladder, runClocks, type Clock } from '../support/clocks';
import { notice, rotation, type CaseContext } from './context';

const DAY_MS = 24 * 60 * 60 * 1000;
const PERFORMING: readonly Stage[] = ['assigned', 'performing', 'file_review'];
const head = (ctx: CaseContext) => `agency_head:${ctx.state.agencyCode}`;

/** The child workflow's signature (workflows/evaluation-workflow.ts), by name: phases import no workflow module. */
type EvaluationWorkflow = (input: EvaluationInput) => Promise<EvaluationOutcome>;

/**
 * From `assigned` to the approved file: returns when the case moves on (evaluating), back to assignment (S-2.10,
 * L-11) or is terminated (L-9).
 */
export async function performancePhase(ctx: CaseContext): Promise<void> {
  if (ctx.state.stage === 'assigned' || !ctx.state.performance) {
    ctx.state.performance = performanceOnAssignment(ctx.state, ctx.rules, ctx.calendar);
  }
  const p = ctx.state.performance;
  const lead = ctx.state.assignment?.slots.find((s) => !s.releasedAt && s.memberId);
  if (ctx.state.stage === 'assigned' && p.engagement && lead?.memberId === p.memberId) {
    // A group case's other member was replaced (S-2.10, L-11): the lead member, already engaged, carries on.
    await ctx.transition('performing', {
      actor: 'system',
      ruleIds: ['L-11', 'S-2.10'],
      note: `承办人员变更后，${p.memberId} 继续承办（已签订委托协议，L-6）`,
    });
  }
  await runClocks({
    hold: (part) => ctx.steps.hold(part),
    done: () => !PERFORMING.includes(ctx.state.stage),
    clocks: () => [...engagementClocks(ctx), ...closureClocks(ctx)],
    version: () => `${ctx.state.seq}:${ctx.state.stage}`,
  });
}

/** L-6: a reminder to the member a day before the agreement is due, and the agency head told when it is overdue. */
function engagementClocks(ctx: CaseContext): Clock[] {
  const p = ctx.state.performance!;
  if (ctx.state.stage !== 'assigned' || p.engagement) return [];
  const dueAt = Date.parse(p.engagementDueAt);
  const round = p.round ?? 0;
  const clocks: Clock[] = [];
  if (!p.engagementReminded) {
    clocks.push({
      key: `engagement-reminder-${round}-${p.engagementDueAt}`,
      at: dueAt - DAY_MS,
      fire: () => {
        p.engagementReminded = true;
        const body = `【签约提醒】请于 ${formatCst(new Date(dueAt))}${movedText(ctx.state.deadlineMoves?.engagement)} 前与受援人签订委托协议和授权委托书（案件 ${ctx.state.applicationNo}，L-6）。`;
        void ctx.notify(
          notice(
            `engagement-reminder-${round}-${lastDayBefore(new Date(dueAt))}`,
            'engagement_reminder',
            body,
            `member:${p.memberId}`,
          ),
        );
      },
    });
  }
  if (!p.engagementEscalated) {
    clocks.push({
      key: `engagement-overdue-${round}-${p.engagementDueAt}`,
      at: dueAt,
      fire: async () => {
        p.engagementEscalated = true;
        const delay = p.engagementDelay ? `；已记录延迟原因：${p.engagementDelay.reason}` : '';
        const note = `${ctx.rules.engagementDays} 日内未签订委托协议（L-6）${delay}`;
        const body = `【签约逾期】法律援助案件 ${ctx.state.applicationNo}：${note}。`;
        const toHead = notice(`engagement-overdue-${round}`, 'engagement_overdue', body, head(ctx));
        await ctx.record({ actor: 'system', ruleIds: ['L-6'], note }, [toHead]);
      },
    });
  }
  return clocks;
}

/**
 * L-12: the closure report is owed while performing after the end of the matter (again after the quality manager
 * returned the file): reminders to the member (one already past is sent at once), and the agency head told when due.
 */
function closureClocks(ctx: CaseContext): Clock[] {
  const p = ctx.state.performance!;
  if (ctx.state.stage !== 'performing' || !p.closureDueAt) return [];
  const dueAt = new Date(p.closureDueAt);
  const remind = (key: string) => {
    p.closureReminders.push(key);
    const body = `【结案提醒】法律援助案件 ${ctx.state.applicationNo} 的结案材料应于 ${formatCstDay(lastDayBefore(dueAt))}（含当日）${movedText(ctx.state.deadlineMoves?.closure)}前提交（L-12）。`;
    void ctx.notify(notice(key, 'closure_reminder', body, `member:${p.memberId}`));
  };
  const { closureReminderDaysBefore, reminderHourCst } = ctx.rules;
  const clocks = ladder('closure', dueAt, closureReminderDaysBefore, reminderHourCst, remind, false).filter(
    (c) => !p.closureReminders.includes(c.key),
  );
  if (p.closureOverdue) return clocks;
  const overdue = async () => {
    p.closureOverdue = true;
    const note = `超过 ${ctx.rules.closureReportDays} 日未提交结案材料（L-12）`;
    const body = `【结案逾期】法律援助案件 ${ctx.state.applicationNo}：${note}。`;
    const toHead = notice(`closure-overdue-${p.round ?? 0}`, 'closure_overdue', body, head(ctx));
    await ctx.record({ actor: 'system', ruleIds: ['L-12'], note }, [toHead]);
  };
  return [...clocks, { key: `closure-overdue-${p.closureDueAt}`, at: dueAt.getTime(), fire: overdue }];
}

/**
 * S-4.4, S-4.5: the evaluation runs as a child workflow (its own durable process and history, id
 * `evaluation-<applicationNo>`); when it ends (result final, payout recorded, interview held) the case is closed.
 */
export async function evaluationPhase(ctx: CaseContext): Promise<void> {
  const workflowId = evaluationWorkflowId(ctx.state.applicationNo);
  ctx.state.evaluation = { workflowId };
  const outcome = await evaluationOutcome(ctx, workflowId);
  ctx.state.evaluation = { workflowId, outcome };
  const paid = `补贴 ${(outcome.totalCents / 100).toFixed(2)} 元`;
  // Aid terminated after work was done (S-3.2, L-7) keeps why it ended before the evaluation's result.
  const terminated = ctx.state.closedReason ? `${ctx.state.closedReason}；` : '';
  ctx.state.closedReason = outcome.special
    ? `${terminated}特殊案件，不予评估（S-4.4）；${paid}`
    : `${terminated}质量评估 ${outcome.score} 分（${TIERS[outcome.tier as Tier]}），系数 ${outcome.coefficient}；${paid}（S-4.5）`;
  await ctx.transition('closed', { actor: 'system', ruleIds: ['S-4.4', 'S-4.5'], note: ctx.state.closedReason });
}

/**
 * The evaluation's outcome. A case may find its evaluation already there: an operator's reset (README, "Known
 * problem found by item 1") goes back to before the evaluation started, and Temporal resets leave children alone.
 * Then the case waits for that evaluation instead of failing: a completed one gives its outcome, a running one is
 * waited for, and one that ended without a result (failed, terminated) is started again.
 */
async function evaluationOutcome(ctx: CaseContext, workflowId: string): Promise<EvaluationOutcome> {
  const p = ctx.state.performance!;
  const input: EvaluationInput = {
    applicationNo: ctx.state.applicationNo,
    agencyCode: ctx.state.agencyCode,
    memberId: p.memberId,
    institutionId: p.institutionId,
    matterType: matterTypeOf(ctx.input),
    caseStage: p.caseStage,
    assignedOn: p.assignedOn,
    rules: ctx.rules,
    // S-4.5: aid terminated after the assignment (L-9, or documents of aid accepted first missing) is paid by the
    // fee rule for terminated cases.
    ...(ctx.state.evaluatedAsTerminated ? { terminated: true } : {}),
  };
  // S-3.3: a group case's other confirmed members, each paid their part (the lead is the performance's member).
  const others = (ctx.state.assignment?.slots ?? []).filter(
    (s) => !s.releasedAt && s.memberId && s.memberId !== p.memberId,
  );
  if (others.length > 0) {
    input.otherMembers = others.map((s) => ({ memberId: s.memberId!, institutionId: s.institutionId }));
  }
  for (;;) {
    try {
      return await executeChild<EvaluationWorkflow>('evaluationWorkflow', {
        workflowId,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        args: [input],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await existingEvaluation(workflowId);
      if (existing) return existing;
    }
  }
}

/**
 * The outcome of the evaluation workflow already there, checked after a minute and then at doubling intervals up to
 * a day (an evaluation takes days to weeks); undefined when it ended without one.
 */
async function existingEvaluation(workflowId: string): Promise<EvaluationOutcome | undefined> {
  for (let wait = 60_000; ; wait = Math.min(wait * 2, DAY_MS)) {
    const run = await rotation.evaluationRunOf({ workflowId });
    if (run.status === 'completed') return run.outcome;
    if (run.status === 'ended') return undefined;
    await sleep(wait);
  }
}
