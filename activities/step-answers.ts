import type { StepAudit, StepResult } from '../domain/definitions';
import { Prisma } from '../prisma/generated/client';

/** A staff step's answer as the recorder stores it (docs/decisions.md, "Step answers are read from the database"). */
export interface StoredAnswer {
  workflowId: string;
  stepId: string;
  answer: StepResult;
  /** The audit row of the request that sent the step: committed with the answer (outcome 200, or 422 refused). */
  audit?: StepAudit;
}

/**
 * The common table expressions `answered` and `audited`: store a batch's step answers, and the audit rows of the
 * requests that sent them (outcome 200, or 422 for a refusal, as the API answers), inside the statement that writes
 * the rest of the batch. A retried write finds the answers there and adds neither again.
 */
export function answersSql(answers: StoredAnswer[] | undefined): Prisma.Sql {
  const rows = (answers ?? []).map((a) => ({ workflow_id: a.workflowId, step_id: a.stepId, answer: a.answer }));
  const audits = (answers ?? []).flatMap((a) =>
    a.audit ? [{ ...a.audit, workflowId: a.workflowId, stepId: a.stepId, outcome: a.answer.ok ? 200 : 422 }] : [],
  );
  return Prisma.sql`answered AS (
      INSERT INTO step_answer (workflow_id, step_id, answer)
      SELECT x.workflow_id, x.step_id, x.answer
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(workflow_id text, step_id text, answer jsonb)
      ON CONFLICT DO NOTHING
      RETURNING workflow_id, step_id
    ), audited AS (
      INSERT INTO audit_event (actor_id, roles, agency_code, action, target_type, target_id, request_id, outcome)
      SELECT x."actorId", ARRAY(SELECT jsonb_array_elements_text(x.roles)), x."agencyCode", x.action, x."targetType",
             x."targetId", x."requestId", x.outcome
      FROM jsonb_to_recordset(${JSON.stringify(audits)}::jsonb)
        AS x("actorId" text, roles jsonb, "agencyCode" text, action text, "targetType" text, "targetId" text,
             "requestId" text, outcome int, "workflowId" text, "stepId" text)
      JOIN answered a ON a.workflow_id = x."workflowId" AND a.step_id = x."stepId"
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
