/**
 * Issue 10, item 1 (short CI version of `npm run chaos:workers -- 200 50`): whole cases through the API while the
 * worker process group is killed with SIGKILL and started again.
 */
import { workflowBundle } from '../support/context';
import { report, useWorkflowBundle, workerCrashes } from './scenarios';

jest.setTimeout(600_000);

test('durable execution: 20 cases with 5 worker kill -9s all close, no notice, payout line or rotation turn twice or lost', async () => {
  useWorkflowBundle(workflowBundle().codePath);
  const result = await workerCrashes(20, 5, 8);
  const ok = report(result);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(ok).toBe(true);
});
