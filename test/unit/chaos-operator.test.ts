/** Issue 10: the operator's runbook acts only on the known SDK replay error, and resets to before the collapse. */
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { resetPointFor } from '../chaos/operator';

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
