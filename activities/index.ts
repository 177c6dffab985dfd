import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient } from '../prisma/generated/client';
import type { SmsGateway } from '../platform/sms';
import { createApplicationRecords } from './application-records';
import { createEvaluationRecords } from './evaluation-records';
import { createHotlineActivities } from './hotline';
import { createNotificationActivities } from './notifications';
import { createObligationActivities } from './obligations';
import { createPayoutActivities } from './payout';
import { createPoolActivities } from './pool';
import { createQualityActivities } from './quality';
import { createRotationActivities } from './rotation';
import { createVerificationActivities } from './verification';
import { createVillageActivities } from './village';
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
 * errors travel into workflow history and worker logs. Re-throw them as a plain error naming only the kind of
 * failure, so personal data never leaves through an error message. Still a plain Error: Temporal retries it.
 */
function withSafeErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        // Business refusals carry their own Chinese message (no personal data) and must not be retried.
        if (err instanceof ApplicationFailure) throw err;
        const e = err as { name?: string; code?: string; meta?: { modelName?: string } };
        throw new Error(
          `${name} failed: ${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}${e.meta?.modelName ? ` on ${e.meta.modelName}` : ''}`,
        );
      }
    };
  }
  return wrapped as T;
}

/** All activities, built once per worker over injected dependencies. Workflows import this file as a type only. */
export function createActivities(deps: ActivityDeps) {
  return withSafeErrors({
    ...createApplicationRecords(deps),
    ...createEvaluationRecords(deps),
    ...createHotlineActivities(deps),
    ...createNotificationActivities(deps),
    ...createVerificationActivities(deps),
    ...createRotationActivities(deps),
    ...createPoolActivities(deps),
    ...createQualityActivities(deps),
    ...createPayoutActivities(deps),
    ...createVillageActivities(deps),
    ...createObligationActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
