/**
 * Issue 10: the operator's runbook acts only on the known SDK replay error, resets to before the collapse, and saves
 * the history it diagnosed before each reset.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { AesGcmCodec } from '../../platform/codec';
import { completedPart, rescueStuckWorkflows, resetPointFor, savedHistories } from '../chaos/operator';

const T = temporal.api.enums.v1.EventType;
const NDE = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;
const ev = (id: number, eventType: temporal.api.enums.v1.EventType, extra: object = {}) => ({
  eventId: Long.fromNumber(id),
  eventType,
  ...extra,
});
const history = (cause: number, message: string) => [
  ev(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
  ev(2, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  ev(3, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ev(4, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  ev(5, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
  ev(6, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  ev(7, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ev(8, T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
  ev(9, T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
  ev(10, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  ev(11, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ev(12, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  ev(13, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
  ev(14, T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
  ev(15, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  ev(16, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ev(17, T.EVENT_TYPE_WORKFLOW_TASK_FAILED, { workflowTaskFailedEventAttributes: { cause, failure: { message } } }),
];
const SIGNATURE =
  '[TMPRL1100] Nondeterminism error: Update machine does not handle this event: HistoryEvent(id: 13, ActivityTaskScheduled)';

test('the SDK update-ordering replay error: reset to the task completed just before the event the replay choked on', () => {
  expect(resetPointFor(history(NDE, SIGNATURE))).toEqual({ resetTo: 12, message: SIGNATURE });
});

test('any other failure is left alone: an ordinary task failure, or another non-determinism (a bad deploy)', () => {
  expect(resetPointFor(history(1, SIGNATURE))).toBeUndefined();
  expect(
    resetPointFor(history(NDE, '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event')),
  ).toBeUndefined();
  expect(resetPointFor(history(NDE, SIGNATURE).slice(0, 16))).toBeUndefined();
});

test('a task failing again after a timeout leaves no failed event: the replay error found by replaying the history decides', () => {
  const endsInTimeout = [
    ...history(NDE, SIGNATURE).slice(0, 15),
    ev(16, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    ev(17, T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
  ];
  expect(resetPointFor(endsInTimeout)).toBeUndefined();
  expect(resetPointFor(endsInTimeout, `Replay failed with a nondeterminism error. Details: ${SIGNATURE}`)).toEqual({
    resetTo: 12,
    message: `Replay failed with a nondeterminism error. Details: ${SIGNATURE}`,
  });
  expect(resetPointFor(endsInTimeout, 'Replay failed: Timer machine does not handle this event')).toBeUndefined();
});

describe('every reset first saves the history it diagnosed beside the run logs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chaos-operator-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** As the server sends them: every event carries its attributes (historyFromJSON insists on them). */
  const fetched = (cause: number, message: string) =>
    history(cause, message).map((e) => {
      if (Object.keys(e).some((k) => k.endsWith('EventAttributes'))) return e;
      const name = (T as unknown as Record<number, string>)[e.eventType]!.replace(/^EVENT_TYPE_/, '').toLowerCase();
      return { ...e, [`${name.replace(/_(.)/g, (_, c: string) => c.toUpperCase())}EventAttributes`]: {} };
    });

  /** A client over fixed workflows: `stuck` has a task on its third attempt and the signature in its history. */
  function fakeClient(
    histories: Record<string, temporal.api.history.v1.IHistoryEvent[]>,
    attempts: Record<string, number>,
  ) {
    const order: string[] = [];
    const resetWorkflowExecution = jest.fn((req: temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest) => {
      // What is on disk at the moment of the reset call.
      order.push(`reset ${req.workflowExecution?.workflowId} to ${Number(req.workflowTaskFinishEventId)}`);
      order.push(
        `saved then: ${savedHistories(dir)
          .map((f) => f.slice(dir.length + 1))
          .join(', ')}`,
      );
      return Promise.resolve({ runId: 'new-run' });
    });
    const client = {
      workflow: {
        list: function* () {
          for (const workflowId of Object.keys(histories)) yield { workflowId, runId: `${workflowId}-run` };
        },
        getHandle: (workflowId: string) => ({
          describe: () => Promise.resolve({ raw: { pendingWorkflowTask: { attempt: attempts[workflowId] ?? 0 } } }),
          fetchHistory: () => Promise.resolve({ events: histories[workflowId] }),
        }),
      },
      workflowService: { resetWorkflowExecution },
    } as unknown as Client;
    return { client, order, resetWorkflowExecution };
  }

  test('the full history is written (historyToJSON, as test/replay/*.json) before the reset call, and named in the rescue', async () => {
    const stuck = fetched(NDE, SIGNATURE);
    const { client, order } = fakeClient(
      { 'application-KQ-2026-000033': stuck, 'application-KQ-2026-000034': fetched(1, 'activity failed') },
      { 'application-KQ-2026-000033': 3, 'application-KQ-2026-000034': 3 },
    );
    const rescued = await rescueStuckWorkflows(client, { evidenceDir: dir });
    const file = join(dir, 'application-KQ-2026-000033-reset-1.json');
    expect(rescued).toEqual([
      { workflowId: 'application-KQ-2026-000033', resetTo: 12, message: SIGNATURE, historyFile: file },
    ]);
    expect(order).toEqual([
      'reset application-KQ-2026-000033 to 12',
      'saved then: application-KQ-2026-000033-reset-1.json',
    ]);
    // Only the reset workflow's history is saved; it reads back as the whole history the operator diagnosed.
    expect(savedHistories(dir)).toEqual([file]);
    const saved = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    expect(saved.events?.map((e) => [Number(e.eventId), e.eventType])).toEqual(
      stuck.map((e) => [Number(e.eventId), e.eventType]),
    );
    expect(resetPointFor(saved.events ?? [])).toEqual({ resetTo: 12, message: SIGNATURE });
  });

  test('a second reset of the same workflow gets the next number; the first file is left as it was', async () => {
    const { client } = fakeClient(
      { 'application-KQ-2026-000033': fetched(NDE, SIGNATURE) },
      { 'application-KQ-2026-000033': 2 },
    );
    await rescueStuckWorkflows(client, { evidenceDir: dir });
    const first = readFileSync(join(dir, 'application-KQ-2026-000033-reset-1.json'), 'utf8');
    const [again] = await rescueStuckWorkflows(client, { evidenceDir: dir });
    expect(again?.historyFile).toBe(join(dir, 'application-KQ-2026-000033-reset-2.json'));
    expect(readFileSync(join(dir, 'application-KQ-2026-000033-reset-1.json'), 'utf8')).toBe(first);
  });

  test('no history saved, no reset: a history that cannot be written stops the reset', async () => {
    const { client, resetWorkflowExecution } = fakeClient(
      { 'application-KQ-2026-000033': fetched(NDE, SIGNATURE) },
      { 'application-KQ-2026-000033': 2 },
    );
    await expect(rescueStuckWorkflows(client, { evidenceDir: join(dir, 'missing') })).rejects.toThrow(/ENOENT/);
    expect(resetWorkflowExecution).not.toHaveBeenCalled();
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  test("the run's sealed payloads are saved opened with its codec, so the file replays after the run's key is gone", async () => {
    const codec = new AesGcmCodec({ chaos: Buffer.alloc(32, 7) }, 'chaos');
    const plain = {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode('{"applicationNo":"KQ-2026-000033"}'),
    };
    const [sealed] = await codec.encode([plain]);
    const events = fetched(NDE, SIGNATURE);
    events[0] = ev(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: { input: { payloads: [sealed] } },
    });
    const { client } = fakeClient({ 'application-KQ-2026-000033': events }, { 'application-KQ-2026-000033': 2 });
    const [rescue] = await rescueStuckWorkflows(client, {
      evidenceDir: dir,
      replay: {
        workflowBundlePath: 'not used: the failed task names the error',
        dataConverter: { payloadCodecs: [codec] },
      },
    });
    const saved = historyFromJSON(JSON.parse(readFileSync(rescue!.historyFile, 'utf8')));
    const input = saved.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(new TextDecoder().decode(input?.metadata?.encoding ?? undefined)).toBe('json/plain');
    expect(new TextDecoder().decode(input?.data ?? undefined)).toBe('{"applicationNo":"KQ-2026-000033"}');
  });
});

test('the operator replays a running history up to its last completed task (a replay worker runs no local activity)', () => {
  const events = [
    ev(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
    ev(2, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ev(3, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    ev(4, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ev(5, T.EVENT_TYPE_MARKER_RECORDED),
    ev(6, T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
    ev(7, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ev(8, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    ev(9, T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
    ev(10, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ev(11, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ];
  const cut = completedPart({ events })!.events!.map((e) => Number(e.eventId));
  expect(cut).toEqual([1, 2, 3, 4, 5, 6]);
  // A history whose first task never completed has nothing recorded to check (its task would run live).
  expect(completedPart({ events: events.slice(0, 3) })).toBeUndefined();
});
