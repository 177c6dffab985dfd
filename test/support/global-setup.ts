/**
 * Once per `npm test`: a database of this run's own (DATABASE_URL's server when set, as in CI; otherwise an embedded
 * PostgreSQL), migrated with the same runner `npm start` uses; one shared Temporal dev server (the real CLI); and the
 * workflow bundle, built once. Values reach the test files through environment variables (see context.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { appDatabaseUrl, ensureDatabase, setAppRolePassword, startEmbeddedPostgres } from '../../platform/database';
import { loadEnv } from '../../platform/env';
import { createLogger } from '../../platform/logger';
import { applyMigrations } from '../../platform/migrations';
import { temporalCli } from '../../platform/temporal';
import { buildWorkflowBundle } from '../../platform/worker';

type Teardown = () => Promise<void>;
declare global {
  var __legalAidTeardown: Teardown[] | undefined;
}

export function databaseUrlFor(serverOrDbUrl: string, name: string): string {
  const url = new URL(serverOrDbUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function globalSetup(): Promise<void> {
  const env = loadEnv();
  const log = createLogger('warn');
  const teardown: Teardown[] = [];
  globalThis.__legalAidTeardown = teardown;
  const scratch = mkdtempSync(join(tmpdir(), 'legal-aid-test-'));

  let server = env.DATABASE_URL;
  if (server === undefined) {
    const embedded = await startEmbeddedPostgres(scratch, 55000 + (process.pid % 5000), log);
    teardown.push(() => embedded.stop());
    server = `${embedded.serverUrl}/postgres`;
  }
  const databaseUrl = databaseUrlFor(server, `legal_aid_test_${Date.now()}_${process.pid}`);
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  process.env.TEST_DATABASE_URL = databaseUrl;
  // The code under test connects as the application's own role, as it does in production (least privilege); the
  // embedded server checks passwords, so its role gets one for this run.
  const password = env.DATABASE_URL === undefined ? randomBytes(18).toString('base64url') : undefined;
  if (password) await setAppRolePassword(databaseUrl, password);
  process.env.TEST_APP_DATABASE_URL = appDatabaseUrl(databaseUrl, password);
  process.env.TEST_DATABASE_SERVER_URL = server;

  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCli(env),
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'json', level: 'error' },
    },
  });
  teardown.push(() => temporal.teardown());
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;

  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await buildWorkflowBundle()).code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
}
