/**
 * The Temporal worker: application workflows (pre-bundled) and their activities over one injected Prisma client.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { PrismaClient } from '../prisma/generated/client';
import type { PayloadCodec } from '@temporalio/common';
import { dataConverter, FAILURE_CONVERTER_PATH } from './codec';
import type { Env } from './env';
import { httpSmsGateway, type SmsGateway } from './sms';
import { httpCreditService, type CreditService } from './credit';
import { smtpMailer, type Mailer } from './mail';

/** The SMTP mailer configured by SMTP_URL / SMTP_FROM, if any. */
export function mailerFor(env: Pick<Env, 'SMTP_URL' | 'SMTP_FROM'>): Mailer | undefined {
  return env.SMTP_URL ? smtpMailer({ url: env.SMTP_URL, from: env.SMTP_FROM }) : undefined;
}

/** The credit service configured by CREDIT_SERVICE_URL / CREDIT_SERVICE_API_KEY, if any (S-3.1). */
export function creditServiceFor(
  env: Pick<Env, 'CREDIT_SERVICE_URL' | 'CREDIT_SERVICE_API_KEY'>,
): CreditService | undefined {
  return env.CREDIT_SERVICE_URL
    ? httpCreditService({ url: env.CREDIT_SERVICE_URL, apiKey: env.CREDIT_SERVICE_API_KEY })
    : undefined;
}

/** The SMS gateway configured by SMS_GATEWAY_URL / SMS_GATEWAY_API_KEY, if any. */
export function smsGatewayFor(env: Pick<Env, 'SMS_GATEWAY_URL' | 'SMS_GATEWAY_API_KEY'>): SmsGateway | undefined {
  return env.SMS_GATEWAY_URL
    ? httpSmsGateway({ url: env.SMS_GATEWAY_URL, apiKey: env.SMS_GATEWAY_API_KEY })
    : undefined;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Bundles the workflow code once (webpack), as the worker and the replay gate load it. */
export async function buildWorkflowBundle(): Promise<{ code: string }> {
  // webpack's report is long and says nothing when the build succeeds; errors are still thrown.
  const quiet = {
    log() {},
    trace() {},
    debug() {},
    info() {},
    warn() {},
    error: (message: string) => console.error(message),
  };
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quiet,
  });
}

/**
 * The pre-built bundle at WORKFLOW_BUNDLE_PATH when one is configured (production: `npm run build:workflows`
 * at deploy time, so workers start fast and all run the very same code); otherwise bundle now from source.
 */
export async function workflowBundleFor(env: Pick<Env, 'WORKFLOW_BUNDLE_PATH'>): Promise<WorkflowBundleOption> {
  if (env.WORKFLOW_BUNDLE_PATH !== undefined) {
    const codePath = resolve(env.WORKFLOW_BUNDLE_PATH);
    if (!existsSync(codePath))
      throw new Error(`WORKFLOW_BUNDLE_PATH ${codePath} does not exist: run npm run build:workflows`);
    return { codePath };
  }
  return buildWorkflowBundle();
}

export interface WorkerDeps {
  connection: NativeConnection;
  prisma: PrismaClient;
  workflowBundle: WorkflowBundleOption;
  /** Payload encryption (platform/codec.ts); the bundle must have been built by buildWorkflowBundle. */
  codec: PayloadCodec;
  /** SMS gateway for notices (platform/sms.ts); without one, notices go to the in-app inbox only. */
  sms?: SmsGateway;
  /** SMTP mail for notices (platform/mail.ts); without one, no e-mail. */
  mail?: Mailer;
  /** Credit service for S-3.1 (platform/credit.ts); without one, staff record credit results by hand. */
  credit?: CreditService;
}

export async function createWorker(
  env: Pick<
    Env,
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'WORKER_MAX_CACHED_WORKFLOWS'
    | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'
    | 'WORKER_MAX_CONCURRENT_ACTIVITIES'
  >,
  deps: WorkerDeps,
): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowBundle: deps.workflowBundle,
    dataConverter: dataConverter(deps.codec),
    activities: createActivities({ prisma: deps.prisma, sms: deps.sms, credit: deps.credit, mail: deps.mail }),
    // One V8 context shared by all cached workflows (isolated by the SDK) instead of one context each: cases wait
    // for days on timers, so many sit in the cache, and per-context memory would dominate the worker.
    reuseV8Context: true,
    // Cached (sticky) workflows avoid replaying history on every task; a case's history is short, so eviction is
    // cheap, and a bounded cache keeps worker memory flat however many cases are open (configurable).
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // Activities are short database writes; keep them near the Prisma pool size so they queue in Temporal, not in
    // the pool.
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    shutdownGraceTime: '10 seconds',
  });
}
