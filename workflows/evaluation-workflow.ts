/**
 * The mandatory evaluation of a closed case (每案必评, S-4.4) as its own durable process, started by the case's
 * workflow once the quality manager approved the file (S-4.3):
 *
 *   waiting_evaluator --assignEvaluator--> scoring --submitScore--> (excellent | unqualified) expert_review
 *   --> the result applies (S-4.5 payout, S-2.8(a) removal, S-4.6 interview)
 *   --> unqualified: objection_window (the member may object) --> objection_review (city centre)
 *   --> otherwise: a random sample goes to spot_check (city centre) --> final
 *   waiting_evaluator | scoring --markSpecial--> special (not evaluated; paid by the agency's rule, S-4.5)
 *
 * Every change of the score in force re-applies all consequences: the payout is corrected by an adjusting line, a
 * removal is reversed, an interview cancelled (or scheduled). Each step has a deadline with a reminder and an
 * escalation. The workflow ends once the result is final and any interview (S-4.6) is recorded.
 */
import {
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { poolImpactWorkflow } from './pool-impact';
import type { createActivities } from '../activities';
import { fail, oneAtATime, refusalOf } from './handler-support';
import { endOfDayPeriod } from '../domain/deadlines';
import {
  assignEvaluator,
  decideScoreObjection,
  ERROR_TYPES,
  expertReview,
  getEvaluation,
  markSpecial,
  objectToScore,
  poolImpactWorkflowId,
  recordInterview,
  spotCheck,
  submitScore,
  type AssignEvaluatorInput,
  type EvaluationInput,
  type EvaluationObjectionInput,
  type EvaluationOutcome,
  type EvaluationState,
  type MarkSpecialInput,
  type RecordInterviewInput,
  type ReviewScoreInput,
  type ScoreRecord,
  type SubmitScoreInput,
} from '../domain/definitions';
import {
  needsExpertReview,
  needsInterview,
  removesMember,
  scoreSheet,
  ScoreSheetError,
  TIERS,
  tierOf,
  type Tier,
} from '../domain/quality';
import { withDefaults } from '../domain/rule-config';
import { cstDateOf, formatCst } from '../domain/time';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DAY_MS = 24 * 60 * 60 * 1000;

const STATUS_LABELS: Record<EvaluationState['status'], string> = {
  waiting_evaluator: '待指定评估人员',
  scoring: '评分中',
  expert_review: '专家复评中',
  objection_window: '异议期内',
  objection_review: '异议复核中',
  spot_check: '抽查中',
  final: '评估完成',
  special: '特殊案件，不予评估',
};

export async function evaluationWorkflow(input: EvaluationInput): Promise<EvaluationOutcome> {
  const rules = withDefaults(input.rules);
  const stepDue = () => endOfDayPeriod(new Date(), rules.evaluationStepDays).toISOString();
  const state: EvaluationState = {
    applicationNo: input.applicationNo,
    agencyCode: input.agencyCode,
    memberId: input.memberId,
    institutionId: input.institutionId,
    status: 'waiting_evaluator',
    statusSince: new Date().toISOString(),
    dueAt: stepDue(),
    seq: 1,
    sheetKind: input.matterType === 'criminal' ? 'criminal' : 'civil_administrative',
    scores: [],
    payouts: [],
  };
  const head = `agency_head:${input.agencyCode}`;
  const city = 'city_centre:SX';
  const member = `member:${input.memberId}`;

  // Stored in order, one write after another (the `evaluation` row; a late write never overwrites a newer one).
  let persisted: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    state.seq += 1;
    const snapshot = JSON.parse(JSON.stringify(state)) as EvaluationState;
    persisted = persisted.then(() => acts.recordEvaluation({ state: snapshot }));
    return persisted;
  };
  const notices: Promise<void>[] = [];
  const notify = (key: string, template: string, body: string, recipient: string) => {
    const sent = persisted
      .then(() =>
        acts.queueNotice({ applicationNo: input.applicationNo, obligationKey: key, template, body, recipient }),
      )
      .then((ids) => Promise.all(ids.map((id) => acts.deliverNotice({ id }))))
      .then(() => undefined);
    notices.push(sent);
  };

  function moveTo(status: EvaluationState['status'], dueAt?: string): void {
    state.status = status;
    state.statusSince = new Date().toISOString();
    state.dueAt = dueAt;
    state.reminded = false;
    state.escalated = false;
  }

  /** The next step once the result applies: the member may object to an unqualified result, else a spot check. */
  function afterResult(): void {
    const tier = state.current!.tier as Tier;
    if (tier === 'unqualified' && !state.objection) {
      moveTo('objection_window', endOfDayPeriod(new Date(), rules.evaluationObjectionDays).toISOString());
      notify(
        `evaluation-unqualified-${state.current!.version}`,
        'evaluation_unqualified',
        `【评估结果】法律援助案件 ${input.applicationNo} 评为不合格（${state.current!.score} 分）。如有异议，请于 ${formatCst(new Date(state.dueAt!))} 前提出（S-4.4）。`,
        member,
      );
      return;
    }
    // S-4.4: the city centre spot-checks a random sample of the other results (deterministic in the workflow).
    if (!needsExpertReview(tier) && !state.spotChecked && Math.random() < rules.spotCheckRate) {
      state.spotChecked = true;
      moveTo('spot_check', stepDue());
      return;
    }
    finalize();
  }

  function finalize(): void {
    moveTo('final');
    state.finalizedAt = new Date().toISOString();
  }

  /** S-4.5, S-2.8(a), S-4.6: the score in force changed (or was set): apply every consequence for this version. */
  async function applyScore(record: ScoreRecord): Promise<void> {
    const t = tierOf(record.score, rules.qualityTiers);
    const version = (state.current?.version ?? 0) + 1;
    const before = state.current;
    state.current = { score: record.score, tier: t.tier, coefficient: t.coefficient, version };
    const key = `eval-${input.applicationNo}-v${version}`;
    // S-2.8(a): a score of 65 or below removes the member at once; a score changed above it reverses the removal.
    if (removesMember(record.score, rules.removalThreshold)) {
      if (!state.removal?.removed || state.removal.reversed) {
        const r = await acts.removeForScore({
          memberId: input.memberId,
          applicationNo: input.applicationNo,
          score: record.score,
          requestId: key,
        });
        state.removal = { version, removed: r.removed };
      }
    } else if (state.removal?.removed && !state.removal.reversed) {
      const r = await acts.reverseScoreRemoval({
        memberId: input.memberId,
        applicationNo: input.applicationNo,
        actor: 'system',
        requestId: key,
      });
      state.removal = { ...state.removal, reversed: r.reversed };
      // Back to an S-2.8(b) impact period still running: its timer must run for the reversal event.
      if (r.impactTimer) {
        await startChild<typeof poolImpactWorkflow>('poolImpactWorkflow', {
          workflowId: poolImpactWorkflowId(r.impactTimer.eventId),
          args: [{ memberId: input.memberId, eventId: r.impactTimer.eventId, until: r.impactTimer.until }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }).catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        });
      }
    }
    // S-4.6: interview of the member and the institution's head for 65 and below; cancelled if the score rises.
    const interview = state.interview;
    if (needsInterview(record.score, rules.removalThreshold)) {
      if (!interview || interview.cancelled) {
        state.interview = { version, dueAt: endOfDayPeriod(new Date(), rules.interviewDays).toISOString() };
        for (const to of [member, `institution:${input.institutionId}`]) {
          notify(
            `interview-${version}-${to.split(':')[0]}`,
            'interview_scheduled',
            `【约谈通知】法律援助案件 ${input.applicationNo} 评估为${TIERS[t.tier]}（${record.score} 分），法律援助机构将于 ${formatCst(new Date(state.interview.dueAt))} 前约谈承办人员及所在机构负责人（S-4.6）。`,
            to,
          );
        }
      }
    } else if (interview && !interview.heldOn && !interview.cancelled) {
      interview.cancelled = true;
    }
    await save();
    await pay(version);
    const changed = before ? `，由 ${before.score} 分（${TIERS[before.tier as Tier]}）更正` : '';
    notify(
      `evaluation-result-v${version}`,
      'evaluation_result',
      `【评估结果】法律援助案件 ${input.applicationNo}：${record.score} 分，${TIERS[t.tier]}，补贴系数 ${t.coefficient}${changed}（S-4.5）。`,
      member,
    );
  }

  /** S-4.5: the payout for the score in force; a missing fee schedule is retried daily (the agency is told once). */
  async function pay(version: number, special = false): Promise<void> {
    try {
      const r = await acts.recordPayout({
        applicationNo: input.applicationNo,
        agencyCode: input.agencyCode,
        memberId: input.memberId,
        institutionId: input.institutionId,
        matterType: input.matterType,
        caseStage: input.caseStage,
        assignedOn: input.assignedOn,
        kind: special ? 'special' : 'payout',
        tier: special ? null : state.current!.tier,
        coefficient: special ? rules.specialCaseCoefficient : state.current!.coefficient,
        scoreVersion: version,
        reason: special
          ? `特殊案件，按本机构规定发放（S-4.5）`
          : `质量等级${TIERS[state.current!.tier as Tier]}，系数 ${state.current!.coefficient}（S-4.5）`,
      });
      state.payouts.push({ version, amountCents: r.amountCents, totalCents: r.totalCents });
      state.payoutPending = undefined;
    } catch (err) {
      const missing = refusalOf(err, ERROR_TYPES.feeScheduleMissing);
      if (missing === undefined) throw err;
      if (state.payoutPending === undefined) {
        notify(
          `fee-schedule-missing-v${version}`,
          'fee_schedule_missing',
          `【补贴待发】法律援助案件 ${input.applicationNo}：${missing}。请配置基本劳务费标准（S-4.5）。`,
          head,
        );
      }
      state.payoutPending = missing;
    }
    await save();
  }

  setHandler(getEvaluation, () => state);

  // One score-changing step at a time: a step holds this from its first await to its end, and every validator
  // refuses while it is held (two experts, a retried request, a special mark during a scoring).
  const turn = oneAtATime('评估正在处理另一项操作，请稍后重试');

  setHandler(
    markSpecial,
    async ({ reason, markedBy }: MarkSpecialInput) =>
      turn.run(async () => {
        state.special = { reason, by: markedBy, at: new Date().toISOString() };
        moveTo('special');
        state.finalizedAt = new Date().toISOString();
        await save();
        await pay(1, true);
        return state;
      }),
    {
      validator: ({ reason }: MarkSpecialInput) => {
        turn.check();
        if (state.status !== 'waiting_evaluator' && state.status !== 'scoring') fail('已评分的案件不能再标为特殊案件');
        if (!reason.trim()) fail('须写明特殊案件的理由（S-4.4）', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    assignEvaluator,
    async ({ evaluatorId, kind, assignedBy }: AssignEvaluatorInput) => {
      state.evaluator = { id: evaluatorId, kind, assignedBy, at: new Date().toISOString() };
      moveTo('scoring', stepDue());
      await save();
      notify(
        `evaluator-assigned-${state.seq}`,
        'evaluator_assigned',
        `【评估任务】请于 ${formatCst(new Date(state.dueAt!))} 前完成法律援助案件 ${input.applicationNo} 的质量评估（S-4.4）。`,
        `evaluator:${evaluatorId}`,
      );
      return state;
    },
    {
      validator: ({ evaluatorId }: AssignEvaluatorInput) => {
        if (state.status !== 'waiting_evaluator' && state.status !== 'scoring')
          fail('该案件已完成评分，不能再指定评估人员');
        if (!evaluatorId.trim()) fail('须指定评估人员', ERROR_TYPES.invalidInput);
        if (evaluatorId === input.memberId) fail('承办人员不能评估自己的案件', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    submitScore,
    async ({ points, comments, scoredBy }: SubmitScoreInput) =>
      turn.run(async () => {
        const sheet = await acts.scoringSheetFor({ kind: state.sheetKind, on: cstDateOf(new Date()) });
        if (!sheet) fail('尚未载入适用的评分表，请联系市法律援助中心（S-4.4）');
        let score: number;
        try {
          score = scoreSheet(sheet.items, points);
        } catch (err) {
          if (err instanceof ScoreSheetError) fail(err.message, ERROR_TYPES.invalidInput);
          throw err;
        }
        if (state.status !== 'scoring') fail('该案件已评分');
        const record: ScoreRecord = {
          score,
          tier: tierOf(score, rules.qualityTiers).tier,
          by: scoredBy,
          at: new Date().toISOString(),
          step: 'scoring',
          sheetId: sheet.id,
          points,
          comments,
        };
        state.scores.push(record);
        if (needsExpertReview(record.tier as Tier)) {
          // S-4.4: excellent and unqualified results are re-reviewed by an expert before they count.
          moveTo('expert_review', stepDue());
          await save();
          notify(
            `expert-review-${state.seq}`,
            'expert_review',
            `【专家复评】法律援助案件 ${input.applicationNo} 初评为${TIERS[record.tier as Tier]}（${score} 分），须经专家复评（S-4.4）。`,
            head,
          );
          return state;
        }
        await applyScore(record);
        afterResult();
        await save();
        return state;
      }),
    {
      validator: ({ scoredBy, comments }: SubmitScoreInput) => {
        turn.check();
        if (state.status !== 'scoring') fail(`评估当前处于「${STATUS_LABELS[state.status]}」，不能评分`);
        if (scoredBy !== state.evaluator?.id) fail('只有指定的评估人员可以评分', ERROR_TYPES.invalidInput);
        if (comments.length > 4000) fail('评语过长', ERROR_TYPES.invalidInput);
      },
    },
  );

  const reviewed = (input: ReviewScoreInput, step: ScoreRecord['step']): ScoreRecord => ({
    score: input.score,
    tier: tierOf(input.score, rules.qualityTiers).tier,
    by: input.reviewedBy,
    at: new Date().toISOString(),
    step,
    comments: input.comments,
  });
  const validScore = ({ score, comments }: ReviewScoreInput) => {
    if (!Number.isFinite(score) || score < 0 || score > 100) fail('分数应在 0 至 100 之间', ERROR_TYPES.invalidInput);
    if (!comments.trim()) fail('须写明复核意见', ERROR_TYPES.invalidInput);
  };

  setHandler(
    expertReview,
    async (review: ReviewScoreInput) =>
      turn.run(async () => {
        const record = reviewed(review, 'expert_review');
        state.scores.push(record);
        await applyScore(record);
        afterResult();
        await save();
        return state;
      }),
    {
      validator: (review: ReviewScoreInput) => {
        turn.check();
        if (state.status !== 'expert_review') fail('该案件不在专家复评阶段');
        // S-4.4: the re-review is someone else's: not the first evaluator, not the member.
        if (review.reviewedBy === state.evaluator?.id || review.reviewedBy === input.memberId) {
          fail('复评须由原评估人员和承办人员以外的专家进行（S-4.4）', ERROR_TYPES.invalidInput);
        }
        validScore(review);
      },
    },
  );

  setHandler(
    objectToScore,
    async ({ reason, filedBy }: EvaluationObjectionInput) => {
      state.objection = { reason, by: filedBy, at: new Date().toISOString() };
      moveTo('objection_review', stepDue());
      await save();
      notify(
        'evaluation-objection',
        'evaluation_objection',
        `【评估异议】法律援助案件 ${input.applicationNo} 的承办人员对不合格评定提出异议，请市法律援助中心复核（S-4.4）。`,
        city,
      );
      return state;
    },
    {
      validator: ({ reason }: EvaluationObjectionInput) => {
        if (state.status !== 'objection_window') fail('只有不合格评定可在异议期内提出异议（S-4.4）');
        if (!reason.trim()) fail('须写明异议理由', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    decideScoreObjection,
    async (review: ReviewScoreInput) =>
      turn.run(async () => {
        const record = reviewed(review, 'objection');
        state.scores.push(record);
        const changed = record.score !== state.current!.score;
        state.objection!.outcome = changed ? 'changed' : 'upheld';
        if (changed) await applyScore(record);
        finalize();
        await save();
        return state;
      }),
    {
      validator: (review: ReviewScoreInput) => {
        turn.check();
        if (state.status !== 'objection_review') fail('没有待复核的评估异议');
        validScore(review);
      },
    },
  );

  setHandler(
    spotCheck,
    async (review: ReviewScoreInput) =>
      turn.run(async () => {
        const record = reviewed(review, 'spot_check');
        state.scores.push(record);
        if (record.score !== state.current!.score && needsExpertReview(record.tier as Tier)) {
          // S-4.4: a spot check that finds an excellent or unqualified case sends it to an expert first.
          moveTo('expert_review', stepDue());
          await save();
          return state;
        }
        if (record.score !== state.current!.score) await applyScore(record);
        finalize();
        await save();
        return state;
      }),
    {
      validator: (review: ReviewScoreInput) => {
        turn.check();
        if (state.status !== 'spot_check') fail('该案件未被抽查');
        validScore(review);
      },
    },
  );

  setHandler(
    recordInterview,
    async ({ heldOn, notes }: RecordInterviewInput) => {
      state.interview!.heldOn = heldOn;
      state.interview!.notes = notes;
      await save();
      return state;
    },
    {
      validator: ({ heldOn, notes }: RecordInterviewInput) => {
        const i = state.interview;
        if (!i || i.cancelled || i.heldOn) fail('没有待进行的约谈');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(heldOn)) fail('约谈日期格式应为 YYYY-MM-DD', ERROR_TYPES.invalidInput);
        if (!notes.trim()) fail('须记录约谈情况（S-4.6）', ERROR_TYPES.invalidInput);
      },
    },
  );

  await save();

  /** Who is reminded and escalated to at the current step. */
  const owner = (): string | undefined =>
    ({
      waiting_evaluator: head,
      scoring: state.evaluator ? `evaluator:${state.evaluator.id}` : head,
      expert_review: head,
      objection_window: undefined,
      objection_review: city,
      spot_check: city,
      final: undefined,
      special: undefined,
    })[state.status];

  const interviewOpen = () => state.interview && !state.interview.heldOn && !state.interview.cancelled;
  const done = () =>
    !turn.busy &&
    (state.status === 'final' || state.status === 'special') &&
    !interviewOpen() &&
    state.payoutPending === undefined;

  while (!done()) {
    const seq = state.seq;
    const times: number[] = [];
    if (state.dueAt && state.status !== 'final' && state.status !== 'special') {
      if (!state.reminded && owner()) times.push(Date.parse(state.dueAt) - DAY_MS);
      // Each deadline acts once: escalated steps wait without a timer (the objection window ends the step).
      if (!state.escalated || state.status === 'objection_window') times.push(Date.parse(state.dueAt));
    }
    if (interviewOpen() && !state.interview!.escalated) times.push(Date.parse(state.interview!.dueAt));
    if (state.payoutPending !== undefined) times.push(Date.now() + DAY_MS);
    const due = times.length ? Math.min(...times) : undefined;
    const wasBusy = turn.busy;
    const changed = () => state.seq !== seq || turn.busy !== wasBusy;
    if (due === undefined) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, Math.max(1, due - Date.now()))) continue;
    await onDeadline();
  }

  async function onDeadline(): Promise<void> {
    const now = Date.now();
    if (state.payoutPending !== undefined) await pay(state.current?.version ?? 1, state.status === 'special');
    if (state.dueAt && state.status !== 'final' && state.status !== 'special') {
      const label = STATUS_LABELS[state.status];
      if (state.status === 'objection_window' && now >= Date.parse(state.dueAt)) {
        finalize(); // no objection within the window: the result stands
        await save();
        return;
      }
      if (!state.reminded && now >= Date.parse(state.dueAt) - DAY_MS && owner()) {
        state.reminded = true;
        notify(
          `evaluation-reminder-${state.status}-${state.seq}`,
          'evaluation_reminder',
          `【评估提醒】法律援助案件 ${input.applicationNo}（${label}）应于 ${formatCst(new Date(state.dueAt))} 前完成（S-4.4）。`,
          owner()!,
        );
        await save();
      }
      if (!state.escalated && now >= Date.parse(state.dueAt)) {
        state.escalated = true;
        notify(
          `evaluation-overdue-${state.status}-${state.seq}`,
          'evaluation_overdue',
          `【评估逾期】法律援助案件 ${input.applicationNo}（${label}）已超过期限（S-4.4）。`,
          state.status === 'objection_review' || state.status === 'spot_check' ? city : head,
        );
        await save();
      }
    }
    const i = state.interview;
    if (i && !i.heldOn && !i.cancelled && !i.escalated && now >= Date.parse(i.dueAt)) {
      i.escalated = true;
      notify(
        `interview-overdue-${i.version}`,
        'interview_overdue',
        `【约谈逾期】法律援助案件 ${input.applicationNo} 的约谈未在期限内完成（S-4.6）。`,
        head,
      );
      await save();
    }
  }

  // A handler still running (its payout, its notices) finishes before the result is reported.
  await condition(allHandlersFinished);
  await persisted;
  await Promise.all(notices);
  const last = state.payouts.at(-1);
  return {
    special: state.status === 'special',
    score: state.current?.score,
    tier: state.current?.tier,
    coefficient: state.status === 'special' ? rules.specialCaseCoefficient : state.current?.coefficient,
    totalCents: last?.totalCents ?? 0,
  };
}
