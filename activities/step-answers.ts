import type { StepResult } from '../domain/definitions';
import type { Prisma } from '../prisma/generated/client';

/** A staff step's answer as the recorder stores it (docs/decisions.md, "Step answers are read from the database"). */
export interface StoredAnswer {
  workflowId: string;
  stepId: string;
  answer: StepResult;
}

/**
 * The end of every recorder batch's transaction: stores the batch's step answers (a retried write finds them there
 * and adds nothing) and notifies `case_recorded` with the workflow id, delivered when the transaction commits
 * (platform/record-changes.ts).
 */
export async function recordedTx(
  tx: Prisma.TransactionClient,
  workflowId: string,
  answers: StoredAnswer[] | undefined,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify('case_recorded', ${workflowId})`;
  if (!answers?.length) return;
  await tx.stepAnswer.createMany({
    data: answers.map((a) => ({
      workflowId: a.workflowId,
      stepId: a.stepId,
      answer: JSON.parse(JSON.stringify(a.answer)) as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
}
