/**
 * The embedded stack the benchmarks run on, as `npm start` runs it: the Temporal CLI dev server with a file-backed
 * state, PostgreSQL (DATABASE_URL's server in a fresh database, else an embedded PostgreSQL 17), one worker, a client.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { dataConverter } from '../platform/codec';
import {
  appDatabaseUrl,
  createPrisma,
  dropDatabase,
  ensureDatabase,
  setAppRolePassword,
  startEmbeddedPostgres,
} from '../platform/database';
import { loadEnv } from '../platform/env';
import { createLogger } from '../platform/logger';
import { RecordChanges } from '../platform/record-changes';
import { applyMigrations } from '../platform/migrations';
import { resolveSecrets } from '../platform/secrets';
import { temporalCli } from '../platform/temporal';
import { buildWorkflowBundle, createWorker } from '../platform/worker';
import { freePort } from '../platform/supervisor';

/**
 * The dev server's request counts by gRPC operation so far (its Prometheus `service_requests` counter, summed over
 * the other labels): what a workload costs the server, which on one box is the part that saturates first.
 */
export async function serverRequests(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^service_requests\{(.*)\} ([0-9.e+]+)$/.exec(line);
    const operation = m && /operation="([^"]+)"/.exec(m[1]!)?.[1];
    if (operation) counts[operation] = (counts[operation] ?? 0) + Number(m[2]);
  }
  const transitions = /^state_transition_count_count\{(.*)\} ([0-9.e+]+)$/gm;
  for (const m of text.matchAll(transitions)) {
    if (m[1]!.includes('namespace="default"'))
      counts[STATE_TRANSITIONS] = (counts[STATE_TRANSITIONS] ?? 0) + Number(m[2]);
  }
  return counts;
}

/**
 * The key under which `serverRequests` also counts the workflows' state transitions: the history service records
 * one sample of its `state_transition_count` histogram per update of a workflow's mutable state (what Temporal calls
 * a state transition), so the samples' count is the number of state transitions in the default namespace so far.
 */
export const STATE_TRANSITIONS = 'stateTransitions';

/** `after - before` per operation, leaving out operations that did not change. */
export function requestsBetween(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(after)) if (n - (before[op] ?? 0) > 0) out[op] = n - (before[op] ?? 0);
  return out;
}

export async function startBenchStack(name: string, poolSize: number) {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const scratch = mkdtempSync(join(tmpdir(), `legal-aid-${name}-`));
  const env = { ...loadEnv(), DATA_DIR: scratch };
  const log = createLogger('error');
  let server = env.DATABASE_URL;
  let stopPg: (() => Promise<void>) | undefined;
  if (!server) {
    const pg = await startEmbeddedPostgres(scratch, 55000 + (process.pid % 2000), log);
    server = `${pg.serverUrl}/postgres`;
    stopPg = () => pg.stop();
  }
  const dbUrl = new URL(server);
  dbUrl.pathname = `/legal_aid_${name}_${Date.now()}`;
  await ensureDatabase(dbUrl.toString());
  await applyMigrations(dbUrl.toString());
  // As the application's own role, as `npm start` connects (the embedded server checks its password).
  const password = stopPg ? randomBytes(18).toString('base64url') : undefined;
  if (password) await setAppRolePassword(dbUrl.toString(), password);
  const appUrl = appDatabaseUrl(dbUrl.toString(), password);
  const prisma = createPrisma(appUrl, poolSize);
  const recordChanges = await RecordChanges.listen(appUrl, log);

  const metricsPort = await freePort();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      extraArgs: ['--metrics-port', String(metricsPort)],
      executable: temporalCli(env),
      dbFilename: join(scratch, 'temporal.db'),
      searchAttributes: [...SEARCH_ATTRIBUTES],
    },
  });
  const secrets = resolveSecrets(env, true);
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createWorker(env, {
    connection: nativeConnection,
    prisma,
    workflowBundle: await buildWorkflowBundle(),
    codec: secrets.codec,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, dataConverter: dataConverter(secrets.codec) });
  return {
    env,
    log,
    prisma,
    client,
    secrets,
    temporal,
    recordChanges,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    database: env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL 17',
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await prisma.$disconnect();
      await recordChanges.close();
      await temporal.teardown();
      await dropDatabase(dbUrl.toString()).catch(() => undefined);
      await stopPg?.();
    },
  };
}
