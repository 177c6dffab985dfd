/** S-4.6 / L-15 published results and S-4.7 award eligibility as pure functions (domain/results.ts). */
import { awardStandings, tallyResults, type FinalEvaluation } from '../../domain/results';

const e = (applicationNo: string, memberId: string, institutionId: string, tier: FinalEvaluation['tier']) => ({
  applicationNo,
  memberId,
  institutionId,
  tier,
});

const evaluations: FinalEvaluation[] = [
  e('KQ-2025-000001', 'm1', 'i1', 'excellent'),
  e('KQ-2025-000002', 'm1', 'i1', 'good'),
  e('KQ-2025-000003', 'm2', 'i1', 'unqualified'),
  e('KQ-2025-000004', 'm3', 'i2', 'excellent'),
  e('KQ-2025-000005', 'm4', 'i2', 'pass'),
];

test('S-4.6 L-15 counts per tier and payout totals for the agency, each institution and each member', () => {
  const paid = new Map([
    ['KQ-2025-000001', 120_000],
    ['KQ-2025-000002', 90_000],
    ['KQ-2025-000004', 120_000],
  ]);
  const r = tallyResults(evaluations, paid);
  expect(r).toMatchObject({
    cases: 5,
    tiers: { excellent: 2, good: 1, pass: 1, unqualified: 1 },
    payoutCents: 330_000,
  });
  expect(r.institutions.map((i) => [i.institutionId, i.cases, i.payoutCents])).toEqual([
    ['i1', 3, 210_000],
    ['i2', 2, 120_000],
  ]);
  expect(r.members.map((m) => [m.memberId, m.tiers.excellent, m.payoutCents])).toEqual([
    ['m1', 1, 210_000],
    ['m2', 0, 0],
    ['m3', 1, 120_000],
    ['m4', 0, 0],
  ]);
  expect(JSON.stringify(r)).not.toContain('KQ-2025');
});

test('S-4.7 an excellent case and no unqualified one; one unqualified case excludes the member and its institution', () => {
  const { members, institutions } = awardStandings(evaluations);
  const byMember = Object.fromEntries(members.map((m) => [m.memberId, m]));
  expect(byMember.m1).toMatchObject({ eligible: true, reasonCode: null });
  expect(byMember.m2).toMatchObject({
    eligible: false,
    reasonCode: 'UNQUALIFIED_CASE',
    unqualifiedCases: ['KQ-2025-000003'],
  });
  expect(byMember.m3).toMatchObject({ eligible: true });
  expect(byMember.m4).toMatchObject({ eligible: false, reasonCode: 'NO_EXCELLENT_CASE' });
  expect(institutions.map((i) => [i.institutionId, i.eligible, i.reasonCode])).toEqual([
    ['i1', false, 'UNQUALIFIED_CASE'],
    ['i2', true, null],
  ]);
  // An excellent case does not outweigh an unqualified one.
  expect(awardStandings([e('a', 'x', 'y', 'excellent'), e('b', 'x', 'y', 'unqualified')]).members[0]?.eligible).toBe(
    false,
  );
});

test('S-4.7 city-wide: an unqualified case in another district excludes the member, the institution and its responsible people', () => {
  const cases: FinalEvaluation[] = [
    { ...e('KQ-2025-000010', 'm1', 'i1', 'excellent'), agencyCode: 'KQ' },
    { ...e('KQ-2025-000011', 'boss', 'i1', 'excellent'), agencyCode: 'KQ' },
    { ...e('YC-2025-000001', 'm1', 'i1', 'unqualified'), agencyCode: 'YC' },
    { ...e('YC-2025-000002', 'm7', 'i7', 'excellent'), agencyCode: 'YC' },
  ];
  const r = awardStandings(cases, { agencyCode: 'KQ', responsiblePeople: new Map([['i1', ['boss', 'head-2']]]) });
  expect(r.members.map((m) => [m.memberId, m.eligible, m.reasonCode])).toEqual([
    ['boss', false, 'INSTITUTION_UNQUALIFIED'],
    ['m1', false, 'UNQUALIFIED_CASE'],
  ]);
  expect(r.institutions.map((i) => [i.institutionId, i.unqualifiedCases])).toEqual([['i1', ['YC-2025-000001']]]);
  expect(r.excludedPeople.map((p) => [p.personId, p.institutionId])).toEqual([
    ['boss', 'i1'],
    ['head-2', 'i1'],
  ]);
});
