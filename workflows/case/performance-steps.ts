/**
 * The staff steps of performance (承办): the engagement agreement within 5 days (L-6) or the reason for its delay,
 * progress reports (S-4.2), stage changes that keep the member (S-2.9(b)), termination grounds the member reports
 * (L-9), the end of the matter and the closure report (L-12), and the institution quality manager's review of the
 * file (S-4.3). Steps run one at a time in arrival order (workflows/support/steps.ts); a refusal changes nothing.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { baseRequest } from '../../domain/assignment';
import { movedText } from '../../domain/calendar';
import { dayPeriod } from '../../domain/deadlines';
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
  type CaseStage,
  type EngagementDelayInput,
  type PerformanceState,
} from '../../domain/definitions';
import { STAGES, type Stage } from '../../domain/stages';
import { cstDateOf, formatCstDay, startOfCstDay } from '../../domain/time';
import { fail, notice, rotation, type CaseContext } from './context';

const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
const today = () => cstDateOf(new Date());
const causeOf = (cause: EngagementDelayInput['cause']) => (cause === 'aided_person' ? '受援人原因' : '其他客观原因');
const perf = (ctx: CaseContext): PerformanceState => ctx.state.performance!;

/** The message of a business refusal of `type` carried by a failed activity, or undefined for any other failure. */
function refusalOf(err: unknown, type: string): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === type ? cause.message : undefined;
}

/** Refuses a step unless the case performs and is in one of `stages`. */
function inStage(ctx: CaseContext, ...stages: Stage[]): void {
  if (!ctx.state.performance || !stages.includes(ctx.state.stage)) {
    fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不能进行该操作`);
  }
}

export function registerPerformanceSteps(ctx: CaseContext): void {
  engagementSteps(ctx);
  progressSteps(ctx);
  terminationGroundStep(ctx);
  closureSteps(ctx);
  reviewStep(ctx);
}

/** L-6: the agreement signed (the case is then performing), or the reason it is signed late. */
function engagementSteps(ctx: CaseContext): void {
  ctx.steps.on(recordEngagement, {
    validate({ signedOn }) {
      inStage(ctx, 'assigned');
      if (!isDate(signedOn)) fail('签订日期格式应为 YYYY-MM-DD', ERROR_TYPES.invalidInput);
      if (signedOn > today()) fail('签订日期不能晚于今天', ERROR_TYPES.invalidInput);
      if (signedOn < perf(ctx).assignedOn) fail('签订日期不能早于指派日期', ERROR_TYPES.invalidInput);
    },
    run: async ({ signedOn, recordedBy }) => {
      const p = perf(ctx);
      const late = Date.parse(p.engagementDueAt) <= startOfCstDay(signedOn).getTime();
      p.engagement = { signedOn, recordedBy, recordedAt: new Date().toISOString(), late };
      const delay = p.engagementDelay;
      const why = late && delay ? `；延迟原因（${causeOf(delay.cause)}）：${delay.reason}` : '';
      await ctx.transition('performing', {
        actor: recordedBy,
        ruleIds: ['L-6'],
        note: `${signedOn} 签订委托协议和授权委托书${late ? `（超过 ${ctx.rules.engagementDays} 日期限，L-6）` : ''}${why}`,
      });
      return p;
    },
  });

  ctx.steps.on(recordEngagementDelay, {
    validate({ reason }) {
      inStage(ctx, 'assigned');
      if (!reason.trim()) fail('须说明延迟签订的原因（L-6）', ERROR_TYPES.invalidInput);
    },
    run: async ({ cause, reason, recordedBy }) => {
      const p = perf(ctx);
      p.engagementDelay = { cause, reason, recordedBy, recordedAt: new Date().toISOString() };
      await ctx.record({
        actor: recordedBy,
        ruleIds: ['L-6'],
        note: `委托协议延迟签订（${causeOf(cause)}）：${reason}`,
      });
      return p;
    },
  });
}

/**
 * S-2.9(b): the same aided person, the same case, a later stage: the same member, turn deducted. Answers the
 * rotation ledger's number; the rotation's refusal (the member can no longer be picked) refuses the step.
 */
async function keepMember(ctx: CaseContext, to: CaseStage): Promise<number> {
  const p = perf(ctx);
  const [pick] = await ctx
    .call(() =>
      rotation.pickForCase({
        agencyCode: ctx.state.agencyCode,
        applicationNo: ctx.state.applicationNo,
        purposes: [`stage-${p.stageChanges.length + 1}`],
        request: { ...baseRequest(ctx.input), priority: { rule: 'S-2.9(b)', memberId: p.memberId } },
        rotation: { excellentThreshold: ctx.rules.excellentThreshold, excellentWeight: ctx.rules.excellentWeight },
        reason: `案件进入${CASE_STAGES[to]}，由原承办人员继续承办（S-2.9(b)）`,
      }),
    )
    .catch((err: unknown) => {
      const refusal = refusalOf(err, ERROR_TYPES.unassignable);
      if (refusal !== undefined) fail(`${refusal}；请申请更换承办人员（L-11）`, ERROR_TYPES.unassignable);
      throw err;
    });
  return pick!.seq;
}

/** S-4.2 progress reports; S-2.9(b): a later stage of the matter keeps the member, turn deducted. */
function progressSteps(ctx: CaseContext): void {
  ctx.steps.on(reportProgress, {
    validate({ note }) {
      inStage(ctx, 'performing');
      if (!note.trim()) fail('请填写办案进展', ERROR_TYPES.invalidInput);
    },
    run: async ({ note, reportedBy }) => {
      const p = perf(ctx);
      p.progressReports += 1;
      p.lastProgressAt = new Date().toISOString();
      await ctx.record({ actor: reportedBy, ruleIds: ['S-4.2'], note: `办案进展：${note}` });
      return p;
    },
  });

  ctx.steps.on(changeCaseStage, {
    validate({ to }) {
      inStage(ctx, 'performing');
      if (!(to in CASE_STAGES)) fail('诉讼阶段不正确', ERROR_TYPES.invalidInput);
      if (to === perf(ctx).caseStage) fail(`案件已处于${CASE_STAGES[to]}`, ERROR_TYPES.invalidInput);
    },
    run: async ({ to, note, changedBy }) => {
      const p = perf(ctx);
      const from = p.caseStage;
      const ledgerSeq = await keepMember(ctx, to);
      p.caseStage = to;
      p.stageChanges.push({ from, to, at: new Date().toISOString(), by: changedBy, ledgerSeq });
      await ctx.record({
        actor: changedBy,
        ruleIds: ['S-2.9(b)'],
        note: `${CASE_STAGES[from]} -> ${CASE_STAGES[to]}，由 ${p.memberId} 继续承办（扣除轮次，轮流指派记录第 ${ledgerSeq} 号）：${note}`,
      });
      return p;
    },
  });
}

/** L-9: the member reports a ground for termination; the agency head is told to review it. */
function terminationGroundStep(ctx: CaseContext): void {
  ctx.steps.on(reportTerminationGround, {
    validate({ ground, facts }) {
      inStage(ctx, 'assigned', 'performing');
      if (!(ground in L9_GROUNDS)) fail('终止情形不正确（L-9）', ERROR_TYPES.invalidInput);
      if (!facts.trim()) fail('请说明相关事实（L-9）', ERROR_TYPES.invalidInput);
    },
    run: async ({ ground, facts, reportedBy }) => {
      const p = perf(ctx);
      p.terminationReports.push({ ground, at: new Date().toISOString(), by: reportedBy });
      const note = `承办人员报告终止法律援助的情形：${L9_GROUNDS[ground]}。${facts}（L-9）`;
      const toHead = notice(
        `termination-ground-${p.round ?? 0}-${p.terminationReports.length}`,
        'termination_ground_reported',
        `【终止情形报告】法律援助案件 ${ctx.state.applicationNo}：${L9_GROUNDS[ground]}，请审查是否终止法律援助（L-9）。`,
        `agency_head:${ctx.state.agencyCode}`,
      );
      await ctx.record({ actor: reportedBy, ruleIds: ['L-9'], note }, [toHead]);
      return p;
    },
  });
}

/** L-12: the end of the matter starts the closure report's period. */
async function matterEnded(ctx: CaseContext, endedOn: string, by: string): Promise<void> {
  const p = perf(ctx);
  const period = dayPeriod(startOfCstDay(endedOn), ctx.rules.closureReportDays, ctx.calendar);
  const dueAt = period.dueAt;
  p.matterEndedOn = endedOn;
  p.closureDueAt = dueAt.toISOString();
  const note = `案件于 ${endedOn} 办结，应于 ${formatCstDay(period.lastDay)}（含当日）前提交结案材料${movedText(period.moved)}（L-12）`;
  await ctx.record({ actor: by, ruleIds: ['L-12'], note });
}

/** L-12: the end of the matter, and the file (legal documents and the handling report) for the quality manager. */
function closureSteps(ctx: CaseContext): void {
  ctx.steps.on(reportMatterEnded, {
    validate({ endedOn }) {
      inStage(ctx, 'performing');
      if (perf(ctx).matterEndedOn) fail(`已报告案件于 ${perf(ctx).matterEndedOn} 办结`);
      if (!isDate(endedOn) || endedOn > today()) fail('办结日期应为不晚于今天的日期', ERROR_TYPES.invalidInput);
    },
    run: async ({ endedOn, reportedBy }) => {
      await matterEnded(ctx, endedOn, reportedBy);
      return perf(ctx);
    },
  });

  ctx.steps.on(submitCaseFile, {
    validate({ documents, report, matterEndedOn }) {
      inStage(ctx, 'performing');
      if (documents.length === 0 || documents.some((d) => !d.trim())) {
        fail('须附法律文书副本（L-12）', ERROR_TYPES.invalidInput);
      }
      if (!report.trim()) fail('须附办案小结（L-12）', ERROR_TYPES.invalidInput);
      if (!perf(ctx).matterEndedOn && (!matterEndedOn || !isDate(matterEndedOn) || matterEndedOn > today())) {
        fail('请注明案件办结日期', ERROR_TYPES.invalidInput);
      }
    },
    run: async ({ documents, report, matterEndedOn, submittedBy }) => {
      const p = perf(ctx);
      if (!p.matterEndedOn) await matterEnded(ctx, matterEndedOn!, submittedBy);
      const round = (p.caseFile?.round ?? 0) + 1;
      p.caseFile = { submittedAt: new Date().toISOString(), submittedBy, documents: [...documents], round };
      const late = p.closureDueAt !== undefined && Date.now() > Date.parse(p.closureDueAt);
      const toQualityManager = notice(
        `case-file-review-${p.round ?? 0}-${round}`,
        'case_file_review',
        `【卷宗审查】法律援助案件 ${ctx.state.applicationNo} 的结案材料已提交，请质量管理员审查后上传法律援助机构（S-4.3）。`,
        `institution:${p.institutionId}`,
      );
      const note = `提交结案材料（第 ${round} 次）${late ? '（超过结案期限，L-12）' : ''}：${documents.join('、')}\n办案小结：${report}`;
      await ctx.transition('file_review', { actor: submittedBy, ruleIds: ['L-12', 'S-4.3'], note }, [toQualityManager]);
      return p;
    },
  });
}

/** S-4.3: the quality manager approves the file (it goes to the agency: evaluation) or returns it to the member. */
function reviewStep(ctx: CaseContext): void {
  ctx.steps.on(reviewCaseFile, {
    validate({ approved, comments }) {
      inStage(ctx, 'file_review');
      if (!approved && !comments.trim()) fail('退回须写明意见（S-4.3）', ERROR_TYPES.invalidInput);
    },
    run: async ({ approved, comments, reviewedBy }) => {
      const p = perf(ctx);
      const round = p.caseFile!.round;
      const at = new Date().toISOString();
      p.qaReviews.push({ round, approved, by: reviewedBy, at, comments });
      if (approved) {
        p.approvedAt = at;
        const note = `质量管理员审查通过，卷宗上传法律援助机构${comments.trim() ? `：${comments}` : ''}`;
        await ctx.transition('evaluating', { actor: reviewedBy, ruleIds: ['S-4.3', 'S-4.4'], note });
        return p;
      }
      const toMember = notice(
        `case-file-returned-${p.round ?? 0}-${round}`,
        'case_file_returned',
        `【卷宗退回】法律援助案件 ${ctx.state.applicationNo} 的结案材料被退回：${comments}`,
        `member:${p.memberId}`,
      );
      const note = `质量管理员退回结案材料：${comments}`;
      await ctx.transition('performing', { actor: reviewedBy, ruleIds: ['S-4.3'], note }, [toMember]);
      return p;
    },
  });
}
