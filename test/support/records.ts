/** Writing a case's stored record the way its workflow's recorder does (one `recordCase` batch), for activity tests. */
import type { Activities } from '../../activities';
import type { EventRecord } from '../../activities/application-records';
import type { ApplicationInput, ApplicationState } from '../../domain/definitions';
import type { EligibilityDecision } from '../../domain/eligibility';

const ELIGIBILITY: EligibilityDecision = {
  version: 'test',
  outcome: { kind: 'verify', ruleIds: ['S-1.3'] } as EligibilityDecision['outcome'],
  anyMatter: false,
  matterScope: { statutory: true, allowed: true, ruleIds: ['S-1.1'], note: '测试用事项范围' },
  facts: [],
  summary: '测试用资格审查记录',
};

/** The first batch: the application as received, its intake event and state. */
export function openRecord(acts: Activities, input: ApplicationInput, state: ApplicationState): Promise<string[]> {
  return acts.recordCase({
    opening: { input, state, eligibility: ELIGIBILITY, checks: [] },
    events: [],
    state,
    notices: [],
  });
}

/** A later batch with one event and the state it leaves. */
export function recordEvent(acts: Activities, event: EventRecord, state: ApplicationState): Promise<string[]> {
  return acts.recordCase({ events: [event], state, notices: [] });
}

interface HistoryEventLike {
  markerRecordedEventAttributes?: {
    markerName?: string | null;
    details?: Record<string, { payloads?: Array<{ data?: Uint8Array | null }> | null }> | null;
  } | null;
}

/**
 * The record writes of a history (`recordCase`, `recordEvaluation`, `recordCall` run as local activities): one per
 * marker the SDK recorded for a call of `activityType`, with the attempt that settled it.
 */
export function localActivityCalls(events: HistoryEventLike[], activityType: string): Array<{ attempt: number }> {
  return events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    const data = m?.markerName === 'core_local_activity' ? m.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const meta = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string; attempt?: number };
    return meta.activity_type === activityType ? [{ attempt: meta.attempt ?? 1 }] : [];
  });
}
