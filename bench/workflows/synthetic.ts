/**
 * Synthetic workflows for the scale benchmarks (issue 10, bench/ceiling.ts and bench/timers.ts); never deployed.
 *
 * - `syntheticCaseWorkflow`: as many state transitions as a standard case, and nothing else: `steps` no-op
 *   activities one after another (each a workflow task, an activity task and its completion), so its throughput is
 *   the embedded stack's ceiling for that amount of durable work.
 * - `openCaseWorkflow`: an open case waiting on its deadline: one timer until `dueAt`, then one activity reporting
 *   how late the timer fired.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';

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
