/**
 * S-3.1 honesty commitment and credit management: verification of the economic situation when the eligibility rules
 * say it must be verified. Tasks by route (credit lookup through the adapter, shared data, letter, field check by the
 * village agent, phone inquiry), each with its own deadline and result; settled by acceptance of the commitment
 * (no doubt and good credit, item 1), by a confirming verification, or by inference with a written reason (item 3).
 * Helpers of applicationWorkflow; not exported from the barrel.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { endOfDayPeriod } from '../domain/deadlines';
import {
  ERROR_TYPES,
  recordVerificationResult,
  requestVerification,
  settleVerification,
  VERIFICATION_ROUTES,
  type ApplicationState,
  type RecordVerificationInput,
  type RequestVerificationInput,
  type SettleVerificationInput,
  type VerificationState,
} from '../domain/definitions';

export interface VerificationContext {
  state: ApplicationState;
  record(meta: { actor: string; ruleIds: string[]; note?: string }): Promise<void>;
  lookupCredit(args: { applicationNo: string; requestId: string }): Promise<'good' | 'bad' | 'none' | 'unavailable'>;
}

function refuse(message: string, type: string = ERROR_TYPES.invalidTransition): never {
  throw ApplicationFailure.create({ type, message });
}

function open(state: ApplicationState): VerificationState {
  if (!state.verification) refuse('本申请无需核查经济困难状况（S-1.2 / L-8 / L-4）');
  if (state.verification.status !== 'pending') refuse('经济困难状况已核查完毕（S-3.1）');
  if (state.stage !== 'awaiting_materials' && state.stage !== 'under_review') refuse('申请已不在审查阶段');
  return state.verification;
}

/** S-3.1: a grant needs the statement settled first; a refusal does not. */
export function grantBlockedByVerification(state: ApplicationState): string | undefined {
  const v = state.verification;
  if (!v || v.status === 'accepted' || v.status === 'verified') return undefined;
  return v.status === 'refuted'
    ? '核查结果否定了申请人的经济困难状况（S-3.1），不能给予法律援助'
    : '经济困难状况尚未核查完毕（S-3.1），不能作出给予法律援助决定';
}

export function registerVerificationHandlers(ctx: VerificationContext): void {
  const { state } = ctx;

  setHandler(
    requestVerification,
    async ({ route, dueDays, requestedBy }) => {
      const v = state.verification!;
      const task = {
        id: `${route}-${v.tasks.length + 1}`,
        route,
        requestedBy,
        requestedAt: new Date().toISOString(),
        dueAt: endOfDayPeriod(new Date(), dueDays).toISOString(),
      };
      v.tasks.push(task);
      state.seq += 1;
      await ctx.record({
        actor: requestedBy,
        ruleIds: ['S-3.1'],
        note: `发起核查：${VERIFICATION_ROUTES[route]}（${task.id}）`,
      });
      if (route === 'credit_lookup') {
        const rating = await ctx.lookupCredit({
          applicationNo: state.applicationNo,
          requestId: `${state.applicationNo}:${task.id}`,
        });
        if (rating !== 'unavailable') {
          const t = v.tasks.find((x) => x.id === task.id)!;
          t.rating = rating;
          t.result = rating === 'bad' ? 'inconclusive' : 'confirmed';
          t.note = rating === 'bad' ? '存在不良信用记录，须进一步核查' : '信用良好，无不良记录';
          t.resultBy = 'credit-service';
          state.seq += 1;
          await ctx.record({ actor: 'system', ruleIds: ['S-3.1'], note: `信用查询结果：${t.note}（${t.id}）` });
        }
      }
      return v;
    },
    {
      validator: ({ route, dueDays }: RequestVerificationInput) => {
        open(state);
        if (!(route in VERIFICATION_ROUTES)) refuse('未知的核查方式', ERROR_TYPES.invalidInput);
        if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 30)
          refuse('核查期限应为 1 至 30 日', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    recordVerificationResult,
    async ({ taskId, result, note, resultBy }) => {
      const v = state.verification!;
      const task = v.tasks.find((t) => t.id === taskId)!;
      Object.assign(task, { result, note, resultBy });
      if (result === 'refuted') v.status = 'refuted';
      if (result === 'confirmed' && task.route !== 'credit_lookup') {
        v.status = 'verified';
        v.basis = 'verification';
      }
      state.seq += 1;
      await ctx.record({ actor: resultBy, ruleIds: ['S-3.1'], note: `核查结果（${taskId}）：${note}` });
      return v;
    },
    {
      validator: ({ taskId, note }: RecordVerificationInput) => {
        const v = open(state);
        const task = v.tasks.find((t) => t.id === taskId);
        if (!task) refuse(`没有编号为 ${taskId} 的核查任务`, ERROR_TYPES.invalidInput);
        if (task.result) refuse('该核查任务已有结果');
        if (!note.trim()) refuse('请写明核查结果', ERROR_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    settleVerification,
    async ({ basis, reason, settledBy }) => {
      const v = state.verification!;
      Object.assign(v, { status: 'accepted', basis, reason });
      state.seq += 1;
      const label =
        basis === 'no_doubt'
          ? '无疑点且信用良好，采信诚信承诺（S-3.1 第一项）'
          : `核查未获确切结果，依已知事实推定采信（S-3.1 第三项）：${reason}`;
      await ctx.record({ actor: settledBy, ruleIds: ['S-3.1'], note: label });
      return v;
    },
    {
      validator: ({ basis, reason }: SettleVerificationInput) => {
        const v = open(state);
        if (basis === 'no_doubt') {
          const credit = v.tasks.filter((t) => t.route === 'credit_lookup' && t.result);
          if (credit.length === 0) refuse('采信诚信承诺须先查询信用记录（S-3.1 第一项）');
          if (credit.some((t) => t.result !== 'confirmed')) refuse('存在不良信用记录，须核查后再定（S-3.1 第二项）');
        } else {
          if (!v.tasks.some((t) => t.result === 'inconclusive'))
            refuse('推定采信须先经核查且未获确切结果（S-3.1 第三项）');
          if (!reason?.trim()) refuse('推定采信须书面说明理由（S-3.1 第三项）', ERROR_TYPES.invalidInput);
        }
      },
    },
  );
}
