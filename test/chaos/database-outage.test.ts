/**
 * Issue 10, item 3 (short CI version of `npm run chaos:database -- 100 30`): the run's own PostgreSQL is stopped
 * mid-run (the machine's shared server is never touched).
 */
import { workflowBundle } from '../support/context';
import { databaseOutage, report, useWorkflowBundle } from './scenarios';

jest.setTimeout(600_000);

test('a 15 s database outage: the API answers clean 503s (no 500, no stack trace), nothing crashes, activities retry, no write lost', async () => {
  useWorkflowBundle(workflowBundle().codePath);
  const result = await databaseOutage(12, 15, 8);
  const ok = report(result);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(ok).toBe(true);
});
