/**
 * `npm run bench:timers -- [open=20000] [dueMinutes=3] [perMinute=1000]` (issue 10, 6b): how many open cases waiting
 * on timers one machine holds. Against the Temporal CLI dev server with its state in a file (as `npm start` runs it)
 * and one worker process with the production cache settings (bench/timers-worker.ts):
 *
 * 1. `open - dueMinutes x perMinute` open cases (`openCaseWorkflow`: one timer) whose deadlines are 30 days away;
 * 2. `dueMinutes x perMinute` more whose deadlines fall from one minute after they start, `perMinute` a minute;
 * 3. waits until those have fired and prints: start throughput, how late the timers fired (p50/p95/p99/max), the
 *    worker's and the dev server's memory (RSS of each process group), and the size of the server's database file.
 */
import { type ChildProcess, spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadEnv } from '../platform/env';
import { temporalCli } from '../platform/temporal';
import { freePort } from '../platform/supervisor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROOT = resolve(__dirname, '..');

/** Resident memory (MiB) of a process and all its descendants. */
function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const all = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=']).toString().trim().split('\n');
  const rows = all.map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of rows) {
      if (tree.has(pp) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return Math.round(rows.filter(([p]) => tree.has(p)).reduce((s, [, , kb]) => s + kb, 0) / 1024);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function main() {
  const open = Number(process.argv[2] ?? 20_000);
  const dueMinutes = Number(process.argv[3] ?? 3);
  const perMinute = Number(process.argv[4] ?? 1000);
  const due = dueMinutes * perMinute;
  const env = loadEnv();
  const cli = temporalCli(env);
  if (cli.type !== 'existing-path') throw new Error('needs the Temporal CLI (npm run setup:temporal)');
  const scratch = mkdtempSync(join(tmpdir(), 'legal-aid-timers-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const server = spawn(
    cli.path,
    [
      'server',
      'start-dev',
      '--db-filename',
      join(scratch, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--log-level',
      'error',
    ],
    { stdio: 'ignore', detached: true },
  );
  children.push(server);
  let connection: Connection | undefined;
  for (let i = 0; i < 600 && !connection; i++) {
    connection = await Connection.connect({ address, connectTimeout: 1000 }).catch(async () => {
      await sleep(100);
      return undefined;
    });
  }
  const client = new Client({ connection: connection! });
  const taskQueue = `timers-${randomUUID()}`;
  const worker = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['bench/timers-worker.ts', address, taskQueue, String(env.WORKER_MAX_CACHED_WORKFLOWS)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  );
  children.push(worker);
  const lateness: number[] = [];
  let ready = false;
  createInterface({ input: worker.stdout }).on('line', (line) => {
    if (line === 'ready') ready = true;
    else if (line.startsWith('fired ')) lateness.push(Number(line.slice(6)));
  });
  while (!ready) await sleep(100);
  const stopAll = () => {
    for (const c of children) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const start = async (count: number, dueAt: (i: number) => Date, label: string) => {
    let next = 0;
    const t0 = performance.now();
    // A long load (100,000 cases take most of an hour here) says where it is, once a minute, on stderr.
    const progress = setInterval(
      () => console.error(`${new Date().toISOString()} ${label}: ${next} / ${count} started`),
      60_000,
    );
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < count) {
          const i = next++;
          await client.workflow.start('openCaseWorkflow', {
            workflowId: `${label}-${i}`,
            taskQueue,
            args: [{ id: `${label}-${i}`, dueAt: dueAt(i).toISOString() }],
          });
        }
      }),
    );
    clearInterval(progress);
    return count / ((performance.now() - t0) / 1000);
  };
  const farAway = new Date(Date.now() + 30 * 86_400_000);
  const loadStarted = Date.now();
  const parkedPerSecond = await start(open - due, () => farAway, 'parked');
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  // Wait until the worker has run every first workflow task (every timer is set): the workflow task backlog is 0.
  const drainStarted = Date.now();
  // Generous: the worker sets ~30 timers a second here, so the backlog left by a 100,000-case load takes a while.
  const drainLimitMs = Math.max(15 * 60_000, (open / 10) * 1000);
  let lastProgress = 0;
  for (;;) {
    const info = await client.workflowService
      .describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
        reportStats: true,
      })
      .catch(() => undefined);
    const backlog = Number(info?.stats?.approximateBacklogCount ?? -1);
    if ((backlog === 0 && Date.now() - drainStarted > 5_000) || Date.now() - drainStarted > drainLimitMs) break;
    if (Date.now() - lastProgress > 60_000) {
      lastProgress = Date.now();
      console.error(`${new Date().toISOString()} first workflow tasks waiting: ${backlog}`);
    }
    await sleep(2_000);
  }
  const drainSeconds = Math.round((Date.now() - drainStarted) / 1000);
  const afterLoad = { workerMiB: rssMiB(worker.pid), serverMiB: rssMiB(server.pid) };
  const dueFrom = Date.now() + 60_000;
  const dueStartedPerSecond = await start(due, (i) => new Date(dueFrom + (i * 60_000) / perMinute), 'due');
  let peakWorker = 0;
  let peakServer = 0;
  const waitUntil = dueFrom + dueMinutes * 60_000 + 120_000;
  while (lateness.length < due && Date.now() < waitUntil) {
    peakWorker = Math.max(peakWorker, rssMiB(worker.pid));
    peakServer = Math.max(peakServer, rssMiB(server.pid));
    await sleep(2_000);
  }
  const sorted = [...lateness].sort((a, b) => a - b);
  const dbMiB = Math.round(
    readdirSync(scratch)
      .filter((f) => f.startsWith('temporal.db'))
      .reduce((s, f) => s + statSync(join(scratch, f)).size, 0) /
      2 ** 20,
  );
  const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        server: 'Temporal CLI dev server, SQLite file',
        openCases: open,
        load: {
          seconds: Math.round(loadSeconds),
          backlogDrainedSeconds: drainSeconds,
          startsPerSecond: Math.round(parkedPerSecond),
          dueStartsPerSecond: Math.round(dueStartedPerSecond),
        },
        timersDue: due,
        perMinute,
        fired: lateness.length,
        latenessMs: {
          p50: pct(sorted, 0.5),
          p95: pct(sorted, 0.95),
          p99: pct(sorted, 0.99),
          max: sorted.at(-1) ?? null,
        },
        memoryMiB: {
          workerAfterLoad: afterLoad.workerMiB,
          workerPeak: peakWorker,
          serverAfterLoad: afterLoad.serverMiB,
          serverPeak: peakServer,
        },
        serverDatabaseMiB: dbMiB,
        loadAverage: loadAvg,
      },
      null,
      2,
    ),
  );
  await connection!.close();
  stopAll();
  rmSync(scratch, { recursive: true, force: true });
  if (lateness.length < due) {
    console.error(`only ${lateness.length} of ${due} timers fired in time`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
