/**
 * Civil Code art. 203: a published change of the holiday calendar reaches every open case. Started by
 * `PUT /calendar/:year` with one id per calendar version (`calendar-broadcast-<version>`), it lists the open cases
 * from the read model in pages and signals each page's workflows (`calendarChanged`) in an activity retried until it
 * succeeds, so a crash of the API or a worker never leaves a case on the old calendar. A case started after the
 * change fetches the new calendar itself; a repeated signal changes nothing.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Cases per page (each page is one signalling activity). */
const PAGE = 100;

export interface CalendarBroadcastInput {
  calendarVersion: string;
  /** Where a continued run goes on (the last application number signalled), and how many were reached so far. */
  after?: string;
  notified?: number;
  /** The second pass (below) is under way. */
  again?: boolean;
}

/**
 * Never rename: the workflow type name is persisted. Two passes a minute apart: a case that fetched the old calendar
 * as it opened but had not yet stored its first record when the first pass listed the open cases is reached by the
 * second (a case told twice changes nothing the second time).
 */
export async function calendarBroadcastWorkflow(input: CalendarBroadcastInput): Promise<{ notified: number }> {
  let { after, notified = 0, again = false } = input;
  for (;;) {
    const page = await acts.openCaseWorkflows({ ...(after === undefined ? {} : { after }), limit: PAGE });
    if (page.workflowIds.length > 0) {
      notified += (await acts.signalCalendarChanged({ workflowIds: page.workflowIds })).notified;
    }
    after = page.next;
    if (after === undefined) {
      if (again) return { notified };
      again = true;
      await sleep('1 minute');
    }
    if (workflowInfo().continueAsNewSuggested) {
      const { calendarVersion } = input;
      await continueAsNew<typeof calendarBroadcastWorkflow>({
        calendarVersion,
        ...(after === undefined ? {} : { after }),
        notified,
        again,
      });
    }
  }
}
