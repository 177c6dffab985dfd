/**
 * Issue 8: the jobs that keep the stuck-case read model true and nudge its owners. Each is started by a Temporal
 * schedule (platform/schedules.ts), so a missed run is visible in Temporal and never runs twice at once.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const jobs = proxyActivities<ReturnType<typeof createActivities>>({
  // A full pass reads every open case's workflow: allow it time, and notice a dead worker by its heartbeats.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Compares the read model with every open case's own state and repairs drift. Never rename. */
export async function reconcileReadModelWorkflow(
  options: { pageSize?: number; concurrency?: number; agencyCode?: string } = {},
) {
  return jobs.reconcileReadModel(options);
}

/** The daily digest of overdue and soon-due obligations, once per owner and obligation per China day. Never rename. */
export async function dailyDigestWorkflow({ withinHours }: { withinHours: number }) {
  // The workflow's clock is the schedule's firing time (deterministic), and the digest's China day comes from it.
  return jobs.queueDailyDigest({ at: new Date().toISOString(), withinHours });
}
