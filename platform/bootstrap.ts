/**
 * Shared start-up steps of the three entry points (start, worker, api): database, Temporal, logging, shutdown.
 */
import type { Server } from 'node:http';
import { Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { applyMigrations } from './migrations';
import { ensureDatabase, startEmbeddedPostgres } from './database';
import { ruleConfig, type Env } from './env';
import type { Secrets } from './secrets';
import type { Logger } from './logger';
import { ensureSearchAttributes, startEmbeddedTemporal, temporalConnectionOptions } from './temporal';

/** Routes the Temporal SDK's own logs into our structured log; we own the shutdown signals (see onShutdown). */
/** Where the API reads the worker's SDK metrics: WORKER_METRICS_URL, else the local exporter's port when set. */
export function workerMetricsUrl(env: Env): string | undefined {
  if (env.WORKER_METRICS_URL) return env.WORKER_METRICS_URL;
  return env.WORKER_METRICS_PORT ? `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics` : undefined;
}

/**
 * The SDK's runtime, once per process: its logs into ours, and (WORKER_METRICS_PORT) its worker metrics — task
 * slots, poll and schedule-to-start latencies, sticky cache — served for Prometheus on 127.0.0.1:<port>/metrics.
 */
export function installTemporalRuntime(log: Logger, metricsPort?: number): void {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => log[levels[level]]({ temporal: meta }, message)),
    // The SDK's native core logs too, forwarded into the same JSON log instead of printed raw to the console.
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metricsPort ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } : {}),
    },
  });
}

export interface Resource<T> {
  value: T;
  stop?: () => Promise<void>;
}

/** DATABASE_URL, or (when `embedded` is allowed) an embedded PostgreSQL in DATA_DIR; migrated when configured. */
export async function openDatabase(env: Env, log: Logger, embedded: boolean): Promise<Resource<string>> {
  let url = env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (url === undefined) {
    if (!embedded) throw new Error('DATABASE_URL is required (only `npm start` runs an embedded PostgreSQL)');
    const server = await startEmbeddedPostgres(env.DATA_DIR, env.EMBEDDED_PG_PORT, log);
    url = `${server.serverUrl}/legal_aid`;
    stop = () => server.stop();
    await ensureDatabase(url);
  }
  if (env.MIGRATE_ON_START) {
    const applied = await applyMigrations(url);
    log.info({ applied }, applied.length ? 'applied database migrations' : 'database schema is up to date');
  }
  return { value: url, stop };
}

/** TEMPORAL_ADDRESS, or (when `embedded` is allowed) the Temporal CLI's dev server with its state in DATA_DIR. */
export async function openTemporal(env: Env, log: Logger, embedded: boolean): Promise<Resource<string>> {
  let address = env.TEMPORAL_ADDRESS;
  let stop: (() => Promise<void>) | undefined;
  if (address === undefined) {
    if (!embedded) throw new Error('TEMPORAL_ADDRESS is required (only `npm start` runs an embedded Temporal server)');
    const server = await startEmbeddedTemporal(env, log);
    address = server.address;
    stop = () => server.stop();
    log.info({ address, ui: server.uiUrl }, 'embedded Temporal dev server is up');
  }
  const connection = await Connection.connect(await temporalConnectionOptions(env, address));
  try {
    await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE, log);
  } finally {
    await connection.close();
  }
  return { value: address, stop };
}

export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * Runs `steps` once, in order, on SIGINT or SIGTERM (Ctrl-C), then exits. A second signal exits at once.
 */
export function onShutdown(log: Logger, steps: Array<[string, () => Promise<unknown>]>): void {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        code = 1;
        log.error({ err, step: name }, 'shutdown step failed');
      }
    }
    log.info('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void run('SIGINT'));
  process.on('SIGTERM', () => void run('SIGTERM'));
}

/** The API's dependencies that come from configuration. */
export function apiConfig(env: Env, secrets: Secrets) {
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    rules: ruleConfig(env),
    auth: secrets.auth,
    codec: secrets.codec,
    statusCodeSecret: secrets.statusCodeSecret,
    requireTraining: env.REQUIRE_TRAINING,
    metricsToken: env.METRICS_TOKEN,
    workerMetricsUrl: workerMetricsUrl(env),
    codecCorsOrigins: env.CODEC_CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    limits: {
      intakePerMinute: env.RATE_LIMIT_INTAKE_PER_MINUTE,
      actionsPerMinute: env.RATE_LIMIT_ACTIONS_PER_MINUTE,
      lookupsPerMinute: env.RATE_LIMIT_LOOKUP_PER_MINUTE,
    },
  };
}
