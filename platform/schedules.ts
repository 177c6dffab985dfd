/**
 * Issue 8: the Temporal schedules the system runs by itself: the read model's reconciliation (every
 * RECONCILE_EVERY_MINUTES) and the daily digest (DIGEST_TIME, Asia/Shanghai). Created by the worker at start-up;
 * an existing schedule is updated to the configured spec, so changing the configuration and restarting is enough.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Env } from './env';

export const RECONCILE_SCHEDULE_ID = 'read-model-reconcile';
export const DIGEST_SCHEDULE_ID = 'daily-digest';

export interface ScheduleConfig {
  taskQueue: string;
  reconcileEveryMinutes: number;
  /** HH:MM China time. */
  digestTime: string;
  digestWithinHours: number;
  /** Created paused (tests: only a trigger runs them). */
  paused?: boolean;
  /** Reconcile one agency only (tests share a database with other Temporal servers); all when absent. */
  reconcileAgency?: string;
}

export function scheduleConfig(env: Env): ScheduleConfig {
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    reconcileEveryMinutes: env.RECONCILE_EVERY_MINUTES,
    digestTime: env.DIGEST_TIME,
    digestWithinHours: env.DIGEST_WITHIN_HOURS,
  };
}

export function scheduleOptions(config: ScheduleConfig): ScheduleOptions[] {
  const [hour, minute] = config.digestTime.split(':').map(Number) as [number, number];
  return [
    {
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: `${config.reconcileEveryMinutes} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcileReadModelWorkflow',
        taskQueue: config.taskQueue,
        workflowId: RECONCILE_SCHEDULE_ID,
        args: [config.reconcileAgency ? { agencyCode: config.reconcileAgency } : {}],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      ...(config.paused ? { state: { paused: true, note: 'created paused' } } : {}),
    },
    {
      scheduleId: DIGEST_SCHEDULE_ID,
      spec: { calendars: [{ hour, minute, dayOfWeek: '*' }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: 'dailyDigestWorkflow',
        taskQueue: config.taskQueue,
        workflowId: DIGEST_SCHEDULE_ID,
        args: [{ withinHours: config.digestWithinHours }],
      },
      // A digest missed while the system was down is sent when it comes back the same day, not days later.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '12 hours' },
      ...(config.paused ? { state: { paused: true, note: 'created paused' } } : {}),
    },
  ];
}

export async function ensureSchedules(client: Client, config: ScheduleConfig, log: Logger): Promise<void> {
  for (const options of scheduleOptions(config)) {
    try {
      await client.schedule.create(options);
      log.info({ scheduleId: options.scheduleId }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
      }));
      log.info({ scheduleId: options.scheduleId }, 'schedule updated');
    }
  }
}
