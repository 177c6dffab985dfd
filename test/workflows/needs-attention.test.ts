/**
 * A write that no retry can cure does not wedge a case (data errors, SQLSTATE class 22/23): the case shows as needing
 * attention (its state, the `case_attention` row the stuck-case board reads), the worker keeps running and other
 * cases are unaffected; an operator's `resolveAttention` (sanitize) lets the write through and clears the flag.
 * The API rejects control characters at the boundary (test/api/control-characters.test.ts); these cases are started
 * on the workflow directly, as a write path the boundary does not cover would reach it.
 */
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { getState, resolveAttention, type ApplicationInput } from '../../domain/definitions';
import type { PrismaClient } from '../../prisma/generated/client';
import {
  startWorkflowSuite,
  receivedNow,
  startCase,
  uniqueTaskQueue,
  until,
  type WorkflowSuite,
} from '../support/context';
import { localActivityCalls } from '../support/records';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let suite: WorkflowSuite | undefined;
const taskQueue = uniqueTaskQueue('attention');

beforeAll(async () => {
  suite = await startWorkflowSuite(taskQueue);
  ({ env, prisma } = suite);
});
afterAll(() => suite?.stop());

const received = (overrides: Partial<ApplicationInput>) => receivedNow(env, overrides);
const start = (input: ApplicationInput) => startCase(env, taskQueue, input);

test('a NUL in a case payload: the case needs attention (board row, technical support), others go on; sanitize resolves it', async () => {
  const bad = await received({});
  bad.matter = { ...bad.matter, summary: '拖欠工资\u0000三个月' };
  const good = await received({});
  const badHandle = await start(bad);
  const goodHandle = await start(good);

  // The bad case: flagged, with only ids and codes; its workflow still answers.
  const flagged = await until(
    () => prisma.caseAttention.findUnique({ where: { workflowId: badHandle.workflowId } }),
    (row) => !!row,
    () => 'the case was never flagged as needing attention',
  );
  expect(flagged).toMatchObject({ caseKind: 'application', caseNo: bad.applicationNo, resolvedAt: null });
  expect(flagged!.sqlstate).toMatch(/^22/);
  expect(flagged!.activity).toBe('recordCase');
  const state = await badHandle.query(getState);
  expect(state.attention).toMatchObject({ activity: 'recordCase' });
  expect(await prisma.application.findUnique({ where: { applicationNo: bad.applicationNo } })).toBeNull();

  // The other case, on the same worker, is recorded as usual.
  await until(
    () => prisma.application.findUnique({ where: { applicationNo: good.applicationNo } }),
    (row) => !!row,
    () => 'the good case was never recorded',
  );
  expect((await goodHandle.query(getState)).attention).toBeUndefined();

  // The operator strips the control characters: the write goes through, the flag is cleared.
  await badHandle.signal(resolveAttention, { action: 'sanitize', resolvedBy: 'tech-1' });
  const row = await until(
    () => prisma.application.findUnique({ where: { applicationNo: bad.applicationNo } }),
    (r) => !!r,
    () => 'the sanitized write never reached PostgreSQL',
  );
  expect((row!.matter as { summary: string }).summary).toBe('拖欠工资三个月');
  const cleared = await until(
    () => prisma.caseAttention.findUnique({ where: { workflowId: badHandle.workflowId } }),
    (r) => r?.resolvedAt !== null,
    () => 'the attention flag was never cleared',
  );
  expect(cleared).toMatchObject({ action: 'sanitize', resolvedBy: 'tech-1' });
  expect((await badHandle.query(getState)).attention).toBeUndefined();
});

test('a retry of the same bad write fails again and keeps the case flagged (no endless retry, no wedge)', async () => {
  const bad = await received({});
  bad.applicant = { ...bad.applicant, name: '张\u0000三' };
  const handle = await start(bad);
  await until(
    () => prisma.caseAttention.findUnique({ where: { workflowId: handle.workflowId } }),
    (row) => !!row,
    () => 'never flagged',
  );
  const calls = async () => localActivityCalls((await handle.fetchHistory()).events!, 'recordCase');
  const writes = async () => (await calls()).length;
  expect(await calls()).toEqual([{ attempt: 1 }]); // not retried: non-retryable
  await handle.signal(resolveAttention, { action: 'retry', resolvedBy: 'tech-1' });
  // The retried write meets the same error once: still flagged, still answering queries.
  await until(
    writes,
    (n) => n === 2,
    (n) => `recordCase scheduled ${n} times`,
  );
  expect((await handle.query(getState)).attention).toMatchObject({ activity: 'recordCase' });
  const row = await prisma.caseAttention.findUniqueOrThrow({ where: { workflowId: handle.workflowId } });
  expect(row.resolvedAt).toBeNull();
  await handle.signal(resolveAttention, { action: 'sanitize', resolvedBy: 'tech-1' });
  await until(
    () => prisma.application.findUnique({ where: { applicationNo: bad.applicationNo } }),
    (r) => !!r,
    () => 'the sanitized write never reached PostgreSQL',
  );
});
