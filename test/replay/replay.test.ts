/**
 * The replay gate: every history under test/replay/ is replayed against the current workflow code. A change that
 * would break running cases (non-determinism) fails here, before it is deployed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/context';

const files = readdirSync(__dirname).filter((f) => f.endsWith('.json'));

test('recorded histories exist for the main paths of applicationWorkflow and evaluationWorkflow, before and after each patch', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      // before patched('correction-reminder-ladder')
      'deferred-documents-terminated.json',
      'materials-supplied-then-granted.json',
      'complete-then-refused.json',
      // after it
      'v2-deferred-documents-terminated.json',
      'v2-materials-supplied-then-granted.json',
      'v2-extended-then-supplied.json',
      'v2-complete-then-refused.json',
      // after patched('objection-after-refusal')
      'v3-complete-then-refused.json',
      'v3-refused-objection-corrected-granted.json',
      // S-3.1 verification (new updates only, no patch needed)
      'v4-verified-then-granted.json',
      // after patched('open-after-grant'): granted cases stay open; L-9 termination and its objection
      'v5-granted-terminated-objection-corrected.json',
      'v5-materials-supplied-then-granted.json',
      // after patched('assignment-stage'): S-3.3 assignment, S-2.10 confirmation and conflicts, L-11, S-2.9(f)
      'v6-assigned-conflict-replaced.json',
      'v6-major-case-discussed.json',
      // after patched('performance-evaluation'): L-6, L-12, S-4.3, and the evaluation workflow (S-4.4, S-4.5)
      'v7-lifecycle-good.json',
      'v7-lifecycle-good-evaluation.json',
      'v7-lifecycle-unqualified-objection.json',
      'v7-lifecycle-unqualified-objection-evaluation.json',
      'v7-assigned-conflict-replaced.json',
      // hotlineCallWorkflow (S-2.4-S-2.7)
      'v8-hotline-call.json',
      // after patched('reassignment-new-round'): a reassignment starts new deadlines
      'v8-assigned-conflict-replaced.json',
    ]),
  );
});

test('every recorded history replays without non-determinism', async () => {
  const histories = files.map((file) => ({
    workflowId: file,
    history: historyFromJSON(JSON.parse(readFileSync(join(__dirname, file), 'utf8'))),
  }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
