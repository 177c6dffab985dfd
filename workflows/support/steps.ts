/**
 * Staff steps (docs/decisions.md, "Staff steps are signals"): each arrives as a signal with its id, waits in one queue
 * and is done by one runner, one step at a time and in arrival order, so no two steps ever interleave and no step adds
 * a command to the workflow task it arrives in. A step validates (a refusal is its answer, nothing changes), then
 * runs; its answer is stored with what it recorded, in the same write (the API reads it from the database), with the
 * audit trail's row of the request that sent it, and kept for the `stepResult` query; the same id again is the same
 * step.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoredAnswer } from '../../activities/step-answers';
import {
  stepResult,
  type StepAudit,
  type StepDefinition,
  type StepMessage,
  type StepResult,
} from '../../domain/definitions';

export interface Step<Input, Result> {
  /** Throws a typed `ApplicationFailure` (see `fail`) to refuse; must not change state. */
  validate?(input: Input): void;
  run(input: Input): Promise<Result> | Result;
}

interface Queued {
  name: string;
  id: string;
  input: unknown;
  audit?: StepAudit;
}

export class StepRunner {
  private readonly queue: Queued[] = [];
  private readonly answers = new Map<string, StepResult>();
  private readonly seen = new Set<string>();
  private readonly steps = new Map<string, Step<unknown, unknown>>();
  private running = false;
  private held = false;

  /** `store`: stores the answer after everything the step recorded; resolves once it is stored. */
  constructor(private readonly store: (answer: StoredAnswer) => Promise<void>) {
    setHandler(stepResult, (id: string) => this.answers.get(id) ?? null);
  }

  /** Registers a step's handler (before the workflow's first await, so a step sent with the start is kept). */
  on<Input, Result>(def: StepDefinition<Result, Input>, step: Step<Input, Result>): void {
    this.steps.set(def.name, step);
    setHandler(def.signal, ({ id, input, audit }: StepMessage<Input>) => {
      if (this.seen.has(id)) return; // a repeated request: the first one's answer stands
      this.seen.add(id);
      this.queue.push({ name: def.name, id, input, ...(audit ? { audit } : {}) });
    });
  }

  /**
   * Runs a part of the workflow's own story that awaits activities (a rotation pick, a payout) while no step runs,
   * and keeps steps waiting until it is done. The SDK may deliver a step's signal before or after an activity's
   * result that arrived in the same workflow task (live and on replay it has done both): a step never starts while
   * the story waits on such a result, so the order of the two never changes what the workflow does.
   */
  async hold<T>(part: () => Promise<T>): Promise<T> {
    await condition(() => !this.running && !this.held);
    this.held = true;
    try {
      return await part();
    } finally {
      this.held = false;
    }
  }

  /** True while no step waits or runs: the workflow may end. */
  get idle(): boolean {
    return this.queue.length === 0 && !this.running;
  }

  /** Does the queued steps, for the life of the workflow. Started once, not awaited. */
  async serve(): Promise<never> {
    for (;;) {
      await condition(() => this.queue.length > 0 && !this.held);
      const next = this.queue.shift()!;
      this.running = true;
      try {
        const answer = await this.perform(next);
        const audit = next.audit ? { audit: next.audit } : {};
        await this.store({ workflowId: workflowInfo().workflowId, stepId: next.id, answer, ...audit });
        this.answers.set(next.id, answer);
      } finally {
        this.running = false;
      }
    }
  }

  private async perform({ name, input }: Queued): Promise<StepResult> {
    const step = this.steps.get(name)!;
    try {
      step.validate?.(input);
      const value = await step.run(input);
      // A copy: the answer is what the step returned then, not the live state later.
      return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
    } catch (thrown) {
      // A typed refusal, the step's own or an activity's non-retryable business failure, is the step's answer.
      const err =
        thrown instanceof ActivityFailure && thrown.cause instanceof ApplicationFailure ? thrown.cause : thrown;
      if (err instanceof ApplicationFailure && err.type) {
        const details = err.details?.length ? { details: JSON.parse(JSON.stringify(err.details)) as unknown[] } : {};
        return { ok: false, type: err.type, message: err.message, ...details };
      }
      throw thrown;
    }
  }
}

/**
 * Waits until the workflow may end: no step waits or runs, no handler is running, and everything recorded is stored
 * (a step that arrived while the last writes were stored is done first).
 */
export async function settle(steps: StepRunner, recorder: { flushed(): Promise<void> }): Promise<void> {
  do {
    await condition(() => steps.idle && allHandlersFinished());
    await recorder.flushed();
  } while (!steps.idle);
}
