/**
 * `npm start`: the whole system on one machine. Embedded PostgreSQL and Temporal dev server unless DATABASE_URL /
 * TEMPORAL_ADDRESS are set, then the worker and the API in this process. It says what it is doing on stderr and ends
 * with the addresses. Ctrl-C (or SIGINT/SIGTERM to this process, or one of its servers exiting, or a failed start)
 * stops everything started so far, in order; see platform/shutdown.ts and platform/supervisor.ts.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { apiConfig, installTemporalRuntime, listen, openDatabase, openTemporal, type Resource } from './bootstrap';
import { dataConverter } from './codec';
import { resolveSecrets } from './secrets';
import { createPrisma } from './database';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { RecordChanges } from './record-changes';
import { Shutdown } from './shutdown';
import { progress, showProgress } from './supervisor';
import { temporalConnectionOptions } from './temporal';
import { ensureSchedules, scheduleConfig } from './schedules';
import { createWorker, creditServiceFor, mailerFor, smsGatewayFor, workflowBundleFor } from './worker';

showProgress((message) => process.stderr.write(`[start] ${message}\n`));

async function main(shutdown: Shutdown) {
  const env = loadEnv();
  shutdown.repeatGraceMs = env.SHUTDOWN_REPEAT_GRACE_MS;
  const log = createLogger(env.LOG_LEVEL);
  shutdown.log = log;
  installTemporalRuntime(log, env.WORKER_METRICS_PORT);
  const watch = (name: string, resource: Resource<string>) =>
    resource.onLost?.((how) => {
      log.error({ server: name, how }, 'a server this process runs stopped; stopping everything');
      progress(`${name} stopped (${how}): stopping everything`);
      void shutdown.run(`${name} stopped`, 1);
    });

  const secrets = resolveSecrets(env, true);
  const database = await openDatabase(env, log, true);
  shutdown.add('postgres', async () => database.stop?.());
  watch('PostgreSQL', database);
  const temporal = await openTemporal(env, log, true);
  shutdown.add('temporal server', async () => temporal.stop?.());
  watch('Temporal dev server', temporal);

  const prisma = createPrisma(database.value, env.DATABASE_POOL_MAX);
  shutdown.add('prisma', () => prisma.$disconnect());
  const options = await temporalConnectionOptions(env, temporal.value);
  const nativeConnection = await NativeConnection.connect(options);
  const connection = await Connection.connect(options);
  shutdown.add('temporal connections', async () => {
    await connection.close();
    await nativeConnection.close();
  });

  progress(env.WORKFLOW_BUNDLE_PATH ? 'worker: loading the workflow bundle' : 'worker: bundling the workflows');
  const worker = await createWorker(env, {
    connection: nativeConnection,
    prisma,
    workflowBundle: await workflowBundleFor(env),
    codec: secrets.codec,
    sms: smsGatewayFor(env),
    credit: creditServiceFor(env),
    mail: mailerFor(env),
  });
  const workerRun = worker.run();
  shutdown.add(
    'worker',
    async () => {
      worker.shutdown();
      await workerRun;
    },
    30_000,
  );
  workerRun.catch((err) => {
    if (shutdown.stopping) return;
    log.fatal({ err }, 'worker stopped unexpectedly');
    void shutdown.run('worker stopped', 1);
  });
  progress(`worker: polling task queue ${env.TEMPORAL_TASK_QUEUE}`);

  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(secrets.codec),
  });
  if (env.SCHEDULES_ENABLED) await ensureSchedules(client, scheduleConfig(env), log);
  const recordChanges = await RecordChanges.listen(database.value, log);
  shutdown.add('record notifications', () => recordChanges.close());
  const app = createApp({ prisma, temporal: client, log, recordChanges, ...apiConfig(env, secrets) });
  const server = createServer(app);
  progress(`api: listening on ${env.HOST}:${env.PORT}`);
  await listen(server, env.HOST, env.PORT);
  shutdown.add('api', () => new Promise((done) => server.close(done)));

  const api = `http://${env.HOST}:${env.PORT}`;
  const consoleBuilt = existsSync(resolve(__dirname, '../web/dist/index.html'));
  const ui = temporal.stop ? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}` : undefined;
  log.info({ api, temporal: temporal.value, temporalUi: ui }, 'legal-aid system is running (Ctrl-C to stop)');
  progress('running (Ctrl-C to stop)');
  progress(`  API          ${api}`);
  progress(`  console      ${api}/console/${consoleBuilt ? '' : '  (not built: run npm run build:web)'}`);
  if (ui) progress(`  Temporal UI  ${ui}`);
  else progress(`  Temporal     ${temporal.value}`);
}

// The signals are ours from the first line: a Ctrl-C during start-up stops what has started so far.
const bootLog = createLogger('info');
const shutdown = new Shutdown(bootLog).listen();
// Whoever started us (npm, a shell, a service manager) gone without a signal to us: stop as if told to.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown.run('the process that started this one exited', 0);
}, 1_000).unref();
main(shutdown).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  bootLog.fatal({ err }, 'start failed');
  process.stderr.write(`[start] failed: ${message}\n`);
  void shutdown.run('start failed', 1);
});
