/**
 * Eligibility, explained (经济困难审查). A pure, versioned rule module: from what the applicant declared and the
 * documents staff have seen, it decides one of
 *   - no hardship test at all: notification cases (L-4) and the grounds of Law art. 32 (L-8);
 *   - hardship verification waived (免于经济困难核查): each ground of S-1.2 (a)-(e), with its supporting documents;
 *   - hardship to be verified against the city's one configured standard (S-1.3), by S-3.1.
 * Every outcome is a decision record: the rule ids and the facts that produced it, to be stored with the case and
 * shown to staff. Meeting the standard (or having it waived) lifts the matter-scope limit (S-1.1).
 */
import { MATTER_CATEGORIES, STATUTORY_MATTERS, type MatterCategory } from './matters';
import { addCalendarDays, type CstDate } from './time';

export const ELIGIBILITY_RULES_VERSION = 'shaoxing-2024-02-01.1';

/** L-8 (Law art. 32): no hardship test for these matters. */
export const NO_TEST_GROUNDS = {
  hero_martyr_relatives: '英雄烈士近亲属为维护英雄烈士的人格权益',
  bravery: '因见义勇为行为主张相关民事权益',
  state_compensation_retrial: '再审改判无罪请求国家赔偿',
  abuse_abandonment_domestic_violence: '遭受虐待、遗弃或者家庭暴力的受害人主张相关权益',
} as const;
export type NoTestGround = keyof typeof NO_TEST_GROUNDS;

/** S-1.2: grounds on which the hardship check is waived, with the documents that support each (Law art. 42). */
export const WAIVER_GROUNDS = {
  'S-1.2(a)': { label: '城乡务工人员请求支付劳动报酬或者工伤赔偿', documents: ['labour_relation_proof'] },
  'S-1.2(b)': {
    label: '无固定生活来源的未成年人、老年人、残疾人等特定群体',
    // Both: the income statement, and the group's proof (the ID number for age, the disability certificate, …).
    documents: ['no_fixed_income_statement', 'disability_certificate', 'group_membership_proof'],
  },
  'S-1.2(c)': { label: '社会救助、司法救助或者优抚对象', documents: ['assistance_certificate'] },
  'S-1.2(d)': {
    label: '七十周岁以上的老年人；六十周岁以上的特困、失能半失能或患有重大疾病的老年人',
    documents: ['id_card', 'poverty_certificate', 'disability_assessment', 'diagnosis'],
  },
  'S-1.2(e)': { label: '法律、法规、规章或省级文件规定的其他人员', documents: ['group_membership_proof'] },
} as const;
export type WaiverGround = keyof typeof WAIVER_GROUNDS;

export const SUPPORTING_DOCUMENTS = {
  labour_relation_proof: '劳动关系或务工证明（劳动合同、工资欠条、工友证言等）',
  no_fixed_income_statement: '无固定生活来源的证明',
  disability_certificate: '残疾人证',
  assistance_certificate: '社会救助、司法救助或优抚对象证明',
  id_card: '居民身份证（证明年龄）',
  poverty_certificate: '特困人员证明',
  disability_assessment: '失能、半失能评估证明',
  diagnosis: '重大疾病诊断证明',
  group_membership_proof: '属于规定群体的证明',
} as const;
export type SupportingDocument = keyof typeof SUPPORTING_DOCUMENTS;

export interface EligibilityFacts {
  /** Date the application was received, in China time. */
  applicationDate: CstDate;
  /** From the resident ID number (digits 7-14) or declared. */
  birthDate?: CstDate;
  /** L-4: sent by a court, procuratorate or public-security organ. */
  notification: boolean;
  matterCategory: string;
  noTestGround?: NoTestGround;
  /** S-1.2(a): an urban/rural migrant worker at a construction site, factory or similar workplace. */
  migrantWorker?: boolean;
  /** S-1.2(b): minor, elderly or disabled person, or another special group... */
  specialGroup?: 'minor' | 'elderly' | 'disabled' | 'other';
  /** ...without a fixed source of income. */
  noFixedIncome?: boolean;
  /** S-1.2(c) */
  assistance?: 'social_assistance' | 'judicial_assistance' | 'preferential_care';
  /** S-1.2(d) */
  extremePoverty?: boolean;
  disabledOrSemiDisabled?: boolean;
  seriousIllness?: boolean;
  /** S-2.3: limited mobility (行动不便); no hardship ground, it advises a home visit. */
  mobilityImpaired?: boolean;
  /** S-1.2(e): a group named in the configured list. */
  otherGroup?: string;
  documentsSeen: SupportingDocument[];
  householdSize: number;
  monthlyHouseholdIncome: number;
}

/** S-1.3: the city's one hardship standard, configured (not per clerk), with its version. */
export interface HardshipStandard {
  id: string;
  /** Monthly income per household member at or below which a household is in economic hardship (元). */
  monthlyIncomePerCapita: number;
  /** S-1.2(e): groups that laws, regulations, rules or provincial documents exempt. */
  otherExemptGroups: string[];
}

export interface Fact {
  name: string;
  value: string | number | boolean;
}

export type EligibilityOutcome =
  | { kind: 'no_test'; ruleIds: string[]; ground: string }
  | { kind: 'waived'; ruleIds: string[]; grounds: WaiverGround[]; documents: SupportingDocument[] }
  | {
      kind: 'verify';
      ruleIds: string[];
      standardId: string;
      perCapitaIncome: number;
      /** What the declaration says against the standard; verification (S-3.1) confirms or refutes it. */
      declaredWithinStandard: boolean;
      /** Waiver grounds the applicant claimed but has not yet documented: documenting one waives the check. */
      undocumentedGrounds: WaiverGround[];
    };

export interface EligibilityDecision {
  version: string;
  outcome: EligibilityOutcome;
  /** S-1.1: meeting the standard (or having it waived) lifts the statutory matter-scope limit. */
  anyMatter: boolean;
  /** S-1.1: whether the matter may be granted on this outcome, and why. */
  matterScope: MatterScope;
  facts: Fact[];
  /** A line for staff, in Chinese. */
  summary: string;
}

/** S-1.1: whether legal aid may be granted for the matter, with the line staff read. */
export interface MatterScope {
  /** In the statutory list (Law art. 31, arts. 24-29). */
  statutory: boolean;
  allowed: boolean;
  ruleIds: string[];
  note: string;
}

const matterLabel = (category: string) => MATTER_CATEGORIES[category as MatterCategory] ?? category;

/**
 * S-1.1: a matter in the statutory list is always in scope; so is any matter of a case with no hardship test (L-4
 * notification, L-8: Law art. 32 names the matters itself). Otherwise a matter outside the list needs the hardship
 * standard met (`anyMatter`: waived, or a declared income within the standard) and must not be one that a law,
 * regulation or rule excludes (configured).
 */
export function matterScope(
  category: string,
  eligibility: { kind: EligibilityOutcome['kind']; anyMatter: boolean },
  excludedMatters: readonly string[] = [],
): MatterScope {
  const label = matterLabel(category);
  if (STATUTORY_MATTERS.has(category as MatterCategory)) {
    return { statutory: true, allowed: true, ruleIds: ['S-1.1'], note: `「${label}」属于法定法律援助事项（S-1.1）` };
  }
  if (eligibility.kind === 'no_test') {
    return {
      statutory: false,
      allowed: true,
      ruleIds: ['S-1.1'],
      note: `「${label}」不受经济困难条件限制，不受法定事项范围限制（S-1.1）`,
    };
  }
  if (excludedMatters.includes(category)) {
    return {
      statutory: false,
      allowed: false,
      ruleIds: ['S-1.1'],
      note: `「${label}」依照法律、法规、规章的规定不属于法律援助事项（S-1.1）`,
    };
  }
  return eligibility.anyMatter
    ? {
        statutory: false,
        allowed: true,
        ruleIds: ['S-1.1'],
        note: `「${label}」不在法定事项范围内，申请人符合经济困难标准，可以给予法律援助（S-1.1）`,
      }
    : {
        statutory: false,
        allowed: false,
        ruleIds: ['S-1.1'],
        note: `「${label}」不在法律援助法第三十一条所列事项范围内，申请人符合经济困难标准的才能给予法律援助（S-1.1）`,
      };
}

/**
 * Age on `onDate`, both China-time dates. The birthday itself counts (a 70th birthday is "70 or more", 以上 includes).
 * Someone born on 29 February turns a year older on 1 March in common years.
 */
export function ageOn(birthDate: CstDate, onDate: CstDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [oy, om, od] = onDate.split('-').map(Number) as [number, number, number];
  const hadBirthday = om > bm || (om === bm && od >= bd);
  return oy - by - (hadBirthday ? 0 : 1);
}

/** Birth date from an 18-digit resident ID number (GB 11643), e.g. 19560101. */
export function birthDateFromIdNumber(idNumber: string): CstDate | undefined {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/.exec(idNumber);
  if (!m) return undefined;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return addCalendarDays(date, 0) === date ? date : undefined;
}

const has = (facts: EligibilityFacts, docs: readonly SupportingDocument[]) =>
  docs.filter((d) => facts.documentsSeen.includes(d));

/** S-1.2: every ground the facts claim, and the documents seen for it (the ID number proves age by itself). */
function claimedWaivers(f: EligibilityFacts, age: number | undefined, standard: HardshipStandard) {
  const claims: Array<{ ground: WaiverGround; documents: SupportingDocument[] }> = [];
  const labourMatter = f.matterCategory === 'labour_remuneration' || f.matterCategory === 'work_injury';
  if (f.migrantWorker && labourMatter)
    claims.push({ ground: 'S-1.2(a)', documents: has(f, ['labour_relation_proof']) });
  const special = f.specialGroup !== undefined || (age !== undefined && (age < 18 || age >= 60));
  if (special && f.noFixedIncome) {
    // S-1.2(b) needs both halves proved: the special group (the ID number proves a minor's or an elderly person's
    // age, the disability certificate a disability, another group its own proof) and no fixed source of income —
    // which no group document proves by itself.
    const byAge = age !== undefined && (age < 18 || age >= 60) && f.specialGroup !== 'disabled';
    const groupProof: SupportingDocument[] = byAge
      ? ['id_card']
      : has(f, [f.specialGroup === 'disabled' ? 'disability_certificate' : 'group_membership_proof']);
    const incomeProof = has(f, ['no_fixed_income_statement']);
    claims.push({
      ground: 'S-1.2(b)',
      documents: groupProof.length && incomeProof.length ? [...incomeProof, ...groupProof] : [],
    });
  }
  if (f.assistance) claims.push({ ground: 'S-1.2(c)', documents: has(f, ['assistance_certificate']) });
  if (age !== undefined && age >= 70) claims.push({ ground: 'S-1.2(d)', documents: ['id_card'] });
  else if (age !== undefined && age >= 60 && (f.extremePoverty || f.disabledOrSemiDisabled || f.seriousIllness)) {
    claims.push({
      ground: 'S-1.2(d)',
      documents: has(f, ['poverty_certificate', 'disability_assessment', 'diagnosis']),
    });
  }
  if (f.otherGroup && standard.otherExemptGroups.includes(f.otherGroup)) {
    claims.push({ ground: 'S-1.2(e)', documents: has(f, ['group_membership_proof']) });
  }
  return claims;
}

export function decideEligibility(
  f: EligibilityFacts,
  standard: HardshipStandard,
  excludedMatters: readonly string[] = [],
): EligibilityDecision {
  const age = f.birthDate ? ageOn(f.birthDate, f.applicationDate) : undefined;
  const facts: Fact[] = [
    { name: 'applicationDate', value: f.applicationDate },
    ...(age !== undefined ? [{ name: 'age', value: age }] : []),
    { name: 'matterCategory', value: f.matterCategory },
  ];
  const decision = (outcome: EligibilityOutcome, anyMatter: boolean, summary: string): EligibilityDecision => {
    const scope = matterScope(f.matterCategory, { kind: outcome.kind, anyMatter }, excludedMatters);
    return {
      version: ELIGIBILITY_RULES_VERSION,
      outcome,
      anyMatter,
      matterScope: scope,
      facts,
      // S-1.1: the matter-scope line only where the matter is outside the statutory list.
      summary: scope.statutory ? summary : `${summary}；${scope.note}`,
    };
  };

  if (f.notification) {
    facts.push({ name: 'notification', value: true });
    return decision(
      { kind: 'no_test', ruleIds: ['L-4'], ground: 'notification' },
      false,
      '通知辩护/代理案件，不审查经济困难状况（L-4）',
    );
  }
  if (f.noTestGround) {
    facts.push({ name: 'noTestGround', value: f.noTestGround });
    return decision(
      { kind: 'no_test', ruleIds: ['L-8'], ground: f.noTestGround },
      false,
      `${NO_TEST_GROUNDS[f.noTestGround]}，不受经济困难条件限制（L-8）`,
    );
  }

  const claims = claimedWaivers(f, age, standard);
  const documented = claims.filter((c) => c.documents.length > 0);
  if (documented.length > 0) {
    const grounds = documented.map((c) => c.ground);
    const documents = [...new Set(documented.flatMap((c) => c.documents))];
    facts.push(
      { name: 'waiverGrounds', value: grounds.join(',') },
      { name: 'documentsSeen', value: documents.join(',') },
    );
    return decision(
      { kind: 'waived', ruleIds: [...grounds, 'S-1.1'], grounds, documents },
      true,
      `免于经济困难核查：${grounds.map((g) => `${WAIVER_GROUNDS[g].label}（${g}）`).join('；')}`,
    );
  }

  // S-1.3: one city-wide standard; per-capita income of the household against it. 以下 includes the boundary.
  const perCapita = Math.round((f.monthlyHouseholdIncome / f.householdSize) * 100) / 100;
  const within = perCapita <= standard.monthlyIncomePerCapita;
  facts.push(
    { name: 'perCapitaMonthlyIncome', value: perCapita },
    { name: 'hardshipStandard', value: `${standard.id}:${standard.monthlyIncomePerCapita}` },
  );
  const undocumentedGrounds = claims.map((c) => c.ground);
  return decision(
    {
      kind: 'verify',
      ruleIds: within ? ['S-1.3', 'S-3.1', 'S-1.1'] : ['S-1.3', 'S-3.1'],
      standardId: standard.id,
      perCapitaIncome: perCapita,
      declaredWithinStandard: within,
      undocumentedGrounds,
    },
    within,
    within
      ? `申报的家庭人均月收入 ${perCapita} 元，不高于全市经济困难标准 ${standard.monthlyIncomePerCapita} 元，待核查（S-1.3，S-3.1）`
      : `申报的家庭人均月收入 ${perCapita} 元，高于全市经济困难标准 ${standard.monthlyIncomePerCapita} 元（S-1.3）`,
  );
}
