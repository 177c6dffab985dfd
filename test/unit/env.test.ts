import { specialCaseCoefficientFor } from '../../domain/rule-config';
import { loadEnv, ruleConfig } from '../../platform/env';
import { resolveExecutable } from '../../platform/temporal';

describe('configuration', () => {
  test('defaults: embedded mode, the text rule numbers (S-3.2 15 days, L-1 7 days)', () => {
    const env = loadEnv({});
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe('.data');
    expect(ruleConfig(env)).toEqual({
      correctionDays: 15,
      reviewDays: 7,
      reminderDaysBefore: [3, 1, 0],
      reminderHourCst: 9,
      maxExtensionDays: 15,
      reviewPausesForMaterials: true,
      objectionWindowDays: 15,
      objectionReviewDays: 5,
      hardshipStandard: { id: 'SX-unset', monthlyIncomePerCapita: 2400, otherExemptGroups: [] },
      excludedMatters: [],
      assignmentDays: 3, // L-3, L-4
      memberConfirmHours: 24, // S-2.10 (our default)
      poolReentryAfterImpact: 'confirm', // S-2.8(b): (b) is a removal
      personsPerMember: 10, // S-3.3 group cases (our default)
      maxMembersPerCase: 3,
      excellentThreshold: 3, // S-2.9(g)
      excellentWeight: 1.5,
      engagementDays: 5, // L-6
      closureReportDays: 30, // L-12
      closureReminderDaysBefore: [7, 1],
      evaluationStepDays: 15, // S-4.4 (our defaults)
      evaluationObjectionDays: 15,
      spotCheckRate: 0.1,
      interviewDays: 15, // S-4.6
      qualityTiers: [
        { tier: 'excellent', minScore: 90, coefficient: 1.2 }, // S-4.5
        { tier: 'good', minScore: 75, coefficient: 0.9 },
        { tier: 'pass', minScore: 60, coefficient: 0.6 },
        { tier: 'unqualified', minScore: 0, coefficient: 0 },
      ],
      removalThreshold: 65, // S-2.8(a)
      specialCaseCoefficient: 1,
      specialCaseCoefficients: {},
      terminatedCaseFeeShare: 0.5, // S-4.5 (our default: the texts give no number)
      hotline: {
        dayStartMinute: 510, // S-2.4 08:30
        dayEndMinute: 1320, // 22:00
        dayAnswerMinutes: 3,
        nightAnswerByMinute: 600, // 10:00
        claimHoldMinutes: 2,
        callsPerDutyDay: 30, // S-2.5
        dutyChannels: ['phone', 'online'],
      },
      complaints: {
        acceptWorkingDays: 5, // L-13
        handleDays: 60,
        maxExtensionDays: 30,
        notifyWorkingDays: 5,
        responseWorkingDays: 5, // our default
        reminderDaysBefore: [1],
        reminderHourCst: 9,
      },
    });
  });

  test('rule numbers are configuration', () => {
    expect(ruleConfig(loadEnv({ RULE_CORRECTION_DAYS: '10' })).correctionDays).toBe(10);
    expect(ruleConfig(loadEnv({ RULE_ASSIGNMENT_DAYS: '2' })).assignmentDays).toBe(2);
    expect(ruleConfig(loadEnv({ HOTLINE_DAY_START: '08:00' })).hotline.dayStartMinute).toBe(480); // S-2.4
    expect(() => loadEnv({ HOTLINE_DAY_END: '25:00' })).toThrow(/HOTLINE_DAY_END/);
    // S-2.5: one setting says which answered calls count (phone, online, or both).
    expect(ruleConfig(loadEnv({ DUTY_CHANNELS: 'online' })).hotline.dutyChannels).toEqual(['online']);
    expect(() => loadEnv({ DUTY_CHANNELS: 'fax' })).toThrow(/DUTY_CHANNELS/);
    // S-2.8(a): the removal threshold is configuration too (the evaluation and the pool read the same value).
    expect(ruleConfig(loadEnv({ RULE_REMOVAL_THRESHOLD: '70' })).removalThreshold).toBe(70);
    expect(() => loadEnv({ RULE_REMOVAL_THRESHOLD: '65.001' })).toThrow(/RULE_REMOVAL_THRESHOLD/);
    // S-4.5: special cases are paid as each county centre decides.
    expect(ruleConfig(loadEnv({ RULE_TERMINATED_CASE_FEE_SHARE: '0.4' })).terminatedCaseFeeShare).toBe(0.4);
    expect(ruleConfig(loadEnv({ RULE_GROUP_LEAD_FEE_SHARE: '0.6' })).groupLeadFeeShare).toBe(0.6);
    expect(() => loadEnv({ RULE_GROUP_LEAD_FEE_SHARE: '1.5' })).toThrow(/RULE_GROUP_LEAD_FEE_SHARE/);
    const perCounty = ruleConfig(loadEnv({ RULE_SPECIAL_CASE_COEFFICIENTS: 'KQ=0.8, ZJ=1.2' }));
    expect(perCounty.specialCaseCoefficients).toEqual({ KQ: 0.8, ZJ: 1.2 });
    expect(specialCaseCoefficientFor(perCounty, 'KQ')).toBe(0.8);
    expect(specialCaseCoefficientFor(perCounty, 'YC')).toBe(1);
    expect(() => loadEnv({ RULE_SPECIAL_CASE_COEFFICIENTS: 'XX=1' })).toThrow(/RULE_SPECIAL_CASE_COEFFICIENTS/);
    expect(ruleConfig(loadEnv({ RULE_REMINDER_DAYS_BEFORE: '5,2' })).reminderDaysBefore).toEqual([5, 2]);
    // S-1.1: excluded matters, only from outside the statutory list.
    expect(ruleConfig(loadEnv({ RULE_EXCLUDED_MATTERS: 'family, other' })).excludedMatters).toEqual([
      'family',
      'other',
    ]);
    expect(() => loadEnv({ RULE_EXCLUDED_MATTERS: 'labour_remuneration' })).toThrow(/RULE_EXCLUDED_MATTERS/);
    expect(() => loadEnv({ RULE_REMINDER_DAYS_BEFORE: 'soon' })).toThrow(/RULE_REMINDER_DAYS_BEFORE/);
  });

  test('bad values are refused with the variable named', () => {
    expect(() => loadEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadEnv({ RULE_CORRECTION_DAYS: '0' })).toThrow(/RULE_CORRECTION_DAYS/);
    expect(() => loadEnv({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
  });

  test('empty strings count as unset, so `TEMPORAL_ADDRESS=` means embedded', () => {
    expect(loadEnv({ TEMPORAL_ADDRESS: '' }).TEMPORAL_ADDRESS).toBeUndefined();
  });
});

describe('finding the Temporal CLI', () => {
  test('TEMPORAL_CLI_PATH wins; a wrong path is an error, not a silent download', () => {
    expect(resolveExecutable('/bin/sh', 'temporal', [])).toEqual({ type: 'existing-path', path: '/bin/sh' });
    expect(() => resolveExecutable('/nonexistent/temporal', 'temporal', [])).toThrow(/not found/);
  });

  test('then PATH, then the SDK download', () => {
    expect(resolveExecutable(undefined, 'sh', ['/nonexistent', '/bin'])).toEqual({
      type: 'existing-path',
      path: '/bin/sh',
    });
    expect(resolveExecutable(undefined, 'no-such-binary', ['/bin'])).toEqual({ type: 'cached-download' });
  });
});
