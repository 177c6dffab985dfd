/**
 * Performance of an assigned case (承办): the engagement agreement within 5 days (L-6), progress reports, stage
 * changes that keep the member (S-2.9(b)), termination grounds the member reports (L-9), the closure report with the
 * legal documents and the handling report (L-12), and the institution quality manager's approval of the file before
 * it goes to the agency (S-4.3). A conflict or replacement (S-2.10, L-11) sends the case back to assignment; the
 * handlers for those live in workflows/assignment.ts.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { condition, executeChild, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { fail, oneAtATime, refusalOf } from './handler-support';
import { endOfDayPeriod, lastDayBefore, reminderSchedule } from '../domain/deadlines';
import {
  CASE_STAGES,
  changeCaseStage,
  ERROR_TYPES,
  L9_GROUNDS,
  recordEngagement,
  recordEngagementDelay,
  reportMatterEnded,
  reportProgress,
  reportTerminationGround,
  reviewCaseFile,
  submitCaseFile,
  type CaseStageChangeInput,
  type EngagementDelayInput,
  type MatterEndedInput,
  evaluationWorkflowId,
  type EvaluationInput,
  type EvaluationOutcome,
  type PerformanceState,
  type ProgressReportInput,
  type RecordEngagementInput,
  type ReviewCaseFileInput,
  type SubmitCaseFileInput,
  type TerminationGroundReportInput,
} from '../domain/definitions';
import { STAGES, type Stage } from '../domain/stages';
import { cstDateOf, formatCst, startOfCstDay } from '../domain/time';
import { TIERS, type Tier } from '../domain/quality';
import type { AssignmentContext } from './assignment';
import type { evaluationWorkflow } from './evaluation-workflow';

const rotation = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DAY_MS = 24 * 60 * 60 * 1000;
const PERFORMING: readonly Stage[] = ['assigned', 'performing', 'file_review'];

const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
const today = () => cstDateOf(new Date());

/** The performance record for the assignment just completed (a reassignment starts a new one, L-6 again). */
function startPerformance(ctx: AssignmentContext): PerformanceState {
  const a = ctx.state.assignment!;
  const lead = a.slots.find((s) => !s.releasedAt && s.memberId)!;
  const assignedAt = new Date(a.completedAt!);
  return {
    memberId: lead.memberId!,
    institutionId: lead.institutionId,
    assignedOn: cstDateOf(assignedAt),
    round: a.picks,
    caseStage: ctx.state.performance?.caseStage ?? 'first_instance',
    engagementDueAt: endOfDayPeriod(assignedAt, ctx.rules.engagementDays).toISOString(),
    stageChanges: ctx.state.performance?.stageChanges ?? [],
    progressReports: 0,
    terminationReports: [],
    closureReminders: [],
    qaReviews: [],
  };
}

/**
 * The performance record for the assignment just completed: new on the first assignment, and again when a
 * replacement brought another lead member (L-6: the new member signs again). Called as the case becomes `assigned`,
 * so the stored snapshot of that event already names the member and the L-6 due time (the read model's engagement
 * obligation, issue 8), and again by `performancePhase`, where it then finds nothing left to do.
 */
export function preparePerformance(ctx: AssignmentContext): void {
  const a = ctx.state.assignment!;
  if (ctx.state.performance?.assignedOn !== undefined) {
    const lead = a.slots.find((s) => !s.releasedAt && s.memberId);
    if (lead && lead.memberId !== ctx.state.performance.memberId) ctx.state.performance = startPerformance(ctx);
  }
  if (!ctx.state.performance) ctx.state.performance = startPerformance(ctx);
}

export function registerPerformanceHandlers(ctx: AssignmentContext): void {
  const p = () => ctx.state.performance!;
  const inStage = (...stages: Stage[]) => {
    if (!ctx.state.performance || !stages.includes(ctx.state.stage)) {
      fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不能进行该操作`);
    }
  };
  const member = () => `member:${p().memberId}`;
  // One step with an await at a time for stage changes and the file: validators refuse while one runs.
  const turn = oneAtATime('正在处理另一项操作，请稍后重试');
  const head = () => `agency_head:${ctx.state.agencyCode}`;

  setHandler(
    recordEngagement,
    async ({ signedOn, recordedBy }) => {
      const late = Date.parse(p().engagementDueAt) <= startOfCstDay(signedOn).getTime();
      p().engagement = { signedOn, recordedBy, recordedAt: new Date().toISOString(), late };
      const delay = p().engagementDelay;
      const why =
        late && delay
          ? `；延迟原因（${delay.cause === 'aided_person' ? '受援人原因' : '其他客观原因'}）：${delay.reason}`
          : '';
      await ctx.transition('performing', {
        actor: recordedBy,
        ruleIds: ['L-6'],
        note: `${signedOn} 签订委托协议和授权委托书${late ? `（超过 ${ctx.rules.engagementDays} 日期限，L-6）` : ''}${why}`,
      });
      return p();
    },
    {
      validator: ({ signedOn }: RecordEngagementInput) => {
        inStage('assigned');
        if (!isDate(signedOn)) fail('签订日期格式应为 YYYY-MM-DD', ERROR_TYPES.invalidInput);
        if (signedOn > today()) fail('签订日期不能晚于今天', ERROR_TYPES.invalidInput);
        if (signedOn < p().assignedOn) fail('签订日期不能早于指派日期', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    recordEngagementDelay,
    async ({ cause, reason, recordedBy }) => {
      p().engagementDelay = { cause, reason, recordedBy, recordedAt: new Date().toISOString() };
      const who = cause === 'aided_person' ? '受援人原因' : '其他客观原因';
      await ctx.record({ actor: recordedBy, ruleIds: ['L-6'], note: `委托协议延迟签订（${who}）：${reason}` });
      return p();
    },
    {
      validator: ({ reason }: EngagementDelayInput) => {
        inStage('assigned');
        if (!reason.trim()) fail('须说明延迟签订的原因（L-6）', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    reportProgress,
    async ({ note, reportedBy }) => {
      p().progressReports += 1;
      p().lastProgressAt = new Date().toISOString();
      await ctx.record({ actor: reportedBy, ruleIds: ['S-4.2'], note: `办案进展：${note}` });
      return p();
    },
    {
      validator: ({ note }: ProgressReportInput) => {
        inStage('performing');
        if (!note.trim()) fail('请填写办案进展', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    changeCaseStage,
    async ({ to, note, changedBy }) =>
      turn.run(async () => {
        const from = p().caseStage;
        const n = p().stageChanges.length + 1;
        // S-2.9(b): the same aided person, the same case, a later stage: the same member, turn deducted.
        const [pick] = await rotation
          .pickForCase({
            agencyCode: ctx.state.agencyCode,
            applicationNo: ctx.state.applicationNo,
            purposes: [`stage-${n}`],
            request: { priority: { rule: 'S-2.9(b)', memberId: p().memberId } },
            rotation: { excellentThreshold: ctx.rules.excellentThreshold, excellentWeight: ctx.rules.excellentWeight },
            reason: `案件进入${CASE_STAGES[to]}，由原承办人员继续承办（S-2.9(b)）`,
          })
          .catch((err: unknown) => {
            const refusal = refusalOf(err, ERROR_TYPES.unassignable);
            if (refusal !== undefined) fail(`${refusal}；请申请更换承办人员（L-11）`, ERROR_TYPES.unassignable);
            throw err;
          });
        p().caseStage = to;
        p().stageChanges.push({ from, to, at: new Date().toISOString(), by: changedBy, ledgerSeq: pick!.seq });
        await ctx.record({
          actor: changedBy,
          ruleIds: ['S-2.9(b)'],
          note: `${CASE_STAGES[from]} -> ${CASE_STAGES[to]}，由 ${p().memberId} 继续承办（扣除轮次，轮流指派记录第 ${pick!.seq} 号）：${note}`,
        });
        return p();
      }),
    {
      validator: ({ to }: CaseStageChangeInput) => {
        turn.check();
        inStage('performing');
        if (!(to in CASE_STAGES)) fail('诉讼阶段不正确', ERROR_TYPES.invalidInput);
        if (to === p().caseStage) fail(`案件已处于${CASE_STAGES[to]}`, ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    reportTerminationGround,
    async ({ ground, facts, reportedBy }) => {
      p().terminationReports.push({ ground, at: new Date().toISOString(), by: reportedBy });
      const note = `承办人员报告终止法律援助的情形：${L9_GROUNDS[ground]}。${facts}（L-9）`;
      await ctx.record({ actor: reportedBy, ruleIds: ['L-9'], note });
      void ctx.notify(
        `termination-ground-${p().round ?? 0}-${p().terminationReports.length}`,
        'termination_ground_reported',
        `【终止情形报告】法律援助案件 ${ctx.state.applicationNo}：${L9_GROUNDS[ground]}，请审查是否终止法律援助（L-9）。`,
        head(),
      );
      return p();
    },
    {
      validator: ({ ground, facts }: TerminationGroundReportInput) => {
        inStage('assigned', 'performing');
        if (!(ground in L9_GROUNDS)) fail('终止情形不正确（L-9）', ERROR_TYPES.invalidInput);
        if (!facts.trim()) fail('请说明相关事实（L-9）', ERROR_TYPES.invalidInput);
      },
    },
  );

  const matterEnded = async (endedOn: string, by: string) => {
    const dueAt = endOfDayPeriod(startOfCstDay(endedOn), ctx.rules.closureReportDays);
    p().matterEndedOn = endedOn;
    p().closureDueAt = dueAt.toISOString();
    await ctx.record({
      actor: by,
      ruleIds: ['L-12'],
      note: `案件于 ${endedOn} 办结，应于 ${lastDayBefore(dueAt)} 前提交结案材料（L-12）`,
    });
  };

  setHandler(
    reportMatterEnded,
    async ({ endedOn, reportedBy }) =>
      turn.run(async () => {
        await matterEnded(endedOn, reportedBy);
        return p();
      }),
    {
      validator: ({ endedOn }: MatterEndedInput) => {
        turn.check();
        inStage('performing');
        if (p().matterEndedOn) fail(`已报告案件于 ${p().matterEndedOn} 办结`);
        if (!isDate(endedOn) || endedOn > today()) fail('办结日期应为不晚于今天的日期', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    submitCaseFile,
    async ({ documents, report, matterEndedOn, submittedBy }) =>
      turn.run(async () => {
        if (!p().matterEndedOn) await matterEnded(matterEndedOn!, submittedBy);
        const round = (p().caseFile?.round ?? 0) + 1;
        p().caseFile = { submittedAt: new Date().toISOString(), submittedBy, documents: [...documents], round };
        const late = p().closureDueAt !== undefined && Date.now() > Date.parse(p().closureDueAt!);
        await ctx.transition('file_review', {
          actor: submittedBy,
          ruleIds: ['L-12', 'S-4.3'],
          note: `提交结案材料（第 ${round} 次）${late ? '（超过结案期限，L-12）' : ''}：${documents.join('、')}\n办案小结：${report}`,
        });
        void ctx.notify(
          `case-file-review-${p().round ?? 0}-${round}`,
          'case_file_review',
          `【卷宗审查】法律援助案件 ${ctx.state.applicationNo} 的结案材料已提交，请质量管理员审查后上传法律援助机构（S-4.3）。`,
          `institution:${p().institutionId}`,
        );
        return p();
      }),
    {
      validator: ({ documents, report, matterEndedOn }: SubmitCaseFileInput) => {
        turn.check();
        inStage('performing');
        if (documents.length === 0 || documents.some((d) => !d.trim())) {
          fail('须附法律文书副本（L-12）', ERROR_TYPES.invalidInput);
        }
        if (!report.trim()) fail('须附办案小结（L-12）', ERROR_TYPES.invalidInput);
        if (!p().matterEndedOn && (!matterEndedOn || !isDate(matterEndedOn) || matterEndedOn > today())) {
          fail('请注明案件办结日期', ERROR_TYPES.invalidInput);
        }
      },
    },
  );

  setHandler(
    reviewCaseFile,
    async ({ approved, comments, reviewedBy }) => {
      const round = p().caseFile!.round;
      const at = new Date().toISOString();
      p().qaReviews.push({ round, approved, by: reviewedBy, at, comments });
      if (approved) {
        p().approvedAt = at;
        await ctx.transition('evaluating', {
          actor: reviewedBy,
          ruleIds: ['S-4.3', 'S-4.4'],
          note: `质量管理员审查通过，卷宗上传法律援助机构${comments.trim() ? `：${comments}` : ''}`,
        });
      } else {
        await ctx.transition('performing', {
          actor: reviewedBy,
          ruleIds: ['S-4.3'],
          note: `质量管理员退回结案材料：${comments}`,
        });
        void ctx.notify(
          `case-file-returned-${p().round ?? 0}-${round}`,
          'case_file_returned',
          `【卷宗退回】法律援助案件 ${ctx.state.applicationNo} 的结案材料被退回：${comments}`,
          member(),
        );
      }
      return p();
    },
    {
      validator: ({ approved, comments }: ReviewCaseFileInput) => {
        inStage('file_review');
        if (!approved && !comments.trim()) fail('退回须写明意见（S-4.3）', ERROR_TYPES.invalidInput);
      },
    },
  );
}

/**
 * L-12: the closure report is owed while performing after the end of the matter; a file the quality manager returned
 * is owed again (cases started before this stopped chasing after a first submission: patch).
 */
function closureOpen(ctx: AssignmentContext): boolean {
  const p = ctx.state.performance!;
  if (ctx.state.stage !== 'performing' || !p.closureDueAt) return false;
  return !p.caseFile || patched('closure-chase-after-return');
}

/** Deadlines of the performance: L-6 reminder and escalation, L-12 reminders and overdue. */
function nextDeadline(ctx: AssignmentContext): number | undefined {
  const p = ctx.state.performance!;
  const times: number[] = [];
  if (ctx.state.stage === 'assigned' && !p.engagement) {
    if (!p.engagementReminded) times.push(Date.parse(p.engagementDueAt) - DAY_MS);
    if (!p.engagementEscalated) times.push(Date.parse(p.engagementDueAt));
  }
  if (closureOpen(ctx)) {
    for (const r of closureReminders(ctx)) times.push(r.at.getTime());
    if (!p.closureOverdue) times.push(Date.parse(p.closureDueAt!));
  }
  return times.length ? Math.min(...times) : undefined;
}

function closureReminders(ctx: AssignmentContext) {
  const p = ctx.state.performance!;
  return reminderSchedule(new Date(p.closureDueAt!), ctx.rules.closureReminderDaysBefore, ctx.rules.reminderHourCst)
    .map((r) => ({ ...r, key: r.key.replace('correction-', 'closure-') }))
    .filter((r) => !p.closureReminders.includes(r.key));
}

async function onDeadlines(ctx: AssignmentContext): Promise<void> {
  const p = ctx.state.performance!;
  const now = Date.now();
  const member = `member:${p.memberId}`;
  if (ctx.state.stage === 'assigned' && !p.engagement) {
    if (!p.engagementReminded && now >= Date.parse(p.engagementDueAt) - DAY_MS) {
      p.engagementReminded = true;
      void ctx.notify(
        `engagement-reminder-${p.round ?? 0}`,
        'engagement_reminder',
        `【签约提醒】请于 ${formatCst(new Date(p.engagementDueAt))} 前与受援人签订委托协议和授权委托书（案件 ${ctx.state.applicationNo}，L-6）。`,
        member,
      );
    }
    if (!p.engagementEscalated && now >= Date.parse(p.engagementDueAt)) {
      p.engagementEscalated = true;
      const delay = p.engagementDelay ? `；已记录延迟原因：${p.engagementDelay.reason}` : '';
      const note = `${ctx.rules.engagementDays} 日内未签订委托协议（L-6）${delay}`;
      await ctx.record({ actor: 'system', ruleIds: ['L-6'], note });
      void ctx.notify(
        `engagement-overdue-${p.round ?? 0}`,
        'engagement_overdue',
        `【签约逾期】法律援助案件 ${ctx.state.applicationNo}：${note}。`,
        `agency_head:${ctx.state.agencyCode}`,
      );
    }
  }
  if (closureOpen(ctx)) {
    for (const r of closureReminders(ctx).filter((x) => x.at.getTime() <= now)) {
      p.closureReminders.push(r.key);
      void ctx.notify(
        r.key,
        'closure_reminder',
        `【结案提醒】法律援助案件 ${ctx.state.applicationNo} 的结案材料应于 ${lastDayBefore(new Date(p.closureDueAt!))} 前提交（L-12）。`,
        member,
      );
    }
    if (!p.closureOverdue && now >= Date.parse(p.closureDueAt!)) {
      p.closureOverdue = true;
      const note = `超过 ${ctx.rules.closureReportDays} 日未提交结案材料（L-12）`;
      await ctx.record({ actor: 'system', ruleIds: ['L-12'], note });
      void ctx.notify(
        `closure-overdue-${p.round ?? 0}`,
        'closure_overdue',
        `【结案逾期】法律援助案件 ${ctx.state.applicationNo}：${note}。`,
        `agency_head:${ctx.state.agencyCode}`,
      );
    }
  }
}

/**
 * From `assigned` to the approved file: returns when the case moves on (evaluating), back to assignment (S-2.10,
 * L-11) or is terminated (L-9).
 */
export async function performancePhase(ctx: AssignmentContext): Promise<void> {
  const a = ctx.state.assignment!;
  if (ctx.state.stage === 'assigned') preparePerformance(ctx);
  if (!ctx.state.performance) ctx.state.performance = startPerformance(ctx);
  const p = ctx.state.performance;
  const lead = a.slots.find((s) => !s.releasedAt && s.memberId);
  if (
    ctx.state.stage === 'assigned' &&
    p.engagement &&
    lead?.memberId === p.memberId &&
    patched('resume-after-member-change')
  ) {
    // A group case's other member was replaced (S-2.10, L-11): the lead member, already engaged, carries on.
    await ctx.transition('performing', {
      actor: 'system',
      ruleIds: ['L-11', 'S-2.10'],
      note: `承办人员变更后，${p.memberId} 继续承办（已签订委托协议，L-6）`,
    });
  }
  for (;;) {
    if (!PERFORMING.includes(ctx.state.stage)) return;
    const seq = ctx.state.seq;
    const stage = ctx.state.stage;
    const due = nextDeadline(ctx);
    const changed = () => ctx.state.seq !== seq || ctx.state.stage !== stage;
    if (due === undefined) await condition(changed);
    else if (!(await condition(changed, Math.max(1, due - Date.now())))) await onDeadlines(ctx);
  }
}

/**
 * The outcome of the evaluation workflow already there (see evaluationPhase), checked after a minute and then at
 * doubling intervals up to a day (an evaluation takes days to weeks); undefined when it ended without one.
 */
async function existingEvaluation(workflowId: string): Promise<EvaluationOutcome | undefined> {
  for (let wait = 60_000; ; wait = Math.min(wait * 2, DAY_MS)) {
    const run = await rotation.evaluationRunOf({ workflowId });
    if (run.status === 'completed') return run.outcome;
    if (run.status === 'ended') return undefined;
    await sleep(wait);
  }
}

/** S-4.5 fee schedule: the matter's type, from the channel and category. */
function matterType(ctx: AssignmentContext): EvaluationInput['matterType'] {
  const category = ctx.input.matter.category;
  if (ctx.input.channel === 'notification' || category === 'criminal_defence' || category === 'criminal_victim') {
    return 'criminal';
  }
  return category === 'state_compensation' ? 'administrative' : 'civil';
}

/**
 * S-4.4, S-4.5: the evaluation runs as a child workflow (its own durable process and history, id
 * `evaluation-<applicationNo>`); when it ends (result final, payout recorded, interview held) the case is closed.
 */
export async function evaluationPhase(ctx: AssignmentContext): Promise<void> {
  const p = ctx.state.performance!;
  const workflowId = evaluationWorkflowId(ctx.state.applicationNo);
  ctx.state.evaluation = { workflowId };
  // A case may find its evaluation already there: an operator's reset (README, "Known problem found by item 1") goes
  // back to before the evaluation started, and Temporal resets leave children alone. Then the case waits for that
  // evaluation instead of failing: a completed one gives its outcome, a running one is waited for, and one that ended
  // without a result (failed, terminated) is started again. Cases recorded before this did not ask (no marker).
  const attach = patched('evaluation-attach');
  const start = () =>
    executeChild<typeof evaluationWorkflow>('evaluationWorkflow', {
      workflowId,
      ...(attach ? { workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const } : {}),
      args: [
        {
          applicationNo: ctx.state.applicationNo,
          agencyCode: ctx.state.agencyCode,
          memberId: p.memberId,
          institutionId: p.institutionId,
          matterType: matterType(ctx),
          caseStage: p.caseStage,
          assignedOn: p.assignedOn,
          rules: ctx.input.rules,
        },
      ],
    });
  let outcome: EvaluationOutcome | undefined;
  while (!outcome) {
    try {
      outcome = await start();
    } catch (err) {
      if (!attach || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      outcome = await existingEvaluation(workflowId);
    }
  }
  ctx.state.evaluation = { workflowId, outcome };
  const paid = `补贴 ${(outcome.totalCents / 100).toFixed(2)} 元`;
  ctx.state.closedReason = outcome.special
    ? `特殊案件，不予评估（S-4.4）；${paid}`
    : `质量评估 ${outcome.score} 分（${TIERS[outcome.tier as Tier]}），系数 ${outcome.coefficient}；${paid}（S-4.5）`;
  await ctx.transition('closed', { actor: 'system', ruleIds: ['S-4.4', 'S-4.5'], note: ctx.state.closedReason });
}
