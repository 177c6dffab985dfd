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
import { dayPeriod, extendedPeriod, lastDayBefore, type PeriodEnd } from '../../domain/deadlines';
import { movedText } from '../../domain/calendar';
import {
  correctionExtendedText,
  correctionNoticeText,
  correctionReminderText,
  correctionRescheduledText,
  correctionTerminatedText,
  MATERIALS,
  missingMaterials,
} from '../../domain/materials';
import { STAGES } from '../../domain/stages';
import { ladder, runClocks, type Clock } from '../support/clocks';
import { fail, notice, type CaseContext } from './context';

const WITHDRAWN = '逾期未补齐材料，视为撤回申请，法律援助终止（S-3.2，L-2）';
const TERMINATED_ACCEPTED_FIRST = '先行受理后逾期未补齐材料，按申请人承诺终止法律援助（S-3.2，L-7）';

/** The first stage: awaiting the missing materials (with the one-time notice), or straight to review (L-1). */
export function enterFirstStage(ctx: CaseContext): Promise<void> {
  const { state, input } = ctx;
  if (state.materialsMissing.length === 0) return ctx.transition('under_review', { actor: 'system', ruleIds: ['L-1'] });
  const period = correctionPeriod(ctx);
  const dueAt = period.dueAt;
  setCorrectionDeadline(ctx, period);
  const commitment = input.intake?.correctionCommitment
    ? '\n申请人已承诺：逾期未补齐材料的，视为撤回申请或终止法律援助。'
    : '';
  const note =
    correctionNoticeText({
      applicationNo: state.applicationNo,
      missing: state.materialsMissing,
      dueAt,
      ...moved(period),
    }) + commitment;
  return ctx.transition('awaiting_materials', { actor: 'system', ruleIds: ['S-3.2', 'L-2'], note }, [
    notice('correction-notice', 'correction_notice', note),
  ]);
}

/**
 * S-3.2: the correction period in force: the configured days from receipt, and the one extension's days from its
 * last day; each last day on a rest day moves to the next working day (Civil Code art. 203).
 */
function correctionPeriod(ctx: CaseContext): PeriodEnd {
  const { state, input, rules, calendar } = ctx;
  const first = dayPeriod(new Date(input.receivedAt), rules.correctionDays, calendar);
  const extension = state.correctionExtensionDays;
  return extension ? extendedPeriod(first.dueAt, extension, calendar) : first;
}

const moved = (period: PeriodEnd) => (period.moved ? { moved: period.moved } : {});

function setCorrectionDeadline(ctx: CaseContext, period: PeriodEnd): void {
  ctx.state.correctionDueAt = period.dueAt.toISOString();
  if (period.moved) ctx.state.correctionMoved = period.moved;
  else delete ctx.state.correctionMoved;
}

/**
 * The holiday calendar changed: a correction deadline not yet passed is counted again, and the applicant told when
 * its last day moved. Its clocks re-arm (their keys name the due time).
 */
export async function recountCorrectionDeadline(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  if (state.stage !== 'awaiting_materials' || !state.correctionDueAt) return;
  if (Date.parse(state.correctionDueAt) <= Date.now()) return;
  const period = correctionPeriod(ctx);
  if (period.dueAt.toISOString() === state.correctionDueAt) return;
  setCorrectionDeadline(ctx, period);
  const note = `法定节假日安排调整（日历 ${state.calendarVersion}），补正期限调整为 ${period.lastDay}（含当日）${movedText(period.moved)}`;
  const text = correctionRescheduledText({ applicationNo: state.applicationNo, dueAt: period.dueAt, ...moved(period) });
  await ctx.record({ actor: 'system', ruleIds: ['S-3.2'], note }, [
    notice(`correction-rescheduled-${period.lastDay}`, 'correction_rescheduled', text),
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
      state.correctionExtended = true;
      state.correctionExtensionDays = days;
      const period = correctionPeriod(ctx);
      const dueAt = period.dueAt;
      setCorrectionDeadline(ctx, period);
      const note = `补正期限延长 ${days} 日，至 ${lastDayBefore(dueAt)}（含当日）${movedText(period.moved)}。原因：${reason}`;
      const text = correctionExtendedText({ applicationNo: state.applicationNo, dueAt, reason, ...moved(period) });
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
  await ctx.transition(
    'terminated',
    { actor: 'system', ruleIds: state.acceptedFirst ? ['S-3.2', 'L-7'] : ['S-3.2', 'L-2'], note: state.closedReason },
    [notice('correction-terminated', 'correction_terminated', correctionTerminatedText(state.applicationNo))],
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
