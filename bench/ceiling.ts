/**
 * `npm run bench:ceiling -- [cases=60] [concurrency=20]` (issue 10, 6a): in one run on the embedded stack (see
 * stack.ts), first `cases` complete standard cases, `concurrency` at a time, driven through the workflows' updates
 * as in bench/lifecycle.ts (intake with deferred documents to payout); then as many `syntheticCaseWorkflow`s
 * (bench/workflows/synthetic.ts) with the same number of state transitions (workflow tasks) as the cases averaged,
 * each a no-op activity, at the same concurrency. The synthetic run is the stack's ceiling for that much durable
 * work; the cases' throughput is printed as a share of it.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
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
import { dataConverter } from '../platform/codec';
import { startBenchStack } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    await sleep(50);
  }
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

async function transitions(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
}

async function main() {
  const cases = Number(process.argv[2] ?? 60);
  const concurrency = Number(process.argv[3] ?? 20);
  const stack = await startBenchStack('ceiling', 10);
  const { env, prisma, client } = stack;
  const agency = 'KQ';
  for (const [order, inst] of ['B-A', 'B-B', 'B-C', 'B-D'].entries()) {
    await prisma.poolInstitution.create({ data: { id: inst, agencyCode: agency, name: inst, listOrder: order } });
    for (let m = 1; m <= 5; m++) await prisma.poolMember.create({ data: { id: `${inst}-${m}`, institutionId: inst } });
  }
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

  // 1. Standard cases, `concurrency` at a time.
  const runCase = async (i: number) => {
    const applicationNo = `${agency}-2026-${String(800_000 + i)}`;
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
    if (outcome.stage !== 'closed') throw new Error(`case ended in ${outcome.stage}`);
    const a = await transitions(handle);
    const b = await transitions(evaluation);
    return {
      events: a.events + b.events,
      workflowTasks: a.workflowTasks + b.workflowTasks,
      activities: a.activities + b.activities,
    };
  };
  await runCase(999); // warm-up (bundle, caches, connections), not counted
  const t0 = performance.now();
  const measured = await pool(cases, concurrency, runCase);
  const caseSeconds = (performance.now() - t0) / 1000;
  const mean = (k: 'events' | 'workflowTasks' | 'activities') =>
    Math.round(measured.reduce((s, m) => s + m[k], 0) / measured.length);
  const steps = mean('workflowTasks');

  // 2. The ceiling: the same number of state transitions, nothing else.
  const taskQueue = `bench-synthetic-${randomUUID()}`;
  const worker = await Worker.create({
    connection: stack.temporal.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows/synthetic'),
    activities: { noop: () => Promise.resolve(), timerFired: () => Promise.resolve() },
    dataConverter: dataConverter(stack.secrets.codec), // the same sealed payloads as the real worker's
    reuseV8Context: true,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
  });
  const running = worker.run();
  const synthetic = (i: number) =>
    client.workflow.execute('syntheticCaseWorkflow', {
      workflowId: `synthetic-${i}-${randomUUID()}`,
      taskQueue,
      args: [steps],
    });
  await synthetic(-1);
  const t1 = performance.now();
  await pool(cases, concurrency, synthetic);
  const syntheticSeconds = (performance.now() - t1) / 1000;
  worker.shutdown();
  await running;

  const paid = await prisma.payoutLine.count();
  const casesPerMinute = (cases / caseSeconds) * 60;
  const syntheticPerMinute = (cases / syntheticSeconds) * 60;
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: stack.machine,
        database: stack.database,
        cases,
        concurrency,
        perCase: { historyEvents: mean('events'), workflowTasks: steps, activities: mean('activities') },
        standardCases: { seconds: Math.round(caseSeconds), perMinute: Math.round(casesPerMinute * 10) / 10 },
        syntheticCeiling: {
          steps,
          seconds: Math.round(syntheticSeconds),
          perMinute: Math.round(syntheticPerMinute * 10) / 10,
        },
        ratio: Math.round((casesPerMinute / syntheticPerMinute) * 100) / 100,
        payoutLines: paid,
      },
      null,
      2,
    ),
  );
  await stack.stop();
  if (paid !== cases + 1) {
    console.error('expected exactly one payout line per case');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
