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
import { dataConverter } from '../platform/codec';
import { runStandardCase, seedFeeAndSheet } from './standard-case';
import { startBenchStack } from './stack';

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
  await seedFeeAndSheet(prisma);

  // 1. Standard cases, `concurrency` at a time.
  const runCase = async (i: number) => {
    const applicationNo = `${agency}-2026-${String(800_000 + i)}`;
    const { handle, evaluation } = await runStandardCase(client, env.TEMPORAL_TASK_QUEUE, agency, applicationNo);
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
