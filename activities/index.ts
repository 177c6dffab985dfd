import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PrismaClient } from '../prisma/generated/client';
import type { SmsGateway } from '../platform/sms';
import { createApplicationRecords } from './application-records';
import { createCalendarActivities } from './calendar';
import { createComplaintActivities } from './complaints';
import { createAttentionActivities, dataErrorFailure, dataErrorSqlstate } from './attention';
import { createEvaluationRecords } from './evaluation-records';
import { createHotlineActivities } from './hotline';
import { createNotificationActivities } from './notifications';
import { createObligationActivities } from './obligations';
import { createPayoutActivities } from './payout';
import { createPoolActivities } from './pool';
import { createQualityActivities } from './quality';
import { createRotationActivities } from './rotation';
import { createVerificationActivities } from './verification';
import type { CreditService } from '../platform/credit';
import type { Mailer } from '../platform/mail';

export interface ActivityDeps {
  prisma: PrismaClient;
  /** Optional: without a gateway, notices go to the in-app inbox only. */
  sms?: SmsGateway;
  /** Optional: without a mail server, no e-mail notices. */
  mail?: Mailer;
  /** Optional: without a credit service, staff record credit results by hand (S-3.1). */
  credit?: CreditService;
}

/**
 * Database errors can quote the values being written (Prisma prints the failed call's arguments), and activity
 * errors travel into workflow history and worker logs. Re-throw them naming only the kind of failure, so personal data
 * never leaves through an error message:
 *
 * - a write no retry can cure (PostgreSQL SQLSTATE class 22 data exception or 23 integrity violation, found by
 *   `dataErrorSqlstate` in the driver adapter's error) as a non-retryable `DataError` failure with the activity and
 *   the SQLSTATE only: the workflow puts the case into "needs attention" (activities/attention.ts) instead of
 *   retrying for ever. Idempotency conflicts an activity expects (a unique violation on a retry) are caught inside it;
 *   one that escapes is a data error too. One log line each (activity, SQLSTATE, workflow id; never the payload).
 * - anything else (PostgreSQL down, a timeout, a serialization failure) as a plain Error: Temporal retries it.
 */
export function withSafeErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        // Business refusals carry their own Chinese message (no personal data) and must not be retried.
        if (err instanceof ApplicationFailure) throw err;
        const sqlstate = dataErrorSqlstate(err);
        if (sqlstate) {
          logDataError(name, sqlstate);
          throw dataErrorFailure(name, sqlstate);
        }
        const e = err as { name?: string; code?: string; meta?: { modelName?: string } };
        throw new Error(
          `${name} failed: ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}${e.meta?.modelName ? ` on ${e.meta.modelName}` : ''}`,
        );
      }
    };
  }
  return wrapped as T;
}

/** The worker's activity logger when running in a worker (not when a test calls the activity directly). */
function logDataError(activity: string, sqlstate: string): void {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return;
  }
  ctx.log.error('activity failed: data error, case needs attention', {
    activity,
    sqlstate,
    workflowId: ctx.info.workflowExecution?.workflowId,
  });
}

/** All activities, built once per worker over injected dependencies. Workflows import this file as a type only. */
export function createActivities(deps: ActivityDeps) {
  return withSafeErrors({
    ...createApplicationRecords(deps),
    ...createEvaluationRecords(deps),
    ...createHotlineActivities(deps),
    ...createComplaintActivities(deps),
    ...createNotificationActivities(deps),
    ...createVerificationActivities(deps),
    ...createRotationActivities(deps),
    ...createPoolActivities(deps),
    ...createQualityActivities(deps),
    ...createPayoutActivities(deps),
    ...createObligationActivities(deps),
    ...createAttentionActivities(deps),
    ...createCalendarActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
