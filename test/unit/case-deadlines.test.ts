/** Civil Code art. 203: every running day-counted deadline of a case is counted again with a changed calendar. */
import { mergeCalendars } from '../../domain/calendar';
import { applicationDeadlines, recount } from '../../domain/case-deadlines';
import { dayPeriod } from '../../domain/deadlines';
import type { ApplicationState } from '../../domain/definitions';
import { applicationObligations } from '../../domain/obligations';
import { moveReviewClock } from '../../domain/review-clock';
import { addCalendarDays, startOfCstDay } from '../../domain/time';
import { applicationInput } from '../support/context';

const cst = (local: string) => Date.parse(`${local}+08:00`);
const OLD = mergeCalendars({ rest: {}, work: {} }, [], 'old');
/** 2095 (1 May a Sunday): 10 to 12 May made holidays. */
const NEW = mergeCalendars(
  { rest: {}, work: {} },
  [
    { date: '2095-05-10', kind: 'rest', name: '劳动节' },
    { date: '2095-05-11', kind: 'rest', name: '劳动节' },
    { date: '2095-05-12', kind: 'rest', name: '劳动节' },
  ],
  'new',
);
const input = applicationInput({ receivedAt: new Date(cst('2095-05-01T10:00:00')).toISOString() });
const base = (extra: Partial<ApplicationState>): ApplicationState => ({
  applicationNo: input.applicationNo,
  agencyCode: input.agencyCode,
  channel: 'walk_in',
  stage: 'under_review',
  stageEnteredAt: input.receivedAt,
  seq: 3,
  materialsSupplied: [],
  materialsMissing: [],
  ...extra,
});
const now = cst('2095-05-02T09:00:00');

test('L-1: a resumed review clock is counted again from its resumption with the days that were left', () => {
  // 7 days: counted last day Sunday 8 May, in force Monday 9 May.
  const state = base({ reviewDueAt: dayPeriod(new Date(input.receivedAt), 7, OLD).dueAt.toISOString() });
  moveReviewClock(state, 'awaiting_materials', true, cst('2095-05-03T10:00:00'), OLD); // 6 days left
  moveReviewClock(state, 'under_review', true, cst('2095-05-05T10:00:00'), OLD); // last day 11 May
  expect(state.reviewDueAt).toBe(new Date(cst('2095-05-12T00:00:00')).toISOString());
  const moved = recount(applicationDeadlines(state, input, NEW, OLD), now);
  expect(moved).toEqual([
    expect.objectContaining({
      key: 'review',
      lastDay: '2095-05-13',
      moved: { from: '2095-05-11', reason: '因劳动节顺延' },
    }),
  ]);
  expect(state.reviewDueAt).toBe(new Date(cst('2095-05-14T00:00:00')).toISOString());
  // Counted again with the same calendar, nothing moves.
  expect(recount(applicationDeadlines(state, input, NEW, NEW), now)).toEqual([]);
});

test('S-3.1 L-10 L-6 L-12: verification, objection review, engagement and closure deadlines are counted again', () => {
  const rules = input.rules;
  const from = (local: string, days: number) => {
    const at = new Date(cst(local));
    return { at: at.toISOString(), due: dayPeriod(at, days, OLD).dueAt.toISOString() };
  };
  const v = from('2095-05-07T10:00:00', 3); // last day 10 May
  const check = base({
    verification: {
      status: 'pending',
      tasks: [{ id: 'phone-1', route: 'phone', requestedBy: 's', requestedAt: v.at, dueAt: v.due, dueDays: 3 }],
    },
  });
  expect(recount(applicationDeadlines(check, input, NEW, OLD), now).map((m) => m.key)).toEqual([
    'verification:phone-1',
  ]);
  expect(check.verification!.tasks[0]!.dueAt).toBe(new Date(cst('2095-05-14T00:00:00')).toISOString());

  const o = from(
    `2095-05-${String(10 - rules.objectionReviewDays).padStart(2, '0')}T10:00:00`,
    rules.objectionReviewDays,
  );
  const objection = base({
    stage: 'objection_review',
    objection: { filedAt: o.at, filedBy: 'a', reason: 'r', reviewDueAt: o.due, against: 'refusal' },
  });
  expect(recount(applicationDeadlines(objection, input, NEW, OLD), now).map((m) => m.key)).toEqual([
    'objection-review',
  ]);

  const e = from(`2095-05-${String(10 - rules.engagementDays).padStart(2, '0')}T10:00:00`, rules.engagementDays);
  const engaging = base({
    stage: 'assigned',
    performance: {
      memberId: 'm-1',
      institutionId: 'i-1',
      assignedOn: '2095-05-05',
      assignedAt: e.at,
      caseStage: 'first_instance',
      engagementDueAt: e.due,
      engagementReminded: true,
      stageChanges: [],
      progressReports: 0,
      terminationReports: [],
      closureReminders: [],
      qaReviews: [],
    },
  });
  const running = applicationDeadlines(engaging, input, NEW, OLD);
  expect(recount(running, now).map((m) => m.key)).toEqual(['engagement']);
  expect(engaging.performance!.engagementReminded).toBeUndefined(); // its reminder re-arms
  const endedOn = addCalendarDays('2095-05-10', -rules.closureReportDays);
  const closing = base({
    stage: 'performing',
    performance: {
      ...engaging.performance!,
      engagementDueAt: e.due,
      matterEndedOn: endedOn,
      closureDueAt: dayPeriod(startOfCstDay(endedOn), rules.closureReportDays, OLD).dueAt.toISOString(),
    },
  });
  expect(recount(applicationDeadlines(closing, input, NEW, OLD), now).map((m) => m.key)).toEqual(['closure']);
  expect(closing.performance!.closureDueAt).toBe(new Date(cst('2095-05-14T00:00:00')).toISOString());

  // The board says why the due date moved.
  engaging.deadlineMoves = { engagement: { from: '2095-05-10', reason: '因劳动节顺延' } };
  expect(applicationObligations(engaging).find((x) => x.kind === 'engagement')).toMatchObject({
    dueAt: engaging.performance!.engagementDueAt,
    dueMoved: '因劳动节顺延',
  });
});

test('Civil Code art. 203: a deadline already passed is not counted again', () => {
  const state = base({ reviewDueAt: dayPeriod(new Date(input.receivedAt), 9, OLD).dueAt.toISOString() });
  expect(recount(applicationDeadlines(state, input, NEW, OLD), cst('2095-05-12T00:00:00'))).toEqual([]);
});
