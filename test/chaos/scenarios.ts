/**
 * The failure scenarios of issue 10, shared by the long runs (`npm run chaos:* -- ...`, test/chaos/cli.ts) and the
 * short CI versions (test/chaos/*.test.ts). Each returns its checks (see checks.ts) and figures; a failed check is a
 * lost or duplicated effect.
 */
import { checkInvariants, type Check } from './checks';
import { duplicatesAndDisorder, fuzzEndpoints, VALID_BODIES } from './fuzz';
import {
  CHAOS_ENV,
  chaosTokens,
  newStats,
  registerCalls,
  request,
  runCase,
  seedReferenceData,
  type CaseOutcome,
  type HttpStats,
} from './cases';
import { startChaosStack, type ChaosStack } from './harness';
import { rescueStuckWorkflows, savedHistories, type Rescue } from './operator';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let bundle: string | undefined;
/** Tests pass the bundle their run already built (test/support/global-setup.ts); the CLI builds its own. */
export function useWorkflowBundle(path: string): void {
  bundle = path;
}

const fuzzIntakeBody = () => VALID_BODIES[0];
const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

export interface ScenarioResult {
  scenario: string;
  checks: Check[];
  figures: Record<string, unknown>;
}

interface Running {
  stack: ChaosStack;
  outcomes: Promise<CaseOutcome[]>;
  done: () => number;
  stats: HttpStats;
  tokens: Awaited<ReturnType<typeof chaosTokens>>;
  callIds: string[];
  run: string;
  deadline: number;
}

/** Starts the stack, seeds it, and launches `cases` whole cases at once (each its own sequence of requests). */
async function launch(name: string, cases: number, ownPostgres: boolean, minutes: number): Promise<Running> {
  const stack = await startChaosStack({ name, ownPostgres, env: CHAOS_ENV, workflowBundlePath: bundle });
  await seedReferenceData(stack);
  const tokens = await chaosTokens(stack);
  const stats = newStats();
  const run = `${name}-${Date.now()}`;
  const deadline = Date.now() + minutes * 60_000;
  let finished = 0;
  const outcomes = Promise.all(
    Array.from({ length: cases }, async (_, i) => {
      await sleep(rand(0, Math.min(10_000, cases * 50))); // arrivals spread over the first seconds
      const outcome = await runCase(stack, tokens, stats, run, i, deadline);
      finished++;
      return outcome;
    }),
  );
  return { stack, outcomes, done: () => finished, stats, tokens, callIds: [], run, deadline };
}

/** Waits until every registered call's 1-minute answer deadline has fired (or the run's deadline passes). */
async function awaitCallDeadlines(r: Running): Promise<void> {
  if (!r.callIds.length) return;
  for (;;) {
    const fired = await r.stack.prisma.hotlineCall.count({ where: { breached: true } }).catch(() => 0);
    if (fired >= r.callIds.length || Date.now() > r.deadline) return;
    await sleep(2_000);
  }
}

async function finish(r: Running, scenario: string, startedAt: number, extra: Record<string, unknown>) {
  const outcomes = await r.outcomes;
  await awaitCallDeadlines(r);
  const failed = outcomes.filter((o) => !o.ok);
  const nos = outcomes.flatMap((o) => (o.ok && o.applicationNo ? [o.applicationNo] : []));
  const checks = await checkInvariants(r.stack, { cases: outcomes.length, applicationNos: nos, callIds: r.callIds });
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const figures = {
    date: new Date().toISOString(),
    machine: r.stack.machine,
    database: r.stack.database,
    cases: outcomes.length,
    wallClockSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
    caseSeconds: {
      p50: Math.round(ms[Math.floor(ms.length / 2)]! / 100) / 10,
      max: Math.round(ms.at(-1)! / 100) / 10,
    },
    http: {
      requests: r.stats.requests,
      retries: r.stats.retries,
      resent: r.stats.resent ?? 0,
      byStatus: r.stats.byStatus,
    },
    failedCases: failed.slice(0, 5).map((f) => ({ index: f.index, error: f.error })),
    // Answers that were neither a success, a 4xx nor a clean 503 (a 500, a stack trace); 0 = "network" failures only.
    badAnswers: { count: r.stats.bad.length, sample: r.stats.bad.slice(0, 3), behind: r.stack.apiErrorKinds() },
    childrenExitedOnTheirOwn: r.stack.unexpectedExits(),
    ...extra,
  };
  return { scenario, checks, figures };
}

/** No answer of the whole run was a 500 or showed a stack trace (a clean 503 is fine: the caller retries). */
function noBadAnswers(r: Running, during: string): Check {
  return {
    name: `API never answered 500 or with a stack trace while ${during}`,
    ok: r.stats.bad.length === 0,
    detail: `${r.stats.bad.length} bad answers of ${r.stats.requests}; 503: ${r.stats.byStatus['503'] ?? 0}`,
  };
}

/** 1. Worker crashes: `kill -9` the worker's process group at `kills` random moments and start it again. */
export async function workerCrashes(cases: number, kills: number, minutes = 30): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const r = await launch('workers', cases, false, minutes);
  // The operator's runbook for the known SDK replay error (operator.ts), every few seconds until the cases are done.
  const resets: Rescue[] = [];
  let operating = true;
  void r.outcomes.finally(() => (operating = false));
  // Each reset's diagnosed history is saved beside the run's logs (worker.log, api.log, temporal.log).
  const evidence = { evidenceDir: r.stack.scratch, replay: r.stack.replaySetup, reported: r.stats.stalled };
  const operator = (async () => {
    while (operating) {
      resets.push(...(await rescueStuckWorkflows(r.stack.client, evidence).catch(() => [])));
      await sleep(5_000);
    }
  })();
  try {
    r.callIds.push(...(await registerCalls(r.stack, r.tokens, r.stats, r.run, 0, 10, r.deadline)));
    const downtimes: number[] = [];
    // The gap between kills scales with the load: about what the cases need to finish, spread over `kills`.
    const gap = Math.max(2_000, (cases * 600) / kills);
    for (let k = 0; k < kills; k++) {
      await sleep(rand(0.3, 1.7) * gap);
      if (k === Math.floor(kills / 2)) {
        r.callIds.push(...(await registerCalls(r.stack, r.tokens, r.stats, r.run, 10, 10, r.deadline)));
      }
      const down = Date.now();
      await r.stack.killWorker();
      await sleep(rand(0, 1_000));
      await r.stack.startWorker();
      downtimes.push(Date.now() - down);
    }
    downtimes.sort((a, b) => a - b);
    // The operator runs until the cases are done; its last pass is over before the figures list its resets.
    await r.outcomes;
    operating = false;
    await operator;
    const result = await finish(r, 'worker crashes', startedAt, {
      // Cases reset by the operator's runbook (operator.ts): their effects are still under every check.
      operatorResets: resets,
      // The history each reset replaced, as diagnosed (every file saved, also by a pass that failed later on); the
      // run's directory is kept when there is one (test/chaos/README.md).
      operatorResetHistories: savedHistories(r.stack.scratch),
      kills,
      casesFinishedBeforeLastKill: r.done(),
      workerDownSeconds: { p50: downtimes[Math.floor(downtimes.length / 2)]! / 1000, max: downtimes.at(-1)! / 1000 },
    });
    result.checks.push(noBadAnswers(r, 'workers died'));
    return result;
  } finally {
    operating = false;
    await operator;
    // Saved histories are evidence: their run directory (with the logs) outlives the run.
    await r.stack.stop(process.env.CHAOS_KEEP === '1' || savedHistories(r.stack.scratch).length > 0);
  }
}

/** 2. The Temporal dev server restarted `restarts` times mid-run (the first a crash, SIGKILL; then SIGTERM). */
export async function temporalRestarts(cases: number, restarts: number, minutes = 30): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const r = await launch('temporal', cases, false, minutes);
  try {
    const down: number[] = [];
    for (let k = 0; k < restarts; k++) {
      // Wait for a share of the cases to finish, then leave fresh deadline timers pending across the restart.
      const target = Math.floor((cases * (k + 1)) / (restarts + 2));
      while (r.done() < target && Date.now() < r.deadline) await sleep(500);
      r.callIds.push(...(await registerCalls(r.stack, r.tokens, r.stats, r.run, k * 10, 10, r.deadline)));
      const t = Date.now();
      await r.stack.restartTemporal(k === 0 ? 'SIGKILL' : 'SIGTERM', 5_000);
      down.push((Date.now() - t) / 1000);
    }
    const result = await finish(r, 'Temporal server restarts', startedAt, {
      restarts,
      signals: Array.from({ length: restarts }, (_, k) => (k === 0 ? 'SIGKILL' : 'SIGTERM')),
      temporalDownSeconds: down,
    });
    result.checks.push(noBadAnswers(r, 'the Temporal server restarted'));
    return result;
  } finally {
    await r.stack.stop(process.env.CHAOS_KEEP === '1');
  }
}

/**
 * 3. Database outage: our own PostgreSQL stopped for `outageSeconds` mid-run while probes hit the API; every answer
 * must be a clean 503 (or a success from what needs no database), never a 500 or a stack trace; the API and worker
 * processes must survive; afterwards every case completes and every write is there.
 */
export async function databaseOutage(cases: number, outageSeconds: number, minutes = 30): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const r = await launch('database', cases, true, minutes);
  try {
    r.callIds.push(...(await registerCalls(r.stack, r.tokens, r.stats, r.run, 0, 5, r.deadline)));
    while (r.done() < Math.floor(cases / 4) && Date.now() < r.deadline) await sleep(300);
    const someNo = (await r.stack.prisma.application.findFirst({ select: { applicationNo: true } }))?.applicationNo;
    const apiPidBefore = r.stack.apiPid();
    const workerPidBefore = r.stack.workerPid();
    await r.stack.stopPostgres();
    const outage = newStats();
    const stopAt = Date.now() + outageSeconds * 1000;
    let probes = 0;
    while (Date.now() < stopAt) {
      probes++;
      await Promise.all([
        request(outage, r.stack.base, 'GET', '/health', undefined),
        request(outage, r.stack.base, 'GET', `/applications/${someNo}`, r.tokens.staff),
        request(outage, r.stack.base, 'GET', `/applications?limit=5`, r.tokens.staff),
        request(
          outage,
          r.stack.base,
          'POST',
          '/applications',
          r.tokens.staff,
          { agencyCode: 'KQ' },
          {
            'Idempotency-Key': `outage-invalid-${probes}`,
          },
        ),
        request(outage, r.stack.base, 'POST', `/applications/${someNo}/materials`, r.tokens.staff, {
          items: ['other'],
        }),
      ]);
      await sleep(500);
    }
    await r.stack.startPostgres();
    const apiSurvived = r.stack.apiPid() === apiPidBefore && r.stack.apiAlive();
    const workerSurvived = r.stack.workerPid() === workerPidBefore && r.stack.workerAlive();
    const result = await finish(r, 'database outage', startedAt, {
      outageSeconds,
      probesDuringOutage: outage.requests,
      probeStatuses: outage.byStatus,
      probeBadAnswers: outage.bad.slice(0, 5),
    });
    const bad = [...outage.bad, ...r.stats.bad];
    result.checks.push({
      name: 'API answers 503 with a clear error while the database is down, never a 500 or a stack trace',
      ok: bad.length === 0 && (outage.byStatus['503'] ?? 0) > 0,
      detail: `${outage.requests} probes during the outage: ${JSON.stringify(outage.byStatus)}; ${bad.length} bad answers in the whole run`,
    });
    result.checks.push({
      name: 'API and worker processes survived the outage (no crash, no restart)',
      ok: apiSurvived && workerSurvived,
      detail: `api ${apiSurvived ? 'same process' : 'DIED'}, worker ${workerSurvived ? 'same process' : 'DIED'}`,
    });
    return result;
  } finally {
    await r.stack.stop(process.env.CHAOS_KEEP === '1');
  }
}

export function report(result: ScenarioResult): boolean {
  console.log(`== ${result.scenario}`);
  console.log(JSON.stringify(result.figures, null, 2));
  let ok = true;
  for (const c of result.checks) {
    console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    ok &&= c.ok;
  }
  return ok;
}

/**
 * 4. Bad input at scale: seeded cases (closed ones, and ones waiting for materials), then `requests` fuzzed requests
 * (fuzz.ts), then duplicate and out-of-order updates on a case of its own.
 */
export async function badInput(requests: number): Promise<ScenarioResult> {
  const startedAt = Date.now();
  // No short hotline deadlines here: a timer firing mid-fuzz would change row counts on its own.
  const stack = await startChaosStack({
    name: 'fuzz',
    env: { ...CHAOS_ENV, HOTLINE_DAY_ANSWER_MINUTES: '600' },
    workflowBundlePath: bundle,
  });
  try {
    await seedReferenceData(stack);
    const tokens = await chaosTokens(stack);
    const stats = newStats();
    const deadline = Date.now() + 10 * 60_000;
    const closed = await Promise.all([0, 1].map((i) => runCase(stack, tokens, stats, 'fuzz-seed', i, deadline)));
    const waiting: string[] = [];
    for (const i of [2, 3]) {
      const res = await request(stats, stack.base, 'POST', '/applications', tokens.staff, fuzzIntakeBody(), {
        'Idempotency-Key': `fuzz-seed-${i}`,
      });
      waiting.push((res.json as { applicationNo: string }).applicationNo);
    }
    const callIds = await registerCalls(stack, tokens, stats, 'fuzz-seed', 0, 2, deadline);
    await sleep(3_000); // the seeded cases' first steps (record, correction notice) have landed
    const applicationNos = [...closed.flatMap((c) => (c.applicationNo ? [c.applicationNo] : [])), ...waiting];
    const fuzz = await fuzzEndpoints(stack, tokens, requests, { applicationNos, callIds });
    const order = await duplicatesAndDisorder(stack, tokens);
    return {
      scenario: 'bad input at scale',
      checks: [...fuzz.checks, ...order],
      figures: {
        date: new Date().toISOString(),
        machine: stack.machine,
        ...fuzz.figures,
        wallClockSeconds: Math.round((Date.now() - startedAt) / 1000),
      },
    };
  } finally {
    await stack.stop(process.env.CHAOS_KEEP === '1');
  }
}
