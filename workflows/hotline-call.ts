/**
 * One 12348 hotline call or online inquiry (S-2.4–S-2.7), from arrival to its recorded outcome:
 *
 *   waiting --claimCall--> claimed --answerCall--> answered --recordCallOutcome--> closed
 *   claimed --(not answered within the hold)--> waiting      (grab-order: the call returns to the pool)
 *   not answered by the deadline --> breach recorded, escalated to the duty supervisor (still answerable)
 *
 * Exactly one officer wins a claim: staff steps are done one at a time in arrival order, and a claim on a call someone
 * holds is refused. The answered call counts toward the officer's duty credit (S-2.5).
 */
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
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
import {
  answerDeadline,
  CALL_OUTCOMES,
  countsForDuty,
  DEFAULT_HOTLINE_RULES,
  type HotlineRules,
} from '../domain/hotline';
import { formatCst } from '../domain/time';
import { fail, notice, records } from './case/context';
import { Attention, withoutControlCharacters } from './support/attention';
import { runClocks, type Clock } from './support/clocks';
import { Recorder, type Notice } from './support/recorder';
import { settle, StepRunner, type Step } from './support/steps';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Never rename: the workflow type name is persisted. */
export async function hotlineCallWorkflow(input: HotlineCallInput): Promise<HotlineCallState> {
  const call = new HotlineCall(input);
  setHandler(getCall, () => call.state);
  return call.run();
}

class HotlineCall {
  readonly state: HotlineCallState;
  private readonly rules: HotlineRules;
  private readonly steps = new StepRunner((answer) => this.recorder.answer(answer));
  private readonly attention: Attention;
  private readonly recorder: Recorder<never, HotlineCallState>;

  constructor(private readonly input: HotlineCallInput) {
    this.rules = { ...DEFAULT_HOTLINE_RULES, ...input.rules };
    const { callId, agencyCode, channel, receivedAt } = input;
    const dueAt = answerDeadline(new Date(receivedAt), this.rules).toISOString();
    this.state = { callId, agencyCode, channel, receivedAt, dueAt, status: 'waiting', seq: 0, lapsedClaims: [] };
    this.attention = new Attention({
      caseKind: 'hotline',
      caseNo: callId,
      agencyCode,
      onChange: (a) => (this.state.attention = a),
      flag: (args) => acts.flagAttention(args),
      clear: (args) => acts.clearAttention(args),
    });
    this.recorder = new Recorder({
      caseNo: callId,
      snapshot: () => JSON.parse(JSON.stringify(this.state)) as HotlineCallState,
      write: (batch, clean) => {
        const { state, notices, answers } = clean ? withoutControlCharacters(batch) : batch;
        return records.recordCall({ state, notices, answers });
      },
      deliver: (ids) => acts.deliverNotices({ ids }),
      attention: this.attention,
    });
    this.steps.on(claimCall, this.claim());
    this.steps.on(answerCall, this.answer());
    this.steps.on(recordCallOutcome, this.close());
  }

  /** Grab-order: the first officer to claim the call holds it for `claimHoldMinutes`. */
  private claim(): Step<ClaimCallInput, HotlineCallState> {
    const s = this.state;
    return {
      validate: ({ officerId }) => {
        if (!officerId.trim()) fail('须注明值班人员', ERROR_TYPES.invalidInput);
        // S-2.5: duty credit is for calls from the public: an officer does not take a call they entered themselves.
        if (this.input.enteredBy === officerId) fail('不能接听本人登记的来电', ERROR_TYPES.invalidInput);
        if (s.status === 'claimed') {
          if (s.claim?.officerId === officerId) fail('您已抢到该来电，请尽快接听');
          fail('该来电已被其他值班人员抢单');
        }
        if (s.status !== 'waiting') fail('该来电已接听');
      },
      run: async ({ officerId }) => {
        const now = new Date();
        const expiresAt = new Date(now.getTime() + this.rules.claimHoldMinutes * 60_000).toISOString();
        s.claim = { officerId, at: now.toISOString(), expiresAt };
        s.status = 'claimed';
        await this.save();
        return s;
      },
    };
  }

  private answer(): Step<AnswerCallInput, HotlineCallState> {
    const s = this.state;
    return {
      validate: ({ officerId }) => {
        if (s.status !== 'claimed') fail(s.status === 'waiting' ? '请先抢单再接听' : '该来电已接听');
        if (s.claim?.officerId !== officerId) fail('该来电已被其他值班人员抢单');
      },
      run: async ({ officerId }) => {
        const now = new Date();
        s.answer = { officerId, at: now.toISOString(), late: now.getTime() > Date.parse(s.dueAt) };
        s.status = 'answered';
        s.claim = undefined;
        await this.save();
        return s;
      },
    };
  }

  /** S-2.7: the outcome, by the officer who answered; S-2.5: the call counts toward their duty credit, exactly once. */
  private close(): Step<CallOutcomeInput, HotlineCallState> {
    const s = this.state;
    return {
      validate: ({ officerId, kind, note, referredTo, applicationNo, complaintId }) => {
        if (s.status !== 'answered') fail(s.status === 'closed' ? '该来电已记录处理结果' : '来电尚未接听');
        if (s.answer?.officerId !== officerId) fail('只有接听的值班人员可以记录处理结果（S-2.7）');
        if (!(kind in CALL_OUTCOMES)) fail('处理结果不正确', ERROR_TYPES.invalidInput);
        if (!note.trim()) fail('请记录处理情况（S-2.7）', ERROR_TYPES.invalidInput);
        if (kind === 'transferred' && !applicationNo) fail('转单须注明法律援助申请编号', ERROR_TYPES.invalidInput);
        if (kind === 'complaint' && !complaintId)
          fail('来电投诉须注明登记的投诉编号（L-13）', ERROR_TYPES.invalidInput);
        if (kind === 'out_of_scope' && !referredTo?.trim() && note.trim().length < 4) {
          fail('不属于法律援助范围的，须写明解释内容或告知的主管部门（S-2.7）', ERROR_TYPES.invalidInput);
        }
      },
      run: async ({ kind, note, referredTo, applicationNo, complaintId }) => {
        s.outcome = { kind, note, referredTo, applicationNo, complaintId, at: new Date().toISOString() };
        s.status = 'closed';
        const { callId, agencyCode } = s;
        const officerId = s.answer!.officerId;
        const { callsPerDutyDay } = this.rules;
        // S-2.5: only the channels the configuration counts earn duty days.
        if (countsForDuty(s.channel, this.rules)) {
          s.credit = await this.attention.guard(() =>
            acts.creditDutyCall({ callId, officerId, agencyCode, callsPerDutyDay }),
          );
        }
        await this.save();
        return s;
      },
    };
  }

  /** Runs the deadlines until the outcome is recorded; resolves with the state once everything is stored. */
  async run(): Promise<HotlineCallState> {
    void this.steps.serve();
    void this.save();
    const done = () => this.state.status === 'closed' && this.steps.idle;
    await runClocks({
      hold: (part) => this.steps.hold(part),
      done,
      clocks: () => this.clocks(),
      version: () => this.state.seq,
    });
    // A step that arrived meanwhile is answered (refused: the call is closed) before the workflow ends.
    await settle(this.steps, this.recorder);
    return this.state;
  }

  /** Stores the state, one `seq` higher (a late write never overwrites a newer one), with the notices of the change. */
  private save(...notices: Notice[]): Promise<void> {
    this.state.seq += 1;
    // Queued, not waited for: a step's writes are batched and stored before its answer (StepRunner).
    void this.recorder.record(undefined, notices);
    return Promise.resolve();
  }

  /** The claim's hold, then the answer deadline (S-2.4). Fires change the state at once; the write follows in order. */
  private clocks(): Clock[] {
    const s = this.state;
    const clocks: Clock[] = [];
    if (s.status === 'claimed' && s.claim) {
      const { officerId, at, expiresAt } = s.claim;
      clocks.push({ key: `claim-hold-${officerId}-${at}`, at: Date.parse(expiresAt), fire: () => this.lapse() });
    }
    if (!s.answer && !s.breach) {
      clocks.push({ key: `answer-deadline-${s.dueAt}`, at: Date.parse(s.dueAt), fire: () => this.breach() });
    }
    return clocks;
  }

  /** Grab-order: not answered within the hold: back to the pool for anyone on duty. */
  private lapse(): void {
    const s = this.state;
    s.lapsedClaims.push({ officerId: s.claim!.officerId, at: new Date().toISOString() });
    s.claim = undefined;
    s.status = 'waiting';
    void this.save();
  }

  /** S-2.4: not answered by the deadline: recorded, and the duty supervisor is told. */
  private breach(): void {
    const s = this.state;
    s.breach = { at: new Date().toISOString() };
    void this.save(
      notice(
        'hotline-breach',
        'hotline_breach',
        `【来电超时】${s.channel === 'phone' ? '12348 热线来电' : '在线咨询'} ${s.callId}（${formatCst(new Date(s.receivedAt))} 来电）未在 ${formatCst(new Date(s.dueAt))} 前接听（S-2.4），请值班负责人处理。`,
        `duty_supervisor:${s.agencyCode}`,
      ),
    );
  }
}
