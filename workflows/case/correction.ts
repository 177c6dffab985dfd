/**
 * S-3.2, L-2: an application accepted with documents missing (容缺受理): one notice lists everything missing with the
 * deadline; reminders go out on the ladder of the deadline in force (none after the materials arrive, none already
 * past when the ladder is set, a new ladder after the one extension); at the deadline the application is treated as
 * withdrawn. Aid accepted first (先行受理, S-3.2, L-7) may be granted and assigned while the documents are awaited: the
 * deadline keeps running beside the later phases, and documents still missing at it terminate the aid under the
 * applicant's commitment (the member and institution are told; work already done is evaluated and paid, S-4.4).
 */
import { condition } from '@temporalio/workflow';
import {
  extendCorrectionDeadline,
  ERROR_TYPES,
  supplyMaterials,
  type ExtendDeadlineInput,
  type SupplyMaterialsInput,
} from '../../domain/definitions';
import { dayPeriod, extendedPeriod, type PeriodEnd } from '../../domain/deadlines';
import { movedText } from '../../domain/calendar';
import {
  correctionExtendedText,
  correctionNoticeText,
  correctionReminderText,
  correctionRescheduledText,
  correctionWithdrawnText,
  acceptedFirstTerminatedHandlerText,
  acceptedFirstTerminatedText,
  COMMON_CORE,
  itemName,
  missingMaterials,
  type CorrectionItem,
} from '../../domain/materials';
import { AID_STARTED_STAGES, canTransition, STAGES } from '../../domain/stages';
import { formatCstDay } from '../../domain/time';
import { ladder, runClocks, type Clock } from '../support/clocks';
import { fail, notice, type CaseContext } from './context';
import { handlersOf } from './termination';

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
      required: requiredOf(ctx),
      ...moved(period),
      acceptedFirst: state.acceptedFirst !== undefined,
    }) + commitment;
  return ctx.transition('awaiting_materials', { actor: 'system', ruleIds: ['S-3.2', 'L-2'], note }, [
    notice('correction-notice', 'correction_notice', note),
  ]);
}

/** L-2: what the case requires, as intake copied it from the catalogue. */
const requiredOf = (ctx: CaseContext): readonly CorrectionItem[] => ctx.input.materialsRequired ?? COMMON_CORE;

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
 * The holiday calendar changed: a correction deadline not yet passed (also one running beside aid accepted first) is
 * counted again, and the applicant told when its last day moved. Its clocks re-arm (their keys name the due time).
 */
export async function recountCorrectionDeadline(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  if (!correcting(ctx) || !state.correctionDueAt) return;
  if (Date.parse(state.correctionDueAt) <= Date.now()) return;
  const period = correctionPeriod(ctx);
  if (period.dueAt.toISOString() === state.correctionDueAt) return;
  setCorrectionDeadline(ctx, period);
  const note = `法定节假日安排调整（日历 ${state.calendarVersion}），补正期限调整为 ${formatCstDay(period.lastDay)}（含当日）${movedText(period.moved)}`;
  const text = correctionRescheduledText({ applicationNo: state.applicationNo, dueAt: period.dueAt, ...moved(period) });
  await ctx.record({ actor: 'system', ruleIds: ['S-3.2'], note }, [
    notice(`correction-rescheduled-${period.lastDay}`, 'correction_rescheduled', text),
  ]);
}

const notCorrecting = (ctx: CaseContext) => fail(`申请当前处于「${STAGES[ctx.state.stage]}」阶段，不在补正材料期间`);

/** Materials are awaited: before the decision, or (S-3.2, L-7) while aid accepted first runs before they arrive. */
function correcting(ctx: CaseContext): boolean {
  const { state } = ctx;
  if (state.stage === 'awaiting_materials') return true;
  return (
    state.acceptedFirst !== undefined && state.correctionDueAt !== undefined && AID_STARTED_STAGES.includes(state.stage)
  );
}

export function registerCorrectionSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(supplyMaterials, {
    validate: ({ items }: SupplyMaterialsInput) => {
      if (items.length === 0) fail('至少补交一项材料', ERROR_TYPES.invalidInput);
      if (!correcting(ctx)) notCorrecting(ctx);
      const required = requiredOf(ctx);
      const unlisted = items.filter((code) => !required.some((item) => item.code === code));
      if (unlisted.length > 0) fail(`补正通知未要求以下事项：${unlisted.join('、')}`, ERROR_TYPES.invalidInput);
    },
    run: async ({ items, receivedBy }) => {
      const required = requiredOf(ctx);
      const fresh = items.filter((code) => !state.materialsSupplied.includes(code));
      if (fresh.length > 0) {
        state.materialsSupplied.push(...fresh);
        state.materialsMissing = missingMaterials(state.materialsSupplied, required);
        const note = `已补交：${fresh.map((code) => itemName(code, required)).join('、')}`;
        if (state.materialsMissing.length === 0 && state.stage !== 'awaiting_materials') {
          // S-3.2, L-7: aid accepted first has its materials complete: it goes on as any granted case.
          state.correctionDueAt = undefined;
          await ctx.record({ actor: receivedBy, ruleIds: ['S-3.2', 'L-7'], note: `${note}；材料已补齐（先行受理）` });
        } else if (state.materialsMissing.length === 0) {
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
      if (!correcting(ctx)) notCorrecting(ctx);
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
      const note = `补正期限延长 ${days} 日，至 ${formatCstDay(period.lastDay)}（含当日）${movedText(period.moved)}。原因：${reason}`;
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
  if (!correcting(ctx)) return [];
  const dueAt = new Date(state.correctionDueAt!);
  const remind = (key: string) => {
    const text = correctionReminderText({
      applicationNo: state.applicationNo,
      missing: state.materialsMissing,
      dueAt,
      required: requiredOf(ctx),
      acceptedFirst: state.acceptedFirst !== undefined,
    });
    return ctx.notify(notice(key, 'correction_reminder', text));
  };
  return [
    ...ladder('correction', dueAt, rules.reminderDaysBefore, rules.reminderHourCst, remind),
    { key: `correction-due-${state.correctionDueAt}`, at: dueAt.getTime(), fire: () => terminateAtDeadline(ctx) },
  ];
}

/**
 * L-2: an application not yet decided is treated as withdrawn; S-3.2, L-7: aid accepted first is terminated under the
 * applicant's commitment, also after the grant: the member and institution are told, and work already done (a member
 * assigned) goes to the evaluation and its payout (S-4.4, S-4.5) like every case.
 */
async function terminateAtDeadline(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  if (!canTransition(state.stage, 'terminated')) return;
  const acceptedFirst = state.acceptedFirst !== undefined;
  state.closedReason = acceptedFirst ? TERMINATED_ACCEPTED_FIRST : WITHDRAWN;
  const worked = state.performance !== undefined && AID_STARTED_STAGES.includes(state.stage);
  // L-2: a withdrawal is open to no objection (Law art. 49 covers refusals and terminations): the notice says how to
  // apply again instead.
  const text = acceptedFirst
    ? acceptedFirstTerminatedText(state.applicationNo, state.materialsMissing, requiredOf(ctx))
    : correctionWithdrawnText(state.applicationNo, state.materialsMissing, requiredOf(ctx));
  const toApplicant = notice('correction-terminated', 'correction_terminated', text);
  const toHandlers = acceptedFirst
    ? handlersOf(ctx).map((to) =>
        notice(
          `aid-terminated-${to}`,
          'aid_terminated_handler',
          acceptedFirstTerminatedHandlerText(state.applicationNo),
          to,
        ),
      )
    : [];
  await ctx.transition(
    'terminated',
    { actor: 'system', ruleIds: acceptedFirst ? ['S-3.2', 'L-7'] : ['S-3.2', 'L-2'], note: state.closedReason },
    [toApplicant, ...toHandlers],
  );
  if (worked) {
    state.evaluatedAsTerminated = true;
    await ctx.transition('evaluating', {
      actor: 'system',
      ruleIds: ['S-4.4', 'S-4.5'],
      note: '先行受理的法律援助已终止，承办人员已开展的工作按每案必评进行质量评估并据此发放补贴（S-4.4，S-4.5）',
    });
  }
}

/**
 * The correction deadline's clocks. Returns once the case leaves `awaiting_materials` (review, a grant, the end); for
 * aid accepted first and granted before the documents arrived (S-3.2, L-7) the clocks go on running beside the later
 * phases until the documents are complete or the deadline ends the aid.
 */
export async function correctionPhase(ctx: CaseContext): Promise<void> {
  const { state } = ctx;
  void runClocks({
    hold: (part) => ctx.steps.hold(part),
    done: () => state.correctionDueAt === undefined || !(correcting(ctx) || state.stage === 'received'),
    clocks: () => correctionClocks(ctx),
    version: () => `${state.seq}:${state.correctionDueAt}:${state.stage}`,
  });
  await condition(() => state.stage !== 'awaiting_materials' && state.stage !== 'received');
}
