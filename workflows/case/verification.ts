/**
 * S-3.1 honesty commitment and credit management: verification of the economic situation when the eligibility rules
 * say it must be verified. Tasks by route (credit lookup through the adapter, shared data, letter, field check by the
 * village agent, phone inquiry), each with its own deadline and result; settled by acceptance of the commitment (no
 * doubt and good credit, item 1), by a confirming verification, or by inference with a written reason (item 3).
 */
import { endOfDayPeriod } from '../../domain/deadlines';
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
} from '../../domain/definitions';
import { AID_STARTED_STAGES } from '../../domain/stages';
import { acts, fail, type CaseContext } from './context';
import { terminateOnGround } from './termination';

function open(state: ApplicationState): VerificationState {
  if (!state.verification) fail('本申请无需核查经济困难状况（S-1.2 / L-8 / L-4）');
  if (state.verification.status !== 'pending') fail('经济困难状况已核查完毕（S-3.1）');
  const reviewing = state.stage === 'awaiting_materials' || state.stage === 'under_review';
  // S-3.2, L-7: aid accepted first may be granted and assigned while the verification runs.
  const startedFirst = state.acceptedFirst !== undefined && AID_STARTED_STAGES.includes(state.stage);
  if (!reviewing && !startedFirst) fail('申请已不在审查阶段');
  return state.verification;
}

/**
 * S-3.1 with S-3.2, L-7: a verification that refutes the hardship of aid accepted first and already granted (the case
 * would have been refused) ends the aid on the L-9 ground that fits: the applicant no longer meets the conditions.
 */
async function terminateIfRefuted(ctx: CaseContext, taskId: string): Promise<void> {
  const { state } = ctx;
  if (state.verification?.status !== 'refuted' || !AID_STARTED_STAGES.includes(state.stage)) return;
  await terminateOnGround(ctx, {
    ground: 'no_longer_qualifies',
    reason: `经济困难状况经核查被否定（${taskId}），不符合法律援助条件；本案系先行受理，已开展的法律援助依法终止`,
    terminatedBy: 'system',
    ruleIds: ['S-3.1', 'L-9'],
  });
}

/** S-3.1 item 1: the credit service's answer, recorded as the task's result (none when the service is unavailable). */
async function lookUpCredit(ctx: CaseContext, taskId: string): Promise<void> {
  const { state } = ctx;
  await ctx.stored(); // the credit service is asked about the applicant of the stored record
  const rating = await ctx.call(() =>
    acts.lookupCredit({ applicationNo: state.applicationNo, requestId: `${state.applicationNo}:${taskId}` }),
  );
  if (rating === 'unavailable') return;
  const t = state.verification!.tasks.find((x) => x.id === taskId)!;
  t.rating = rating;
  // A bad record is no answer about the hardship: it sends the case to an item-2 route (see settleVerification).
  t.result = rating === 'bad' ? 'inconclusive' : 'confirmed';
  t.note =
    rating === 'bad'
      ? '存在不良信用记录，须通过共享数据、函询、实地核实或电话核实进一步核查（S-3.1 第二项）'
      : rating === 'none'
        ? '信用服务中没有该申请人的记录：无不良记录，按信用良好对待（S-3.1 第一项）'
        : '信用良好，无不良记录';
  t.resultBy = 'credit-service';
  await ctx.record({ actor: 'system', ruleIds: ['S-3.1'], note: `信用查询结果：${t.note}（${t.id}）` });
}

export function registerVerificationSteps(ctx: CaseContext): void {
  const { state } = ctx;
  ctx.steps.on(requestVerification, {
    validate: ({ route, dueDays, servicePointId }: RequestVerificationInput) => {
      open(state);
      if (!(route in VERIFICATION_ROUTES)) fail('未知的核查方式', ERROR_TYPES.invalidInput);
      if (servicePointId !== undefined && route !== 'field_check') {
        fail('只有实地核实可以委托村居法律服务点（S-3.1）', ERROR_TYPES.invalidInput);
      }
      if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 30) {
        fail('核查期限应为 1 至 30 日', ERROR_TYPES.invalidInput);
      }
    },
    run: async ({ route, dueDays, servicePointId, requestedBy }) => {
      const v = state.verification!;
      const id = `${route}-${v.tasks.length + 1}`;
      const requestedAt = new Date().toISOString();
      const dueAt = endOfDayPeriod(new Date(requestedAt), dueDays, ctx.calendar).toISOString();
      v.tasks.push({
        id,
        route,
        requestedBy,
        requestedAt,
        dueAt,
        dueDays,
        ...(servicePointId ? { servicePointId } : {}),
      });
      // S-3.1, S-2.1: a field check commissioned to the applicant's village service point.
      const point = servicePointId ? `，委托村居法律服务点 ${servicePointId}` : '';
      const note = `发起核查：${VERIFICATION_ROUTES[route]}（${id}）${point}`;
      await ctx.record({ actor: requestedBy, ruleIds: ['S-3.1'], note });
      if (route === 'credit_lookup') await lookUpCredit(ctx, id);
      return v;
    },
  });

  ctx.steps.on(recordVerificationResult, {
    validate: ({ taskId, note }: RecordVerificationInput) => {
      const task = open(state).tasks.find((t) => t.id === taskId);
      if (!task) fail(`没有编号为 ${taskId} 的核查任务`, ERROR_TYPES.invalidInput);
      if (task.result) fail('该核查任务已有结果');
      if (!note.trim()) fail('请写明核查结果', ERROR_TYPES.invalidInput);
    },
    run: async ({ taskId, result, note, resultBy }) => {
      const v = state.verification!;
      Object.assign(
        v.tasks.find((t) => t.id === taskId)!,
        { result, note, resultBy },
      );
      if (result === 'refuted') v.status = 'refuted';
      if (result === 'confirmed' && v.tasks.find((t) => t.id === taskId)!.route !== 'credit_lookup') {
        v.status = 'verified';
        v.basis = 'verification';
      }
      await ctx.record({ actor: resultBy, ruleIds: ['S-3.1'], note: `核查结果（${taskId}）：${note}` });
      await terminateIfRefuted(ctx, taskId);
      return v;
    },
  });

  ctx.steps.on(settleVerification, {
    validate: ({ basis, reason }: SettleVerificationInput) => {
      const v = open(state);
      // S-3.1: what is accepted is the applicant's signed honesty commitment; without one there is nothing to accept.
      if (ctx.input.economicSituation?.commitmentSigned !== true) {
        fail('申请人未签署经济困难状况诚信承诺，不能采信（S-3.1）；请核查或由申请人补签承诺');
      }
      if (basis === 'no_doubt') {
        const credit = v.tasks.filter((t) => t.route === 'credit_lookup' && t.result);
        if (credit.length === 0) fail('采信诚信承诺须先查询信用记录（S-3.1 第一项）');
        if (credit.some((t) => t.result !== 'confirmed')) fail('存在不良信用记录，须核查后再定（S-3.1 第二项）');
      } else {
        // Item 3 follows item 2: a route other than the credit lookup (a bad record itself is no verification).
        const verified = v.tasks.filter((t) => t.route !== 'credit_lookup');
        if (!verified.some((t) => t.result === 'inconclusive')) {
          fail('推定采信须先经共享数据、函询、实地核实或电话核实且未获确切结果（S-3.1 第三项）');
        }
        if (!reason?.trim()) fail('推定采信须书面说明理由（S-3.1 第三项）', ERROR_TYPES.invalidInput);
      }
    },
    run: async ({ basis, reason, settledBy }) => {
      const v = state.verification!;
      Object.assign(v, { status: 'accepted', basis, reason });
      const noRecord = v.tasks.some((t) => t.route === 'credit_lookup' && t.rating === 'none');
      const note =
        basis === 'no_doubt'
          ? `无疑点且信用良好${noRecord ? '（信用服务中无该申请人记录，按无不良记录对待）' : ''}，采信诚信承诺（S-3.1 第一项）`
          : `核查未获确切结果，依已知事实推定采信（S-3.1 第三项）：${reason}`;
      await ctx.record({ actor: settledBy, ruleIds: ['S-3.1'], note });
      return v;
    },
  });
}
