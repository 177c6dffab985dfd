/**
 * `npm run api`: the HTTP API against TEMPORAL_ADDRESS and DATABASE_URL; run as many as the load needs.
 */
import { createServer } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { apiConfig, installTemporalRuntime, listen, onShutdown, openDatabase } from './bootstrap';
import { dataConverter } from './codec';
import { resolveSecrets } from './secrets';
import { createPrisma } from './database';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { RecordChanges } from './record-changes';
import { temporalConnectionOptions } from './temporal';

async function main() {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  installTemporalRuntime(log);
  if (env.TEMPORAL_ADDRESS === undefined) throw new Error('TEMPORAL_ADDRESS is required for npm run api');
  const secrets = resolveSecrets(env, false);
  const database = await openDatabase(env, log, false);
  const prisma = createPrisma(database.value, env.DATABASE_POOL_MAX);
  const connection = await Connection.connect(await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS));
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(secrets.codec),
  });
  const recordChanges = await RecordChanges.listen(database.value, log);
  const server = createServer(createApp({ prisma, temporal: client, log, recordChanges, ...apiConfig(env, secrets) }));
  await listen(server, env.HOST, env.PORT);
  onShutdown(log, [
    ['api', () => new Promise((resolve) => server.close(resolve))],
    ['temporal connection', () => connection.close()],
    ['prisma', () => prisma.$disconnect()],
    ['record notifications', () => recordChanges.close()],
  ]);
  log.info({ api: `http://${env.HOST}:${env.PORT}` }, 'API is listening');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
