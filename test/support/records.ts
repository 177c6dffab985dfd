/** Writing a case's stored record the way its workflow's recorder does (one `recordCase` batch), for activity tests. */
import type { Activities } from '../../activities';
import type { EventRecord } from '../../activities/application-records';
import type { ApplicationInput, ApplicationState } from '../../domain/definitions';
import type { EligibilityDecision } from '../../domain/eligibility';

const ELIGIBILITY: EligibilityDecision = {
  version: 'test',
  outcome: { kind: 'verify', ruleIds: ['S-1.3'] } as EligibilityDecision['outcome'],
  anyMatter: false,
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
