/**
 * Synthetic workflows for the scale benchmarks (issue 10, bench/ceiling.ts and bench/timers.ts); never deployed.
 *
 * - `syntheticCaseWorkflow`: as many state transitions as a standard case, and nothing else: `steps` no-op
 *   activities one after another (each a workflow task, an activity task and its completion), so its throughput is
 *   the embedded stack's ceiling for that amount of durable work.
 * - `openCaseWorkflow`: an open case waiting on its deadline: one timer until `dueAt`, then one activity reporting
 *   how late the timer fired.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface SyntheticActivities {
  noop(step: number): Promise<void>;
  timerFired(input: { id: string; dueAt: string }): Promise<void>;
}

const acts = proxyActivities<SyntheticActivities>({ startToCloseTimeout: '1 minute' });

export async function syntheticCaseWorkflow(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await acts.noop(i);
  return steps;
}

export async function openCaseWorkflow(input: { id: string; dueAt: string }): Promise<void> {
  const wait = Date.parse(input.dueAt) - Date.now();
  if (wait > 0) await sleep(wait);
  await acts.timerFired(input);
}

/** The floor of a workflow start (`bench:interactive`): a workflow that only returns. */
export async function noopWorkflow(): Promise<void> {
  // nothing: its start and its one workflow task are the engine's own cost
}

/** Updates accepted and answered at once, the floor of a staff step (`bench:interactive`); parked until `release`. */
export const noopUpdate = defineUpdate<string, [string]>('noopUpdate');
export const release = defineSignal('release');

export async function parkedWorkflow(): Promise<void> {
  let released = false;
  setHandler(noopUpdate, (input) => input);
  setHandler(release, () => void (released = true));
  await condition(() => released);
}
