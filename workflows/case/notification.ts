/**
 * L-4 (Law arts. 25, 28, 36): a notification case (通知辩护/通知代理) the agency cannot act on — another agency's,
 * a letter it already acted on, no ground to notify on, a defective letter — goes back to the notifying organ with the
 * reasons (退回通知机关). It is not refused: there is no application, so there is no refusal and no objection (L-10);
 * the organ is told, and may notify again (the right agency, or a corrected letter). Members already picked are
 * released with their turns refunded (they did no work) and told.
 */
import { ERROR_TYPES, returnToOrgan, type ApplicationState, type ReturnToOrganInput } from '../../domain/definitions';
import { RETURN_GROUNDS } from '../../domain/intake';
import { notificationReturnedText } from '../../domain/notices';
import { canTransition, STAGES } from '../../domain/stages';
import { fail, notice, rotation, type CaseContext } from './context';

/** The picks still on the case (S-2.10): released, turn refunded, when the notification goes back. */
const heldSlots = (state: ApplicationState) => (state.assignment?.slots ?? []).filter((s) => !s.releasedAt);

async function releasePicks(ctx: CaseContext, reason: string): Promise<string[]> {
  const told: string[] = [];
  for (const slot of heldSlots(ctx.state)) {
    await ctx.call(() =>
      rotation.releaseFromCase({
        agencyCode: ctx.state.agencyCode,
        applicationNo: ctx.state.applicationNo,
        purpose: `returned-${slot.ledgerSeq}`,
        releasedPurpose: slot.purpose,
        rule: 'L-4',
        refund: true,
        reason,
      }),
    );
    slot.releasedAt = new Date().toISOString();
    slot.releaseReason = reason;
    told.push(`member:${slot.memberId ?? slot.proposedMemberId}`, `institution:${slot.institutionId}`);
  }
  return [...new Set(told)];
}

export function registerNotificationSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(returnToOrgan, {
    validate: ({ ground, reason }: ReturnToOrganInput) => {
      if (!ctx.notification) {
        fail('只有通知辩护/代理案件可以退回通知机关；申请案件依审查作出决定（L-1）');
      }
      if (!canTransition(state.stage, 'returned', { notification: true }) || state.performance?.engagement) {
        fail(`案件当前处于「${STAGES[state.stage]}」阶段，已不能退回通知机关`);
      }
      if (!(ground in RETURN_GROUNDS)) fail('未知的退回原因', ERROR_TYPES.invalidInput);
      if (!reason.trim()) fail('退回通知机关须书面说明理由（L-4）', ERROR_TYPES.invalidInput);
    },
    run: async ({ ground, reason, returnedBy }) => {
      const at = new Date().toISOString();
      const label = RETURN_GROUNDS[ground];
      state.returnedToOrgan = { ground, reason: reason.trim(), returnedBy, at, fromStage: state.stage };
      state.closedReason = `${label}，退回通知机关（L-4）：${reason.trim()}`;
      const handlers = await releasePicks(ctx, `通知已退回通知机关：${label}（L-4）`);
      if (state.assignment && state.assignment.status !== 'assigned') state.assignment.status = 'awaiting_agency';
      const letter = ctx.input.intake!.notification!;
      const toOrgan = notice(
        'notification-returned',
        'notification_returned',
        notificationReturnedText({ applicationNo: state.applicationNo, letter, ground: label, reason: reason.trim() }),
        'notifying_organ',
      );
      const toHandlers = handlers.map((to) =>
        notice(
          `notification-returned-${to}`,
          'notification_returned_handler',
          `【指派撤回】法律援助案件 ${state.applicationNo} 的通知已退回通知机关（${label}），对您的指派相应撤回，轮次已退还（L-4）。`,
          to,
        ),
      );
      await ctx.transition('returned', { actor: returnedBy, ruleIds: ['L-4'], note: state.closedReason }, [
        toOrgan,
        ...toHandlers,
      ]);
      return { applicationNo: state.applicationNo, stage: state.stage, returnedAt: at };
    },
  });
}
