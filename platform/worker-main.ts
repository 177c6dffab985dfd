/**
 * `npm run worker`: one worker against TEMPORAL_ADDRESS and DATABASE_URL (a cluster or Temporal Cloud, any number
 * of workers on the same task queue).
 */
import { NativeConnection } from '@temporalio/worker';
import { installTemporalRuntime, onShutdown, openDatabase } from './bootstrap';
import { resolveSecrets } from './secrets';
import { createPrisma } from './database';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { ensureSearchAttributes, temporalConnectionOptions } from './temporal';
import { createWorker, creditServiceFor, mailerFor, smsGatewayFor, workflowBundleFor } from './worker';
import { Client, Connection } from '@temporalio/client';
import { ensureSchedules, scheduleConfig } from './schedules';

async function main() {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  installTemporalRuntime(log, env.WORKER_METRICS_PORT);
  if (env.TEMPORAL_ADDRESS === undefined) throw new Error('TEMPORAL_ADDRESS is required for npm run worker');
  const secrets = resolveSecrets(env, false);
  const database = await openDatabase(env, log, false);
  const prisma = createPrisma(database.value, env.DATABASE_POOL_MAX);
  const options = await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS);
  const admin = await Connection.connect(options);
  try {
    await ensureSearchAttributes(admin, env.TEMPORAL_NAMESPACE, log);
    if (env.SCHEDULES_ENABLED) {
      const client = new Client({ connection: admin, namespace: env.TEMPORAL_NAMESPACE });
      await ensureSchedules(client, scheduleConfig(env), log);
    }
  } finally {
    await admin.close();
  }

  const connection = await NativeConnection.connect(options);
  const worker = await createWorker(env, {
    connection,
    prisma,
    workflowBundle: await workflowBundleFor(env),
    codec: secrets.codec,
    sms: smsGatewayFor(env),
    credit: creditServiceFor(env),
    mail: mailerFor(env),
  });
  const run = worker.run();
  onShutdown(log, [
    [
      'worker',
      async () => {
        worker.shutdown();
        await run;
      },
    ],
    ['temporal connection', () => connection.close()],
    ['prisma', () => prisma.$disconnect()],
  ]);
  log.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker is running');
  await run;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
