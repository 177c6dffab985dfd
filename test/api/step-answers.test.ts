/**
 * Step answers are read from the database (docs/decisions.md): the recorder stores a staff step's answer in the same
 * transaction as what the step recorded, the API reads it from `step_answer` (woken by `case_recorded`
 * notifications), so an answered step is already in the stored record, a refusal is stored too, and the same request
 * after the case has closed gets the first answer instead of 409. Also the notification listener itself: it wakes on
 * a commit, falls back to a timer, and reconnects after its connection is killed. Cases of 嵊州 (SZ) that never reach a pool.
 */
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { applicationWorkflowId } from '../../domain/definitions';
import { createLogger } from '../../platform/logger';
import { RecordChanges } from '../../platform/record-changes';
import { eventually, startApi } from '../support/api-harness';
import { applicationInput, testAppDatabaseUrl, tokenFor } from '../support/context';
import { localActivityCalls } from '../support/records';

jest.setTimeout(120_000);

let api: Awaited<ReturnType<typeof startApi>>;
const AGENCY = 'SZ';
const userOf = (roles: Parameters<typeof tokenFor>[1], who = '') => `sa-${roles.join('-')}${who}`;
const auth = async (roles: Parameters<typeof tokenFor>[1], who = '') => ({
  Authorization: `Bearer ${await tokenFor(userOf(roles, who), roles, AGENCY)}`,
});
/** The step id the API gives a request: its kind and the idempotency key scoped to the caller. */
const stepIdOf = (kind: string, userId: string, key: string) =>
  `${kind}:${createHash('sha256').update(`${userId}\n${key}`).digest('hex')}`;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

/** A case awaiting its economic statement and evidence (S-3.2), as its workflow has recorded it. */
async function caseAwaitingMaterials() {
  const input = applicationInput({ agencyCode: AGENCY, materialsSupplied: ['identity_proof'] });
  const handle = await api.client.workflow.start('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue: api.taskQueue,
    args: [input],
  });
  await eventually(
    () => api.prisma.application.findUnique({ where: { applicationNo: input.applicationNo } }),
    (a) => a?.stage === 'awaiting_materials',
  );
  return { applicationNo: input.applicationNo, handle };
}

const storedAnswer = (workflowId: string, stepId: string) =>
  api.prisma.stepAnswer.findUnique({ where: { workflowId_stepId: { workflowId, stepId } } });

test('S-3.2: an answered step is already in the stored record, with its answer stored beside it', async () => {
  const { applicationNo, handle } = await caseAwaitingMaterials();
  const key = `sa-${randomUUID()}`;
  const res = await request(api.base)
    .post(`/applications/${applicationNo}/materials`)
    .set(await auth(['agency_staff']))
    .set('Idempotency-Key', key)
    .send({ items: ['economic_statement'] });
  expect(res.status).toBe(200);
  // Read at once, without waiting: the answer was stored in the transaction that stored the step's effect.
  const app = await api.prisma.application.findUnique({ where: { applicationNo } });
  expect(app?.materialsSupplied).toContain('economic_statement');
  const stored = await storedAnswer(handle.workflowId, stepIdOf('materials', userOf(['agency_staff']), key));
  expect(stored?.answer).toEqual({ ok: true, value: res.body });
  // One write for the step: its event, the state it left and its answer went in the same batch, one local activity in
  // the workflow task that ran the step (its marker is in the history once that task has completed; the answer may
  // come first).
  const stepTask = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const from = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'supplyMaterials');
    const completed = events.findIndex((e, i) => i > from && e.workflowTaskCompletedEventAttributes);
    if (completed < 0) return [];
    const next = events.findIndex((e, i) => i > completed && e.workflowTaskScheduledEventAttributes);
    return events.slice(completed, next < 0 ? undefined : next);
  };
  const written = await eventually(stepTask, (task) => task.length > 0);
  expect(localActivityCalls(written, 'recordCase')).toHaveLength(1);
});

test('L-1: a refused step stores its refusal, and the same request again gets the same refusal', async () => {
  const { applicationNo, handle } = await caseAwaitingMaterials();
  const key = `sa-${randomUUID()}`;
  const decide = async () =>
    request(api.base)
      .post(`/applications/${applicationNo}/decision`)
      .set(await auth(['agency_head']))
      .set('Idempotency-Key', key)
      .send({ decision: 'grant' });
  const first = await decide();
  expect(first.status).toBe(422);
  const stored = await storedAnswer(handle.workflowId, stepIdOf('decision', userOf(['agency_head']), key));
  expect(stored?.answer).toMatchObject({ ok: false, message: first.body.message });
  const again = await decide();
  expect([again.status, again.body.code]).toEqual([422, first.body.code]);
});

test('the same step request after the case has closed gets its first answer, a new one 409 CASE_CLOSED', async () => {
  const { applicationNo, handle } = await caseAwaitingMaterials();
  const key = `sa-${randomUUID()}`;
  const supply = async (idempotencyKey: string) =>
    request(api.base)
      .post(`/applications/${applicationNo}/materials`)
      .set(await auth(['agency_staff']))
      .set('Idempotency-Key', idempotencyKey)
      .send({ items: ['matter_evidence'] });
  const first = await supply(key);
  expect(first.status).toBe(200);
  await handle.terminate('test: the case is closed');
  const repeated = await supply(key);
  expect([repeated.status, repeated.body]).toEqual([200, first.body]);
  const fresh = await supply(`sa-${randomUUID()}`);
  expect([fresh.status, fresh.body.code]).toEqual([409, 'CASE_CLOSED']);
});

test("idempotency keys are the caller's: another staff member's request with the same key is done, not answered for", async () => {
  const { applicationNo } = await caseAwaitingMaterials();
  const key = `sa-${randomUUID()}`;
  const supply = async (who: string, item: string) =>
    request(api.base)
      .post(`/applications/${applicationNo}/materials`)
      .set(await auth(['agency_staff'], who))
      .set('Idempotency-Key', key)
      .send({ items: [item] });
  const first = await supply('-a', 'economic_statement');
  const repeated = await supply('-a', 'economic_statement');
  const other = await supply('-b', 'matter_evidence');
  expect([first.status, repeated.status, other.status]).toEqual([200, 200, 200]);
  expect(repeated.body).toEqual(first.body);
  const app = await api.prisma.application.findUnique({ where: { applicationNo } });
  expect(app?.materialsSupplied).toEqual(expect.arrayContaining(['economic_statement', 'matter_evidence']));
  expect(app?.stage).toBe('under_review');
});

describe('the record notifications (case_recorded)', () => {
  let changes: RecordChanges;
  const name = `step-answers-test-${randomUUID().slice(0, 8)}`;
  beforeEach(async () => {
    changes = await RecordChanges.listen(testAppDatabaseUrl(), createLogger('silent'), name);
  });
  afterEach(async () => {
    await changes.close();
  });
  const notify = (workflowId: string) => api.prisma.$executeRaw`SELECT pg_notify('case_recorded', ${workflowId})`;

  test('wake the waiters of the workflow whose batch was committed, not those of another', async () => {
    const mine = `wf-${randomUUID()}`;
    const woke: string[] = [];
    const waits = [
      changes.next(mine, 60_000).then(() => woke.push('mine')),
      changes.next(`wf-${randomUUID()}`, 1_500).then(() => woke.push('other, by its timer')),
    ];
    await notify(mine);
    await Promise.all(waits);
    expect(woke).toEqual(['mine', 'other, by its timer']);
  });

  test('come back after the listening connection is killed; until then a waiter wakes by its timer', async () => {
    const killed = await api.prisma.$queryRaw<Array<{ killed: boolean }>>`
      SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = ${name}`;
    expect(killed).toEqual([{ killed: true }]);
    const id = `wf-${randomUUID()}`;
    // Reconnected within a few seconds: a notification then wakes the waiter long before its timer would.
    await eventually(
      async () => {
        const started = Date.now();
        const wait = changes.next(id, 30_000);
        await notify(id);
        await Promise.race([wait, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        return Date.now() - started;
      },
      (ms) => ms < 1_000,
      20_000,
    );
  });
});
