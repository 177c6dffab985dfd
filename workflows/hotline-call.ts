/**
 * One 12348 hotline call or online inquiry (S-2.4–S-2.7), from arrival to its recorded outcome:
 *
 *   waiting --claimCall--> claimed --answerCall--> answered --recordCallOutcome--> closed
 *   claimed --(not answered within the hold)--> waiting      (grab-order: the call returns to the pool)
 *   not answered by the deadline --> breach recorded, escalated to the duty supervisor (still answerable)
 *
 * Exactly one officer wins a claim: updates to one workflow run one at a time, and the validator refuses a claim on a
 * call someone holds. The answered call counts toward the officer's duty credit (S-2.5).
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { fail } from './handler-support';
import {
  answerCall,
  claimCall,
  ERROR_TYPES,
  getCall,
  recordCallOutcome,
  type AnswerCallInput,
  type CallOutcomeInput,
  type ClaimCallInput,
  type HotlineCallInput,
  type HotlineCallState,
} from '../domain/definitions';
import { answerDeadline, CALL_OUTCOMES, DEFAULT_HOTLINE_RULES } from '../domain/hotline';
import { formatCst } from '../domain/time';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function hotlineCallWorkflow(input: HotlineCallInput): Promise<HotlineCallState> {
  const rules = { ...DEFAULT_HOTLINE_RULES, ...input.rules };
  const state: HotlineCallState = {
    callId: input.callId,
    agencyCode: input.agencyCode,
    channel: input.channel,
    receivedAt: input.receivedAt,
    dueAt: answerDeadline(new Date(input.receivedAt), rules).toISOString(),
    status: 'waiting',
    seq: 0,
    lapsedClaims: [],
  };
  let persisted: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    state.seq += 1;
    const snapshot = JSON.parse(JSON.stringify(state)) as HotlineCallState;
    persisted = persisted.then(() => acts.recordCall({ state: snapshot }));
    return persisted;
  };

  setHandler(getCall, () => state);

  setHandler(
    claimCall,
    async ({ officerId }: ClaimCallInput) => {
      const now = new Date();
      state.claim = {
        officerId,
        at: now.toISOString(),
        expiresAt: new Date(now.getTime() + rules.claimHoldMinutes * 60_000).toISOString(),
      };
      state.status = 'claimed';
      await save();
      return state;
    },
    {
      validator: ({ officerId }: ClaimCallInput) => {
        if (!officerId.trim()) fail('须注明值班人员', ERROR_TYPES.invalidInput);
        // S-2.5: duty credit is for calls from the public: an officer does not take a call they entered themselves.
        if (input.enteredBy === officerId) fail('不能接听本人登记的来电', ERROR_TYPES.invalidInput);
        if (state.status === 'claimed') {
          if (state.claim?.officerId === officerId) fail('您已抢到该来电，请尽快接听');
          fail('该来电已被其他值班人员抢单');
        }
        if (state.status !== 'waiting') fail('该来电已接听');
      },
    },
  );

  setHandler(
    answerCall,
    async ({ officerId }: AnswerCallInput) => {
      const now = new Date();
      state.answer = { officerId, at: now.toISOString(), late: now.getTime() > Date.parse(state.dueAt) };
      state.status = 'answered';
      state.claim = undefined;
      await save();
      return state;
    },
    {
      validator: ({ officerId }: AnswerCallInput) => {
        if (state.status !== 'claimed') fail(state.status === 'waiting' ? '请先抢单再接听' : '该来电已接听');
        if (state.claim?.officerId !== officerId) fail('该来电已被其他值班人员抢单');
      },
    },
  );

  setHandler(
    recordCallOutcome,
    async ({ kind, note, referredTo, applicationNo }: CallOutcomeInput) => {
      state.outcome = { kind, note, referredTo, applicationNo, at: new Date().toISOString() };
      state.status = 'closed';
      // S-2.5: the answered call counts toward the officer's duty credit, exactly once.
      const credit = await acts.creditDutyCall({
        callId: state.callId,
        officerId: state.answer!.officerId,
        agencyCode: state.agencyCode,
        callsPerDutyDay: rules.callsPerDutyDay,
      });
      state.credit = credit;
      await save();
      return state;
    },
    {
      validator: ({ officerId, kind, note, referredTo, applicationNo }: CallOutcomeInput) => {
        if (state.status !== 'answered') fail(state.status === 'closed' ? '该来电已记录处理结果' : '来电尚未接听');
        if (state.answer?.officerId !== officerId) fail('只有接听的值班人员可以记录处理结果（S-2.7）');
        if (!(kind in CALL_OUTCOMES)) fail('处理结果不正确', ERROR_TYPES.invalidInput);
        if (!note.trim()) fail('请记录处理情况（S-2.7）', ERROR_TYPES.invalidInput);
        if (kind === 'transferred' && !applicationNo) fail('转单须注明法律援助申请编号', ERROR_TYPES.invalidInput);
        if (kind === 'out_of_scope' && !referredTo?.trim() && note.trim().length < 4) {
          fail('不属于法律援助范围的，须写明解释内容或告知的主管部门（S-2.7）', ERROR_TYPES.invalidInput);
        }
      },
    },
  );

  await save();
  while (state.status !== 'closed') {
    const seq = state.seq;
    const times: number[] = [];
    if (!state.answer && !state.breach) times.push(Date.parse(state.dueAt));
    if (state.status === 'claimed' && state.claim) times.push(Date.parse(state.claim.expiresAt));
    const changed = () => state.seq !== seq;
    const due = times.length ? Math.min(...times) : undefined;
    if (due === undefined) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, Math.max(1, due - Date.now()))) continue;
    const now = Date.now();
    if (state.status === 'claimed' && state.claim && now >= Date.parse(state.claim.expiresAt)) {
      // Grab-order: not answered within the hold: back to the pool for anyone on duty.
      state.lapsedClaims.push({ officerId: state.claim.officerId, at: new Date().toISOString() });
      state.claim = undefined;
      state.status = 'waiting';
      await save();
    }
    if (!state.answer && !state.breach && now >= Date.parse(state.dueAt)) {
      state.breach = { at: new Date().toISOString() };
      await save();
      const ids = await acts.queueNotice({
        applicationNo: state.callId,
        obligationKey: `hotline-breach`,
        recipient: `duty_supervisor:${state.agencyCode}`,
        template: 'hotline_breach',
        body: `【来电超时】${state.channel === 'phone' ? '12348 热线来电' : '在线咨询'} ${state.callId}（${formatCst(new Date(state.receivedAt))} 来电）未在 ${formatCst(new Date(state.dueAt))} 前接听（S-2.4），请值班负责人处理。`,
      });
      for (const id of ids) await acts.deliverNotice({ id });
    }
  }
  await condition(allHandlersFinished);
  await persisted;
  return state;
}
