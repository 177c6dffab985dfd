import type { StepResult } from '../domain/definitions';
import { Prisma } from '../prisma/generated/client';

/** A staff step's answer as the recorder stores it (docs/decisions.md, "Step answers are read from the database"). */
export interface StoredAnswer {
  workflowId: string;
  stepId: string;
  answer: StepResult;
}

/**
 * The common table expression `answered`: stores a batch's step answers (a retried write finds them there and adds
 * nothing), inside the statement that writes the rest of the batch.
 */
export function answersSql(answers: StoredAnswer[] | undefined): Prisma.Sql {
  const rows = (answers ?? []).map((a) => ({ workflow_id: a.workflowId, step_id: a.stepId, answer: a.answer }));
  return Prisma.sql`answered AS (
      INSERT INTO step_answer (workflow_id, step_id, answer)
      SELECT x.workflow_id, x.step_id, x.answer
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(workflow_id text, step_id text, answer jsonb)
      ON CONFLICT DO NOTHING
    )`;
}

/** The main query of a batch's last statement: notifies `case_recorded`, delivered at commit (record-changes.ts). */
export function notifySql(workflowId: string): Prisma.Sql {
  return Prisma.sql`SELECT pg_notify('case_recorded', ${workflowId})`;
}

/** The end of a recorder batch's transaction in one statement: its step answers, and the notification. */
export async function recordedTx(
  tx: Prisma.TransactionClient,
  workflowId: string,
  answers: StoredAnswer[] | undefined,
): Promise<void> {
  await tx.$executeRaw`WITH ${answersSql(answers)} ${notifySql(workflowId)}`;
}
