/**
 * The case context (案件上下文) every phase of `applicationWorkflow` shares: the input and live state, the rule
 * snapshot the case started with, the steps staff send, and the one recorder that owns `seq` and the order of the
 * stored record. Phases never import each other; what two phases need is here or a pure function in `domain/`.
 */
import {
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CaseOpening, EventRecord } from '../../activities/application-records';
import { ERROR_TYPES, type ApplicationInput, type ApplicationState } from '../../domain/definitions';
import { WEEKENDS_ONLY, type Calendar } from '../../domain/calendar';
import type { RuleConfig } from '../../domain/rule-config';
import { applicationDeadlines, movesOf } from '../../domain/case-deadlines';
import { moveReviewClock } from '../../domain/review-clock';
import { STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../../domain/search-attributes';
import { canTransition, STAGES, type Stage } from '../../domain/stages';
import { Attention, withoutControlCharacters } from '../support/attention';
import { Recorder, type Notice } from '../support/recorder';
import { settle, StepRunner } from '../support/steps';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
/** Unlimited attempts: a database outage must delay a case, never lose it (a data error is not retried: attention). */
export const acts = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });
/** The rotation's picks lock the agency's pool: allow them longer. */
export const rotation = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });
/**
 * The recorders' writes (`recordCase`, `recordEvaluation`, `recordCall`) are local activities: they run in the
 * workflow task that recorded them, so a step is stored, and answered, without a round trip through the server
 * (docs/decisions.md, "Record writes are local activities"). Retried like `acts` (each write is idempotent); past 10
 * seconds of failures the next attempt waits on a server timer instead of holding the workflow task open.
 */
export const records = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
  localRetryThreshold: '10 seconds',
});

export interface EventMeta {
  actor: string;
  ruleIds: string[];
  note?: string;
}

/** A notice of this case; without a recipient it goes to the applicant. */
export function notice(obligationKey: string, template: string, body: string, recipient?: string): Notice {
  return { obligationKey, template, body, ...(recipient ? { recipient } : {}) };
}

/** Refuses a step (or fails it) with a Chinese message and a stable type the API maps to 422. */
export function fail(message: string, type: string = ERROR_TYPES.invalidTransition): never {
  throw ApplicationFailure.create({ type, message });
}

/** Refuses (422) a move the stage machine does not allow (S-3.2, L-7: more moves for a case accepted first). */
export function assertTransition(from: Stage, to: Stage, acceptedFirst = false, notification = false): void {
  if (!canTransition(from, to, { acceptedFirst, notification })) {
    const awaited =
      from === 'awaiting_materials' && to === 'granted' ? '（非先行受理的案件须待材料补齐后审查决定）' : '';
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidTransition,
      message: `申请当前处于「${STAGES[from]}」阶段，不能转入「${STAGES[to]}」${awaited}`,
      details: [{ from, to }],
    });
  }
}

export class CaseContext {
  readonly steps = new StepRunner((answer) => this.recorder.answer(answer));
  readonly attention: Attention;
  private readonly recorder: Recorder<EventRecord, ApplicationState>;
  /**
   * The holiday calendar the case counts its periods with (Civil Code art. 203): the one fetched as the case opens,
   * replaced when it changes.
   */
  calendar: Calendar = WEEKENDS_ONLY;

  constructor(
    readonly input: ApplicationInput,
    readonly state: ApplicationState,
    opening: CaseOpening,
  ) {
    this.attention = new Attention({
      caseKind: 'application',
      caseNo: state.applicationNo,
      agencyCode: state.agencyCode,
      onChange: (a) => (this.state.attention = a),
      flag: (args) => acts.flagAttention(args),
      clear: (args) => acts.clearAttention(args),
    });
    let first: CaseOpening | undefined = opening;
    this.recorder = new Recorder({
      caseNo: state.applicationNo,
      snapshot: () => JSON.parse(JSON.stringify(this.state)) as ApplicationState,
      write: async ({ entries, state: snapshot, notices, answers }, clean) => {
        const batch = { ...(first ? { opening: first } : {}), events: entries, state: snapshot, notices, answers };
        const ids = await records.recordCase(clean ? withoutControlCharacters(batch) : batch);
        first = undefined;
        return ids;
      },
      deliver: (ids) => acts.deliverNotices({ ids }),
      attention: this.attention,
    });
  }

  get rules(): RuleConfig {
    return this.input.rules;
  }

  /** L-4: a notification case (通知辩护/通知代理): no application, review or decision; assigned from the letter. */
  get notification(): boolean {
    return this.input.channel === 'notification';
  }

  /**
   * Records an event in the current stage, with its notices. Queued, not waited for: what a step or a deadline records
   * goes into as few writes as possible, a step is answered once its records are stored (`StepRunner`), and the
   * workflow ends once all are (`settle`). Wait with `stored()` where an activity needs the record first.
   */
  record(meta: EventMeta, notices: Notice[] = []): Promise<void> {
    this.state.seq += 1;
    this.noteMoves();
    const { applicationNo, seq, stage } = this.state;
    void this.recorder.record({ applicationNo, seq, stage, at: new Date().toISOString(), ...meta }, notices);
    return Promise.resolve();
  }

  /** Everything recorded so far is stored. */
  stored(): Promise<void> {
    return this.recorder.written();
  }

  /** Moves the case to `to` (refused with 422 when the stage machine does not allow it) and records it. */
  transition(to: Stage, meta: EventMeta, notices: Notice[] = []): Promise<void> {
    assertTransition(this.state.stage, to, this.state.acceptedFirst !== undefined, this.notification);
    const clock = moveReviewClock(this.state, to, this.rules.reviewPausesForMaterials, Date.now(), this.calendar);
    const note = clock ? (meta.note ? `${meta.note}\n${clock}` : clock) : meta.note;
    this.state.stage = to;
    this.state.stageEnteredAt = new Date().toISOString();
    upsertSearchAttributes([
      { key: STAGE_ATTR, value: to },
      { key: STAGE_ENTERED_AT_ATTR, value: new Date(this.state.stageEnteredAt) },
    ]);
    return this.record({ ...meta, ...(note === undefined ? {} : { note }) }, notices);
  }

  /** Why the running deadlines' last days moved off a rest day (`因国庆节顺延`): stored with the state for the API. */
  private noteMoves(): void {
    const moves = movesOf(applicationDeadlines(this.state, this.input, this.calendar, this.calendar));
    if (Object.keys(moves).length > 0) this.state.deadlineMoves = moves;
    else delete this.state.deadlineMoves;
  }

  /** Queues notices without an event (reminders): written with the next batch. */
  notify(...notices: Notice[]): Promise<void> {
    this.noteMoves();
    void this.recorder.record(undefined, notices);
    return Promise.resolve();
  }

  /** An activity call of a phase: a data error waits for an operator (needs attention) instead of failing the case. */
  call<T>(fn: () => Promise<T>): Promise<T> {
    return this.attention.guard(() => fn());
  }

  /** Everything recorded is stored and delivered, and no step waits or runs: the workflow may end. */
  settle(): Promise<void> {
    return settle(this.steps, this.recorder);
  }
}
