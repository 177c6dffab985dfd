/**
 * S-2.8(b) impact-period timer: a member suspended for a failed assessment or a penalty gets no cases until the
 * period ends; then this workflow ends the period: the member waits for the agency to confirm their re-entry, or (if so
 * configured) is eligible again at once. One workflow per status event (`pool-impact-<eventId>`):
 * when the period is later replaced or superseded (a newer event), the newer event has its own timer and this one
 * ends as a no-op, because `endImpactPeriod` acts only while the member's status event is still this one.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PoolImpactInput } from '../domain/pool';

// Unlimited attempts: a database outage must delay the end of a period, never lose it.
const pool = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Never rename: the workflow type name is persisted. */
export async function poolImpactWorkflow(input: PoolImpactInput): Promise<{ ended: boolean }> {
  // Date.now() is deterministic in workflows (the workflow task's time), and skips in time-skipping tests.
  const remaining = Date.parse(input.until) - Date.now();
  if (remaining > 0) await sleep(remaining);
  return pool.endImpactPeriod({ memberId: input.memberId, eventId: input.eventId, reentry: input.reentry });
}
