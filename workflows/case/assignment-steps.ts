/**
 * The agency's and institutions' steps in the assignment (S-2.9, S-2.10, L-11): the agency assigns (rotation, a
 * priority it names, a major case's collective discussion); each institution confirms its member (or names another,
 * the ledger turning the turn over); a conflict or a granted replacement releases the member and picks again.
 */
import {
  ASSIGNMENT_PRIORITY_RULES,
  assignCase,
  confirmMember,
  ERROR_TYPES,
  replaceMember,
  reportConflict,
  type AssignCaseInput,
  type AssignmentSlot,
  type AssignmentState,
  type ConfirmMemberInput,
  type ReplaceMemberInput,
  type ReportConflictInput,
} from '../../domain/definitions';
import type { Priority } from '../../domain/rotation';
import { STAGES } from '../../domain/stages';
import { active, completeIfDone, pickSlots, release, requestFor, unassignable } from './assignment-picks';
import { fail, rotation, type CaseContext } from './context';

function slotFor(a: AssignmentState, memberId: string): AssignmentSlot | undefined {
  return active(a).find((s) => (s.memberId ?? s.proposedMemberId) === memberId);
}

function inAssignment(ctx: CaseContext): AssignmentState {
  const a = ctx.state.assignment;
  if (!a || !['assigning', 'assigned', 'performing'].includes(ctx.state.stage)) {
    fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不在指派阶段`);
  }
  return a;
}

/** Who the agency names for a priority or a discussion (S-2.10, S-2.9(f)); none for a plain rotation. */
function priorityOf(input: AssignCaseInput): Priority | undefined {
  if (input.method === 'priority') return { rule: input.rule!, memberId: input.memberId! };
  if (input.method === 'discussion') {
    return { rule: 'S-2.9(f)', memberId: input.memberId!, discussionRecord: input.discussionRecord! };
  }
  return undefined;
}

function validateAssign(ctx: CaseContext, input: AssignCaseInput): void {
  if (inAssignment(ctx).status !== 'awaiting_agency') fail('本案不在等待法律援助机构指派的状态');
  if (input.method === 'priority') {
    if (!input.rule || !ASSIGNMENT_PRIORITY_RULES.includes(input.rule)) {
      fail('优先指派须注明适用的 S-2.9 情形（a、b、d、e）', ERROR_TYPES.invalidInput);
    }
    if (!input.memberId?.trim()) fail('优先指派须指定法律援助人员（S-2.10）', ERROR_TYPES.invalidInput);
  }
  if (input.method === 'discussion') {
    if (!input.memberId?.trim()) fail('须指定法律援助人员（S-2.9(f)）', ERROR_TYPES.invalidInput);
    if (!input.discussionRecord?.trim()) fail('重大疑难案件须有集体讨论记录（S-2.9(f)）', ERROR_TYPES.invalidInput);
  }
}

async function assign(ctx: CaseContext, input: AssignCaseInput): Promise<AssignmentState> {
  const a = ctx.state.assignment!;
  const priority = priorityOf(input);
  await pickSlots(ctx, {
    request: requestFor(ctx, a, priority),
    count: priority ? 1 : Math.max(1, a.membersNeeded - active(a).length),
    actor: input.assignedBy,
    agencyNamed: priority !== undefined,
    rethrow: true,
    reason: input.method === 'discussion' ? `集体讨论记录：${input.discussionRecord}` : undefined,
  });
  // A priority names one member; a group case fills its other places by rotation.
  const missing = a.membersNeeded - active(a).length;
  if (priority && missing > 0) {
    await pickSlots(ctx, {
      request: requestFor(ctx, a),
      count: missing,
      actor: input.assignedBy,
      agencyNamed: false,
      rethrow: false,
    });
  }
  return a;
}

async function confirm(ctx: CaseContext, input: ConfirmMemberInput): Promise<AssignmentState> {
  const a = ctx.state.assignment!;
  const slot = a.slots.find((s) => s.ledgerSeq === input.ledgerSeq && !s.releasedAt && !s.memberId)!;
  let note = `${input.by === 'agency' ? '法律援助机构指定' : '受指派机构确认'}承办人员：${input.memberId}（S-2.10）`;
  if (input.memberId !== slot.proposedMemberId) {
    const other = await ctx
      .call(() =>
        rotation.confirmOtherMember({
          agencyCode: ctx.state.agencyCode,
          applicationNo: ctx.state.applicationNo,
          releasePurpose: `release-${slot.ledgerSeq}`,
          purpose: `confirm-${slot.ledgerSeq}`,
          slotPurpose: slot.purpose,
          memberId: input.memberId,
          request: requestFor(ctx, a),
        }),
      )
      .catch((err: unknown) => {
        const refusal = unassignable(err);
        if (refusal !== undefined) fail(refusal, ERROR_TYPES.unassignable);
        throw err;
      });
    note += `，替代 ${slot.proposedMemberId}（原轮次退还，轮流指派记录第 ${other.seq} 号）`;
    Object.assign(slot, { purpose: other.purpose, ledgerSeq: other.seq, rule: other.rule, turn: other.turn });
  }
  Object.assign(slot, {
    memberId: input.memberId,
    confirmedBy: input.confirmedBy,
    confirmedAt: new Date().toISOString(),
  });
  await ctx.record({ actor: input.confirmedBy, ruleIds: ['S-2.10'], note });
  await completeIfDone(ctx);
  return a;
}

export function registerAssignmentSteps(ctx: CaseContext): void {
  ctx.steps.on(assignCase, { validate: (input) => validateAssign(ctx, input), run: (input) => assign(ctx, input) });

  ctx.steps.on(confirmMember, {
    validate: (input: ConfirmMemberInput) => {
      const a = inAssignment(ctx);
      if (a.status === 'picking') fail('正在指派中，请稍后再确认');
      const slot = a.slots.find((s) => s.ledgerSeq === input.ledgerSeq);
      if (!slot || slot.releasedAt) fail('没有该指派记录，或该指派已解除（S-2.10）', ERROR_TYPES.invalidInput);
      if (slot.memberId) fail('该指派的承办人员已确认（S-2.10）');
      if (!input.memberId.trim()) fail('须指定承办人员（S-2.10）', ERROR_TYPES.invalidInput);
    },
    run: (input) => confirm(ctx, input),
  });

  ctx.steps.on(reportConflict, {
    validate: (input: ReportConflictInput) => {
      const a = inAssignment(ctx);
      if (a.status === 'picking') fail('正在指派中，请稍后再报告');
      if (!slotFor(a, input.memberId)) fail('该人员不在本案指派中', ERROR_TYPES.invalidInput);
      if (!input.reason.trim()) fail('须说明利益冲突或不能承办的原因（S-2.10）', ERROR_TYPES.invalidInput);
    },
    run: async (input) => {
      const slot = slotFor(ctx.state.assignment!, input.memberId)!;
      const institution = input.scope === 'institution';
      const who = institution ? `${slot.institutionName || slot.institutionId}（整个机构）` : input.memberId;
      await release(ctx, slot, {
        rule: 'S-2.10',
        // The member never handled the case: the turn goes back, their place is kept.
        refund: true,
        reason: `${who}报告存在利益冲突或因客观原因不能承办：${input.reason}（S-2.10）`,
        actor: input.reportedBy,
        exclude: institution
          ? { institutionId: slot.institutionId, reason: '所在机构报告存在利益冲突（S-2.10）' }
          : { memberId: input.memberId, reason: '报告存在利益冲突或不能承办（S-2.10）' },
      });
      return ctx.state.assignment!;
    },
  });

  ctx.steps.on(replaceMember, {
    validate: (input: ReplaceMemberInput) => {
      const a = inAssignment(ctx);
      if (a.status === 'picking') fail('正在指派中，请稍后再处理');
      if (!slotFor(a, input.memberId)?.memberId) fail('只能更换已确认承办本案的人员（L-11）', ERROR_TYPES.invalidInput);
      if (!input.reason.trim()) fail('须说明准予更换的理由（L-11）', ERROR_TYPES.invalidInput);
    },
    run: async (input) => {
      await release(ctx, slotFor(ctx.state.assignment!, input.memberId)!, {
        rule: 'L-11',
        // The replaced member did handle the case: the turn stays used (L-11 is not S-2.9(b)).
        refund: false,
        reason: `准予受援人更换法律援助人员的申请：${input.reason}（L-11）`,
        actor: input.decidedBy,
        exclude: { memberId: input.memberId, reason: '受援人申请更换，已准予（L-11）' },
      });
      return ctx.state.assignment!;
    },
  });
}
