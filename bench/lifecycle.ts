/**
 * `npm run bench:lifecycle -- [N]`: N complete standard cases, intake to payout, one after another, against the
 * embedded stack (the Temporal CLI dev server with a file-backed state, as `npm start` runs it; PostgreSQL at
 * DATABASE_URL's server in a fresh database, else embedded). Each case: deferred documents supplied, verification-free
 * grant, rotation pick, institution confirmation, engagement (L-6), closure report and file (L-12), quality manager
 * approval (S-4.3), evaluator, score 80 (S-4.4), payout (S-4.5), closed. Prints per case the wall-clock duration and
 * the history length (events) of the case's workflow and of its evaluation workflow, and the median.
 */
import {
  applicationWorkflowId,
  assignEvaluator,
  confirmMember,
  decide,
  evaluationWorkflowId,
  getEvaluation,
  getState,
  recordEngagement,
  reviewCaseFile,
  submitCaseFile,
  submitScore,
  supplyMaterials,
  type ApplicationInput,
  type ApplicationState,
} from '../domain/definitions';
import { DEFAULT_RULE_CONFIG } from '../domain/rule-config';
import { cstDateOf } from '../domain/time';
import { startBenchStack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await sleep(20);
  }
}

async function main() {
  const total = Number(process.argv[2] ?? 5);
  const stack = await startBenchStack('lifecycle', 10);
  const { env, prisma, client } = stack;
  const agency = 'KQ';
  await prisma.poolInstitution.create({ data: { id: 'B-A', agencyCode: agency, name: '基准律所', listOrder: 0 } });
  await prisma.poolMember.create({ data: { id: 'b-a1', institutionId: 'B-A' } });
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

  const results: Array<{ ms: number; caseEvents: number; evaluationEvents: number }> = [];
  for (let i = 0; i < total; i++) {
    const applicationNo = `${agency}-2026-${String(900_000 + i)}`;
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
    const started = performance.now();
    const handle = await client.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(applicationNo),
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      args: [input],
    });
    const state = (): Promise<ApplicationState> => handle.query(getState);
    await until(state, (s) => s.stage === 'awaiting_materials');
    await handle.executeUpdate(supplyMaterials, {
      args: [{ items: ['economic_statement', 'matter_evidence'], receivedBy: 's' }],
    });
    await handle.executeUpdate(decide, { args: [{ decision: 'grant', decidedBy: 'h', requestId: 'g' }] });
    const picked = await until(state, (s) => s.assignment?.status === 'awaiting_institution');
    const slot = picked.assignment!.slots[0]!;
    await handle.executeUpdate(confirmMember, {
      args: [{ ledgerSeq: slot.ledgerSeq, memberId: slot.proposedMemberId, confirmedBy: 'inst', by: 'institution' }],
    });
    await until(state, (s) => s.stage === 'assigned' && s.performance !== undefined);
    const today = cstDateOf(new Date());
    await handle.executeUpdate(recordEngagement, { args: [{ signedOn: today, recordedBy: slot.proposedMemberId }] });
    await handle.executeUpdate(submitCaseFile, {
      args: [
        { documents: ['民事调解书'], report: '调解结案', matterEndedOn: today, submittedBy: slot.proposedMemberId },
      ],
    });
    await handle.executeUpdate(reviewCaseFile, { args: [{ approved: true, comments: '', reviewedBy: 'qm' }] });
    const evaluation = client.workflow.getHandle(evaluationWorkflowId(applicationNo));
    await until(
      () => evaluation.query(getEvaluation),
      (e) => e.status === 'waiting_evaluator',
    );
    await evaluation.executeUpdate(assignEvaluator, { args: [{ evaluatorId: 'e', kind: 'peer', assignedBy: 's' }] });
    await evaluation.executeUpdate(submitScore, { args: [{ points: { all: 80 }, comments: '', scoredBy: 'e' }] });
    const outcome = (await handle.result()) as { stage: string };
    const ms = performance.now() - started;
    if (outcome.stage !== 'closed') throw new Error(`case ended in ${outcome.stage}`);
    const caseEvents = (await handle.fetchHistory()).events?.length ?? 0;
    const evaluationEvents = (await evaluation.fetchHistory()).events?.length ?? 0;
    results.push({ ms: Math.round(ms), caseEvents, evaluationEvents });
  }
  const paid = await prisma.payoutLine.count();
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: stack.machine,
        database: stack.database,
        cases: total,
        payoutLines: paid,
        medianMs: sorted[Math.floor(sorted.length / 2)]!.ms,
        perCase: results,
      },
      null,
      2,
    ),
  );
  await stack.stop();
  if (paid !== total) {
    console.error('expected exactly one payout line per case');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
