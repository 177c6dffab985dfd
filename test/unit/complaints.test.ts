/** L-13 complaints as pure rules: the clocks in working days and days, who may complain and handle, the measures. */
import {
  acceptancePeriod,
  canMove,
  checkComplaint,
  checkDecision,
  ComplaintRuleError,
  extendHandling,
  handlerRole,
  handlingPeriod,
  mayHandle,
  notificationPeriod,
  type ComplaintFacts,
} from '../../domain/complaints';
import { startOfCstDay } from '../../domain/time';
import { packagedCalendar } from '../../repositories/calendar';

const CALENDAR = packagedCalendar();
const at10 = (date: string) => new Date(startOfCstDay(date).getTime() + 10 * 3_600_000);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ComplaintRuleError) return err.code;
    throw err;
  }
  return undefined;
};

describe('L-13 clocks', () => {
  test('L-13 accept within 5 working days: received Tue 2026-09-29, National Day and a weekend between, 调休 Saturday counts', () => {
    // 09-30 (1), 10-01..07 国庆节, 10-08 (2), 10-09 (3), 10-10 Sat 调休 (4), 10-11 Sun rest, 10-12 (5).
    const p = acceptancePeriod(at10('2026-09-29'), CALENDAR);
    expect(p.lastDay).toBe('2026-10-12');
    expect(p.dueAt.toISOString()).toBe(startOfCstDay('2026-10-13').toISOString());
  });

  test('L-13 accept within 5 working days: a plain week (Fri to the next Fri)', () => {
    expect(acceptancePeriod(at10('2026-11-20'), CALENDAR).lastDay).toBe('2026-11-27');
  });

  test('L-13 handled within 60 days of acceptance; a last day on a rest day moves to the next working day', () => {
    expect(handlingPeriod(at10('2026-05-28'), CALENDAR).lastDay).toBe('2026-07-27');
    // 2026-08-02 + 60 days = 2026-10-01 (国庆节): moves to 2026-10-08.
    const p = handlingPeriod(at10('2026-08-02'), CALENDAR);
    expect(p).toMatchObject({ lastDay: '2026-10-08', moved: { from: '2026-10-01', reason: '因国庆节顺延' } });
  });

  test('L-13 one extension of at most 30 days: 60 + 30 = 90 days', () => {
    const due = handlingPeriod(at10('2026-05-28'), CALENDAR);
    expect(extendHandling(due.dueAt, 30, false, CALENDAR).lastDay).toBe('2026-08-26');
  });

  test('L-13 a second extension and more than 30 days are refused', () => {
    const due = handlingPeriod(at10('2026-05-28'), CALENDAR).dueAt;
    expect(codeOf(() => extendHandling(due, 31, false, CALENDAR))).toBe('COMPLAINT_EXTENSION_TOO_LONG');
    expect(codeOf(() => extendHandling(due, 0, false, CALENDAR))).toBe('COMPLAINT_EXTENSION_TOO_LONG');
    expect(codeOf(() => extendHandling(due, 10, true, CALENDAR))).toBe('COMPLAINT_ALREADY_EXTENDED');
  });

  test('L-13 the result is told within 5 working days of the decision', () => {
    // Decided Thu 2026-09-24: 09-25..27 中秋, 09-28 (1), 09-29 (2), 09-30 (3), 10-01..07 国庆节, 10-08 (4), 10-09 (5).
    expect(notificationPeriod(at10('2026-09-24'), CALENDAR).lastDay).toBe('2026-10-09');
  });
});

describe('L-13 who may complain, anonymous complaints', () => {
  const base: ComplaintFacts = {
    complainantKind: 'aided_person',
    anonymous: false,
    respondentKind: 'member',
    respondentId: 'm-1',
    applicationNo: 'YC-2026-000001',
    facts: '承办律师两个月未与我联系，也未阅卷。',
    request: '更换律师并查处',
  };

  test('L-13 a party to the case names the case; a witness need not', () => {
    const { applicationNo: _none, ...noCase } = base;
    expect(codeOf(() => checkComplaint(noCase))).toBe('COMPLAINT_CASE_REQUIRED');
    expect(codeOf(() => checkComplaint({ ...noCase, complainantKind: 'witness' }))).toBeUndefined();
    expect(codeOf(() => checkComplaint(base))).toBeUndefined();
  });

  test('L-13 an anonymous complaint needs concrete facts', () => {
    const anon = { ...base, complainantKind: 'witness' as const, anonymous: true };
    expect(codeOf(() => checkComplaint({ ...anon, facts: '律师不负责' }))).toBe('COMPLAINT_ANONYMOUS_FACTS');
    expect(
      codeOf(() => checkComplaint({ ...anon, facts: '2026年11月3日在法院门口看见该律师向受援人收取现金两千元。' })),
    ).toBeUndefined();
  });

  test('L-13 facts and what is asked are required', () => {
    expect(codeOf(() => checkComplaint({ ...base, request: ' ' }))).toBe('COMPLAINT_FACTS_REQUIRED');
  });
});

describe('L-13 handlers and decisions', () => {
  const member = { kind: 'member' as const, id: 'm-1', institutionId: 'inst-1', agencyCode: 'YC' };

  test('L-13 the member complained about, and their institution, may not handle', () => {
    expect(mayHandle({ userId: 'm-1', role: 'agency_staff', agencyCode: 'YC' }, member)).toBe(false);
    expect(mayHandle({ userId: 'q-1', role: 'agency_staff', institution: 'inst-1' }, member)).toBe(false);
    expect(mayHandle({ userId: 's-1', role: 'agency_staff', agencyCode: 'YC' }, member)).toBe(true);
  });

  test('L-13 a complaint about the agency is handled by the justice bureau, not the agency', () => {
    const agency = { kind: 'agency' as const, id: 'YC', agencyCode: 'YC' };
    expect(handlerRole(agency)).toBe('justice_bureau');
    expect(handlerRole(member)).toBe('agency');
    expect(mayHandle({ userId: 's-1', role: 'agency_head', agencyCode: 'YC' }, agency)).toBe(false);
    expect(mayHandle({ userId: 'j-1', role: 'justice_bureau', agencyCode: 'YC' }, agency)).toBe(true);
  });

  test('L-13 S-2.8(b) a suspension is of a member and needs a future end of its impact period', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const d = { outcome: 'substantiated' as const, measures: ['suspension' as const], reason: '查证属实' };
    expect(codeOf(() => checkDecision(d, member, now))).toBe('COMPLAINT_IMPACT_UNTIL_REQUIRED');
    expect(codeOf(() => checkDecision({ ...d, impactUntil: '2027-06-01T00:00:00Z' }, member, now))).toBeUndefined();
    const inst = { kind: 'institution' as const };
    expect(codeOf(() => checkDecision({ ...d, impactUntil: '2027-06-01T00:00:00Z' }, inst, now))).toBe(
      'COMPLAINT_SUSPENSION_MEMBER_ONLY',
    );
  });

  test('L-13 a complaint not substantiated has no measures', () => {
    const d = { outcome: 'not_substantiated' as const, measures: ['interview' as const], reason: '经查不属实' };
    expect(codeOf(() => checkDecision(d, member, new Date()))).toBe('COMPLAINT_MEASURES_NOT_ALLOWED');
  });

  test('L-13 withdrawal only before the decision; a refusal or closure ends the complaint', () => {
    expect(canMove('received', 'withdrawn')).toBe(true);
    expect(canMove('handling', 'withdrawn')).toBe(true);
    expect(canMove('decided', 'withdrawn')).toBe(false);
    expect(canMove('refused', 'handling')).toBe(false);
  });
});
