/**
 * The operator's runbook for the one failure the worker-crash runs found that is not ours (README, "Known problem
 * found by item 1"): after worker kills, a workflow task that carried both an activity's completion and an inbound
 * update can be recorded with the activity's command before the update's acceptance, and a later replay of that
 * history fails with `[TMPRL1100] ... Update machine does not handle this event` (temporalio/sdk-rust#943, #1146).
 * Such a case stops (and cannot be queried) until someone resets it. This does what the README tells an operator to
 * do, and nothing else: it finds running workflows failing with that non-determinism signature and resets each to
 * the workflow task completed just before the event the replay choked on. The server reapplies the signals received
 * after that point, not the updates: a reapplied update meets a run that is replaying its way back and may refuse
 * it, and then it is lost without a trace. Staff see the case back at the earlier step and do it again (the chaos
 * driver does what the case shows: cases.ts); the activities after the point run again (every one is idempotent).
 * Healthy workflows are never touched, and every reset is counted in the run's figures, so the invariant checks
 * still see every effect of the reset cases. Before each reset the history it diagnosed is saved beside the run's
 * logs (saveHistory), because the reset run replaces it as the case's current run: the evidence of what failed.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import Long from 'long';

const EventType = temporal.api.enums.v1.EventType;
const EXCLUDE_UPDATES = temporal.api.enums.v1.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE;
const NON_DETERMINISTIC =
  temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;

export interface Rescue {
  workflowId: string;
  resetTo: number;
  message: string;
  /** The history diagnosed, saved before the reset (saveHistory). */
  historyFile: string;
}

/**
 * The reset point for a history stuck on the SDK's update-ordering replay error, or undefined when it is not. The
 * error is read from the history's last failed workflow task, or given as `replayError` (see replayError): a task
 * that fails again after a timeout is retried without a new event, so the history then ends in the timeout.
 */
export function resetPointFor(
  events: temporal.api.history.v1.IHistoryEvent[],
  replayError?: string,
): { resetTo: number; message: string } | undefined {
  const failed = [...events].reverse().find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  const attrs = failed?.workflowTaskFailedEventAttributes;
  const recorded = attrs?.cause === NON_DETERMINISTIC ? (attrs.failure?.message ?? '') : '';
  const message = replayError ?? recorded;
  if (!/TMPRL1100.*Update machine/.test(message)) return undefined;
  const choked = Number(/HistoryEvent\(id: (\d+)/.exec(message)?.[1] ?? NaN);
  if (Number.isNaN(choked)) return undefined;
  // The workflow task whose commands the replay could not reproduce is the one completed just before the event it
  // choked on: reset to it. Everything before it replayed cleanly; the new run does that task again, live, without
  // the update that came in with it.
  const completed = events.filter(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && Number(e.eventId) < choked,
  );
  if (!completed.length) return undefined;
  return { resetTo: Number(completed[completed.length - 1]!.eventId), message };
}

/** What the operator replays with: the deployed workflow code and the payload codec (the worker's own). */
export interface ReplaySetup {
  workflowBundlePath: string;
  dataConverter: DataConverter;
}

/**
 * A running workflow's history up to its last completed workflow task (and the events of that task's commands): what
 * a replay can check. Past it, the replayer would run the pending task live, and a replay worker has no activities
 * to run the local activities (the record writes) that task schedules. Undefined when no task has completed yet
 * (a workflow whose first task keeps failing): nothing recorded to check.
 */
export function completedPart(history: temporal.api.history.v1.IHistory): temporal.api.history.v1.IHistory | undefined {
  const T = temporal.api.enums.v1.EventType;
  const events = history.events ?? [];
  let last = -1;
  events.forEach((e, i) => {
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) last = i;
  });
  if (last < 0) return undefined;
  const next = events.findIndex((e, i) => i > last && e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  return { ...history, events: next < 0 ? events : events.slice(0, next) };
}

/**
 * The history up to the last completed task whose commands recorded no local activity: replaying past a local
 * activity's marker, the code goes on and may schedule the next one, which a replay worker cannot run (it throws out
 * of the worker, not into this call).
 */
function withoutTrailingLocalActivity(
  history: temporal.api.history.v1.IHistory | undefined,
): temporal.api.history.v1.IHistory | undefined {
  const T = temporal.api.enums.v1.EventType;
  let events = history?.events ?? [];
  for (;;) {
    const last = events.map((e) => e.eventType).lastIndexOf(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (last < 0) return undefined;
    if (!events.slice(last).some((e) => e.eventType === T.EVENT_TYPE_MARKER_RECORDED)) return { ...history, events };
    const scheduled = events.map((e) => e.eventType).lastIndexOf(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, last);
    if (scheduled < 0) return undefined;
    events = events.slice(0, scheduled);
  }
}

/**
 * Replays a history with the deployed workflow code, as an operator diagnosing a stuck case does (`temporal workflow
 * show -o json` + the replayer), up to its last completed workflow task: the replay error's message, or undefined
 * when it replays cleanly.
 */
export async function replayError(
  history: temporal.api.history.v1.IHistory,
  workflowId: string,
  setup: ReplaySetup,
): Promise<string | undefined> {
  const recorded = withoutTrailingLocalActivity(completedPart(history));
  if (!recorded) return undefined;
  try {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: setup.workflowBundlePath }, dataConverter: setup.dataConverter },
      recorded,
      workflowId,
    );
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** A Payload message: a `metadata` map of bytes naming its `encoding` (and `data`, bytes). */
function isPayload(node: Record<string, unknown>): node is Payload & Record<string, unknown> {
  const metadata = node.metadata as Record<string, unknown> | null | undefined;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    isBytes(metadata.encoding) &&
    Object.values(metadata).every(isBytes) &&
    (node.data === undefined || node.data === null || isBytes(node.data))
  );
}

/**
 * A copy of the history with every payload in it (inputs, results, updates, headers, memos, encoded failures)
 * opened with the codecs (the run's payload key dies with the run), so that it replays with the default data
 * converter, as the recorded histories of test/replay/ do. Everything else is kept as fetched.
 */
export async function openPayloads(
  history: temporal.api.history.v1.IHistory,
  codecs: readonly PayloadCodec[],
): Promise<temporal.api.history.v1.IHistory> {
  const open = async (node: unknown): Promise<unknown> => {
    if (node === null || typeof node !== 'object' || isBytes(node) || Long.isLong(node)) return node;
    if (Array.isArray(node)) return Promise.all(node.map(open));
    const obj = node as Record<string, unknown>;
    if (isPayload(obj)) {
      let payloads: Payload[] = [obj];
      for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      return payloads[0];
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) out[key] = await open(value);
    return out;
  };
  return (await open(history)) as temporal.api.history.v1.IHistory;
}

const SAVED = /-reset-(\d+)\.json$/;

/**
 * Saves `history` as `<dir>/<workflowId>-reset-<n>.json` (the JSON of historyToJSON, as `temporal workflow show -o
 * json` writes it and test/replay/*.json are), n = 1 for the workflow's first reset in this run, 2 for its next, ...;
 * never overwrites a file. Returns the file's path.
 */
export function saveHistory(dir: string, workflowId: string, history: temporal.api.history.v1.IHistory): string {
  const json = historyToJSON(history);
  const base = workflowId.replace(/[^A-Za-z0-9._-]/g, '_');
  for (let n = 1; ; n++) {
    const file = join(dir, `${base}-reset-${n}.json`);
    try {
      writeFileSync(file, `${json}\n`, { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The histories saved before resets in `dir` (saveHistory), full paths, sorted. */
export function savedHistories(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => SAVED.test(f))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export interface RescueOptions {
  /** Where the diagnosed histories are saved before each reset: the run's log directory. */
  evidenceDir: string;
  /** The deployed workflow code and payload codec, to diagnose by replay and to open the saved histories' payloads. */
  replay?: ReplaySetup;
  /** Ids of cases staff say are stuck. */
  reported?: ReadonlySet<string>;
  namespace?: string;
}

/**
 * One pass over the running workflows: resets those stuck on the known SDK replay error. Looked at: a workflow whose
 * task keeps failing or timing out (second or later attempt), and the workflows in `reported` (ids of cases staff
 * say are stuck: a bad history fails only when a worker without the case in its cache replays it, which a query
 * does too, so a case can be unreadable while no task is pending). Each is diagnosed from its history's failed task,
 * or else by replaying its history (`replay`). The history diagnosed is saved in `evidenceDir` first (a failure to
 * write it throws before the reset: no file, no reset).
 */
export async function rescueStuckWorkflows(client: Client, options: RescueOptions): Promise<Rescue[]> {
  const { evidenceDir, replay, reported = new Set<string>(), namespace = 'default' } = options;
  const rescued: Rescue[] = [];
  for await (const wf of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) {
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    const description = await handle.describe().catch(() => undefined);
    const failing = (description?.raw.pendingWorkflowTask?.attempt ?? 0) >= 2;
    if (!failing && !reported.has(wf.workflowId)) continue;
    const history = await handle.fetchHistory();
    let point = resetPointFor(history.events ?? []);
    if (!point && replay)
      point = resetPointFor(history.events ?? [], await replayError(history, wf.workflowId, replay));
    if (!point) continue;
    // Payloads the run's codec cannot open (none expected) are saved as fetched: the evidence is never skipped.
    const opened = await openPayloads(history, replay?.dataConverter.payloadCodecs ?? []).catch(() => history);
    const historyFile = saveHistory(evidenceDir, wf.workflowId, opened);
    await client.workflowService.resetWorkflowExecution({
      namespace,
      workflowExecution: { workflowId: wf.workflowId, runId: wf.runId },
      workflowTaskFinishEventId: Long.fromNumber(point.resetTo),
      reason: 'operator runbook: SDK update-ordering replay error after a worker kill (sdk-rust#1146)',
      requestId: randomUUID(),
      resetReapplyExcludeTypes: [EXCLUDE_UPDATES],
    });
    rescued.push({ workflowId: wf.workflowId, ...point, historyFile });
  }
  return rescued;
}
