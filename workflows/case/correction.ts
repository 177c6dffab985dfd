/**
 * S-3.2, L-2: an application accepted with documents missing (容缺受理): one notice lists everything missing with the
 * deadline; reminders go out on the ladder of the deadline in force (none after the materials arrive, none already
 * past when the ladder is set, a new ladder after the one extension); at the deadline the application is treated as
 * withdrawn, or aid accepted first is terminated under the applicant's commitment (L-7).
 */
import {
  extendCorrectionDeadline,
  ERROR_TYPES,
  supplyMaterials,
  type ExtendDeadlineInput,
  type SupplyMaterialsInput,
} from '../../domain/definitions';
import { correctionDeadline, extendDeadline, lastDayBefore } from '../../domain/deadlines';
import {
  correctionExtendedText,
  correctionNoticeText,
  correctionReminderText,
  correctionWithdrawnText,
  acceptedFirstTerminatedText,
  MATERIALS,
  missingMaterials,
} from '../../domain/materials';
import { STAGES } from '../../domain/stages';
import { formatCstDay } from '../../domain/time';
import { ladder, runClocks, type Clock } from '../support/clocks';
import { fail, notice, type CaseContext } from './context';

const WITHDRAWN = '逾期未补齐材料，视为撤回申请，法律援助终止（S-3.2，L-2）';
const TERMINATED_ACCEPTED_FIRST = '先行受理后逾期未补齐材料，按申请人承诺终止法律援助（S-3.2，L-7）';

/** The first stage: awaiting the missing materials (with the one-time notice), or straight to review (L-1). */
export function enterFirstStage(ctx: CaseContext): Promise<void> {
  const { state, input } = ctx;
  if (state.materialsMissing.length === 0) return ctx.transition('under_review', { actor: 'system', ruleIds: ['L-1'] });
  const dueAt = correctionDeadline(new Date(input.receivedAt), ctx.rules.correctionDays);
  state.correctionDueAt = dueAt.toISOString();
  const commitment = input.intake?.correctionCommitment
    ? '\n申请人已承诺：逾期未补齐材料的，视为撤回申请或终止法律援助。'
    : '';
  const note =
    correctionNoticeText({ applicationNo: state.applicationNo, missing: state.materialsMissing, dueAt }) + commitment;
  return ctx.transition('awaiting_materials', { actor: 'system', ruleIds: ['S-3.2', 'L-2'], note }, [
    notice('correction-notice', 'correction_notice', note),
  ]);
}

const notCorrecting = (ctx: CaseContext) => fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不在补正材料期间`);

export function registerCorrectionSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(supplyMaterials, {
    validate: ({ items }: SupplyMaterialsInput) => {
      if (items.length === 0) fail('至少补交一项材料', ERROR_TYPES.invalidInput);
      if (state.stage !== 'awaiting_materials') notCorrecting(ctx);
    },
    run: async ({ items, receivedBy }) => {
      const fresh = items.filter((code) => !state.materialsSupplied.includes(code));
      if (fresh.length > 0) {
        state.materialsSupplied.push(...fresh);
        state.materialsMissing = missingMaterials(state.materialsSupplied);
        const note = `已补交：${fresh.map((code) => MATERIALS[code]).join('、')}`;
        if (state.materialsMissing.length === 0) {
          state.correctionDueAt = undefined;
          await ctx.transition('under_review', { actor: receivedBy, ruleIds: ['S-3.2', 'L-2', 'L-1'], note });
        } else {
          await ctx.record({ actor: receivedBy, ruleIds: ['S-3.2', 'L-2'], note });
        }
      }
      return { stage: state.stage, materialsMissing: state.materialsMissing };
    },
  });
  ctx.steps.on(extendCorrectionDeadline, {
    validate: ({ days, reason }: ExtendDeadlineInput) => {
      if (state.stage !== 'awaiting_materials') notCorrecting(ctx);
      if (state.correctionExtended) fail('补正期限只能延长一次（S-3.2）');
      if (!Number.isInteger(days) || days < 1 || days > ctx.rules.maxExtensionDays) {
        fail(`延长天数应为 1 至 ${ctx.rules.maxExtensionDays} 日`, ERROR_TYPES.invalidInput);
      }
      if (!reason.trim()) fail('延长补正期限须说明理由', ERROR_TYPES.invalidInput);
    },
    run: async ({ days, reason, extendedBy }) => {
      const dueAt = extendDeadline(new Date(state.correctionDueAt!), days);
      state.correctionDueAt = dueAt.toISOString();
      state.correctionExtended = true;
      const note = `补正期限延长 ${days} 日，至 ${formatCstDay(lastDayBefore(dueAt))}（含当日）。原因：${reason}`;
      const text = correctionExtendedText({ applicationNo: state.applicationNo, dueAt, reason });
      await ctx.record({ actor: extendedBy, ruleIds: ['S-3.2'], note }, [
        notice('correction-extended', 'correction_extended', text),
      ]);
      return { correctionDueAt: state.correctionDueAt };
    },
  });
}

function correctionClocks(ctx: CaseContext): Clock[] {
  const { state, rules } = ctx;
  const dueAt = new Date(state.correctionDueAt!);
  const remind = (key: string) => {
    const text = correctionReminderText({ applicationNo: state.applicationNo, missing: state.materialsMissing, dueAt });
    return ctx.notify(notice(key, 'correction_reminder', text));
  };
  return [
    ...ladder('correction', dueAt, rules.reminderDaysBefore, rules.reminderHourCst, remind),
    { key: `correction-due-${state.correctionDueAt}`, at: dueAt.getTime(), fire: () => terminateAtDeadline(ctx) },
  ];
}

/** L-2: an application not yet decided is treated as withdrawn; S-3.2, L-7: aid accepted first is terminated. */
async function terminateAtDeadline(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  state.closedReason = state.acceptedFirst ? TERMINATED_ACCEPTED_FIRST : WITHDRAWN;
  // L-2: a withdrawal is open to no objection (Law art. 49 covers refusals and terminations): the notice says how to
  // apply again instead.
  const text = state.acceptedFirst
    ? acceptedFirstTerminatedText(state.applicationNo, state.materialsMissing)
    : correctionWithdrawnText(state.applicationNo, state.materialsMissing);
  await ctx.transition(
    'terminated',
    { actor: 'system', ruleIds: state.acceptedFirst ? ['S-3.2', 'L-7'] : ['S-3.2', 'L-2'], note: state.closedReason },
    [notice('correction-terminated', 'correction_terminated', text)],
  );
}

/** Waits while materials are awaited: until they are complete (review) or the deadline ends the application. */
export async function correctionPhase(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  await runClocks({
    hold: (part) => ctx.steps.hold(part),
    done: () => state.stage !== 'awaiting_materials',
    clocks: () => correctionClocks(ctx),
    version: () => `${state.seq}:${state.correctionDueAt}`,
  });
}
