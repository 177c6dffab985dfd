/** What global-setup.ts prepared for this run, plus helpers every integration test uses. */
import type { AgencyCode } from '../../domain/agencies';
import { randomInt, randomUUID } from 'node:crypto';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Role } from '../../api/auth/access';
import { issueToken, type AuthConfig } from '../../api/auth/tokens';
import { AesGcmCodec, dataConverter } from '../../platform/codec';
import type { SmsGateway } from '../../platform/sms';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadEnv } from '../../platform/env';
import { createLogger } from '../../platform/logger';
import { ensureSearchAttributes, temporalTestServer } from '../../platform/temporal';
import { createActivities } from '../../activities';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import {
  applicationWorkflowId,
  getState,
  type ApplicationInput,
  type ApplicationState,
} from '../../domain/definitions';
import type { MaterialCode } from '../../domain/materials';
import { createPrisma } from '../../platform/database';
import type { PrismaClient } from '../../prisma/generated/client';
import type { applicationWorkflow } from '../../workflows';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest (test/support/global-setup.ts)`);
  return value;
}

/** The test database as its owner (migrations, schema checks, the tests' own fault injection). */
export const testDatabaseUrl = () => required('TEST_DATABASE_URL');
/** The test database as the application's own role, as the API and worker connect in production. */
export const testAppDatabaseUrl = () => required('TEST_APP_DATABASE_URL');
export const testDatabaseServerUrl = () => required('TEST_DATABASE_SERVER_URL');
export const testTemporalAddress = () => required('TEST_TEMPORAL_ADDRESS');
export const workflowBundle = () => ({ codePath: required('TEST_WORKFLOW_BUNDLE') });

export function testPrisma(): PrismaClient {
  return createPrisma(testAppDatabaseUrl(), 5);
}

/** A unique task queue per test file, so workers of parallel files never take each other's tasks. */
export const uniqueTaskQueue = (prefix: string) => `${prefix}-${randomUUID()}`;

/** Fixed keys for tests: a token key with rotation (two ids), and two payload keys (the current one first). */
export const TEST_AUTH: AuthConfig = {
  issuer: 'shaoxing-legal-aid',
  audience: 'legal-aid-api',
  hmacKeys: { 'test-2026': 'a'.repeat(40), 'test-2025': 'b'.repeat(40) },
  signingKeyId: 'test-2026',
};
export const testCodec = new AesGcmCodec({ 'p-2026': Buffer.alloc(32, 7), 'p-2025': Buffer.alloc(32, 5) }, 'p-2026');
export const testDataConverter = dataConverter(testCodec);
export const TEST_STATUS_SECRET = 'status-secret-for-tests-0123456789';

export function tokenFor(userId: string, roles: Role[], agency?: string, institution?: string): Promise<string> {
  return issueToken(TEST_AUTH, { userId, roles, agency, institution });
}

export async function createTestWorker(
  connection: NativeConnection,
  prisma: PrismaClient,
  taskQueue: string,
  sms?: SmsGateway,
  options: Partial<WorkerOptions> = {},
) {
  return Worker.create({
    connection,
    taskQueue,
    workflowBundle: workflowBundle(),
    dataConverter: testDataConverter,
    activities: createActivities({ prisma, sms }),
    reuseV8Context: true,
    ...options,
  });
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A resident ID number with a correct check character (GB 11643), for fixtures. Not a real person's. */
export function residentIdNumber(birth = '19560101', serial = '123'): string {
  const body = `330602${birth}${serial}`;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

/** A unique application number in a year no real case uses, so tests never collide with each other. */
export function testApplicationNo(): string {
  return `KQ-1999-${String(randomInt(1_000_000_000)).padStart(9, '0')}`;
}

export function applicationInput(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    applicationNo: testApplicationNo(),
    // An agency of its own with no pool (W + 6 digits): a granted case then waits for the agency to assign, whatever
    // pools other test files build in the real agencies at the same time.
    agencyCode: `W${String(randomInt(1_000_000)).padStart(6, '0')}` as AgencyCode,
    channel: 'walk_in',
    receivedAt: new Date().toISOString(),
    applicant: { name: '测试申请人', idNumber: residentIdNumber() },
    matter: { category: 'labour_remuneration', summary: '追索拖欠的劳动报酬' },
    economicSituation: { householdSize: 3, monthlyHouseholdIncome: 1800, commitmentSigned: true },
    materialsSupplied: ['identity_proof', 'economic_statement', 'matter_evidence'] as MaterialCode[],
    rules: DEFAULT_RULE_CONFIG,
    ...overrides,
  };
}

/** A time-skipping test server (temporal-test-server) with our codec and search attributes, one per test file. */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalTestServer(loadEnv()) },
    client: { dataConverter: testDataConverter },
  });
  await ensureSearchAttributes(env.connection, 'default', createLogger('silent'));
  return env;
}

export interface WorkflowSuite {
  env: TestWorkflowEnvironment;
  prisma: PrismaClient;
  stop(): Promise<void>;
}

/** A time-skipping server, this run's PostgreSQL and one running worker on `taskQueue`: a workflow test file's setup. */
/** An application received now on the test server's clock (it runs ahead of the wall clock once time was skipped). */
export async function receivedNow(
  env: TestWorkflowEnvironment,
  overrides: Partial<ApplicationInput> = {},
): Promise<ApplicationInput> {
  return applicationInput({ receivedAt: new Date(await env.currentTimeMs()).toISOString(), ...overrides });
}

/** Starts the case's workflow on `taskQueue`, with its id from the application number. */
export function startCase(env: TestWorkflowEnvironment, taskQueue: string, input: ApplicationInput) {
  return env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationNo),
    taskQueue,
    args: [input],
  });
}

export async function startWorkflowSuite(taskQueue: string, deps: { sms?: SmsGateway } = {}): Promise<WorkflowSuite> {
  const env = await startTimeSkipping();
  const prisma = testPrisma();
  const worker = await createTestWorker(env.nativeConnection, prisma, taskQueue, deps.sms);
  const running = worker.run();
  return {
    env,
    prisma,
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
      await prisma.$disconnect();
    },
  };
}

/**
 * Reads until `ok` holds, then returns the value; throws `what` after `timeoutMs` of wall time. The default is generous:
 * in CI two test files share two cores with the chaos runs' servers and workers.
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: (last: T | undefined) => string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(what(last));
}

/**
 * Polls the workflow's state, then its stored record, until both show `stage` (or one of `stage`, for a step that
 * may pass straight through a stage, e.g. S-2.9(b) going from `assigning` to `assigned` at once). Granted cases stay
 * open.
 */
export async function untilStage(
  handle: { query: (def: typeof getState) => Promise<ApplicationState> },
  prisma: PrismaClient,
  stage: string | readonly string[],
): Promise<void> {
  const wanted: readonly string[] = typeof stage === 'string' ? [stage] : stage;
  await until(
    async () => {
      const state = await handle.query(getState);
      const row = await prisma.application.findUnique({ where: { applicationNo: state.applicationNo } });
      return { state, row };
    },
    ({ state, row }) => wanted.includes(state.stage) && row?.stage === state.stage && row.stageSeq === state.seq,
    (last) =>
      `the case never reached ${wanted.join(' or ')}; last seen ${last?.state.stage} (stored: ${last?.row?.stage})`,
  );
}

/** S-2.8 熟知标准 as an agency records it when confirming a member (tests' default). */
export const STANDARDS_KNOWN = {
  basis: 'training',
  date: '2026-11-20',
  reference: '2026年度法律援助办案标准培训',
} as const;
