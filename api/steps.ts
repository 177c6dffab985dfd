/**
 * The one way the API sends a staff step to a workflow and maps what can go wrong, for every router: the step's own
 * refusal is 422 (errors.ts), an answer that does not come in time 503 (the step still happens; the same request
 * again gets its answer), a workflow that never existed 404 and one that has ended 409. A repeated step after the
 * workflow ended gets its first answer (platform/step-client.ts).
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { StepDefinition } from '../domain/definitions';
import { executeStep, type AnswerReader } from '../platform/step-client';
import { currentAudit } from './auth/middleware';
import type { ApiError } from './errors';

export interface StepTarget {
  handle: WorkflowHandle;
  /** The step's id: its kind and the caller-scoped idempotency key (api/idempotency.ts). */
  updateId: string;
  /** What a workflow that does not exist answers (404), and one that has ended (409). */
  missing: ApiError;
  closed: ApiError;
}

/** Sends `step` with `input` and answers its result, as the table above maps failures. */
export async function sendStep<Result, Input>(
  answers: AnswerReader,
  target: StepTarget,
  step: StepDefinition<Result, Input>,
  input: Input,
): Promise<Result> {
  const { handle, updateId, missing, closed } = target;
  try {
    return await executeStep(handle, step, { args: [input], updateId, answers, audit: currentAudit() });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw err;
    // A signal to a workflow that has ended meets "not found" too: one that exists has ended.
    const status = await handle.describe().then(
      (d) => d.status.name,
      (e: unknown) => (e instanceof WorkflowNotFoundError ? 'NONE' : undefined),
    );
    if (status === 'NONE') throw missing;
    if (status === undefined || status === 'RUNNING') throw err;
    throw closed;
  }
}
