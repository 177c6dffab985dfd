/**
 * The eight staff steps of an evaluation (S-4.4, S-4.6), each a check (a refusal changes nothing) and what it does.
 * Steps run one at a time in arrival order (the StepRunner), so each sees the state the previous one left.
 */
import {
  assignEvaluator,
  decideScoreObjection,
  ERROR_TYPES,
  expertReview,
  markSpecial,
  objectToScore,
  recordInterview,
  spotCheck,
  submitScore,
  type AssignEvaluatorInput,
  type EvaluationObjectionInput,
  type EvaluationState,
  type MarkSpecialInput,
  type RecordInterviewInput,
  type ReviewScoreInput,
  type ScoreRecord,
  type SubmitScoreInput,
} from '../../domain/definitions';
import {
  atMostTwoDecimals,
  needsExpertReview,
  scoreSheet,
  ScoreSheetError,
  TIERS,
  tierOf,
  type Tier,
} from '../../domain/quality';
import { cstDateOf, formatCst } from '../../domain/time';
import { fail, notice } from '../case/context';
import type { Step } from '../support/steps';
import { acts, applyScore, pay } from './consequences';
import { STATUS_LABELS, type Evaluation } from './evaluation';

/** Registers the steps (before the workflow's first await). */
export function registerSteps(e: Evaluation): void {
  e.steps.on(markSpecial, special(e));
  e.steps.on(assignEvaluator, assign(e));
  e.steps.on(submitScore, score(e));
  e.steps.on(expertReview, expert(e));
  e.steps.on(objectToScore, object(e));
  e.steps.on(decideScoreObjection, decideObjection(e));
  e.steps.on(spotCheck, check(e));
  e.steps.on(recordInterview, interviewHeld(e));
}

/** S-4.4: a case not evaluated (paid by the agency's rule, S-4.5). */
function special(e: Evaluation): Step<MarkSpecialInput, EvaluationState> {
  const s = e.state;
  return {
    validate({ reason }) {
      if (s.status !== 'waiting_evaluator' && s.status !== 'scoring') fail('已评分的案件不能再标为特殊案件');
      if (!reason.trim()) fail('须写明特殊案件的理由（S-4.4）', ERROR_TYPES.invalidInput);
    },
    async run({ reason, markedBy }) {
      s.special = { reason, by: markedBy, at: new Date().toISOString() };
      e.moveTo('special');
      s.finalizedAt = new Date().toISOString();
      await e.save();
      await pay(e, 1, true);
      return s;
    },
  };
}

/** S-4.4: the evaluator of the case (again while scoring: another one). */
function assign(e: Evaluation): Step<AssignEvaluatorInput, EvaluationState> {
  const { state: s, input } = e;
  return {
    validate({ evaluatorId }) {
      if (s.status !== 'waiting_evaluator' && s.status !== 'scoring') fail('该案件已完成评分，不能再指定评估人员');
      if (!evaluatorId.trim()) fail('须指定评估人员', ERROR_TYPES.invalidInput);
      if (evaluatorId === input.memberId) fail('承办人员不能评估自己的案件', ERROR_TYPES.invalidInput);
    },
    async run({ evaluatorId, kind, assignedBy }) {
      s.evaluator = { id: evaluatorId, kind, assignedBy, at: new Date().toISOString() };
      e.moveTo('scoring', e.stepDue());
      await e.save(
        notice(
          `evaluator-assigned-${s.seq + 1}`, // the seq of the write that carries it
          'evaluator_assigned',
          `【评估任务】请于 ${formatCst(new Date(s.dueAt!))}${e.movedNote()} 前完成法律援助案件 ${input.applicationNo} 的质量评估（S-4.4）。`,
          `evaluator:${evaluatorId}`,
        ),
      );
      return s;
    },
  };
}

/** S-4.4: the evaluator's score; excellent and unqualified go to an expert first. */
function score(e: Evaluation): Step<SubmitScoreInput, EvaluationState> {
  const s = e.state;
  return {
    validate({ scoredBy, comments }) {
      if (s.status !== 'scoring') fail(`评估当前处于「${STATUS_LABELS[s.status]}」，不能评分`);
      if (scoredBy !== s.evaluator?.id) fail('只有指定的评估人员可以评分', ERROR_TYPES.invalidInput);
      if (comments.length > 4000) fail('评语过长', ERROR_TYPES.invalidInput);
    },
    async run(submitted) {
      const record = await scored(e, submitted);
      s.scores.push(record);
      if (needsExpertReview(record.tier as Tier)) {
        // S-4.4: excellent and unqualified results are re-reviewed by an expert before they count.
        e.moveTo('expert_review', e.stepDue());
        await e.save(expertNotice(e, record));
        return s;
      }
      await applyScore(e, record);
      await e.afterResult();
      return s;
    },
  };
}

/** S-4.4: the expert's re-review: its score is the one in force. */
function expert(e: Evaluation): Step<ReviewScoreInput, EvaluationState> {
  const { state: s, input } = e;
  return {
    validate(review) {
      if (s.status !== 'expert_review') fail('该案件不在专家复评阶段');
      // S-4.4: the re-review is someone else's: not the first evaluator, not the member.
      if (review.reviewedBy === s.evaluator?.id || review.reviewedBy === input.memberId) {
        fail('复评须由原评估人员和承办人员以外的专家进行（S-4.4）', ERROR_TYPES.invalidInput);
      }
      validScore(review);
    },
    async run(review) {
      const record = reviewed(e, review, 'expert_review');
      await applyScore(e, record);
      await e.afterResult();
      return s;
    },
  };
}

/** S-4.4: the member objects to an unqualified result within the window. */
function object(e: Evaluation): Step<EvaluationObjectionInput, EvaluationState> {
  const { state: s, input } = e;
  return {
    validate({ reason }) {
      if (s.status !== 'objection_window') fail('只有不合格评定可在异议期内提出异议（S-4.4）');
      if (!reason.trim()) fail('须写明异议理由', ERROR_TYPES.invalidInput);
    },
    async run({ reason, filedBy }) {
      s.objection = { reason, by: filedBy, at: new Date().toISOString() };
      e.moveTo('objection_review', e.stepDue());
      await e.save(
        notice(
          'evaluation-objection',
          'evaluation_objection',
          `【评估异议】法律援助案件 ${input.applicationNo} 的承办人员对不合格评定提出异议，请市法律援助中心复核（S-4.4）。`,
          e.city,
        ),
      );
      return s;
    },
  };
}

/** S-4.4: the city centre's decision on the objection; the result is then final. */
function decideObjection(e: Evaluation): Step<ReviewScoreInput, EvaluationState> {
  const s = e.state;
  return {
    validate(review) {
      if (s.status !== 'objection_review') fail('没有待复核的评估异议');
      validScore(review);
    },
    async run(review) {
      const record = reviewed(e, review, 'objection');
      const changed = record.score !== s.current!.score;
      s.objection!.outcome = changed ? 'changed' : 'upheld';
      if (changed && needsExpertReview(record.tier as Tier)) {
        // S-4.4: a decision that lands on excellent or unqualified goes to an expert like any other such result.
        e.moveTo('expert_review', e.stepDue());
        await e.save(expertNotice(e, record));
        return s;
      }
      if (changed) await applyScore(e, record);
      e.finalize();
      await e.save();
      return s;
    },
  };
}

/** S-4.4: the city centre's spot check of a sampled result. */
function check(e: Evaluation): Step<ReviewScoreInput, EvaluationState> {
  const s = e.state;
  return {
    validate(review) {
      if (s.status !== 'spot_check') fail('该案件未被抽查');
      validScore(review);
    },
    async run(review) {
      const record = reviewed(e, review, 'spot_check');
      const changed = record.score !== s.current!.score;
      if (changed && needsExpertReview(record.tier as Tier)) {
        // S-4.4: a spot check that finds an excellent or unqualified case sends it to an expert first.
        e.moveTo('expert_review', e.stepDue());
        await e.save();
        return s;
      }
      if (changed) await applyScore(e, record);
      e.finalize();
      await e.save();
      return s;
    },
  };
}

/** S-4.6: the interview was held. */
function interviewHeld(e: Evaluation): Step<RecordInterviewInput, EvaluationState> {
  const s = e.state;
  return {
    validate({ heldOn, notes }) {
      const i = s.interview;
      if (!i || i.cancelled || i.heldOn) fail('没有待进行的约谈');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(heldOn)) fail('约谈日期格式应为 YYYY-MM-DD', ERROR_TYPES.invalidInput);
      if (!notes.trim()) fail('须记录约谈情况（S-4.6）', ERROR_TYPES.invalidInput);
    },
    async run({ heldOn, notes }) {
      s.interview!.heldOn = heldOn;
      s.interview!.notes = notes;
      await e.save();
      return s;
    },
  };
}

/** S-4.4: the agency is asked for an expert's re-review of an excellent or unqualified result. */
function expertNotice(e: Evaluation, record: ScoreRecord) {
  const stage = record.step === 'scoring' ? '初评' : record.step === 'objection' ? '异议复核' : '复核';
  return notice(
    `expert-review-${e.state.seq + 1}`, // the seq of the write that carries it
    'expert_review',
    `【专家复评】法律援助案件 ${e.input.applicationNo} ${stage}为${TIERS[record.tier as Tier]}（${record.score} 分），须经专家复评（S-4.4）。`,
    e.head,
  );
}

/** The evaluator's score on the scoring sheet in force (S-4.4); refused, with nothing changed, when it cannot count. */
async function scored(e: Evaluation, { points, comments, scoredBy }: SubmitScoreInput): Promise<ScoreRecord> {
  const on = cstDateOf(new Date());
  const sheet = await acts.scoringSheetFor({ kind: e.state.sheetKind, on, agencyCode: e.input.agencyCode });
  if (!sheet) fail('尚未载入适用的评分表，请联系市法律援助中心（S-4.4）');
  let score: number;
  try {
    score = scoreSheet(sheet.items, points);
  } catch (err) {
    if (err instanceof ScoreSheetError) fail(err.message, ERROR_TYPES.invalidInput);
    throw err;
  }
  if (e.state.status !== 'scoring') fail('该案件已评分');
  const tier = tierOf(score, e.rules.qualityTiers).tier;
  const at = new Date().toISOString();
  return { score, tier, by: scoredBy, at, step: 'scoring', sheetId: sheet.id, points, comments };
}

/** A reviewer's score (expert, objection, spot check), kept with the others. */
function reviewed(e: Evaluation, review: ReviewScoreInput, step: ScoreRecord['step']): ScoreRecord {
  const { score, reviewedBy: by, comments } = review;
  const tier = tierOf(score, e.rules.qualityTiers).tier;
  const record: ScoreRecord = { score, tier, by, at: new Date().toISOString(), step, comments };
  e.state.scores.push(record);
  return record;
}

function validScore({ score, comments }: ReviewScoreInput): void {
  if (!Number.isFinite(score) || score < 0 || score > 100) fail('分数应在 0 至 100 之间', ERROR_TYPES.invalidInput);
  if (!atMostTwoDecimals(score)) fail('分数最多保留两位小数', ERROR_TYPES.invalidInput);
  if (!comments.trim()) fail('须写明复核意见', ERROR_TYPES.invalidInput);
}
