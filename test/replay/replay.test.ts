/**
 * The replay gate: every history under test/replay/ is replayed against the current workflow code. A change that
 * would break running cases (non-determinism) fails here, before it is deployed.
 *
 * The histories are one baseline (record-histories.ts): one scenario per path of every workflow. Until the first
 * production deployment a workflow change re-records it (`npm run replay:record`); after it, recorded histories stay
 * and a change goes patch -> record -> deprecate -> remove (README "Changing a workflow").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import * as registered from '../../workflows';
import { completedPart } from '../chaos/operator';
import { workflowBundle } from '../support/context';

const files = readdirSync(__dirname).filter((f) => f.endsWith('.json'));
const json = (file: string) => JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as RecordedHistory;

interface RecordedHistory {
  events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
}

/** The workflow type a history is of, from its first event (WorkflowExecutionStarted). */
const workflowTypeOf = (file: string) =>
  json(file).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;

test('the baseline: one recorded history per scenario (and its evaluation child), every path of every workflow', () => {
  expect(files.sort()).toEqual(
    [
      // hotlineCallWorkflow (S-2.4-S-2.7): claim lapsed, breach, answered late, outcome and duty credit
      'hotline-call.json',
      // correction (S-3.2, L-2, L-7): withdrawn at the deadline, accepted first and terminated, supplied, extended
      'deferred-documents-terminated.json',
      'accepted-first-terminated-at-deadline.json',
      'accepted-first-terminated-before-decision.json',
      'materials-supplied-then-granted.json',
      'extended-then-supplied.json',
      // review and objection (L-1, L-10): refused and final, objection corrected, objection upheld
      'complete-then-refused.json',
      'refused-objection-corrected-granted.json',
      'refused-objection-upheld.json',
      // verification (S-3.1): a field check; a credit lookup, a letter and inference
      'verified-then-granted.json',
      'verification-inferred-granted.json',
      // accept-first (S-3.2, L-7): granted during verification, terminated when it refutes (S-3.1, L-9)
      'accepted-first-verification-refuted.json',
      // L-9 and L-10 after the grant; assignment (S-3.3, S-2.9, S-2.10, L-3, L-4, L-11)
      'granted-terminated-objection-corrected.json',
      'assigned-conflict-replaced.json',
      'major-case-discussed.json',
      'assigned-by-priority.json',
      'group-case.json',
      'earlier-stage-member.json',
      'notification-case-assigned.json',
      'notification-returned.json',
      'nobody-eligible-terminated.json',
      // performance (L-6, L-12, S-4.2) ended by L-9
      'l9-terminated-during-performance.json',
      // the whole case with its evaluationWorkflow child (S-4.3-S-4.6)
      'lifecycle-good.json',
      'lifecycle-good-evaluation.json',
      'lifecycle-unqualified-objection.json',
      'lifecycle-unqualified-objection-evaluation.json',
      'evaluation-expert-review-excellent.json',
      'evaluation-expert-review-excellent-evaluation.json',
      'evaluation-spot-check.json',
      'evaluation-spot-check-evaluation.json',
      'evaluation-spot-check-expert.json',
      'evaluation-spot-check-expert-evaluation.json',
      'evaluation-special.json',
      'evaluation-special-evaluation.json',
      'evaluation-payout-retry.json',
      'evaluation-payout-retry-evaluation.json',
      'evaluation-found-running.json',
      'evaluation-found-running-evaluation.json',
      'evaluation-unqualified-interview.json',
      'evaluation-unqualified-interview-evaluation.json',
      'evaluation-objection-expert.json',
      'evaluation-objection-expert-evaluation.json',
      'evaluation-group-case.json',
      'evaluation-group-case-evaluation.json',
      'evaluation-terminated-case.json',
      'evaluation-terminated-case-evaluation.json',
      // complaintWorkflow (L-13); the calendar broadcast (Civil Code art. 203)
      'complaint.json',
      'calendar-broadcast.json',
      // poolImpactWorkflow (S-2.8(b)) and the schedules' jobs (issue 8)
      'pool-impact.json',
      'reconcile-read-model.json',
      'daily-digest.json',
    ].sort(),
  );
});

test('every workflow type the worker registers (workflows/index.ts) has at least one recorded history', () => {
  const types = Object.keys(registered).sort();
  expect(types).toEqual(
    expect.arrayContaining(['applicationWorkflow', 'evaluationWorkflow', 'hotlineCallWorkflow', 'poolImpactWorkflow']),
  );
  const recorded = new Set(files.map(workflowTypeOf));
  expect(types.filter((t) => !recorded.has(t))).toEqual([]);
});

test('every recorded history replays without non-determinism', async () => {
  // A history saved from a running case (a regression fixture) is checked up to its last completed task.
  const histories = files.map((file) => ({ workflowId: file, history: completedPart(historyFromJSON(json(file)))! }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
