/**
 * Sends a staff step to a case workflow and waits for its answer: the step goes as a signal with its id, and the
 * answer is read where the workflow's recorder stored it with what the step recorded (`step_answer`, a primary-key
 * read of PostgreSQL), or, without a database (workflow tests), with the `stepResult` query (docs/decisions.md,
 * "Staff steps are signals" and "Step answers are read from the database"). A refusal surfaces as the same
 * `WorkflowUpdateFailedError` an update would raise, carrying the workflow's `ApplicationFailure` (type and Chinese
 * message), so callers map it as before (422).
 */
import { randomUUID } from 'node:crypto';
import {
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { stepResult, type StepAudit, type StepDefinition, type StepResult } from '../domain/definitions';
import type { PrismaClient } from '../prisma/generated/client';
import type { RecordChanges } from './record-changes';

/**
 * Where a step's answer is read: the stored answer of the step with this id, or null while there is none; and, when
 * it can tell, a promise of the next moment worth reading again (taken before the read).
 */
export interface AnswerReader {
  read(workflowId: string, stepId: string): Promise<StepResult | null>;
  next?(workflowId: string): Promise<void>;
}

/** Reads answers from `step_answer`, woken by the recorder's notifications when `changes` listens for them. */
export function storedAnswers(prisma: PrismaClient, changes?: RecordChanges): AnswerReader {
  return {
    async read(workflowId, stepId) {
      const row = await prisma.stepAnswer.findUnique({ where: { workflowId_stepId: { workflowId, stepId } } });
      return row ? (row.answer as StepResult) : null;
    },
    ...(changes ? { next: (workflowId: string) => changes.next(workflowId) } : {}),
  };
}

export interface StepOptions<Input> {
  args: [Input];
  /** The step's id (the request's idempotency key); a new one when absent. */
  updateId?: string;
  /** How long to wait for the answer before giving up with a retryable timeout (the step still happens). */
  timeoutMs?: number;
  /** Where to read the answer (the API: `storedAnswers(prisma)`); the `stepResult` query when absent. */
  answers?: AnswerReader;
  /** The audit row of the request sending the step: stored with the step's answer, in the same write. */
  audit?: StepAudit;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The step's answer: read again at each notification of the workflow, or with a short backoff without them. */
async function answerOf(handle: WorkflowHandle, id: string, reader: AnswerReader | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    const woken = reader?.next?.(handle.workflowId);
    const result = reader ? await reader.read(handle.workflowId, id) : await handle.query(stepResult, id);
    if (result) return result;
    if (Date.now() + wait > deadline) {
      throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timed out waiting for the step to be done', undefined);
    }
    await (woken ?? sleep(wait));
  }
}

export async function executeStep<Result, Input>(
  handle: WorkflowHandle,
  step: StepDefinition<Result, Input>,
  options: StepOptions<Input>,
): Promise<Result> {
  const id = options.updateId ?? randomUUID();
  const stored = options.answers;
  try {
    const audit = options.audit ? { audit: options.audit } : {};
    await handle.signal(step.signal, { id, input: options.args[0], ...audit });
  } catch (err) {
    // A repeated request after the case closed: the first one's stored answer stands.
    const earlier = err instanceof WorkflowNotFoundError && stored ? await stored.read(handle.workflowId, id) : null;
    if (!earlier) throw err;
    return resultOf<Result>(earlier);
  }
  return resultOf<Result>(await answerOf(handle, id, stored, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
}

function resultOf<Result>(answer: StepResult): Result {
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
