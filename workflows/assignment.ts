/**
 * The assignment stage of an application (指派, S-3.3, L-3, L-4, S-2.9, S-2.10, L-11): after the grant (or the
 * notice letter), the workflow assigns at once by the rotation; where a person must act (a priority to confirm, a
 * major case's collective discussion, nobody eligible) it waits for the agency, and escalates to the agency head when
 * the day ends (China time) and again at the statutory limit. The agency assigns institutions; each institution
 * confirms its member within a deadline (S-2.10). Conflicts (S-2.10) and granted replacements (L-11) release the
 * member and reassign by the same rules, and the public ledger shows why.
 */
import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { fail, refusalOf } from './handler-support';
import { preparePerformance } from './performance';
import type { CasePick } from '../activities/rotation';
import {
  assignmentDeadlines,
  assignmentSince,
  baseRequest,
  earlierStagePriority,
  humanStep,
  memberConfirmDueAt,
  membersNeeded,
  TURN_LABELS,
} from '../domain/assignment';
import {
  ASSIGNMENT_PRIORITY_RULES,
  assignCase,
  confirmMember,
  ERROR_TYPES,
  replaceMember,
  reportConflict,
  type ApplicationInput,
  type ApplicationState,
  type AssignCaseInput,
  type AssignmentSlot,
  type AssignmentState,
  type ConfirmMemberInput,
  type ReplaceMemberInput,
  type ReportConflictInput,
} from '../domain/definitions';
import type { RuleConfig } from '../domain/rule-config';
import type { PickRequest, Priority } from '../domain/rotation';
import type { Stage } from '../domain/stages';
import { STAGES } from '../domain/stages';
import { formatCst } from '../domain/time';

const rotation = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

interface EventMeta {
  actor: string;
  ruleIds: string[];
  note?: string;
}

export interface AssignmentContext {
  state: ApplicationState;
  input: ApplicationInput;
  rules: Required<RuleConfig>;
  transition(to: Stage, meta: EventMeta): Promise<void>;
  /** Records an event in the current stage. */
  record(meta: EventMeta): Promise<void>;
  notify(key: string, template: string, body: string, recipient?: string): Promise<void>;
}

/** A refusal from the rotation (nobody eligible, the named member not eligible), as its Chinese message. */
const unassignable = (err: unknown) => refusalOf(err, ERROR_TYPES.unassignable);

const inStage = (ctx: AssignmentContext) =>
  ctx.state.stage === 'assigning' || ctx.state.stage === 'assigned' || ctx.state.stage === 'performing';
const active = (a: AssignmentState) => a.slots.filter((s) => !s.releasedAt);
const headOf = (ctx: AssignmentContext) => `agency_head:${ctx.state.agencyCode}`;

function slotNote(s: AssignmentSlot): string {
  return `${s.institutionName || s.institutionId}：${s.proposedMemberId}（${s.rule}，${TURN_LABELS[s.turn] ?? s.turn}，轮流指派记录第 ${s.ledgerSeq} 号）`;
}

function requestFor(ctx: AssignmentContext, a: AssignmentState, priority?: Priority): PickRequest {
  return {
    ...baseRequest(ctx.input),
    excluded: a.excluded,
    alreadyChosen: active(a).map((s) => s.proposedMemberId),
    ...(priority ? { priority } : {}),
  };
}

/**
 * Picks `count` members and records the slots. The agency names the member for priorities and discussions (S-2.10),
 * so those slots are confirmed at once; rotation picks wait for the institution's confirmation. A refusal leaves the
 * case waiting for the agency (when `rethrow` is false) or fails the staff request with its reason.
 */
async function pickSlots(
  ctx: AssignmentContext,
  opts: { request: PickRequest; count: number; actor: string; agencyNamed: boolean; rethrow: boolean; reason?: string },
): Promise<void> {
  const a = ctx.state.assignment!;
  const previous = a.status;
  a.status = 'picking';
  const purposes = Array.from({ length: opts.count }, () => `assignment-${++a.picks}`);
  let picks: CasePick[];
  try {
    picks = await rotation.pickForCase({
      agencyCode: ctx.state.agencyCode,
      applicationNo: ctx.state.applicationNo,
      purposes,
      request: opts.request,
      rotation: { excellentThreshold: ctx.rules.excellentThreshold, excellentWeight: ctx.rules.excellentWeight },
      reason: opts.reason,
    });
  } catch (err) {
    const refusal = unassignable(err);
    if (refusal === undefined) throw err;
    if (!inStage(ctx)) return; // terminated (L-9) while the pick ran: nothing to wait for
    if (opts.rethrow) {
      a.status = previous;
      fail(refusal, ERROR_TYPES.unassignable);
    }
    a.status = 'awaiting_agency';
    a.needs = `${refusal}，须由法律援助机构指派（S-2.10）`;
    await ctx.record({ actor: 'system', ruleIds: ['S-2.9', 'S-2.10'], note: a.needs });
    void ctx.notify(
      `assignment-needs-agency-${a.picks}`,
      'assignment_needs_agency',
      `【待指派】法律援助案件 ${ctx.state.applicationNo} 无法自动指派：${refusal}。请于 ${formatCst(new Date(a.sameDayDueAt))} 前指派（S-3.3）。`,
      headOf(ctx),
    );
    return;
  }
  if (!inStage(ctx)) {
    // L-9: the case was terminated while the pick ran: give the turns back, the ledger saying why.
    for (const p of picks) {
      await rotation.releaseFromCase({
        agencyCode: ctx.state.agencyCode,
        applicationNo: ctx.state.applicationNo,
        purpose: `release-${p.seq}`,
        releasedPurpose: p.purpose,
        rule: 'L-9',
        refund: true,
        reason: '指派完成前法律援助已终止（L-9），轮次退还',
      });
    }
    return;
  }
  const now = new Date();
  for (const p of picks) {
    a.slots.push({
      purpose: p.purpose,
      ledgerSeq: p.seq,
      institutionId: p.institutionId ?? '',
      institutionName: p.institutionName,
      proposedMemberId: p.chosen,
      rule: p.rule,
      turn: p.turn,
      pickedAt: now.toISOString(),
      ...(opts.agencyNamed
        ? { memberId: p.chosen, confirmedBy: opts.actor, confirmedAt: now.toISOString() }
        : {
            confirmDueAt: memberConfirmDueAt(
              now,
              ctx.rules.memberConfirmHours,
              new Date(a.statutoryDueAt),
            ).toISOString(),
          }),
    });
  }
  a.needs = undefined;
  a.status = 'awaiting_institution';
  const short =
    active(a).length < a.membersNeeded ? `（群体性案件需 ${a.membersNeeded} 人，可指派 ${active(a).length} 人）` : '';
  const confirm = opts.agencyNamed ? '由法律援助机构指定承办人员（S-2.10）' : '待受指派机构确认承办人员（S-2.10）';
  await ctx.record({
    actor: opts.actor,
    ruleIds: [...new Set([...picks.map((p) => p.rule), 'S-2.10', 'S-3.3'])],
    note: `指派：${picks.map((p) => slotNote(a.slots.find((s) => s.purpose === p.purpose)!)).join('；')}；${confirm}${short}`,
  });
  for (const s of a.slots.filter((x) => purposes.includes(x.purpose) && !x.memberId)) {
    void ctx.notify(
      `member-confirmation-${s.ledgerSeq}`,
      'member_confirmation',
      `【指派通知】法律援助案件 ${ctx.state.applicationNo} 已指派贵机构，轮到 ${s.proposedMemberId} 承办。请于 ${formatCst(new Date(s.confirmDueAt!))} 前确认承办人员（S-2.10）。`,
      `institution:${s.institutionId}`,
    );
  }
  await completeIfDone(ctx);
}

async function completeIfDone(ctx: AssignmentContext): Promise<void> {
  const a = ctx.state.assignment!;
  const slots = active(a);
  if (slots.length === 0 || slots.some((s) => !s.memberId) || ctx.state.stage !== 'assigning') return;
  const now = new Date();
  a.status = 'assigned';
  a.completedAt = now.toISOString();
  a.late =
    now.getTime() > new Date(a.statutoryDueAt).getTime()
      ? 'statutory'
      : now.getTime() > new Date(a.sameDayDueAt).getTime()
        ? 'same_day'
        : undefined;
  const late =
    a.late === 'statutory'
      ? `（超过法定 ${ctx.rules.assignmentDays} 日指派期限，L-3）`
      : a.late === 'same_day'
        ? '（未能当日指派，S-3.3）'
        : '';
  const who = slots.map((s) => `${s.institutionName || s.institutionId} ${s.memberId}`).join('、');
  // Cases with performance (patch of v7): the member and the L-6 due time are part of the `assigned` snapshot. Same
  // state performancePhase would set a moment later, so no command changes.
  if (patched('performance-evaluation')) preparePerformance(ctx);
  await ctx.transition('assigned', {
    actor: 'system',
    ruleIds: ctx.input.channel === 'notification' ? ['S-3.3', 'L-4', 'S-2.10'] : ['S-3.3', 'L-3', 'S-2.10'],
    note: `指派完成：${who}${late}`,
  });
  const round = a.picks;
  void ctx.notify(
    `assigned-${round}`,
    'assigned',
    `【指派通知】您的法律援助（编号 ${ctx.state.applicationNo}）已指派：${who}。承办人员将与您签订委托协议。`,
  );
  if (ctx.input.channel === 'notification') {
    // L-4: the agency tells the notifying organ whom it assigned.
    void ctx.notify(
      `notifying-organ-${round}`,
      'notifying_organ',
      `【指派告知】${ctx.input.intake?.notification?.organName ?? '通知机关'}：法律援助案件 ${ctx.state.applicationNo} 已指派 ${who}（L-4）。`,
      'notifying_organ',
    );
  }
}

function slotFor(a: AssignmentState, memberId: string): AssignmentSlot | undefined {
  return active(a).find((s) => (s.memberId ?? s.proposedMemberId) === memberId);
}

/** S-2.10 and L-11: release a slot and pick again by the same rules, the ledger saying why. */
async function release(
  ctx: AssignmentContext,
  slot: AssignmentSlot,
  opts: {
    rule: 'S-2.10' | 'L-11';
    refund: boolean;
    reason: string;
    actor: string;
    exclude: AssignmentState['excluded'][0];
  },
): Promise<void> {
  const a = ctx.state.assignment!;
  // Held from here to the new pick: every other assignment update is refused meanwhile (cases started before this
  // keep their recorded order of commands: the status also decides the loop's timers).
  if (patched('assignment-turn-taking')) a.status = 'picking';
  slot.releasedAt = new Date().toISOString();
  slot.releaseReason = opts.reason;
  a.excluded.push(opts.exclude);
  if (patched('reassignment-new-round')) {
    // S-3.3, L-3: a reassignment is a new duty to assign, with its own same-day and statutory deadlines.
    const { sameDayDueAt, statutoryDueAt } = assignmentDeadlines(new Date(), ctx.rules.assignmentDays);
    Object.assign(a, {
      since: new Date().toISOString(),
      sameDayDueAt: sameDayDueAt.toISOString(),
      statutoryDueAt: statutoryDueAt.toISOString(),
      sameDayEscalated: undefined,
      statutoryOverdue: undefined,
      late: undefined,
    });
  }
  const released = await rotation.releaseFromCase({
    agencyCode: ctx.state.agencyCode,
    applicationNo: ctx.state.applicationNo,
    purpose: `release-${slot.ledgerSeq}`,
    releasedPurpose: slot.purpose,
    rule: opts.rule,
    refund: opts.refund,
    reason: opts.reason,
  });
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

export function registerAssignmentHandlers(ctx: AssignmentContext): void {
  const a = () => ctx.state.assignment;
  const inAssignment = () => {
    const open = ['assigning', 'assigned', 'performing'].includes(ctx.state.stage);
    if (!a() || !open) {
      fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不在指派阶段`);
    }
  };

  setHandler(
    assignCase,
    async (input: AssignCaseInput) => {
      const state = a()!;
      if (state.status !== 'awaiting_agency') fail('本案已在指派中，请勿重复指派');
      const need = Math.max(1, state.membersNeeded - active(state).length);
      let priority: Priority | undefined;
      if (input.method === 'priority') priority = { rule: input.rule!, memberId: input.memberId! };
      if (input.method === 'discussion') {
        priority = { rule: 'S-2.9(f)', memberId: input.memberId!, discussionRecord: input.discussionRecord! };
      }
      await pickSlots(ctx, {
        request: requestFor(ctx, state, priority),
        count: priority ? 1 : need,
        actor: input.assignedBy,
        agencyNamed: priority !== undefined,
        rethrow: true,
        reason: input.method === 'discussion' ? `集体讨论记录：${input.discussionRecord}` : undefined,
      });
      // A priority names one member; a group case fills its other places by rotation.
      const missing = state.membersNeeded - active(state).length;
      if (priority && missing > 0) {
        await pickSlots(ctx, {
          request: requestFor(ctx, state),
          count: missing,
          actor: input.assignedBy,
          agencyNamed: false,
          rethrow: false,
        });
      }
      return state;
    },
    {
      validator: (input: AssignCaseInput) => {
        inAssignment();
        if (a()!.status !== 'awaiting_agency') fail('本案不在等待法律援助机构指派的状态');
        if (input.method === 'priority') {
          if (!input.rule || !ASSIGNMENT_PRIORITY_RULES.includes(input.rule)) {
            fail('优先指派须注明适用的 S-2.9 情形（a、b、d、e）', ERROR_TYPES.invalidInput);
          }
          if (!input.memberId?.trim()) fail('优先指派须指定法律援助人员（S-2.10）', ERROR_TYPES.invalidInput);
        }
        if (input.method === 'discussion') {
          if (!input.memberId?.trim()) fail('须指定法律援助人员（S-2.9(f)）', ERROR_TYPES.invalidInput);
          if (!input.discussionRecord?.trim()) {
            fail('重大疑难案件须有集体讨论记录（S-2.9(f)）', ERROR_TYPES.invalidInput);
          }
        }
      },
    },
  );

  setHandler(
    confirmMember,
    async (input: ConfirmMemberInput) => {
      const state = a()!;
      const slot = state.slots.find((s) => s.ledgerSeq === input.ledgerSeq && !s.releasedAt && !s.memberId);
      if (!slot) fail('该指派已确认或已解除');
      const now = new Date().toISOString();
      let note = `${input.by === 'agency' ? '法律援助机构指定' : '受指派机构确认'}承办人员：${input.memberId}（S-2.10）`;
      if (input.memberId !== slot.proposedMemberId) {
        // Held while the ledger changes: a second confirmation or a conflict for this case waits its turn.
        const previous = state.status;
        if (patched('assignment-turn-taking')) state.status = 'picking';
        const other = await rotation
          .confirmOtherMember({
            agencyCode: ctx.state.agencyCode,
            applicationNo: ctx.state.applicationNo,
            releasePurpose: `release-${slot.ledgerSeq}`,
            purpose: `confirm-${slot.ledgerSeq}`,
            slotPurpose: slot.purpose,
            memberId: input.memberId,
            request: requestFor(ctx, state),
          })
          .catch((err: unknown) => {
            state.status = previous;
            const refusal = unassignable(err);
            if (refusal !== undefined) fail(refusal, ERROR_TYPES.unassignable);
            throw err;
          });
        state.status = previous;
        note += `，替代 ${slot.proposedMemberId}（原轮次退还，轮流指派记录第 ${other.seq} 号）`;
        Object.assign(slot, { purpose: other.purpose, ledgerSeq: other.seq, rule: other.rule, turn: other.turn });
      }
      Object.assign(slot, { memberId: input.memberId, confirmedBy: input.confirmedBy, confirmedAt: now });
      await ctx.record({ actor: input.confirmedBy, ruleIds: ['S-2.10'], note });
      await completeIfDone(ctx);
      return state;
    },
    {
      validator: (input: ConfirmMemberInput) => {
        inAssignment();
        if (a()!.status === 'picking') fail('正在指派中，请稍后再确认');
        const slot = a()!.slots.find((s) => s.ledgerSeq === input.ledgerSeq);
        if (!slot || slot.releasedAt) fail('没有该指派记录，或该指派已解除（S-2.10）', ERROR_TYPES.invalidInput);
        if (slot.memberId) fail('该指派的承办人员已确认（S-2.10）');
        if (!input.memberId.trim()) fail('须指定承办人员（S-2.10）', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    reportConflict,
    async (input: ReportConflictInput) => {
      const slot = slotFor(a()!, input.memberId);
      if (!slot) fail('该人员已不在本案指派中');
      const who =
        input.scope === 'institution' ? `${slot.institutionName || slot.institutionId}（整个机构）` : input.memberId;
      const reason = `${who}报告存在利益冲突或因客观原因不能承办：${input.reason}（S-2.10）`;
      await release(ctx, slot, {
        rule: 'S-2.10',
        // The member never handled the case: the turn goes back, their place is kept.
        refund: true,
        reason,
        actor: input.reportedBy,
        exclude:
          input.scope === 'institution'
            ? { institutionId: slot.institutionId, reason: '所在机构报告存在利益冲突（S-2.10）' }
            : { memberId: input.memberId, reason: '报告存在利益冲突或不能承办（S-2.10）' },
      });
      return a()!;
    },
    {
      validator: (input: ReportConflictInput) => {
        inAssignment();
        if (a()!.status === 'picking') fail('正在指派中，请稍后再报告');
        if (!slotFor(a()!, input.memberId)) fail('该人员不在本案指派中', ERROR_TYPES.invalidInput);
        if (!input.reason.trim()) fail('须说明利益冲突或不能承办的原因（S-2.10）', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    replaceMember,
    async (input: ReplaceMemberInput) => {
      const slot = slotFor(a()!, input.memberId);
      if (!slot) fail('该人员已不在本案指派中');
      await release(ctx, slot, {
        rule: 'L-11',
        // The replaced member did handle the case: the turn stays used (L-11 is not S-2.9(b)).
        refund: false,
        reason: `准予受援人更换法律援助人员的申请：${input.reason}（L-11）`,
        actor: input.decidedBy,
        exclude: { memberId: input.memberId, reason: '受援人申请更换，已准予（L-11）' },
      });
      return a()!;
    },
    {
      validator: (input: ReplaceMemberInput) => {
        inAssignment();
        if (a()!.status === 'picking') fail('正在指派中，请稍后再处理');
        const slot = slotFor(a()!, input.memberId);
        if (!slot?.memberId) fail('只能更换已确认承办本案的人员（L-11）', ERROR_TYPES.invalidInput);
        if (!input.reason.trim()) fail('须说明准予更换的理由（L-11）', ERROR_TYPES.invalidInput);
      },
    },
  );
}

/** Escalations due by now: end of the day (S-3.3), the statutory limit (L-3/L-4), unconfirmed members (S-2.10). */
async function escalate(ctx: AssignmentContext): Promise<void> {
  const a = ctx.state.assignment!;
  const now = Date.now();
  const waiting = a.status !== 'assigned';
  if (waiting && !a.sameDayEscalated && now >= Date.parse(a.sameDayDueAt)) {
    a.sameDayEscalated = true;
    const note = `当日未完成指派，已提请机构负责人处理（S-3.3）；法定期限至 ${formatCst(new Date(a.statutoryDueAt))}`;
    await ctx.record({ actor: 'system', ruleIds: ['S-3.3'], note });
    void ctx.notify(
      `assignment-escalated-same-day-${Date.parse(a.since)}`,
      'assignment_escalation',
      `【指派督办】法律援助案件 ${ctx.state.applicationNo} 未能当日指派（S-3.3）。${a.needs ?? ''}`,
      headOf(ctx),
    );
  }
  if (waiting && !a.statutoryOverdue && now >= Date.parse(a.statutoryDueAt)) {
    a.statutoryOverdue = true;
    const rule = ctx.input.channel === 'notification' ? 'L-4' : 'L-3';
    const note = `超过法定 ${ctx.rules.assignmentDays} 日指派期限仍未完成指派（${rule}）`;
    await ctx.record({ actor: 'system', ruleIds: [rule], note });
    void ctx.notify(
      `assignment-overdue-${Date.parse(a.since)}`,
      'assignment_overdue',
      `【指派逾期】法律援助案件 ${ctx.state.applicationNo}：${note}。`,
      headOf(ctx),
    );
  }
  for (const s of active(a)) {
    if (!s.memberId && s.confirmDueAt && !s.confirmEscalated && now >= Date.parse(s.confirmDueAt)) {
      s.confirmEscalated = true;
      const note = `${s.institutionName || s.institutionId} 逾期未确认承办人员，由法律援助机构指定（S-2.10）`;
      await ctx.record({ actor: 'system', ruleIds: ['S-2.10'], note });
      void ctx.notify(
        `member-confirmation-overdue-${s.ledgerSeq}`,
        'member_confirmation_overdue',
        `【指派督办】法律援助案件 ${ctx.state.applicationNo}：${note}。`,
        headOf(ctx),
      );
    }
  }
}

function nextDeadline(a: AssignmentState): number | undefined {
  const times: number[] = [];
  if (a.status !== 'assigned') {
    if (!a.sameDayEscalated) times.push(Date.parse(a.sameDayDueAt));
    if (!a.statutoryOverdue) times.push(Date.parse(a.statutoryDueAt));
  }
  for (const s of active(a))
    if (!s.memberId && s.confirmDueAt && !s.confirmEscalated) times.push(Date.parse(s.confirmDueAt));
  return times.length ? Math.min(...times) : undefined;
}

/**
 * Runs the assignment stage from `granted` (or resumes it at `assigning` after a conflict or replacement). Returns
 * when the case is assigned and `untilAssigned` (the performance stage takes over), or when it leaves the stage
 * (L-9 termination). Cases from before the performance stage (`untilAssigned` false) stay here once assigned.
 */
export async function assignmentPhase(ctx: AssignmentContext, untilAssigned = false): Promise<void> {
  // Inline, not a helper call: an extra await here would reorder the first commands of recorded histories.
  if (ctx.state.stage === 'granted') {
    const now = new Date();
    const since = assignmentSince(ctx.input, now);
    const { sameDayDueAt, statutoryDueAt } = assignmentDeadlines(since, ctx.rules.assignmentDays);
    const hints = ctx.input.intake?.assignment;
    const previous = ctx.state.assignment;
    const a: AssignmentState = {
      status: 'picking',
      since: since.toISOString(),
      sameDayDueAt: sameDayDueAt.toISOString(),
      statutoryDueAt: statutoryDueAt.toISOString(),
      membersNeeded: membersNeeded(hints?.aidedPersons, ctx.rules.personsPerMember, ctx.rules.maxMembersPerCase),
      // A case granted again after an objection keeps its ledger purposes unique.
      picks: previous?.picks ?? 0,
      slots: [],
      excluded: [],
    };
    ctx.state.assignment = a;
    const group =
      a.membersNeeded > 1
        ? `；群体性案件，受援人 ${hints?.aidedPersons} 人，需指派 ${a.membersNeeded} 人（S-3.3）`
        : '';
    await ctx.transition('assigning', {
      actor: 'system',
      ruleIds: ctx.input.channel === 'notification' ? ['S-3.3', 'L-4'] : ['S-3.3', 'L-3'],
      note: `应于 ${formatCst(sameDayDueAt)} 前完成指派（当日，S-3.3），法定期限 ${formatCst(statutoryDueAt)}${group}`,
    });

    const step = humanStep(hints);
    if (step) {
      a.status = 'awaiting_agency';
      a.needs = step;
      await ctx.record({ actor: 'system', ruleIds: ['S-2.9', 'S-2.10'], note: step });
      void ctx.notify(
        `assignment-needs-agency-r${a.picks}`,
        'assignment_needs_agency',
        `【待指派】法律援助案件 ${ctx.state.applicationNo}：${step}。`,
        headOf(ctx),
      );
    } else {
      // S-2.9(b): the same case's earlier stage keeps its member, turn deducted; otherwise plain rotation.
      const earlier = hints?.earlierApplicationNo
        ? earlierStagePriority(
            await rotation.earlierStageMember({
              applicationNo: hints.earlierApplicationNo,
              laterApplicationNo: ctx.state.applicationNo,
            }),
          )
        : undefined;
      await pickSlots(ctx, {
        request: requestFor(ctx, a, earlier),
        count: earlier ? 1 : a.membersNeeded,
        actor: 'system',
        agencyNamed: earlier !== undefined,
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
  }
  const a = ctx.state.assignment!;
  for (;;) {
    if (ctx.state.stage !== 'assigning' && ctx.state.stage !== 'assigned') return;
    if (untilAssigned && ctx.state.stage === 'assigned') return;
    const seq = ctx.state.seq;
    const stage = ctx.state.stage;
    const due = nextDeadline(a);
    const changed = () => ctx.state.seq !== seq || ctx.state.stage !== stage;
    if (due === undefined) await condition(changed);
    else if (!(await condition(changed, Math.max(1, due - Date.now())))) await escalate(ctx);
  }
}
