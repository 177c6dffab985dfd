/**
 * Driver of the update-ordering reproduction (see README.md). Uses none of the project's code.
 *
 *   npx tsx test/chaos/update-ordering/drive.ts --variant update|signal --workflows 80 --minutes 5
 *
 * 1. starts `temporal server start-dev` (in-memory, headless, own ports) in its own process group;
 * 2. bundles workflows.ts once, so a worker restart only loads the bundle;
 * 3. runs worker.ts in its own process group and `kill -9`s the group 1–4 s after each start (then restarts it);
 * 4. starts N workflows and, per workflow, sends staff steps one after another (Update, or Signal + Query polling);
 * 5. after the chaos phase: one stable worker, a settle period, `finish` to every workflow, then detection:
 *    describe (pending workflow task attempt >= 2), history (WorkflowTaskFailed with a non-determinism cause),
 *    and `Worker.runReplayHistory` of every history against the same bundle.
 *
 * Prints a JSON summary and writes it, with the server/worker logs and the histories, to a scratch directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import {
  finishSignal,
  orderingWorkflow,
  stepResultQuery,
  stepSignal,
  stepUpdate,
  type StepInput,
  type StepResult,
  type Variant,
} from './workflows';

type History = temporal.api.history.v1.IHistory;
type Event = temporal.api.history.v1.IHistoryEvent;

const ROOT = resolve(__dirname, '..', '..', '..');
const TEMPORAL = join(ROOT, '.venv', 'bin', 'temporal');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const NDE_CAUSE = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;

const { values: opts } = parseArgs({
  options: {
    variant: { type: 'string', default: 'update' },
    workflows: { type: 'string', default: '80' },
    minutes: { type: 'string', default: '5' },
    port: { type: 'string', default: '17233' },
    'kill-min-ms': { type: 'string', default: '1000' },
    'kill-max-ms': { type: 'string', default: '4000' },
    'settle-seconds': { type: 'string', default: '60' },
    'step-timeout-seconds': { type: 'string', default: '120' },
  },
});
const variant = opts.variant as Variant;
if (variant !== 'update' && variant !== 'signal') throw new Error('--variant must be update or signal');
const N = Number(opts.workflows);
const chaosMs = Number(opts.minutes) * 60_000;
const port = Number(opts.port);
const killMinMs = Number(opts['kill-min-ms']);
const killMaxMs = Number(opts['kill-max-ms']);
const settleMs = Number(opts['settle-seconds']) * 1000;
const stepTimeoutMs = Number(opts['step-timeout-seconds']) * 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const scratch = mkdtempSync(join(tmpdir(), `update-ordering-${variant}-`));
const say = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------------------------
// Process groups
// ---------------------------------------------------------------------------------------------------------------

const groups = new Set<number>();

/** A child in its own process group; stdout/stderr appended to a log file, stdout lines passed to onLine. */
function spawnGroup(cmd: string, args: string[], log: string, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const logPath = join(scratch, log);
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    appendFileSync(logPath, chunk);
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) onLine?.(line);
  });
  child.stderr.on('data', (chunk: Buffer) => appendFileSync(logPath, chunk));
  const pid = child.pid!;
  groups.add(pid);
  child.once('exit', () => groups.delete(pid));
  return child;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function killAllGroups(): void {
  for (const pid of groups) killGroup(pid);
}
process.on('exit', killAllGroups);
process.on('SIGINT', () => {
  killAllGroups();
  process.exit(130);
});

// ---------------------------------------------------------------------------------------------------------------
// Worker supervisor: start, let it work 1–4 s, kill -9 the whole group, restart
// ---------------------------------------------------------------------------------------------------------------

const taskQueue = `update-ordering-${variant}`;
const bundlePath = join(scratch, 'workflow-bundle.js');
let incarnations = 0;
let kills = 0;
let worker: ChildProcess | undefined;

function startWorker(): Promise<ChildProcess> {
  incarnations++;
  appendFileSync(join(scratch, 'worker.log'), `\n===== incarnation ${incarnations} ${new Date().toISOString()}\n`);
  return new Promise((ok, fail) => {
    const child = spawnGroup(
      TSX,
      [
        join(__dirname, 'worker.ts'),
        '--address',
        `127.0.0.1:${port}`,
        '--task-queue',
        taskQueue,
        '--bundle',
        bundlePath,
      ],
      'worker.log',
      (line) => {
        if (line.trim() === 'READY') ok(child);
      },
    );
    child.once('exit', (code, signal) => fail(new Error(`worker exited before READY (${code ?? signal})`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child.pid!);
  await exited;
}

async function superviseWorkers(until: number): Promise<void> {
  while (Date.now() < until) {
    try {
      worker = await startWorker();
    } catch (err) {
      say(String(err));
      await sleep(500);
      continue;
    }
    await sleep(rand(killMinMs, killMaxMs));
    if (Date.now() >= until) break;
    await stopWorker(worker);
    kills++;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------------------------

type Outcome = 'ok' | 'rejected' | 'failed' | 'timeout';
const stats = { stepsSent: 0, validStepsSent: 0, ok: 0, rejected: 0, failed: 0, timeout: 0, rpcRetries: 0, queries: 0 };
/** Transient client errors (retried), by message. */
const rpcErrors = new Map<string, number>();
function transient(err: unknown): void {
  stats.rpcRetries++;
  const e = err as Error;
  const key = `${e.name}: ${(e.cause as Error | undefined)?.message ?? e.message}`.slice(0, 120);
  rpcErrors.set(key, (rpcErrors.get(key) ?? 0) + 1);
}

async function stepByUpdate(client: Client, h: WorkflowHandle, id: string, input: StepInput): Promise<Outcome> {
  const deadline = Date.now() + stepTimeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    try {
      const value = await client.withAbortSignal(AbortSignal.timeout(Math.min(left, 30_000)), () =>
        h.executeUpdate(stepUpdate, { args: [input], updateId: id }),
      );
      return value === input.n * 2 ? 'ok' : 'failed';
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause as { type?: string } | undefined;
        return cause?.type === 'InvalidStep' ? 'rejected' : 'failed';
      }
      transient(err); // no worker, aborted long poll, ...: the same update id again
      await sleep(500);
    }
  }
}

async function stepBySignal(client: Client, h: WorkflowHandle, id: string, input: StepInput): Promise<Outcome> {
  const deadline = Date.now() + stepTimeoutMs;
  for (;;) {
    try {
      await h.signal(stepSignal, { id, input });
      break;
    } catch (err) {
      transient(err);
      if (Date.now() > deadline) return 'timeout';
      await sleep(200);
    }
  }
  let backoff = 10;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    let result: StepResult | null = null;
    try {
      stats.queries++;
      result = await client.withAbortSignal(AbortSignal.timeout(Math.min(left, 5_000)), () =>
        h.query(stepResultQuery, id),
      );
    } catch (err) {
      transient(err); // no worker right now: poll again
    }
    if (result) {
      if (result.ok) return result.value === input.n * 2 ? 'ok' : 'failed';
      return result.type === 'InvalidStep' ? 'rejected' : 'failed';
    }
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 200);
  }
}

/** One workflow's staff: steps one after another until the chaos phase ends; remembers whether one timed out. */
async function staff(client: Client, h: WorkflowHandle, until: number): Promise<{ stalled: boolean }> {
  let stalled = false;
  for (let k = 1; Date.now() < until; k++) {
    const input: StepInput = { n: Math.random() < 0.1 ? -1 : k }; // ~10% rejected by validation
    const id = `${h.workflowId}-step-${k}`;
    stats.stepsSent++;
    if (input.n >= 0) stats.validStepsSent++;
    const outcome = await (variant === 'update' ? stepByUpdate : stepBySignal)(client, h, id, input);
    stats[outcome]++;
    if (outcome === 'timeout') stalled = true;
    await sleep(rand(0, 500));
  }
  return { stalled };
}

// ---------------------------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------------------------

/**
 * Workflow task completions whose command batch has an ActivityTaskScheduled before its first UpdateAccepted: the
 * order of the reported bad history. When an update and an activity resolution reach the workflow in the same
 * activation, the update is applied first, so its acceptance comes first; this order means they did not.
 */
function scheduledBeforeAccepted(events: Event[]): number {
  let count = 0;
  for (let i = 0; i < events.length; i++) {
    if (!events[i]!.workflowTaskCompletedEventAttributes) continue;
    let sawScheduled = false;
    for (let j = i + 1; j < events.length; j++) {
      const e = events[j]!;
      if (e.activityTaskScheduledEventAttributes) sawScheduled = true;
      else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        if (sawScheduled) count++;
        break;
      } else if (!e.workflowExecutionUpdateCompletedEventAttributes) break;
    }
  }
  return count;
}

/** Workflow tasks that completed without any command (the next event is not one a command produces). */
function emptyWorkflowTasks(events: Event[]): number {
  let count = 0;
  for (let i = 0; i + 1 < events.length; i++) {
    if (!events[i]!.workflowTaskCompletedEventAttributes) continue;
    const next = events[i + 1]!;
    const isCommandEvent =
      next.activityTaskScheduledEventAttributes ||
      next.workflowExecutionUpdateAcceptedEventAttributes ||
      next.workflowExecutionUpdateCompletedEventAttributes ||
      next.workflowExecutionUpdateRejectedEventAttributes ||
      next.workflowExecutionCompletedEventAttributes;
    if (!isCommandEvent) count++;
  }
  return count;
}

function ndeFailures(events: Event[]): number {
  return events.filter((e) => {
    const a = e.workflowTaskFailedEventAttributes;
    return a && (a.cause === NDE_CAUSE || /TMPRL1100|[Nn]ondeterminism/.test(a.failure?.message ?? ''));
  }).length;
}

interface Finding {
  workflowId: string;
  status: string;
  pendingWftAttempt: number;
  events: number;
  wftTimedOut: number;
  ndeFailedEvents: number;
  scheduledBeforeAccepted: number;
  emptyWorkflowTasks: number;
  /** 'ok', or the replay error's name and message. */
  replay: string;
  stalledStep: boolean;
}

async function detect(handles: WorkflowHandle[], stalled: boolean[]): Promise<Finding[]> {
  mkdirSync(join(scratch, 'histories'));
  const findings: Finding[] = [];
  for (const [i, h] of handles.entries()) {
    const d = await h.describe();
    const history: History = await h.fetchHistory();
    const events = history.events ?? [];
    writeFileSync(join(scratch, 'histories', `${h.workflowId}.json`), historyToJSON(history));
    let replay = 'ok';
    try {
      await Worker.runReplayHistory({ workflowBundle: { codePath: bundlePath }, replayName: h.workflowId }, history);
    } catch (err) {
      replay = `${(err as Error).name}: ${(err as Error).message.slice(0, 200)}`;
    }
    findings.push({
      workflowId: h.workflowId,
      status: d.status.name,
      pendingWftAttempt: d.raw.pendingWorkflowTask?.attempt ?? 0,
      events: events.length,
      wftTimedOut: events.filter((e) => e.workflowTaskTimedOutEventAttributes).length,
      ndeFailedEvents: ndeFailures(events),
      scheduledBeforeAccepted: scheduledBeforeAccepted(events),
      emptyWorkflowTasks: emptyWorkflowTasks(events),
      replay,
      stalledStep: stalled[i]!,
    });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  say(`variant=${variant} workflows=${N} chaos=${chaosMs / 60_000} min; scratch ${scratch}`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });

  spawnGroup(
    TEMPORAL,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)].concat([
      '--ui-port',
      String(port + 1000),
      '--log-level',
      'error',
    ]),
    'server.log',
  );
  let connection: Connection | undefined;
  for (let tries = 0; !connection; tries++) {
    try {
      const c = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      connection = c;
    } catch (err) {
      if (tries > 60) throw err;
      await sleep(500);
    }
  }
  const client = new Client({ connection });

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  writeFileSync(bundlePath, code);
  say('server up, bundle built');

  const runTag = Date.now().toString(36);
  const handles: WorkflowHandle[] = [];
  for (let i = 0; i < N; i++) {
    handles.push(
      await client.workflow.start(orderingWorkflow, {
        taskQueue,
        workflowId: `ord-${variant}-${runTag}-${i}`,
        args: [variant],
      }),
    );
  }
  const chaosUntil = Date.now() + chaosMs;
  const supervisor = superviseWorkers(chaosUntil);
  const progress = setInterval(() => say(`kills=${kills} ${JSON.stringify(stats)}`), 30_000);
  const stalled = handles.map(() => true); // until the workflow's staff loop ends without a timed-out step
  const staffRuns = Promise.all(
    handles.map((h, i) => staff(client, h, chaosUntil).then((r) => (stalled[i] = r.stalled))),
  );
  await supervisor;
  say(`chaos over: ${kills} kills; settling with one stable worker`);
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) worker = await startWorker();

  // Settle: steps still in flight finish (or time out on their own step deadline).
  await Promise.race([staffRuns, sleep(settleMs + stepTimeoutMs)]);
  clearInterval(progress);
  for (const h of handles) await h.signal(finishSignal).catch(() => undefined);
  const settleUntil = Date.now() + settleMs;
  // Steps the workflows report as processed (a step whose client gave up may still have been processed later).
  let stepsProcessed = 0;
  await Promise.all(
    handles.map((h) =>
      client
        .withAbortSignal(AbortSignal.timeout(Math.max(1000, settleUntil - Date.now())), () => h.result())
        .then((r: { steps: number }) => (stepsProcessed += r.steps))
        .catch(() => undefined),
    ),
  );
  say('detecting (describe, history, replay)');
  const findings = await detect(handles, stalled);
  await stopWorker(worker);

  const bad = findings.filter(
    (f) => f.pendingWftAttempt >= 2 || f.ndeFailedEvents > 0 || f.replay !== 'ok' || f.status !== 'COMPLETED',
  );
  const summary = {
    date: startedAt.toISOString(),
    variant,
    workflows: N,
    chaosMinutes: chaosMs / 60_000,
    wallSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    kills,
    workerStarts: incarnations,
    steps: stats,
    stepsProcessedByWorkflows: stepsProcessed,
    rpcErrors: Object.fromEntries(rpcErrors),
    completed: findings.filter((f) => f.status === 'COMPLETED').length,
    stalledSteps: findings.filter((f) => f.stalledStep).length,
    pendingWftAttemptGte2: findings.filter((f) => f.pendingWftAttempt >= 2).length,
    withNdeFailedEvent: findings.filter((f) => f.ndeFailedEvents > 0).length,
    replayFailures: findings.filter((f) => f.replay !== 'ok').length,
    replayNdeFailures: findings.filter((f) => /[Dd]eterminism|TMPRL1100/.test(f.replay)).length,
    // Core logs every workflow task it fails with a non-determinism error (all worker incarnations, live).
    workerLogNdeLines: (readFileSync(join(scratch, 'worker.log'), 'utf8').match(/TMPRL1100/g) ?? []).length,
    historiesWithScheduledBeforeAccepted: findings.filter((f) => f.scheduledBeforeAccepted > 0).length,
    historiesWithWftTimeout: findings.filter((f) => f.wftTimedOut > 0).length,
    emptyWorkflowTasks: findings.reduce((s, f) => s + f.emptyWorkflowTasks, 0),
    totalEvents: findings.reduce((s, f) => s + f.events, 0),
    bad,
    scratch,
  };
  writeFileSync(join(scratch, 'findings.json'), JSON.stringify(findings, null, 2));
  writeFileSync(join(scratch, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

main()
  .then(() => {
    killAllGroups();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    killAllGroups();
    process.exit(1);
  });
