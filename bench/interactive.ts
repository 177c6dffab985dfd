/**
 * `npm run bench:interactive -- [rounds=6] [batch=40] [concurrency=4]`: how long a clerk waits, against the engine's own
 * floor, interleaved so both sample the same load (A B A B …), on the embedded stack (bench/stack.ts):
 *
 * - intake: `POST /applications` through the real API (token, validation, the intake statement, the workflow start)
 *   against a floor route — a bare Express route that runs the same intake statement (`allocate`) and starts a
 *   workflow that only returns (`noopWorkflow`) on the same dev server;
 * - update: `POST /applications/:no/materials` (a staff step: signal, the case's workflow task and its record, the
 *   answer read back) on cases awaiting materials, against a bare route sending a no-op update to a parked workflow.
 *
 * Each round runs one batch of each of the four, `concurrency` at a time. Prints per kind the latency percentiles and
 * throughput, the real/floor ratios of p50 and p99 (all requests, and per round), and where an intake's and a step's
 * time goes: the intake statement and the workflow start (timed where the API calls them), the rest of the request
 * (token, validation, audit, Express), and after the answer the case's first record (its first workflow task and
 * the record's local activity); for a step, the signal, the wait for its stored answer, and the rest.
 * Progress goes to stderr, the figures (JSON) to stdout.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import express from 'express';
import pg from 'pg';
import { createApp } from '../api/app';
import { issueToken } from '../api/auth/tokens';
import { allocate } from '../api/intake';
import { applicationWorkflowId } from '../domain/definitions';
import { apiConfig } from '../platform/bootstrap';
import { dataConverter } from '../platform/codec';
import { startBenchStack } from './stack';
import { noopUpdate } from './workflows/synthetic';

const AGENCIES = ['YC', 'KQ', 'SY', 'ZJ', 'SZ', 'XC'] as const;
const CHECK = '10X98765432';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(i: number): string {
  const body = `330602198001${String(10 + (i % 18)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return body + CHECK[WEIGHTS.reduce((acc, w, k) => acc + w * Number(body[k]), 0) % 11];
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const ms = (x: number) => Math.round(x * 10) / 10;
const shape = (v: number[]) => ({ p50: ms(percentile(v, 50)), p95: ms(percentile(v, 95)), p99: ms(percentile(v, 99)) });

/** Times every statement whose text starts with `prefix` (the intake statement), as Prisma's pool runs it. */
function timeStatements(prefix: RegExp, into: number[]) {
  const proto = pg.Pool.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string } | undefined;
    const text = typeof q === 'string' ? q : (q?.text ?? '');
    const result = original.apply(this, args);
    if (prefix.test(text) && result instanceof Promise) {
      const t0 = performance.now();
      void result.then(
        () => into.push(performance.now() - t0),
        () => undefined,
      );
    }
    return result;
  };
}

async function listen(app: express.Express): Promise<{ server: Server; base: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) out.push(await fn(next++));
    }),
  );
  return out;
}

async function main() {
  const rounds = Number(process.argv[2] ?? 6);
  const batch = Number(process.argv[3] ?? 40);
  const concurrency = Number(process.argv[4] ?? 4);
  const stack = await startBenchStack('interactive', 20);
  const { env, log, prisma, client, secrets } = stack;
  const app = createApp({
    prisma,
    temporal: client,
    log,
    ...apiConfig(env, secrets),
    limits: { intakePerMinute: 1e9, actionsPerMinute: 1e9, lookupsPerMinute: 1e9 },
  });
  const real = await listen(app);
  const staff = Object.fromEntries(
    await Promise.all(
      AGENCIES.map(async (a) => [
        a,
        await issueToken(secrets.auth, { userId: 'bench', roles: ['agency_staff'], agency: a }),
      ]),
    ),
  ) as Record<(typeof AGENCIES)[number], string>;

  // The floors' worker: its own task queue in this process, the real worker's payload codec.
  const floorQueue = `bench-floor-${randomUUID()}`;
  const worker = await Worker.create({
    connection: stack.temporal.nativeConnection,
    taskQueue: floorQueue,
    workflowsPath: require.resolve('./workflows/synthetic'),
    activities: { noop: () => Promise.resolve(), timerFired: () => Promise.resolve() },
    dataConverter: dataConverter(secrets.codec),
    reuseV8Context: true,
  });
  const running = worker.run();
  const parked: WorkflowHandle[] = [];
  for (let i = 0; i < concurrency; i++) {
    parked.push(
      await client.workflow.start('parkedWorkflow', { workflowId: `parked-${randomUUID()}`, taskQueue: floorQueue }),
    );
  }
  const floorApp = express();
  floorApp.use(express.json());
  floorApp.post('/floor/intake/:agency', async (req, res) => {
    const agency = req.params.agency as (typeof AGENCIES)[number];
    const a = await allocate(
      prisma,
      randomUUID(),
      'floor',
      agency,
      { userId: 'floor', role: 'agency_staff' },
      undefined,
    );
    await client.workflow.start('noopWorkflow', { workflowId: `floor-${a.applicationNo}`, taskQueue: floorQueue });
    res.status(201).json({ applicationNo: a.applicationNo });
  });
  floorApp.post('/floor/update/:i', async (req, res) => {
    const value = await parked[Number(req.params.i) % parked.length]!.executeUpdate(noopUpdate, {
      args: [String((req.body as { items?: unknown }).items)],
      updateId: randomUUID(),
    });
    res.json({ value });
  });
  const floor = await listen(floorApp);

  // Where the time goes: the intake statement, the workflow start, the step's signal; then the first record.
  const statementMs: number[] = [];
  timeStatements(/^\s*WITH counter AS/, statementMs);
  const startMs: number[] = [];
  const firstRecordMs: number[] = [];
  const signalMs: number[] = [];
  const workflows = client.workflow;
  const start = workflows.start.bind(workflows);
  workflows.start = (async (type: string, options: { workflowId: string }) => {
    const t0 = performance.now();
    const handle = await start(type, options as never);
    if (type === 'applicationWorkflow') {
      startMs.push(performance.now() - t0);
      const t1 = performance.now();
      void stack.recordChanges.next(options.workflowId, 30_000).then(() => firstRecordMs.push(performance.now() - t1));
    }
    return handle;
  }) as typeof workflows.start;
  const getHandle = workflows.getHandle.bind(workflows);
  workflows.getHandle = ((id: string, ...rest: unknown[]) => {
    const handle = getHandle(id, ...(rest as []));
    if (!id.startsWith('application-')) return handle;
    const signal = handle.signal.bind(handle);
    handle.signal = (async (...a: Parameters<typeof signal>) => {
      const t0 = performance.now();
      await signal(...a);
      signalMs.push(performance.now() - t0);
    }) as typeof handle.signal;
    return handle;
  }) as typeof workflows.getHandle;

  let filed = 0;
  const intakeBody = (i: number, complete: boolean) =>
    JSON.stringify({
      agencyCode: AGENCIES[i % AGENCIES.length],
      channel: 'walk_in',
      applicant: { name: '压测', idNumber: idNumber(i) },
      matter: { category: 'labour_remuneration', summary: '压测' },
      economicSituation: { householdSize: 3, monthlyHouseholdIncome: 2000, commitmentSigned: true },
      materialsSupplied: complete ? ['identity_proof', 'economic_statement', 'matter_evidence'] : ['identity_proof'],
      intake: { correctionCommitment: true },
    });
  const post = async (url: string, body: string, auth: string, want: number): Promise<[number, unknown]> => {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}`, 'Idempotency-Key': randomUUID() },
      body,
    });
    const json = await res.json();
    const elapsed = performance.now() - t0;
    if (res.status !== want) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
    return [elapsed, json];
  };
  const realIntake = async () => {
    const i = filed++;
    return (
      await post(`${real.base}/applications`, intakeBody(i, false), staff[AGENCIES[i % AGENCIES.length]!], 201)
    )[0];
  };
  const floorIntake = async () =>
    (await post(`${floor.base}/floor/intake/${AGENCIES[filed++ % AGENCIES.length]}`, '{}', '-', 201))[0];

  // The cases the real steps act on: filed (not timed) and awaiting materials before the rounds.
  const awaiting: Array<{ no: string; agency: (typeof AGENCIES)[number] }> = [];
  await pool(rounds * batch, 8, async () => {
    const i = filed++;
    const agency = AGENCIES[i % AGENCIES.length]!;
    const [, json] = await post(`${real.base}/applications`, intakeBody(i, false), staff[agency], 201);
    awaiting.push({ no: (json as { applicationNo: string }).applicationNo, agency });
    return 0;
  });
  for (const { no } of awaiting) {
    for (;;) {
      const next = stack.recordChanges.next(applicationWorkflowId(no), 1000);
      const row = await prisma.application.findUnique({ where: { applicationNo: no }, select: { stage: true } });
      if (row?.stage === 'awaiting_materials') break;
      await next;
    }
  }
  statementMs.length = startMs.length = firstRecordMs.length = signalMs.length = 0;
  const realUpdate = async () => {
    const c = awaiting.pop()!;
    const body = JSON.stringify({ items: ['economic_statement', 'matter_evidence'] });
    return (await post(`${real.base}/applications/${c.no}/materials`, body, staff[c.agency], 200))[0];
  };
  let updates = 0;
  const floorUpdate = async () => (await post(`${floor.base}/floor/update/${updates++}`, '{"items":1}', '-', 200))[0];

  // Warm-up: one batch of each, not counted.
  for (const fn of [realIntake, floorIntake, floorUpdate]) await pool(concurrency * 2, concurrency, fn);
  statementMs.length = startMs.length = firstRecordMs.length = signalMs.length = 0;

  const kinds = { intake: realIntake, intakeFloor: floorIntake, update: realUpdate, updateFloor: floorUpdate };
  const lat: Record<keyof typeof kinds, number[]> = { intake: [], intakeFloor: [], update: [], updateFloor: [] };
  const perSecond: Record<keyof typeof kinds, number[]> = { intake: [], intakeFloor: [], update: [], updateFloor: [] };
  const perRound: Array<Record<string, number>> = [];
  for (let round = 1; round <= rounds; round++) {
    const row: Record<string, number> = {};
    for (const [kind, fn] of Object.entries(kinds) as Array<[keyof typeof kinds, () => Promise<number>]>) {
      const t0 = performance.now();
      const l = await pool(batch, concurrency, fn);
      perSecond[kind].push(batch / ((performance.now() - t0) / 1000));
      lat[kind].push(...l);
      row[`${kind}P50`] = ms(percentile(l, 50));
      row[`${kind}P99`] = ms(percentile(l, 99));
    }
    perRound.push(row);
    console.error(
      `round ${round}/${rounds}: intake p50 ${row.intakeP50} ms (floor ${row.intakeFloorP50}), ` +
        `step p50 ${row.updateP50} ms (no-op update ${row.updateFloorP50})`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the last first records
  const ratio = (a: keyof typeof kinds, b: keyof typeof kinds, p: number) =>
    Math.round((percentile(lat[a], p) / percentile(lat[b], p)) * 100) / 100;
  const median = (v: number[]) => ms(percentile(v, 50));
  const sumMedian = median(statementMs) + median(startMs);
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: stack.machine,
        database: stack.database,
        rounds,
        batch,
        concurrency,
        order: 'warm-up, then per round: intake, intake floor, step, no-op update (one batch each)',
        latencyMs: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, shape(v)])),
        perSecond: Object.fromEntries(Object.entries(perSecond).map(([k, v]) => [k, median(v)])),
        ratios: {
          intakeP50: ratio('intake', 'intakeFloor', 50),
          intakeP99: ratio('intake', 'intakeFloor', 99),
          updateP50: ratio('update', 'updateFloor', 50),
          updateP99: ratio('update', 'updateFloor', 99),
        },
        perRound,
        intakeBreakdownMs: {
          statement: shape(statementMs),
          workflowStart: shape(startMs),
          restOfRequestP50: ms(percentile(lat.intake, 50) - sumMedian),
          afterTheAnswerFirstRecord: shape(firstRecordMs),
        },
        stepBreakdownMs: {
          signal: shape(signalMs),
          restP50: ms(percentile(lat.update, 50) - median(signalMs)),
        },
      },
      null,
      2,
    ),
  );
  for (const h of parked) await h.signal('release');
  worker.shutdown();
  await running;
  for (const s of [real.server, floor.server]) await new Promise((resolve) => s.close(resolve));
  await stack.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
