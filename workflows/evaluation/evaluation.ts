/**
 * The evaluation of one closed case (S-4.4) as an entity: its state, the step it is at and that step's deadline, the
 * one recorder of its stored record, and the clocks that remind, escalate and close the objection window. Staff steps
 * (./steps.ts) and the consequences of a score (./consequences.ts) act on it; the workflow function only builds it.
 */
import { movedText, WEEKENDS_ONLY, type Calendar } from '../../domain/calendar';
import { evaluationDeadlines, movesOf, recount } from '../../domain/case-deadlines';
import { endOfDayPeriod } from '../../domain/deadlines';
import type { EvaluationInput, EvaluationOutcome, EvaluationState } from '../../domain/definitions';
import { needsExpertReview, type Tier } from '../../domain/quality';
import { specialCaseCoefficientFor, type RuleConfig } from '../../domain/rule-config';
import { formatCst } from '../../domain/time';
import { notice, records } from '../case/context';
import { Attention, withoutControlCharacters } from '../support/attention';
import { runClocks, type Clock } from '../support/clocks';
import { Recorder, type Notice } from '../support/recorder';
import { settle, StepRunner } from '../support/steps';
import { acts, DAY_MS, pay } from './consequences';

export const STATUS_LABELS: Record<EvaluationState['status'], string> = {
  waiting_evaluator: '待指定评估人员',
  scoring: '评分中',
  expert_review: '专家复评中',
  objection_window: '异议期内',
  objection_review: '异议复核中',
  spot_check: '抽查中',
  final: '评估完成',
  special: '特殊案件，不予评估',
};

export class Evaluation {
  readonly state: EvaluationState;
  readonly steps = new StepRunner((answer) => this.recorder.answer(answer));
  readonly attention: Attention;
  readonly head: string;
  readonly city = 'city_centre:SX';
  readonly member: string;
  /** Every member handling the case, the lead first (S-3.3 group cases: the others too), as recipients. */
  readonly members: string[];
  /** S-4.5: when a payout that found no fee schedule is tried again (set by `pay`). */
  payoutRetryAt?: number;
  private readonly recorder: Recorder<never, EvaluationState>;

  /** The holiday calendar its periods are counted with (Civil Code art. 203): set by `countWith`. */
  calendar: Calendar = WEEKENDS_ONLY;

  constructor(readonly input: EvaluationInput) {
    this.head = `agency_head:${input.agencyCode}`;
    this.member = `member:${input.memberId}`;
    this.members = [this.member, ...(input.otherMembers ?? []).map((m) => `member:${m.memberId}`)];
    const { applicationNo, agencyCode, memberId, institutionId } = input;
    this.state = {
      ...{ applicationNo, agencyCode, memberId, institutionId },
      status: 'waiting_evaluator',
      statusSince: new Date().toISOString(),
      seq: 1,
      sheetKind: input.matterType === 'criminal' ? 'criminal' : 'civil_administrative',
      scores: [],
      payouts: [],
    };
    this.attention = new Attention({
      caseKind: 'evaluation',
      caseNo: applicationNo,
      agencyCode,
      onChange: (a) => (this.state.attention = a),
      flag: (args) => acts.flagAttention(args),
      clear: (args) => acts.clearAttention(args),
    });
    this.recorder = new Recorder({
      caseNo: applicationNo,
      snapshot: () => JSON.parse(JSON.stringify(this.state)) as EvaluationState,
      write: (batch, clean) => {
        const { state, notices, answers } = clean ? withoutControlCharacters(batch) : batch;
        return records.recordEvaluation({ state, notices, answers });
      },
      deliver: (ids) => acts.deliverNotices({ ids }),
      attention: this.attention,
    });
  }

  /** The rules the case started with (S-4.4 to S-4.6). */
  get rules(): RuleConfig {
    return this.input.rules;
  }

  /**
   * The holiday calendar to count with: the first one counts the first step's deadline (before anything is stored); a
   * later one (`calendarChanged`) the steps still to come.
   */
  countWith(calendar: Calendar): void {
    const first = this.state.calendarVersion === undefined;
    if (!first && calendar.version === this.state.calendarVersion) return;
    this.calendar = calendar;
    this.state.calendarVersion = calendar.version;
    if (first) {
      this.state.dueAt = this.stepDue();
      this.noteMoves();
      return;
    }
    // Civil Code art. 203: the running step's deadline and the interview's are counted again (their clocks re-arm:
    // the keys name the due time), and the new version is stored.
    recount(evaluationDeadlines(this.state, this.rules, calendar), Date.now());
    void this.save();
  }

  /** `（原最后一日 …，因国庆节顺延）` when the running step's last day moved off a rest day (art. 203), else nothing. */
  movedNote(): string {
    return movedText(movesOf(evaluationDeadlines(this.state, this.rules, this.calendar))['evaluation-step']);
  }

  /** Why the running deadlines' last days moved off a rest day (`因国庆节顺延`), for the API and the board. */
  private noteMoves(): void {
    const moves = movesOf(evaluationDeadlines(this.state, this.rules, this.calendar));
    if (Object.keys(moves).length > 0) this.state.deadlineMoves = moves;
    else delete this.state.deadlineMoves;
  }

  /** The due time of a new step (S-4.4: each step has `evaluationStepDays`). */
  stepDue(): string {
    return endOfDayPeriod(new Date(), this.rules.evaluationStepDays, this.calendar).toISOString();
  }

  /** Stores the state, one `seq` higher (a late write never overwrites a newer one), with the notices of the change. */
  save(...notices: Notice[]): Promise<void> {
    this.state.seq += 1;
    this.noteMoves();
    // Queued, not waited for: a step's writes are batched and stored before its answer (StepRunner).
    void this.recorder.record(undefined, notices);
    return Promise.resolve();
  }

  moveTo(status: EvaluationState['status'], dueAt?: string): void {
    this.state.status = status;
    this.state.statusSince = new Date().toISOString();
    this.state.dueAt = dueAt;
    this.state.reminded = false;
    this.state.escalated = false;
  }

  /** The next step once the result applies: the member may object to an unqualified result, else a spot check. */
  afterResult(): Promise<void> {
    const s = this.state;
    const tier = s.current!.tier as Tier;
    if (tier === 'unqualified' && !s.objection) {
      this.moveTo(
        'objection_window',
        endOfDayPeriod(new Date(), this.rules.evaluationObjectionDays, this.calendar).toISOString(),
      );
      // S-3.3: each member of a group case is affected (S-2.8(a)) and may object; the lead's notice keeps its key.
      return this.save(
        ...this.members.map((to, i) =>
          notice(
            `evaluation-unqualified-${s.current!.version}${i === 0 ? '' : `-${to}`}`,
            'evaluation_unqualified',
            `【评估结果】法律援助案件 ${s.applicationNo} 评为不合格（${s.current!.score} 分）。如有异议，请于 ${formatCst(new Date(s.dueAt!))}${this.movedNote()} 前提出（S-4.4）。`,
            to,
          ),
        ),
      );
    }
    // S-4.4: the city centre spot-checks a random sample of the other results (deterministic in the workflow).
    if (!needsExpertReview(tier) && !s.spotChecked && Math.random() < this.rules.spotCheckRate) {
      s.spotChecked = true;
      this.moveTo('spot_check', this.stepDue());
    } else {
      this.finalize();
    }
    return this.save();
  }

  finalize(): void {
    this.moveTo('final');
    this.state.finalizedAt = new Date().toISOString();
  }

  /** Runs the deadlines until the result is final, any interview recorded and the payout made; then the outcome. */
  async run(): Promise<EvaluationOutcome> {
    void this.steps.serve();
    void this.save();
    await runClocks({
      hold: (part) => this.steps.hold(part),
      done: () => this.done(),
      clocks: () => this.clocks(),
      version: () => this.state.seq,
    });
    // A step that arrived meanwhile is answered (refused: the evaluation is over) before the result is reported.
    await settle(this.steps, this.recorder);
    const s = this.state;
    return {
      special: s.status === 'special',
      score: s.current?.score,
      tier: s.current?.tier,
      coefficient:
        s.status === 'special' ? specialCaseCoefficientFor(this.rules, s.agencyCode) : s.current?.coefficient,
      totalCents: s.payouts.at(-1)?.totalCents ?? 0,
    };
  }

  private interviewOpen(): boolean {
    const i = this.state.interview;
    return !!i && !i.heldOn && !i.cancelled;
  }

  private done(): boolean {
    const s = this.state;
    const over = s.status === 'final' || s.status === 'special';
    return this.steps.idle && over && !this.interviewOpen() && s.payoutPending === undefined;
  }

  /** Who is reminded at the current step. */
  private owner(): string | undefined {
    const s = this.state;
    if (s.status === 'scoring') return s.evaluator ? `evaluator:${s.evaluator.id}` : this.head;
    if (s.status === 'waiting_evaluator' || s.status === 'expert_review') return this.head;
    if (s.status === 'objection_review' || s.status === 'spot_check') return this.city;
    return undefined;
  }

  /**
   * The step's reminder a day before its deadline and the deadline itself (each once per step: a new step, or the same
   * step entered again, has new keys), the S-4.6 interview's deadline, and the daily payout retry (S-4.5). Fires that
   * only change the state do not wait for the write, so a step never runs between a clock's check and its fire.
   */
  private clocks(): Clock[] {
    const s = this.state;
    const clocks: Clock[] = [];
    if (s.dueAt && s.status !== 'final' && s.status !== 'special') {
      const step = `${s.status}-${s.statusSince}-${s.dueAt}`;
      const due = Date.parse(s.dueAt);
      if (!s.reminded && this.owner()) {
        clocks.push({ key: `evaluation-reminder-${step}`, at: due - DAY_MS, fire: () => this.remind() });
      }
      // Each deadline acts once: escalated steps wait without a timer (the objection window ends the step).
      if (!s.escalated || s.status === 'objection_window') {
        clocks.push({ key: `evaluation-deadline-${step}`, at: due, fire: () => this.onDeadline() });
      }
    }
    const i = s.interview;
    if (i && this.interviewOpen() && !i.escalated) {
      const key = `interview-overdue-${i.version}-${i.dueAt}`;
      clocks.push({ key, at: Date.parse(i.dueAt), fire: () => this.interviewOverdue() });
    }
    // Last: the only fire that waits (for the payout activity).
    if (s.payoutPending !== undefined && this.payoutRetryAt !== undefined) {
      const retry = () => pay(this, s.current?.version ?? 1, s.status === 'special');
      clocks.push({ key: `payout-retry-${this.payoutRetryAt}`, at: this.payoutRetryAt, fire: retry });
    }
    return clocks;
  }

  private remind(): void {
    const s = this.state;
    s.reminded = true;
    void this.save(
      notice(
        `evaluation-reminder-${s.status}-${s.seq}`,
        'evaluation_reminder',
        `【评估提醒】法律援助案件 ${s.applicationNo}（${STATUS_LABELS[s.status]}）应于 ${formatCst(new Date(s.dueAt!))}${this.movedNote()} 前完成（S-4.4）。`,
        this.owner(),
      ),
    );
  }

  private onDeadline(): void {
    const s = this.state;
    if (s.status === 'objection_window') {
      this.finalize(); // no objection within the window: the result stands
      void this.save();
      return;
    }
    s.escalated = true;
    void this.save(
      notice(
        `evaluation-overdue-${s.status}-${s.seq}`,
        'evaluation_overdue',
        `【评估逾期】法律援助案件 ${s.applicationNo}（${STATUS_LABELS[s.status]}）已超过期限（S-4.4）。`,
        s.status === 'objection_review' || s.status === 'spot_check' ? this.city : this.head,
      ),
    );
  }

  private interviewOverdue(): void {
    const i = this.state.interview!;
    i.escalated = true;
    void this.save(
      notice(
        `interview-overdue-${i.version}`,
        'interview_overdue',
        `【约谈逾期】法律援助案件 ${this.state.applicationNo} 的约谈未在期限内完成（S-4.6）。`,
        this.head,
      ),
    );
  }
}
