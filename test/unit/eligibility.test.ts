import {
  ageOn,
  birthDateFromIdNumber,
  decideEligibility,
  matterScope,
  NO_TEST_GROUNDS,
  type EligibilityFacts,
  type HardshipStandard,
  type NoTestGround,
} from '../../domain/eligibility';

const standard: HardshipStandard = {
  id: 'SX-2026',
  monthlyIncomePerCapita: 1500,
  otherExemptGroups: ['returned_veteran'],
};
const facts = (over: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  applicationDate: '2026-11-26',
  birthDate: '1980-05-05',
  notification: false,
  matterCategory: 'family',
  documentsSeen: [],
  householdSize: 2,
  monthlyHouseholdIncome: 5000,
  ...over,
});

describe('ages on the application date (China time; the birthday counts)', () => {
  test.each([
    ['1966-11-26', 60, 'turns 60 today'],
    ['1966-11-27', 59, '60 tomorrow'],
    ['1956-11-26', 70, 'turns 70 today'],
    ['1956-11-27', 69, '70 tomorrow'],
  ])('born %s: %i (%s)', (birth, age) => {
    expect(ageOn(birth, '2026-11-26')).toBe(age);
  });

  test('born on 29 February: a year older on 1 March in common years', () => {
    expect(ageOn('1956-02-29', '2026-02-28')).toBe(69);
    expect(ageOn('1956-02-29', '2026-03-01')).toBe(70);
  });

  test('birth date is read from the resident ID number', () => {
    expect(birthDateFromIdNumber('11010519491231002X')).toBe('1949-12-31');
    expect(birthDateFromIdNumber('110105194902310021')).toBeUndefined();
  });
});

describe('L-4 / L-8: no hardship test', () => {
  test('L-4 a notification case skips the hardship test entirely', () => {
    const d = decideEligibility(facts({ notification: true, monthlyHouseholdIncome: 99999 }), standard);
    expect(d.outcome).toMatchObject({ kind: 'no_test', ruleIds: ['L-4'] });
  });

  test.each(Object.keys(NO_TEST_GROUNDS) as NoTestGround[])('L-8 ground %s needs no hardship test', (ground) => {
    const d = decideEligibility(facts({ noTestGround: ground, monthlyHouseholdIncome: 99999 }), standard);
    expect(d.outcome).toEqual({ kind: 'no_test', ruleIds: ['L-8'], ground });
    expect(d.summary).toContain('L-8');
    expect(d.facts).toContainEqual({ name: 'noTestGround', value: ground });
  });
});

describe('S-1.2 waivers, each with its supporting documents (Law art. 42)', () => {
  test('S-1.2(a) a migrant worker claiming wages, with proof of the labour relation', () => {
    const d = decideEligibility(
      facts({ migrantWorker: true, matterCategory: 'labour_remuneration', documentsSeen: ['labour_relation_proof'] }),
      standard,
    );
    expect(d.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(a)'], documents: ['labour_relation_proof'] });
    expect(d.outcome.ruleIds).toContain('S-1.1');
    expect(d.anyMatter).toBe(true);
  });

  test('S-1.2(a) does not apply to a migrant worker in a family matter', () => {
    const d = decideEligibility(
      facts({ migrantWorker: true, matterCategory: 'family', documentsSeen: ['labour_relation_proof'] }),
      standard,
    );
    expect(d.outcome.kind).toBe('verify');
  });

  test('S-1.2(b) a disabled person without fixed income, with the disability certificate and the income statement', () => {
    const d = decideEligibility(
      facts({
        specialGroup: 'disabled',
        noFixedIncome: true,
        documentsSeen: ['disability_certificate', 'no_fixed_income_statement'],
      }),
      standard,
    );
    expect(d.outcome).toMatchObject({
      kind: 'waived',
      grounds: ['S-1.2(b)'],
      documents: ['no_fixed_income_statement', 'disability_certificate'],
    });
  });

  test('S-1.2(b) a disability certificate alone does not prove "no fixed source of income": verify', () => {
    for (const documentsSeen of [['disability_certificate'], ['no_fixed_income_statement']] as const) {
      const d = decideEligibility(
        facts({ specialGroup: 'disabled', noFixedIncome: true, documentsSeen: [...documentsSeen] }),
        standard,
      );
      expect(d.outcome).toMatchObject({ kind: 'verify', undocumentedGrounds: ['S-1.2(b)'] });
    }
  });

  test('S-1.2(b) a minor (by age) without fixed income', () => {
    const d = decideEligibility(
      facts({ birthDate: '2010-01-01', noFixedIncome: true, documentsSeen: ['no_fixed_income_statement'] }),
      standard,
    );
    expect(d.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(b)'] });
  });

  test.each(['social_assistance', 'judicial_assistance', 'preferential_care'] as const)(
    'S-1.2(c) %s recipient with the certificate',
    (assistance) => {
      const d = decideEligibility(facts({ assistance, documentsSeen: ['assistance_certificate'] }), standard);
      expect(d.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(c)'] });
    },
  );

  test('S-1.2(d) 70 on the application date: waived on the ID card alone', () => {
    const d = decideEligibility(facts({ birthDate: '1956-11-26' }), standard);
    expect(d.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(d)'], documents: ['id_card'] });
    expect(d.facts).toContainEqual({ name: 'age', value: 70 });
  });

  test('S-1.2(d) one day short of 70 and with nothing else: verified against the standard', () => {
    const d = decideEligibility(facts({ birthDate: '1956-11-27' }), standard);
    expect(d.outcome.kind).toBe('verify');
  });

  test.each([
    ['extremePoverty', 'poverty_certificate'],
    ['disabledOrSemiDisabled', 'disability_assessment'],
    ['seriousIllness', 'diagnosis'],
  ] as const)('S-1.2(d) aged 60 on the day and %s, documented', (flag, doc) => {
    const d = decideEligibility(facts({ birthDate: '1966-11-26', [flag]: true, documentsSeen: [doc] }), standard);
    expect(d.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(d)'] });
  });

  test('S-1.2(d) aged 59 and seriously ill is not waived on that ground', () => {
    const d = decideEligibility(
      facts({ birthDate: '1966-11-27', seriousIllness: true, documentsSeen: ['diagnosis'] }),
      standard,
    );
    expect(d.outcome.kind).toBe('verify');
  });

  test('S-1.2(e) a group on the configured list, documented; a group not on it is not waived', () => {
    const listed = decideEligibility(
      facts({ otherGroup: 'returned_veteran', documentsSeen: ['group_membership_proof'] }),
      standard,
    );
    expect(listed.outcome).toMatchObject({ kind: 'waived', grounds: ['S-1.2(e)'] });
    const unlisted = decideEligibility(
      facts({ otherGroup: 'someone', documentsSeen: ['group_membership_proof'] }),
      standard,
    );
    expect(unlisted.outcome.kind).toBe('verify');
  });

  test('S-1.2 a claimed ground without its documents is not waived yet: verification, with the ground listed', () => {
    const d = decideEligibility(facts({ assistance: 'social_assistance' }), standard);
    expect(d.outcome).toMatchObject({ kind: 'verify', undocumentedGrounds: ['S-1.2(c)'] });
  });
});

describe('S-1.3 one city-wide standard; S-1.1 any matter when it is met', () => {
  test('S-1.3 per-capita income exactly at the standard is within it (以下 includes)', () => {
    const d = decideEligibility(facts({ householdSize: 2, monthlyHouseholdIncome: 3000 }), standard);
    expect(d.outcome).toMatchObject({
      kind: 'verify',
      perCapitaIncome: 1500,
      declaredWithinStandard: true,
      standardId: 'SX-2026',
    });
    expect(d.anyMatter).toBe(true);
    expect(d.outcome.ruleIds).toEqual(['S-1.3', 'S-3.1', 'S-1.1']);
  });

  test('S-1.3 one cent above the standard is outside it, and the matter-scope limit stays (S-1.1)', () => {
    const d = decideEligibility(facts({ householdSize: 1, monthlyHouseholdIncome: 1500.01 }), standard);
    expect(d.outcome).toMatchObject({ kind: 'verify', declaredWithinStandard: false });
    expect(d.anyMatter).toBe(false);
    expect(d.summary).toContain('高于');
  });

  test('S-1.1: the eligibility summary says whether a matter outside the statutory list may be granted', () => {
    const above = decideEligibility(facts({ householdSize: 1, monthlyHouseholdIncome: 1500.01 }), standard);
    expect(above.matterScope).toMatchObject({ statutory: false, allowed: false });
    expect(above.summary).toContain('不在法律援助法第三十一条所列事项范围内');
    const within = decideEligibility(facts({ householdSize: 2, monthlyHouseholdIncome: 3000 }), standard);
    expect(within.matterScope).toMatchObject({ statutory: false, allowed: true });
    expect(within.summary).toContain('申请人符合经济困难标准，可以给予法律援助（S-1.1）');
    const excluded = decideEligibility(facts({ householdSize: 2, monthlyHouseholdIncome: 3000 }), standard, ['family']);
    expect(excluded.matterScope.allowed).toBe(false);
    // A statutory matter is in scope whatever the income; its summary stays as it was.
    const labour = decideEligibility(
      facts({ matterCategory: 'labour_remuneration', monthlyHouseholdIncome: 9000 }),
      standard,
    );
    expect(labour.matterScope).toMatchObject({ statutory: true, allowed: true });
    expect(labour.summary).not.toContain('事项');
  });

  test('S-1.1: L-8 grounds and notification cases are not limited by the matter list; exclusions bite only outside it', () => {
    expect(matterScope('family', { kind: 'no_test', anyMatter: false }).allowed).toBe(true);
    expect(matterScope('criminal_defence', { kind: 'verify', anyMatter: false }, ['criminal_defence']).allowed).toBe(
      true,
    );
    expect(matterScope('other', { kind: 'waived', anyMatter: true }, ['other']).note).toContain('不属于法律援助事项');
  });

  test('every decision names its rules version and the facts it used', () => {
    const d = decideEligibility(facts(), standard);
    expect(d.version).toMatch(/^shaoxing-/);
    expect(d.facts.map((f) => f.name)).toEqual([
      'applicationDate',
      'age',
      'matterCategory',
      'perCapitaMonthlyIncome',
      'hardshipStandard',
    ]);
  });
});
