/** Categories of legal matter (法律援助事项), for routing and statistics; the summary carries the detail. */
export const MATTER_CATEGORIES = {
  labour_remuneration: '请求支付劳动报酬',
  work_injury: '请求工伤事故人身损害赔偿',
  social_insurance: '请求给予社会保险待遇或社会救助',
  maintenance: '请求给付赡养费、抚养费、扶养费',
  family: '婚姻家庭纠纷',
  personal_injury: '人身损害赔偿',
  traffic_accident: '交通事故赔偿',
  medical_dispute: '医疗纠纷',
  state_compensation: '请求国家赔偿',
  criminal_defence: '刑事辩护',
  criminal_victim: '刑事案件被害人代理',
  other: '其他',
} as const;

export type MatterCategory = keyof typeof MATTER_CATEGORIES;
export const MATTER_CATEGORY_CODES = Object.keys(MATTER_CATEGORIES) as [MatterCategory, ...MatterCategory[]];

/**
 * S-1.1: the statutory list of matters — Law art. 31's civil and administrative matters, and the criminal matters of
 * arts. 24-29. A matter outside it (婚姻家庭, other personal injury, other) gets legal aid only when the applicant meets
 * the economic-hardship standard (and no law, regulation or rule excludes it: `RuleConfig.excludedMatters`).
 */
export const STATUTORY_MATTERS: ReadonlySet<MatterCategory> = new Set<MatterCategory>([
  'labour_remuneration',
  'work_injury',
  'social_insurance',
  'maintenance',
  'traffic_accident',
  'medical_dispute',
  'state_compensation',
  'criminal_defence',
  'criminal_victim',
]);

/** The matters outside the statutory list: the only ones a configured exclusion (S-1.1 "unless ...") can name. */
export const NON_STATUTORY_MATTERS = MATTER_CATEGORY_CODES.filter((c) => !STATUTORY_MATTERS.has(c)) as [
  MatterCategory,
  ...MatterCategory[],
];
