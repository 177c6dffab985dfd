/**
 * S-3.1 verification of the economic situation on the real time-skipping test server, with the credit lookup
 * going through the real HTTP adapter to a local fake credit service.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  applicationWorkflowId,
  decide,
  recordVerificationResult,
  requestVerification,
  settleVerification,
  type ApplicationInput,
} from '../../domain/definitions';
import { httpCreditService } from '../../platform/credit';
import { createActivities } from '../../activities';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';
import {
  applicationInput,
  residentIdNumber,
  startTimeSkipping,
  testPrisma,
  uniqueTaskQueue,
  workflowBundle,
  testDataConverter,
  untilStage,
} from '../support/context';
import { Worker } from '@temporalio/worker';
import { executeStep } from '../../platform/step-client';

let env: TestWorkflowEnvironment;
let prisma: PrismaClient;
let worker: Worker;
let running: Promise<void>;
let creditServer: Server;
const ratings = new Map<string, string>(); // idNumber -> rating the fake service answers
const asked: Array<{ idNumber: string; name: string }> = [];
const taskQueue = uniqueTaskQueue('verification');

beforeAll(async () => {
  creditServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const q = JSON.parse(raw) as { idNumber: string; name: string };
      asked.push({ idNumber: q.idNumber, name: q.name });
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ rating: ratings.get(q.idNumber) ?? 'none' }));
    });
  });
  await new Promise<void>((resolve) => creditServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(creditServer.address() as AddressInfo).port}/credit`;
  env = await startTimeSkipping();
  prisma = testPrisma();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: workflowBundle(),
    dataConverter: testDataConverter,
    activities: createActivities({ prisma, credit: httpCreditService({ url }) }),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await prisma?.$disconnect();
  await new Promise((resolve) => creditServer?.close(resolve));
});

/** A complete application by someone aged 40 whose statement must be verified (S-1.3). */
async function verifyCase(serial: string, over: Partial<ApplicationInput> = {}) {
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() - 40;
  const input: ApplicationInput = applicationInput({
    receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    applicant: { name: '核查样例', idNumber: residentIdNumber(`${year}0101`, serial) },
    ...over,
  });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
  return { input, handle };
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: WorkflowUpdateFailedError) => err.cause as ApplicationFailure,
  );
const grant = (requestId: string) => ({
  args: [{ decision: 'grant' as const, decidedBy: 'head-1', requestId }] as [never],
});

test('S-3.1 item 1: good credit from the credit service and no doubt: the commitment is accepted and aid granted', async () => {
  const { input, handle } = await verifyCase('101');
  expect((await failureOf(executeStep(handle, decide, grant('g0'))))?.message).toContain('S-3.1');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 'staff-1' }],
  });
  expect(v.tasks[0]).toMatchObject({ route: 'credit_lookup', rating: 'none', result: 'confirmed' });
  expect(asked.some((a) => a.idNumber === input.applicant.idNumber)).toBe(true);
  const settled = await executeStep(handle, settleVerification, {
    args: [{ basis: 'no_doubt', settledBy: 'staff-1' }],
  });
  expect(settled).toMatchObject({ status: 'accepted', basis: 'no_doubt' });
  await executeStep(handle, decide, grant('g1'));
  await untilStage(handle, prisma, 'assigning');
});

test('S-3.1 item 2: a bad credit record means verification; a field check by the village agent confirms it', async () => {
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() - 40;
  ratings.set(residentIdNumber(`${year}0101`, '102'), 'bad');
  const { handle } = await verifyCase('102');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 'staff-1' }],
  });
  expect(v.tasks[0]).toMatchObject({ rating: 'bad', result: 'inconclusive' });
  const refused = await failureOf(
    executeStep(handle, settleVerification, { args: [{ basis: 'no_doubt', settledBy: 'staff-1' }] }),
  );
  expect(refused?.message).toContain('不良信用记录');
  const field = await executeStep(handle, requestVerification, {
    args: [{ route: 'field_check', dueDays: 5, requestedBy: 'staff-1' }],
  });
  const task = field.tasks.find((t) => t.route === 'field_check')!;
  expect(task.dueAt > task.requestedAt).toBe(true);
  const done = await executeStep(handle, recordVerificationResult, {
    args: [{ taskId: task.id, result: 'confirmed', note: '上门核实，家中确无固定收入', resultBy: 'agent-1' }],
  });
  expect(done).toMatchObject({ status: 'verified', basis: 'verification' });
  await executeStep(handle, decide, grant('g2'));
  await untilStage(handle, prisma, 'assigning');
});

test('S-3.1 item 3: a letter without an exact answer; inference needs a written reason', async () => {
  const { handle } = await verifyCase('103');
  const early = await failureOf(
    executeStep(handle, settleVerification, { args: [{ basis: 'inference', reason: '推定', settledBy: 's' }] }),
  );
  expect(early?.message).toContain('第三项');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'letter', dueDays: 10, requestedBy: 'staff-1' }],
  });
  await executeStep(handle, recordVerificationResult, {
    args: [{ taskId: v.tasks[0]!.id, result: 'inconclusive', note: '协查单位未掌握收入情况', resultBy: 'staff-1' }],
  });
  const noReason = await failureOf(
    executeStep(handle, settleVerification, { args: [{ basis: 'inference', settledBy: 's' }] }),
  );
  expect(noReason?.type).toBe('InvalidInput');
  const settled = await executeStep(handle, settleVerification, {
    args: [{ basis: 'inference', reason: '申请人长期务农，村委会证明无其他收入来源', settledBy: 'staff-1' }],
  });
  expect(settled).toMatchObject({ status: 'accepted', basis: 'inference' });
});

test('S-3.1 a phone inquiry that refutes the statement blocks a grant; a refusal is still possible', async () => {
  const { handle } = await verifyCase('104');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'phone', dueDays: 2, requestedBy: 'staff-1' }],
  });
  await executeStep(handle, recordVerificationResult, {
    args: [
      { taskId: v.tasks[0]!.id, result: 'refuted', note: '知情人称申请人经营店铺，收入较高', resultBy: 'staff-1' },
    ],
  });
  expect((await failureOf(executeStep(handle, decide, grant('g4'))))?.message).toContain('否定');
  await executeStep(handle, decide, {
    args: [{ decision: 'refuse', reason: '经核查不符合经济困难标准', decidedBy: 'head-1', requestId: 'r4' }],
  });
});

test('S-3.1 shared-data lookup confirmed; and no verification at all where the check is waived (S-1.2)', async () => {
  const { handle } = await verifyCase('105');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'shared_data', dueDays: 3, requestedBy: 'staff-1' }],
  });
  const done = await executeStep(handle, recordVerificationResult, {
    args: [{ taskId: v.tasks[0]!.id, result: 'confirmed', note: '民政共享数据：低收入家庭', resultBy: 'staff-1' }],
  });
  expect(done.status).toBe('verified');

  const elderly = applicationInput({ receivedAt: new Date(await env.currentTimeMs()).toISOString() }); // born 1956: 70+, waived
  const h2 = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(elderly.applicationNo),
    taskQueue,
    args: [elderly],
  });
  const waived = await failureOf(
    executeStep(h2, requestVerification, { args: [{ route: 'phone', dueDays: 2, requestedBy: 's' }] }),
  );
  expect(waived?.message).toContain('无需核查');
});

test('S-3.1 item 2 before item 3: a bad credit record alone allows no inference; an item-2 route without an exact answer does', async () => {
  const year = new Date(await env.currentTimeMs()).getUTCFullYear() - 40;
  ratings.set(residentIdNumber(`${year}0101`, '106'), 'bad');
  const { handle } = await verifyCase('106');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 'staff-1' }],
  });
  expect(v.tasks[0]!.note).toContain('第二项');
  const inferred = await failureOf(
    executeStep(handle, settleVerification, {
      args: [{ basis: 'inference', reason: '信用记录不良，推定', settledBy: 'staff-1' }],
    }),
  );
  expect(inferred?.message).toContain('第三项');
  const phone = await executeStep(handle, requestVerification, {
    args: [{ route: 'phone', dueDays: 2, requestedBy: 'staff-1' }],
  });
  const call = phone.tasks.find((t) => t.route === 'phone')!;
  await executeStep(handle, recordVerificationResult, {
    args: [{ taskId: call.id, result: 'inconclusive', note: '村委会无法说明其收入', resultBy: 'staff-1' }],
  });
  const settled = await executeStep(handle, settleVerification, {
    args: [{ basis: 'inference', reason: '电话核实未获确切结果，依已知事实推定', settledBy: 'staff-1' }],
  });
  expect(settled).toMatchObject({ status: 'accepted', basis: 'inference' });
});

test('S-3.1 an unsigned honesty commitment cannot be accepted, with good credit or by inference', async () => {
  const base = applicationInput({});
  const { handle } = await verifyCase('107', {
    economicSituation: { ...base.economicSituation!, commitmentSigned: false },
  });
  await executeStep(handle, requestVerification, {
    args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 'staff-1' }],
  });
  const refused = await failureOf(
    executeStep(handle, settleVerification, { args: [{ basis: 'no_doubt', settledBy: 'staff-1' }] }),
  );
  expect(refused?.message).toContain('未签署');
});

test('S-3.1 "no record" at the credit service is said to be no record, not passed off as a good rating', async () => {
  const { handle } = await verifyCase('108');
  const v = await executeStep(handle, requestVerification, {
    args: [{ route: 'credit_lookup', dueDays: 1, requestedBy: 'staff-1' }],
  });
  expect(v.tasks[0]).toMatchObject({ rating: 'none', result: 'confirmed' });
  expect(v.tasks[0]!.note).toContain('没有该申请人的记录');
});
