/**
 * `npm run bench:ceiling -- [cases=120] [concurrency=10] [rounds=6]`: how close whole standard cases
 * come to the embedded stack's ceiling (see stack.ts), both measured in one run on the same stack, interleaved:
 *
 * - A: standard cases driven through the workflows' steps as in bench/lifecycle.ts (intake with deferred
 *   documents to payout), `concurrency` at a time;
 * - B: as many `syntheticCaseWorkflow`s (bench/workflows/synthetic.ts) with the same number of state transitions as
 *   the cases average (as the server counts them: updates of a workflow's mutable state, `stateTransitionsPerRun`),
 *   made of no-op activities, at the same concurrency: the stack's ceiling for that much durable work.
 *
 * After one warm-up batch of each kind (not counted), `rounds` rounds each run one batch of A (`cases / rounds`
 * cases) and then one batch of B of the same size (with as many steps as match the cases' transitions so far), so both kinds
 * sample the same drift of a shared machine's load (and of the stack's growing state) instead of one running after
 * the other.
 * Prints per kind the median and the slow tail of the batches' throughput (p10 of workflows/min = p90 of the batch
 * time) and of single workflows' durations, and `ratio` = median A throughput / median B throughput: the share of
 * the ceiling the real work reaches (>= 0.8 is good). `pairedRatio` is the same per round (A and B run back to back)
 * and its median, which drift between rounds cannot move. `serverRequestsPerRun`: what each kind asked of the dev
 * server (its `service_requests` counter by operation, per workflow run). Progress goes to stderr, the figures (JSON) to stdout.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance as perf, type EventLoopUtilization } from 'node:perf_hooks';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../platform/codec';
import { runStandardCase, seedFeeAndSheet } from './standard-case';
import { requestsBetween, serverRequests, startBenchStack, STATE_TRANSITIONS } from './stack';

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

/** The machine's CPU time so far, busy and in all (Linux `/proc/stat`; zeros elsewhere). */
function machineCpu(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((s, n) => s + n, 0);
    return { busy: total - fields[3]! - (fields[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * CPU seconds so far of this process and of the processes it started (the dev server, an embedded PostgreSQL and its
 * backends), by command name (Linux `/proc`; empty elsewhere): where a kind's work goes, whatever else the machine runs.
 */
function treeCpu(): Record<string, number> {
  const tick = 100; // USER_HZ on Linux
  const procs: Array<{ pid: number; ppid: number; comm: string; cpu: number }> = [];
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const rest = stat.slice(close + 2).split(' ');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        procs.push({
          pid: Number(name),
          ppid: Number(rest[1]),
          comm,
          cpu: (Number(rest[11]) + Number(rest[12])) / tick,
        });
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return {};
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (mine.has(p.pid) || !mine.has(p.ppid)) continue;
      mine.add(p.pid);
      grew = true;
    }
  }
  const out: Record<string, number> = {};
  for (const p of procs) {
    if (!mine.has(p.pid)) continue;
    const name = p.pid === process.pid ? 'node' : p.comm;
    out[name] = (out[name] ?? 0) + p.cpu;
  }
  return out;
}

/** `after - before` per key, added to `into`. */
function addCpu(into: Record<string, number>, before: Record<string, number>, after: Record<string, number>) {
  for (const [k, v] of Object.entries(after)) into[k] = (into[k] ?? 0) + v - (before[k] ?? 0);
}

/** The share of the machine's CPU that was busy between two readings. */
const busyShare = (a: { busy: number; total: number }, b: { busy: number; total: number }) =>
  b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : NaN;

/** Adds what the dev server answered between two readings of its request counts to `into`. */
function addRequests(into: Record<string, number>, before: Record<string, number>, after: Record<string, number>) {
  for (const [op, n] of Object.entries(requestsBetween(before, after))) into[op] = (into[op] ?? 0) + n;
}

/** Per workflow run, the operations that cost the server most (its services count one request each), and the sum. */
function perRun(requests: Record<string, number>, runs: number) {
  const rows = Object.entries(requests)
    .filter(([op]) => !op.startsWith('Poll') && op !== STATE_TRANSITIONS)
    .map(([op, n]) => [op, round1(n / runs)] as const)
    .sort((a, b) => b[1] - a[1]);
  return { total: round1(rows.reduce((s, [, n]) => s + n, 0)), top: Object.fromEntries(rows.slice(0, 8)) };
}

/** `n` runs of `fn`, `concurrency` at a time: the batch's wall-clock seconds, each run's seconds and result. */
async function timedBatch<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>) {
  const t0 = performance.now();
  const runs = await pool(n, concurrency, async (i) => {
    const t = performance.now();
    const value = await fn(i);
    return { seconds: (performance.now() - t) / 1000, value };
  });
  return { seconds: (performance.now() - t0) / 1000, runs };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** The median of unsorted values (the mean of the middle two for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU milliseconds per run, by command, and their sum. */
function perRunCpu(cpu: Record<string, number>, runs: number) {
  const rows = Object.entries(cpu)
    .map(([k, v]) => [k, Math.round((v * 1000) / runs)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  return { total: rows.reduce((s, [, v]) => s + v, 0), ...Object.fromEntries(rows) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

async function transitions(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
  };
}

interface Batch {
  round: number;
  seconds: number;
  perMinute: number;
  caseSeconds: number[];
}

/** One kind's figures from its interleaved batches. */
function summary(batches: Batch[]) {
  const perMinute = batches.map((b) => b.perMinute);
  const caseSeconds = batches.flatMap((b) => b.caseSeconds);
  return {
    batches: batches.length,
    perMinute: { median: round1(median(perMinute)), p10: round1(percentile(perMinute, 10)) },
    batchSeconds: {
      median: round1(median(batches.map((b) => b.seconds))),
      p90: round1(
        percentile(
          batches.map((b) => b.seconds),
          90,
        ),
      ),
    },
    caseSeconds: { median: round2(median(caseSeconds)), p90: round2(percentile(caseSeconds, 90)) },
    perRoundPerMinute: perMinute.map(round1),
  };
}

async function main() {
  const cases = Number(process.argv[2] ?? 120);
  const concurrency = Number(process.argv[3] ?? 10);
  const rounds = Number(process.argv[4] ?? 6);
  const batch = Math.ceil(cases / rounds);
  if (!(batch >= 1 && concurrency >= 1 && rounds >= 1))
    throw new Error('usage: npm run bench:ceiling -- [cases=120] [concurrency=10] [rounds=6]');
  if (batch < concurrency)
    console.error(`note: batches of ${batch} never reach concurrency ${concurrency}; use more cases or fewer rounds`);

  const stack = await startBenchStack('ceiling', 10);
  const { env, prisma, client } = stack;
  const agency = 'KQ';
  for (const [order, inst] of ['B-A', 'B-B', 'B-C', 'B-D'].entries()) {
    await prisma.poolInstitution.create({ data: { id: inst, agencyCode: agency, name: inst, listOrder: order } });
    for (let m = 1; m <= 5; m++) await prisma.poolMember.create({ data: { id: `${inst}-${m}`, institutionId: inst } });
  }
  await seedFeeAndSheet(prisma);

  // A: one standard case (its workflow and its evaluation's), intake to payout.
  let caseNo = 0;
  const runCase = async () => {
    const applicationNo = `${agency}-2026-${String(800_000 + caseNo++)}`;
    return runStandardCase(stack, agency, applicationNo);
  };
  // The cases' histories are read after their batch (the synthetic runs read none while they are timed).
  const shape = async ({ handle, evaluation }: Awaited<ReturnType<typeof runCase>>) => {
    const a = await transitions(handle);
    const b = await transitions(evaluation);
    return {
      events: a.events + b.events,
      workflowTasks: a.workflowTasks + b.workflowTasks,
      activities: a.activities + b.activities,
    };
  };

  // B: the ceiling, on a task queue and worker of its own in the same process (idle while A runs, as the real
  // worker is while B runs), with the same sealed payloads as the real worker's.
  const taskQueue = `bench-synthetic-${randomUUID()}`;
  const worker = await Worker.create({
    connection: stack.temporal.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows/synthetic'),
    activities: { noop: () => Promise.resolve(), timerFired: () => Promise.resolve() },
    dataConverter: dataConverter(stack.secrets.codec),
    reuseV8Context: true,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
  });
  const running = worker.run();
  let steps = 0;
  const synthetic = () =>
    client.workflow.execute('syntheticCaseWorkflow', {
      workflowId: `synthetic-${randomUUID()}`,
      taskQueue,
      args: [steps],
    });

  // State transitions as the server counts them (see STATE_TRANSITIONS): per case so far (warm-up included; how
  // steps fall into workflow tasks varies with load), and per synthetic step so far (a run's fixed transitions
  // spread over its steps, so the estimate tracks the step count). Each B batch runs as many steps as make its
  // runs' transitions the cases' mean.
  // The server reports its counters a moment after the work: read again until the transitions stop changing (a
  // second apart, at most ten seconds), so a batch's transitions are not counted in the next one's.
  const reading = async () => {
    let last = await serverRequests(stack.metricsUrl);
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const next = await serverRequests(stack.metricsUrl);
      if (next[STATE_TRANSITIONS] === last[STATE_TRANSITIONS]) return next;
      last = next;
    }
    return last;
  };
  const transitionsIn = (a: Record<string, number>, b: Record<string, number>) =>
    (b[STATE_TRANSITIONS] ?? 0) - (a[STATE_TRANSITIONS] ?? 0);
  const tally = { cases: 0, caseTransitions: 0, steps: 0, stepTransitions: 0 };
  const matchingSteps = () =>
    Math.max(1, Math.round(tally.caseTransitions / tally.cases / (tally.stepTransitions / tally.steps)));

  // Warm-up (bundles, caches, connections, the JIT), one batch of each, not counted; the first synthetic batch runs
  // as many steps as the cases took workflow tasks.
  let w0 = await reading();
  const warmCases = await Promise.all(
    (await timedBatch(concurrency, concurrency, runCase)).runs.map((r) => shape(r.value)),
  );
  const w1 = await reading();
  tally.cases += warmCases.length;
  tally.caseTransitions += transitionsIn(w0, w1);
  const measured: Array<Awaited<ReturnType<typeof shape>>> = [];
  steps = Math.round(warmCases.reduce((s, m) => s + m.workflowTasks, 0) / warmCases.length);
  await timedBatch(concurrency, concurrency, synthetic);
  w0 = await reading();
  tally.steps += concurrency * steps;
  tally.stepTransitions += transitionsIn(w1, w0);

  const standard: Batch[] = [];
  const ceiling: Batch[] = [];
  const stepsPerRound: number[] = [];
  const asBatch = (round: number, b: { seconds: number; runs: Array<{ seconds: number }> }): Batch => ({
    round,
    seconds: b.seconds,
    perMinute: (b.runs.length / b.seconds) * 60,
    caseSeconds: b.runs.map((r) => r.seconds),
  });
  const requestsA: Record<string, number> = {};
  const loopA: EventLoopUtilization[] = [];
  const loopB: EventLoopUtilization[] = [];
  const machineA: number[] = [];
  const machineB: number[] = [];
  const requestsB: Record<string, number> = {};
  const cpuA: Record<string, number> = {};
  const cpuB: Record<string, number> = {};
  for (let round = 1; round <= rounds; round++) {
    const r0 = await reading();
    const e0 = perf.eventLoopUtilization();
    const m0 = machineCpu();
    const c0 = treeCpu();
    const a = await timedBatch(batch, concurrency, runCase);
    addCpu(cpuA, c0, treeCpu());
    machineA.push(busyShare(m0, machineCpu()));
    loopA.push(perf.eventLoopUtilization(perf.eventLoopUtilization(), e0));
    const r1 = await reading();
    addRequests(requestsA, r0, r1);
    for (const r of a.runs) measured.push(await shape(r.value));
    standard.push(asBatch(round, a));
    tally.cases += batch;
    tally.caseTransitions += transitionsIn(r0, r1);
    steps = matchingSteps();
    stepsPerRound.push(steps);
    const e2 = perf.eventLoopUtilization();
    const m2 = machineCpu();
    const c2 = treeCpu();
    const b = await timedBatch(batch, concurrency, synthetic);
    addCpu(cpuB, c2, treeCpu());
    machineB.push(busyShare(m2, machineCpu()));
    loopB.push(perf.eventLoopUtilization(perf.eventLoopUtilization(), e2));
    const r2 = await reading();
    addRequests(requestsB, r1, r2);
    tally.steps += batch * steps;
    tally.stepTransitions += transitionsIn(r1, r2);
    ceiling.push(asBatch(round, b));
    console.error(
      `round ${round}/${rounds}: ${batch} standard cases ${round1(a.seconds)} s, ` +
        `${batch} synthetic (${steps} steps) ${round1(b.seconds)} s, ratio ${round2(b.seconds / a.seconds)}`,
    );
  }
  worker.shutdown();
  await running;

  const paid = await prisma.payoutLine.count();
  const mean = (k: 'events' | 'workflowTasks' | 'activities') =>
    Math.round(measured.reduce((s, m) => s + m[k], 0) / measured.length);
  const paired = standard.map((a, i) => a.perMinute / ceiling[i]!.perMinute);
  const a = summary(standard);
  const b = summary(ceiling);
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: stack.machine,
        database: stack.database,
        cases: measured.length,
        concurrency,
        rounds,
        batch,
        order: 'one warm-up batch of each kind, then per round: a batch of standard cases, a batch of synthetic',
        perCase: {
          historyEvents: mean('events'),
          workflowTasks: mean('workflowTasks'),
          activities: mean('activities'),
        },
        standardCases: a,
        // Requests the dev server answered per run (not counting task polls; the history reads of `transitions`
        // after each case are counted under A): where the stack's work goes.
        // How busy this process's main thread was (the worker's activities and SDK glue, the client, the driver) and
        // the whole machine's CPU (1 = every core) during the batches, medians: below 1, the batches wait on latency.
        mainThreadBusy: {
          standard: round2(median(loopA.map((u) => u.utilization))),
          synthetic: round2(median(loopB.map((u) => u.utilization))),
        },
        machineBusy: { standard: round2(median(machineA)), synthetic: round2(median(machineB)) },
        // CPU milliseconds per run of this process and of the processes it started (dev server, an embedded
        // PostgreSQL), by command: what each kind costs the box, which no load of other programs moves.
        cpuMsPerRun: {
          standard: perRunCpu(cpuA, measured.length),
          synthetic: perRunCpu(cpuB, measured.length),
        },
        // The workflows' state transitions per run (the server's count, see STATE_TRANSITIONS): B's steps are chosen
        // to make them equal, the definition of the ceiling.
        stateTransitionsPerRun: {
          standard: round1((requestsA[STATE_TRANSITIONS] ?? 0) / measured.length),
          synthetic: round1((requestsB[STATE_TRANSITIONS] ?? 0) / measured.length),
        },
        serverRequestsPerRun: {
          standard: perRun(requestsA, measured.length),
          synthetic: perRun(requestsB, measured.length),
        },
        syntheticCeiling: { steps: stepsPerRound, ...b },
        // Real throughput as a share of the ceiling's (>= 0.8 is good): median over the rounds of each kind.
        ratio: round2(median(standard.map((s) => s.perMinute)) / median(ceiling.map((c) => c.perMinute))),
        pairedRatio: { median: round2(median(paired)), perRound: paired.map(round2) },
        payoutLines: paid,
      },
      null,
      2,
    ),
  );
  await stack.stop();
  if (paid !== warmCases.length + measured.length) {
    console.error('expected exactly one payout line per case');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
