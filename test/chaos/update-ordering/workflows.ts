/**
 * The workflow of the update-ordering reproduction (see README.md). It keeps an ordered persist chain running
 * (`persisted = persisted.then(() => persist(...))`: each completion schedules the next activity) and accepts staff
 * steps that append to the same chain and wait for their activity, either:
 *
 * - variant `update`: as an Update (validator + async handler awaiting the activity), or
 * - variant `signal`: as a Signal `{id, input}` queued for a single serial step runner; results are read with the
 *   `stepResult(id)` Query. Duplicate ids are ignored.
 *
 * Each step also starts a `notify` activity that nobody awaits (an off-chain side effect, like a notice), so some
 * workflow tasks complete with no command. The workflow runs until the `finish` signal, then drains the chain and returns counters.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type * as activities from './activities';

export type Variant = 'update' | 'signal';
export interface StepInput {
  /** A non-negative integer; anything else is rejected by validation. */
  n: number;
}
export type StepResult = { ok: true; value: number } | { ok: false; type: string; message: string };

export const stepUpdate = defineUpdate<number, [StepInput]>('step');
export const stepSignal = defineSignal<[{ id: string; input: StepInput }]>('stepSignal');
export const stepResultQuery = defineQuery<StepResult | null, [string]>('stepResult');
export const finishSignal = defineSignal('finish');

const { persist, notify } = proxyActivities<typeof activities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 second' },
});

function validate(input: StepInput): void {
  if (!Number.isInteger(input.n) || input.n < 0) {
    throw ApplicationFailure.create({ type: 'InvalidStep', message: `invalid step n=${input.n}`, nonRetryable: true });
  }
}

export async function orderingWorkflow(variant: Variant): Promise<{ ticks: number; steps: number }> {
  let persisted: Promise<unknown> = Promise.resolve();
  let seq = 0;
  let steps = 0;
  let finishing = false;

  /** Appends one persist activity to the ordered chain; resolves when it (and everything before it) is done. */
  function record(what: string): Promise<unknown> {
    const n = ++seq;
    persisted = persisted.then(() => persist(n, what));
    return persisted;
  }

  // Side effects delivered off the chain (like notices): nobody waits for them until the end, so their completions
  // make workflow tasks that produce no command.
  const notices: Promise<unknown>[] = [];

  async function runStep(input: StepInput): Promise<number> {
    notices.push(notify(input.n));
    await record(`step ${input.n}`);
    steps++;
    return input.n * 2;
  }

  setHandler(finishSignal, () => {
    finishing = true;
  });

  let runnerIdle = (): boolean => true;
  if (variant === 'update') {
    setHandler(stepUpdate, runStep, { validator: validate });
  } else {
    const queue: { id: string; input: StepInput }[] = [];
    const seen = new Set<string>();
    const results = new Map<string, StepResult>();
    let running = false;
    setHandler(stepSignal, (step) => {
      if (seen.has(step.id)) return; // duplicate (client retry): ignored
      seen.add(step.id);
      queue.push(step);
    });
    setHandler(stepResultQuery, (id) => results.get(id) ?? null);
    runnerIdle = () => queue.length === 0 && !running;
    // The single serial step runner: one queued step at a time, in arrival order.
    void (async () => {
      for (;;) {
        await condition(() => queue.length > 0);
        const step = queue.shift()!;
        running = true;
        try {
          validate(step.input);
        } catch (err) {
          const failure = err as ApplicationFailure;
          results.set(step.id, { ok: false, type: failure.type ?? 'Error', message: failure.message });
          running = false;
          continue;
        }
        const value = await runStep(step.input);
        results.set(step.id, { ok: true, value });
        running = false;
      }
    })();
  }

  let ticks = 0;
  while (!finishing) {
    await record(`tick ${ticks}`);
    ticks++;
  }
  await condition(() => runnerIdle() && allHandlersFinished());
  await persisted;
  await Promise.all(notices);
  return { ticks, steps };
}
