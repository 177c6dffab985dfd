/**
 * One standard case driven from intake to payout through the workflows' steps, as fast as they answer (shared by
 * `bench:lifecycle` and `bench:ceiling`). Like the console, the driver reads what the case owes from the stored record
 * (the application, its obligations, the evaluation) and each step's answer from `step_answer`, as the API does: deferred documents supplied, grant, rotation pick, institution
 * confirmation, engagement (L-6), closure report and file (L-12), quality manager approval (S-4.3), evaluator, score
 * 80 (S-4.4), payout (S-4.5), closed. The agency needs a pool, a fee schedule and a one-item scoring sheet (`all`).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AgencyCode } from '../domain/agencies';
import {
  applicationWorkflowId,
  assignEvaluator,
  confirmMember,
  decide,
  evaluationWorkflowId,
  recordEngagement,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  supplyMaterials,
  type ApplicationInput,
  type AssignmentState,
} from '../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../domain/rule-config';
import { cstDateOf } from '../domain/time';
import type { PrismaClient } from '../prisma/generated/client';
import type { RecordChanges } from '../platform/record-changes';
import { executeStep, storedAnswers } from '../platform/step-client';

/** Reads the stored record until `ok`, again at each of the workflow's stored batches (or every 250 ms). */
async function until<T>(
  changes: RecordChanges,
  workflowId: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
): Promise<T> {
  for (;;) {
    const next = changes.next(workflowId);
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await next;
  }
}

/** Runs the case to `closed`; returns the handles of its workflow and of its evaluation's. */
/** What the driver needs of the bench stack (bench/stack.ts). */
export interface CaseDriver {
  client: Client;
  prisma: PrismaClient;
  recordChanges: RecordChanges;
  env: { TEMPORAL_TASK_QUEUE: string };
}

export async function runStandardCase(
  { client, prisma, recordChanges: changes, env }: CaseDriver,
  agency: AgencyCode,
  applicationNo: string,
): Promise<{ handle: WorkflowHandle; evaluation: WorkflowHandle }> {
  const taskQueue = env.TEMPORAL_TASK_QUEUE;
  const input: ApplicationInput = {
    applicationNo,
    agencyCode: agency,
    channel: 'walk_in',
    receivedAt: new Date().toISOString(),
    applicant: { name: '基准测试', idNumber: '33060219500101111X' },
    matter: { category: 'labour_remuneration', summary: '基准测试' },
    economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
    materialsSupplied: ['identity_proof'],
    intake: { correctionCommitment: true },
    rules: { ...DEFAULT_RULE_CONFIG, spotCheckRate: 0 },
  };
  const handle = await client.workflow.start('applicationWorkflow', {
    workflowId: applicationWorkflowId(applicationNo),
    taskQueue,
    args: [input],
  });
  const answers = storedAnswers(prisma, changes);
  const caseId = handle.workflowId;
  const application = () => prisma.application.findUnique({ where: { applicationNo } });
  const owes = (kind: string) =>
    prisma.obligation.findFirst({ where: { applicationNo, kind, resolvedAt: null } }).then((o) => o ?? undefined);
  await until(changes, caseId, application, (a) => a?.stage === 'awaiting_materials');
  await executeStep(handle, supplyMaterials, {
    args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 's' }],
    answers,
  });
  await executeStep(handle, decide, { args: [{ decision: 'grant', decidedBy: 'h', requestId: 'g' }], answers });
  await until(changes, caseId, () => owes('member_confirmation'), Boolean);
  const picked = (await application())!.assignment as unknown as AssignmentState;
  const slot = picked.slots[0]!;
  await executeStep(handle, confirmMember, {
    args: [{ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    answers,
  });
  await until(changes, caseId, () => owes('engagement'), Boolean);
  const today = cstDateOf(new Date());
  const member = slot.proposedMemberId;
  await executeStep(handle, recordEngagement, { args: [{ signedOn: today, recordedBy: member }], answers });
  await executeStep(handle, submitCaseFile, {
    args: [{ documents: ['民事调解书'], report: '调解结案', matterEndedOn: today, submittedBy: member }],
    answers,
  });
  await executeStep(handle, reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }], answers });
  const evaluation = client.workflow.getHandle(evaluationWorkflowId(applicationNo));
  await until(
    changes,
    evaluation.workflowId,
    () => prisma.evaluation.findUnique({ where: { applicationNo } }),
    (e) => e?.status === 'waiting_evaluator',
  );
  const evaluator = { evaluatorId: 'e', kind: 'peer' as const, assignedBy: 's' };
  await executeStep(evaluation, assignEvaluator, { args: [evaluator], answers });
  await executeStep(evaluation, submitScore, { args: [{ points: { all: 80 }, comments: '', scoredBy: 'e' }], answers });
  const outcome = (await handle.result()) as { stage: string };
  if (outcome.stage !== 'closed') throw new Error(`case ended in ${outcome.stage}`);
  return { handle, evaluation };
}

/** The city-wide base fee (1,500 元) and a one-item scoring sheet (`all`) the standard case is paid and scored by. */
export async function seedFeeAndSheet(prisma: PrismaClient): Promise<void> {
  await prisma.feeSchedule.create({
    data: {
      agencyCode: null,
      matterType: 'any',
      caseStage: 'any',
      amountCents: 150_000,
      effectiveFrom: new Date('2000-01-01'),
      createdBy: 'bench',
    },
  });
  await prisma.scoringSheet.create({
    data: {
      id: 'bench-civil',
      kind: 'civil_administrative',
      version: 1,
      title: 'bench',
      items: [{ code: 'all', label: '综合', max: 100, weight: 1 }],
      effectiveFrom: new Date('2000-01-01'),
      loadedBy: 'bench',
    },
  });
}
