/**
 * `npm start`: the whole system on one machine. Embedded PostgreSQL and Temporal dev server unless DATABASE_URL /
 * TEMPORAL_ADDRESS are set, then the worker and the API in this process. Ctrl-C stops everything in order.
 */
import { createServer } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { apiConfig, installTemporalRuntime, listen, onShutdown, openDatabase, openTemporal } from './bootstrap';
import { dataConverter } from './codec';
import { resolveSecrets } from './secrets';
import { createPrisma } from './database';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal';
import { ensureSchedules, scheduleConfig } from './schedules';
import { createWorker, creditServiceFor, mailerFor, smsGatewayFor, workflowBundleFor } from './worker';

async function main() {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  installTemporalRuntime(log, env.WORKER_METRICS_PORT);

  const secrets = resolveSecrets(env, true);
  const database = await openDatabase(env, log, true);
  const temporal = await openTemporal(env, log, true);
  const prisma = createPrisma(database.value, env.DATABASE_POOL_MAX);
  const options = await temporalConnectionOptions(env, temporal.value);

  const nativeConnection = await NativeConnection.connect(options);
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

  const connection = await Connection.connect(options);
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(secrets.codec),
  });
  if (env.SCHEDULES_ENABLED) await ensureSchedules(client, scheduleConfig(env), log);
  const app = createApp({ prisma, temporal: client, log, ...apiConfig(env, secrets) });
  const server = createServer(app);
  await listen(server, env.HOST, env.PORT);

  onShutdown(log, [
    ['api', () => new Promise((resolve) => server.close(resolve))],
    [
      'worker',
      async () => {
        worker.shutdown();
        await workerRun;
      },
    ],
    [
      'temporal connections',
      async () => {
        await connection.close();
        await nativeConnection.close();
      },
    ],
    ['prisma', () => prisma.$disconnect()],
    ['temporal server', async () => temporal.stop?.()],
    ['postgres', async () => database.stop?.()],
  ]);
  workerRun.catch((err) => {
    log.fatal({ err }, 'worker stopped unexpectedly');
    process.kill(process.pid, 'SIGTERM');
  });
  log.info(
    {
      api: `http://${env.HOST}:${env.PORT}`,
      temporal: temporal.value,
      temporalUi: temporal.stop ? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}` : undefined,
    },
    'legal-aid system is running (Ctrl-C to stop)',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
