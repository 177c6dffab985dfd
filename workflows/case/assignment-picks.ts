/**
 * The rotation's picks for a case (S-2.9, S-2.10): picking members into slots, completing the assignment, and
 * releasing a slot (S-2.10 conflict, L-11 replacement) to pick again by the same rules, the public ledger saying why.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { CasePick } from '../../activities/rotation';
import { assignmentDeadlines, memberConfirmDueAt, TURN_LABELS } from '../../domain/assignment';
import { ERROR_TYPES, type AssignmentSlot, type AssignmentState } from '../../domain/definitions';
import { performanceOnAssignment } from '../../domain/performance';
import type { PickRequest, Priority } from '../../domain/rotation';
import { baseRequest } from '../../domain/assignment';
import { notifyingOrganAssignedText } from '../../domain/notices';
import { formatCst } from '../../domain/time';
import { fail, notice, rotation, type CaseContext } from './context';

export const active = (a: AssignmentState) => a.slots.filter((s) => !s.releasedAt);
export const headOf = (ctx: CaseContext) => `agency_head:${ctx.state.agencyCode}`;
const inStage = (ctx: CaseContext) => ['assigning', 'assigned', 'performing'].includes(ctx.state.stage);

/** A refusal from the rotation (nobody eligible, the named member not eligible), as its Chinese message. */
export function unassignable(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === ERROR_TYPES.unassignable ? cause.message : undefined;
}

function slotNote(s: AssignmentSlot): string {
  return `${s.institutionName || s.institutionId}：${s.proposedMemberId}（${s.rule}，${TURN_LABELS[s.turn] ?? s.turn}，轮流指派记录第 ${s.ledgerSeq} 号）`;
}

export function requestFor(ctx: CaseContext, a: AssignmentState, priority?: Priority): PickRequest {
  return {
    ...baseRequest(ctx.input),
    excluded: a.excluded,
    alreadyChosen: active(a).map((s) => s.proposedMemberId),
    ...(priority ? { priority } : {}),
  };
}

export interface PickOptions {
  request: PickRequest;
  count: number;
  actor: string;
  /** The agency named the member (a priority, a discussion): confirmed at once. */
  agencyNamed: boolean;
  /** A staff step's pick: a refusal fails the step; otherwise the case waits for the agency. */
  rethrow: boolean;
  reason?: string;
}

/** The rotation refused: the step fails with its reason, or the case waits for the agency (S-2.10). */
async function refused(ctx: CaseContext, refusal: string, opts: PickOptions, previous: AssignmentState['status']) {
  const a = ctx.state.assignment!;
  if (opts.rethrow) {
    a.status = previous;
    fail(refusal, ERROR_TYPES.unassignable);
  }
  a.status = 'awaiting_agency';
  a.needs = `${refusal}，须由法律援助机构指派（S-2.10）`;
  const text = `【待指派】法律援助案件 ${ctx.state.applicationNo} 无法自动指派：${refusal}。请于 ${formatCst(new Date(a.sameDayDueAt))} 前指派（S-3.3）。`;
  await ctx.record({ actor: 'system', ruleIds: ['S-2.9', 'S-2.10'], note: a.needs }, [
    notice(`assignment-needs-agency-${a.picks}`, 'assignment_needs_agency', text, headOf(ctx)),
  ]);
}

/** L-9: the case was terminated while the pick ran: give the turns back, the ledger saying why. */
async function giveBack(ctx: CaseContext, picks: CasePick[]): Promise<void> {
  for (const p of picks) {
    await ctx.call(() =>
      rotation.releaseFromCase({
        agencyCode: ctx.state.agencyCode,
        applicationNo: ctx.state.applicationNo,
        purpose: `release-${p.seq}`,
        releasedPurpose: p.purpose,
        rule: 'L-9',
        refund: true,
        reason: '指派完成前法律援助已终止（L-9），轮次退还',
      }),
    );
  }
}

function slotOf(ctx: CaseContext, p: CasePick, opts: PickOptions, now: Date): AssignmentSlot {
  const a = ctx.state.assignment!;
  const confirm = opts.agencyNamed
    ? { memberId: p.chosen, confirmedBy: opts.actor, confirmedAt: now.toISOString() }
    : {
        confirmDueAt: memberConfirmDueAt(now, ctx.rules.memberConfirmHours, new Date(a.statutoryDueAt)).toISOString(),
      };
  return {
    purpose: p.purpose,
    ledgerSeq: p.seq,
    institutionId: p.institutionId ?? '',
    institutionName: p.institutionName,
    proposedMemberId: p.chosen,
    rule: p.rule,
    turn: p.turn,
    pickedAt: now.toISOString(),
    ...confirm,
  };
}

/**
 * Picks `count` members and records the slots. The agency names the member for priorities and discussions (S-2.10),
 * so those slots are confirmed at once; rotation picks wait for the institution's confirmation.
 */
export async function pickSlots(ctx: CaseContext, opts: PickOptions): Promise<void> {
  const a = ctx.state.assignment!;
  const previous = a.status;
  a.status = 'picking';
  const purposes = Array.from({ length: opts.count }, () => `assignment-${++a.picks}`);
  let picks: CasePick[];
  try {
    picks = await ctx.call(() =>
      rotation.pickForCase({
        agencyCode: ctx.state.agencyCode,
        applicationNo: ctx.state.applicationNo,
        purposes,
        request: opts.request,
        rotation: { excellentThreshold: ctx.rules.excellentThreshold, excellentWeight: ctx.rules.excellentWeight },
        reason: opts.reason,
      }),
    );
  } catch (err) {
    const refusal = unassignable(err);
    if (refusal === undefined) throw err;
    if (inStage(ctx)) await refused(ctx, refusal, opts, previous);
    return;
  }
  if (!inStage(ctx)) return giveBack(ctx, picks);
  const now = new Date();
  for (const p of picks) a.slots.push(slotOf(ctx, p, opts, now));
  a.needs = undefined;
  a.status = 'awaiting_institution';
  const short =
    active(a).length < a.membersNeeded ? `（群体性案件需 ${a.membersNeeded} 人，可指派 ${active(a).length} 人）` : '';
  const confirm = opts.agencyNamed ? '由法律援助机构指定承办人员（S-2.10）' : '待受指派机构确认承办人员（S-2.10）';
  const notices = a.slots
    .filter((s) => purposes.includes(s.purpose) && !s.memberId)
    .map((s) =>
      notice(
        `member-confirmation-${s.ledgerSeq}`,
        'member_confirmation',
        `【指派通知】法律援助案件 ${ctx.state.applicationNo} 已指派贵机构，轮到 ${s.proposedMemberId} 承办。请于 ${formatCst(new Date(s.confirmDueAt!))} 前确认承办人员（S-2.10）。`,
        `institution:${s.institutionId}`,
      ),
    );
  const note = `指派：${picks.map((p) => slotNote(a.slots.find((s) => s.purpose === p.purpose)!)).join('；')}；${confirm}${short}`;
  const ruleIds = [...new Set([...picks.map((p) => p.rule), 'S-2.10', 'S-3.3'])];
  await ctx.record({ actor: opts.actor, ruleIds, note }, notices);
  await completeIfDone(ctx);
}

/** Every place filled and confirmed: the case is assigned (S-3.3, L-3/L-4), the applicant and organ told. */
export async function completeIfDone(ctx: CaseContext): Promise<void> {
  const a = ctx.state.assignment!;
  const slots = active(a);
  if (slots.length === 0 || slots.some((s) => !s.memberId) || ctx.state.stage !== 'assigning') return;
  const now = Date.now();
  a.status = 'assigned';
  a.completedAt = new Date(now).toISOString();
  a.late = now > Date.parse(a.statutoryDueAt) ? 'statutory' : now > Date.parse(a.sameDayDueAt) ? 'same_day' : undefined;
  const late =
    a.late === 'statutory'
      ? `（超过法定 ${ctx.rules.assignmentDays} 日指派期限，${ctx.notification ? 'L-4' : 'L-3'}）`
      : a.late === 'same_day'
        ? '（未能当日指派，S-3.3）'
        : '';
  const who = slots.map((s) => `${s.institutionName || s.institutionId} ${s.memberId}`).join('、');
  // L-6: the member and the engagement due time are part of the `assigned` snapshot (the read model's obligation).
  ctx.state.performance = performanceOnAssignment(ctx.state, ctx.rules, ctx.calendar);
  const notification = ctx.input.channel === 'notification';
  const notices = [
    notice(
      `assigned-${a.picks}`,
      'assigned',
      `【指派通知】您的法律援助（编号 ${ctx.state.applicationNo}）已指派：${who}。承办人员将与您签订委托协议。`,
    ),
  ];
  const letter = ctx.input.intake?.notification;
  if (notification && letter) {
    // L-4: the agency tells the notifying organ whom it assigned: the institution and the member, in what role.
    notices.push(
      notice(
        `notifying-organ-${a.picks}`,
        'notifying_organ',
        notifyingOrganAssignedText({ applicationNo: ctx.state.applicationNo, letter, slots }),
        'notifying_organ',
      ),
    );
  }
  const ruleIds = notification ? ['S-3.3', 'L-4', 'S-2.10'] : ['S-3.3', 'L-3', 'S-2.10'];
  await ctx.transition('assigned', { actor: 'system', ruleIds, note: `指派完成：${who}${late}` }, notices);
}

export interface Release {
  rule: 'S-2.10' | 'L-11';
  refund: boolean;
  reason: string;
  actor: string;
  exclude: AssignmentState['excluded'][0];
}

/** S-2.10 and L-11: release a slot and pick again by the same rules, as a new duty to assign (S-3.3, L-3). */
export async function release(ctx: CaseContext, slot: AssignmentSlot, opts: Release): Promise<void> {
  const a = ctx.state.assignment!;
  a.status = 'picking';
  slot.releasedAt = new Date().toISOString();
  slot.releaseReason = opts.reason;
  a.excluded.push(opts.exclude);
  const { sameDayDueAt, statutoryDueAt } = assignmentDeadlines(new Date(), ctx.rules.assignmentDays, ctx.calendar);
  Object.assign(a, {
    since: new Date().toISOString(),
    sameDayDueAt: sameDayDueAt.toISOString(),
    statutoryDueAt: statutoryDueAt.toISOString(),
    sameDayEscalated: undefined,
    statutoryOverdue: undefined,
    late: undefined,
  });
  const released = await ctx.call(() =>
    rotation.releaseFromCase({
      agencyCode: ctx.state.agencyCode,
      applicationNo: ctx.state.applicationNo,
      purpose: `release-${slot.ledgerSeq}`,
      releasedPurpose: slot.purpose,
      rule: opts.rule,
      refund: opts.refund,
      reason: opts.reason,
    }),
  );
  const meta = {
    actor: opts.actor,
    ruleIds: [opts.rule, 'S-2.9'],
    note: `解除 ${slot.memberId ?? slot.proposedMemberId} 的指派：${opts.reason}（${TURN_LABELS[released.turn] ?? released.turn}，轮流指派记录第 ${released.seq} 号），重新指派`,
  };
  if (ctx.state.stage === 'assigned' || ctx.state.stage === 'performing') await ctx.transition('assigning', meta);
  else await ctx.record(meta);
  a.status = 'awaiting_agency';
  a.completedAt = undefined;
  await pickSlots(ctx, {
    request: requestFor(ctx, a),
    count: 1,
    actor: 'system',
    agencyNamed: false,
    rethrow: false,
    reason: opts.reason,
  });
}
