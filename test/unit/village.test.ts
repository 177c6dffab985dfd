import { isTrained, type TrainingFact } from '../../domain/training';
import {
  checkVisitStep,
  cstYearBounds,
  daysOutstanding,
  homeVisitNote,
  homeVisitReasons,
  VisitRuleError,
} from '../../domain/village';
import { loadEnv } from '../../platform/env';

const record = (over: Partial<TrainingFact> = {}): TrainingFact => ({
  kind: 'agent_filing',
  completedOn: '2026-03-01',
  validUntil: '2026-12-31',
  ...over,
});

describe('S-2.2 S-2.6 isTrained', () => {
  test('S-2.2 in force from the day of completion through the last valid day, inclusive', () => {
    expect(isTrained([record()], 'agent_filing', '2026-03-01')).toBe(true);
    expect(isTrained([record()], 'agent_filing', '2026-12-31')).toBe(true);
  });

  test('S-2.2 not yet completed the day before, expired the day after', () => {
    expect(isTrained([record()], 'agent_filing', '2026-02-28')).toBe(false);
    expect(isTrained([record()], 'agent_filing', '2027-01-01')).toBe(false);
  });

  test('S-2.2 a record without an expiry stays in force', () => {
    expect(isTrained([record({ validUntil: null })], 'agent_filing', '2099-01-01')).toBe(true);
  });

  test('S-2.6 a training of another kind does not count; any record in force does', () => {
    expect(isTrained([record({ kind: 'hotline_duty' })], 'agent_filing', '2026-06-01')).toBe(false);
    expect(isTrained([record({ kind: 'hotline_duty' })], 'hotline_duty', '2026-06-01')).toBe(true);
    const renewed = [record({ validUntil: '2025-12-31', completedOn: '2025-01-01' }), record()];
    expect(isTrained(renewed, 'agent_filing', '2026-06-01')).toBe(true);
    expect(isTrained([], 'agent_filing', '2026-06-01')).toBe(false);
  });
});

describe('S-2.2 paper tracking in China days, S-2.3 visits', () => {
  test('S-2.2 days outstanding count China calendar days, not 24-hour spans', () => {
    // 23:30 and 00:30 the next day in Shanghai: one day, though an hour apart.
    expect(daysOutstanding(new Date('2026-05-01T15:30:00Z'), new Date('2026-05-01T16:30:00Z'))).toBe(1);
    expect(daysOutstanding(new Date('2026-05-01T01:00:00Z'), new Date('2026-05-01T15:00:00Z'))).toBe(0);
    expect(daysOutstanding(new Date('2026-05-01T01:00:00Z'), new Date('2026-05-04T01:00:00Z'))).toBe(3);
  });

  test('S-2.3 a China year runs from 00:00 on 1 January Shanghai time', () => {
    expect(cstYearBounds(2026)).toEqual({
      from: new Date('2025-12-31T16:00:00.000Z'),
      to: new Date('2026-12-31T16:00:00.000Z'),
    });
  });

  test('S-2.3 a done visit cannot be rescheduled; a cancelled one takes no step', () => {
    expect(() => checkVisitStep('done', 'schedule')).toThrow(VisitRuleError);
    expect(() => checkVisitStep('cancelled', 'done')).toThrow(VisitRuleError);
    expect(() => checkVisitStep('requested', 'schedule')).not.toThrow();
    expect(() => checkVisitStep('done', 'done')).not.toThrow();
  });
});

describe('S-2.2 REQUIRE_TRAINING', () => {
  test('S-2.2 the filing training is required unless configured off', () => {
    expect(loadEnv({}).REQUIRE_TRAINING).toBe(true);
    expect(loadEnv({ REQUIRE_TRAINING: 'false' }).REQUIRE_TRAINING).toBe(false);
    expect(() => loadEnv({ REQUIRE_TRAINING: 'maybe' })).toThrow(/REQUIRE_TRAINING/);
  });
});

describe('S-2.3 home visits advised', () => {
  test('S-2.3: 60 or more by the ID number, disabled, (semi-)disabled or limited mobility advise a home visit', () => {
    expect(homeVisitReasons({ age: 59 })).toEqual([]);
    expect(homeVisitReasons({ age: 60 })).toEqual(['年满60周岁']);
    expect(
      homeVisitReasons({ specialGroup: 'disabled', disabledOrSemiDisabled: true, mobilityImpaired: true }),
    ).toEqual(['残疾人', '失能、半失能', '行动不便']);
    expect(homeVisitNote([])).toBeUndefined();
    expect(homeVisitNote(['行动不便'])).toBe('建议上门服务（S-2.3）：申请人行动不便');
  });
});
