/**
 * Issue 10, item 4 (short CI version of `npm run chaos:fuzz -- 10000`): fuzzed requests to every endpoint, then
 * duplicate and out-of-order updates.
 */
import { workflowBundle } from '../support/context';
import { badInput, report, useWorkflowBundle } from './scenarios';

jest.setTimeout(600_000);

test('500 fuzzed requests: 0 answers >= 500, 0 partial writes; duplicate and out-of-order updates have no duplicate effect', async () => {
  useWorkflowBundle(workflowBundle().codePath);
  const result = await badInput(500);
  const ok = report(result);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(ok).toBe(true);
});
