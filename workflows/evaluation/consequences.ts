/**
 * What a score in force does (S-4.5, S-2.8(a), S-4.6). Every change of it re-applies all consequences for its new
 * version: the payout is corrected by an adjusting line, a removal is reversed (with the S-2.8(b) impact timer it
 * returns to), an interview cancelled or scheduled; the member is told the result.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { RecordPayoutArgs } from '../../activities/payout';
import type { poolImpactWorkflow } from '../pool-impact';
import { movedText } from '../../domain/calendar';
import { dayPeriod } from '../../domain/deadlines';
import { ERROR_TYPES, poolImpactWorkflowId, type EvaluationState, type ScoreRecord } from '../../domain/definitions';
import { needsInterview, removesMember, TIERS, tierOf, type Tier } from '../../domain/quality';
import {
  groupFeeParts,
  shareText,
  specialCaseCoefficientFor,
  terminatedCaseFeeShareOf,
} from '../../domain/rule-config';
import { formatCst } from '../../domain/time';
import { notice } from '../case/context';
import type { Notice } from '../support/recorder';
import type { Evaluation } from './evaluation';

/** Unlimited attempts: a database outage must delay an evaluation, never lose it (a data error waits: attention). */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The message of a business refusal of `type` carried by a failed activity, or undefined for any other failure. */
function refusalOf(err: unknown, type: string): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === type ? cause.message : undefined;
}

/** S-4.5, S-2.8(a), S-4.6: the score in force changed (or was set): apply every consequence for this version. */
export async function applyScore(e: Evaluation, record: ScoreRecord): Promise<void> {
  const s = e.state;
  const t = tierOf(record.score, e.rules.qualityTiers);
  const version = (s.current?.version ?? 0) + 1;
  const before = s.current;
  s.current = { score: record.score, tier: t.tier, coefficient: t.coefficient, version };
  await removal(e, record.score, version);
  const changed = before ? `，由 ${before.score} 分（${TIERS[before.tier as Tier]}）更正` : '';
  // S-3.3: every member of a group case is told (the lead's notice keeps its key).
  const results = e.members.map((to, i) =>
    notice(
      `evaluation-result-v${version}${i === 0 ? '' : `-${to}`}`,
      'evaluation_result',
      `【评估结果】法律援助案件 ${s.applicationNo}：${record.score} 分，${TIERS[t.tier]}，补贴系数 ${t.coefficient}${changed}（S-4.5）。`,
      to,
    ),
  );
  await e.save(...interview(e, record.score, t.tier, version), ...results);
  await pay(e, version);
}

type Removal = NonNullable<EvaluationState['removal']>;

/**
 * S-2.8(a): a score of 65 or below removes the member at once; a score changed above it reverses the removal. In a
 * group case (S-3.3) this holds for each member (the lead's in `removal`, the others' in `memberRemovals`).
 */
async function removal(e: Evaluation, score: number, version: number): Promise<void> {
  const s = e.state;
  await removalOf(
    e,
    e.input.memberId,
    score,
    version,
    '',
    () => s.removal,
    (r) => (s.removal = r),
  );
  for (const { memberId } of e.input.otherMembers ?? []) {
    const of = () => s.memberRemovals?.[memberId];
    const set = (r: Removal) => (s.memberRemovals = { ...s.memberRemovals, [memberId]: r });
    await removalOf(e, memberId, score, version, `-${memberId}`, of, set);
  }
}

async function removalOf(
  e: Evaluation,
  memberId: string,
  score: number,
  version: number,
  keySuffix: string,
  current: () => Removal | undefined,
  set: (r: Removal) => void,
): Promise<void> {
  const { applicationNo } = e.input;
  const requestId = `eval-${applicationNo}-v${version}${keySuffix}`;
  const was = current();
  if (removesMember(score, e.rules.removalThreshold)) {
    if (!was?.removed || was.reversed) {
      const r = await e.attention.guard(() =>
        acts.removeForScore({ memberId, applicationNo, score, threshold: e.rules.removalThreshold, requestId }),
      );
      set({ version, removed: r.removed });
    }
  } else if (was?.removed && !was.reversed) {
    const r = await e.attention.guard(() =>
      acts.reverseScoreRemoval({ memberId, applicationNo, actor: 'system', requestId }),
    );
    set({ ...was, reversed: r.reversed });
    // Back to an S-2.8(b) impact period still running: its timer must run for the reversal event.
    if (r.impactTimer) {
      const { eventId, until } = r.impactTimer;
      await startChild<typeof poolImpactWorkflow>('poolImpactWorkflow', {
        workflowId: poolImpactWorkflowId(eventId),
        args: [{ memberId, eventId, until, reentry: e.rules.poolReentryAfterImpact }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }).catch((err: unknown) => {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      });
    }
  }
}

/** S-4.6: interview of the member and the institution's head for 65 and below; cancelled if the score rises. */
function interview(e: Evaluation, score: number, tier: Tier, version: number): Notice[] {
  const s = e.state;
  const current = s.interview;
  if (!needsInterview(score, e.rules.removalThreshold)) {
    if (current && !current.heldOn && !current.cancelled) current.cancelled = true;
    return [];
  }
  if (current && !current.cancelled) return [];
  const scheduledAt = new Date().toISOString();
  const period = dayPeriod(new Date(scheduledAt), e.rules.interviewDays, e.calendar);
  const dueAt = period.dueAt.toISOString();
  s.interview = { version, scheduledAt, dueAt };
  // S-3.3: each member of a group case and the head of their institution (the lead's notices keep their keys).
  const lead = [e.member, `institution:${e.input.institutionId}`];
  const others = (e.input.otherMembers ?? []).flatMap((m) => [
    `member:${m.memberId}`,
    `institution:${m.institutionId}`,
  ]);
  const recipients = [...new Set([...lead, ...others])];
  return recipients.map((to, i) =>
    notice(
      i < 2 ? `interview-${version}-${to.split(':')[0]}` : `interview-${version}-${to}`,
      'interview_scheduled',
      `【约谈通知】法律援助案件 ${s.applicationNo} 评估为${TIERS[tier]}（${score} 分），法律援助机构将于 ${formatCst(new Date(dueAt))}${movedText(period.moved)} 前约谈承办人员及所在机构负责人（S-4.6）。`,
      to,
    ),
  );
}

/** S-4.5: the payout for the score in force; a missing fee schedule is retried daily (the agency is told once). */
export async function pay(e: Evaluation, version: number, special = false): Promise<void> {
  const s = e.state;
  const told: Notice[] = [];
  try {
    // S-3.3: a group case pays each member their part (the lead first); a retry finds the lines already written.
    let amountCents = 0;
    let totalCents = 0;
    for (const args of payouts(e, version, special)) {
      const r = await e.attention.guard(() => acts.recordPayout(args));
      amountCents += r.amountCents;
      totalCents = r.totalCents;
    }
    s.payouts.push({ version, amountCents, totalCents });
    s.payoutPending = undefined;
    e.payoutRetryAt = undefined;
  } catch (err) {
    const missing = refusalOf(err, ERROR_TYPES.feeScheduleMissing);
    if (missing === undefined) throw err;
    if (s.payoutPending === undefined) {
      told.push(
        notice(
          `fee-schedule-missing-v${version}`,
          'fee_schedule_missing',
          `【补贴待发】法律援助案件 ${s.applicationNo}：${missing}。请配置基本劳务费标准（S-4.5）。`,
          e.head,
        ),
      );
    }
    s.payoutPending = missing;
    e.payoutRetryAt = Date.now() + DAY_MS;
  }
  await e.save(...told);
}

/**
 * The payout lines for a score version (or a special case), as the state stands now: one per member (S-3.3 group
 * cases: each an equal part, the lead first). A case terminated after its member was assigned is paid the configured
 * share of the base fee (S-4.5, the fee rule for terminated cases).
 */
function payouts({ input, state: s, rules }: Evaluation, version: number, special: boolean): RecordPayoutArgs[] {
  const { applicationNo, agencyCode, matterType, caseStage, assignedOn } = input;
  const members = [{ memberId: input.memberId, institutionId: input.institutionId }, ...(input.otherMembers ?? [])];
  const caseShare = input.terminated ? terminatedCaseFeeShareOf(rules) : 1;
  const terminated = input.terminated ? `；终止案件按基本补贴的 ${shareText(caseShare)} 发放` : '';
  const parts = groupFeeParts(rules, members.length);
  const group = (i: number) =>
    members.length > 1 ? `；集体承办（${members.length} 人），本人按 ${shareText(parts[i]!)} 发放` : '';
  return members.map(({ memberId, institutionId }, i) => ({
    applicationNo,
    agencyCode,
    memberId,
    institutionId,
    matterType,
    caseStage,
    assignedOn,
    kind: special ? 'special' : 'payout',
    tier: special ? null : s.current!.tier,
    coefficient: special ? specialCaseCoefficientFor(rules, agencyCode) : s.current!.coefficient,
    scoreVersion: version,
    reason: special
      ? `特殊案件，按本机构规定发放${terminated}${group(i)}（S-4.5）`
      : `质量等级${TIERS[s.current!.tier as Tier]}，系数 ${s.current!.coefficient}${terminated}${group(i)}（S-4.5）`,
    ...(caseShare * parts[i]! === 1 ? {} : { feeShare: caseShare * parts[i]! }),
    ...(i > 0 ? { groupMember: true } : {}),
  }));
}
