/**
 * Issue 10, item 2 (short CI version of `npm run chaos:temporal -- 200 2`): the file-backed Temporal dev server
 * crashes (SIGKILL) mid-run and comes back on the same file.
 */
import { workflowBundle } from '../support/context';
import { report, temporalRestarts, useWorkflowBundle } from './scenarios';

jest.setTimeout(600_000);

test('durable execution: a Temporal server crash mid-run loses no case, and deadline timers pending across it fire once', async () => {
  useWorkflowBundle(workflowBundle().codePath);
  const result = await temporalRestarts(12, 1, 8);
  const ok = report(result);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(ok).toBe(true);
});
