/**
 * Sends a staff step to a case workflow and waits for its answer: the step goes as a signal with its id, and the
 * answer is read with the `stepResult` query until the workflow has done it (docs/decisions.md, "Staff steps are
 * signals"). A refusal surfaces as the same `WorkflowUpdateFailedError` an update would raise, carrying the
 * workflow's `ApplicationFailure` (type and Chinese message), so callers map it as before (422).
 */
import { randomUUID } from 'node:crypto';
import {
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { stepResult, type StepDefinition, type StepResult } from '../domain/definitions';

export interface StepOptions<Input> {
  args: [Input];
  /** The step's id (the request's idempotency key); a new one when absent. */
  updateId?: string;
  /** How long to wait for the answer before giving up with a retryable timeout (the step still happens). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The step's answer, polled with a short backoff (the first query usually finds it: the same workflow task). */
async function answerOf(handle: WorkflowHandle, id: string, timeoutMs: number): Promise<StepResult> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 50)) {
    const result = await handle.query(stepResult, id);
    if (result) return result;
    if (Date.now() + wait > deadline) {
      throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out waiting for the step to be done', undefined);
    }
    await sleep(wait);
  }
}

export async function executeStep<Result, Input>(
  handle: WorkflowHandle,
  step: StepDefinition<Result, Input>,
  options: StepOptions<Input>,
): Promise<Result> {
  const id = options.updateId ?? randomUUID();
  await handle.signal(step.signal, { id, input: options.args[0] });
  const answer = await answerOf(handle, id, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (answer.ok) return answer.value as Result;
  throw new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type: answer.type,
      message: answer.message,
      details: answer.details,
      nonRetryable: true,
    }),
  );
}
