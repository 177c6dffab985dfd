/**
 * Who may do what: one declarative table from action to the roles allowed, and one rule for which applications
 * each role may touch (object-level authorisation, OWASP API1). Handlers never test roles themselves.
 */
import type { AgencyCode } from '../../domain/agencies';
import { CHANNELS, type Channel } from '../../domain/channels';

export const ROLES = {
  applicant: '申请人',
  village_agent: '村居代办人',
  village_advisor: '村居法律顾问',
  hotline_officer: '12348 热线值班人员',
  telephony: '12348 电话系统 / 在线平台（系统接口）',
  agency_staff: '法律援助机构工作人员（受理/审查）',
  agency_head: '法律援助机构负责人',
  institution: '法律服务机构（律师事务所/基层法律服务所）',
  quality_manager: '法律服务机构质量管理员',
  lawyer: '法律援助人员',
  evaluator: '评估人员',
  expert: '评估专家',
  city_centre: '市法律援助中心',
  justice_bureau: '司法行政部门（异议审查）',
  manager: '管理人员（只读）',
  auditor: '审计人员（只读）',
  technical_support: '技术支持',
} as const;
export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as [Role, ...Role[]];

/** The agency code of the city centre (市法律援助中心): its people see the whole city. */
export const CITY_AGENCY: AgencyCode = 'SX';

export interface Principal {
  userId: string;
  roles: Role[];
  /** Agency (or, for institutions and lawyers, the agency whose pool they belong to). */
  agency?: AgencyCode;
  institution?: string;
}

/** Everyone who may read some cases; which ones is decided per role by `mayActOn` / `listScope`. */
const READERS = [
  'applicant',
  'village_agent',
  'village_advisor',
  'hotline_officer',
  'agency_staff',
  'agency_head',
  'lawyer',
  'institution',
  'quality_manager',
  'city_centre',
  'manager',
  'auditor',
] as const satisfies readonly Role[];

export const ACCESS = {
  'application.create': [
    'applicant',
    'village_agent',
    'village_advisor',
    'hotline_officer',
    'agency_staff',
    'agency_head',
    'city_centre',
  ],
  'application.read': READERS,
  // The case's workflow history with its payloads decrypted (流程历史, api/history.ts): the people who keep the case
  // file of the agency (its staff and head; the city centre for every agency). Not lawyers, institutions, filers or
  // applicants (the history holds every party's data and every step's input), nor read-only managers and auditors, nor
  // technical support (who resolve data errors from ids and codes only, and may not read a case record at all).
  'application.history': ['agency_staff', 'agency_head', 'city_centre'],
  // Work queues: the list shows only cases the person may read (see listScope).
  'application.list': READERS,
  // S-3.2: materials come from the applicant, via the agent, or via the aid lawyer, or are handed in at the agency.
  'application.supplyMaterials': [
    'applicant',
    'village_agent',
    'village_advisor',
    'agency_staff',
    'agency_head',
    'lawyer',
  ],
  // S-3.2: the agency may extend a correction deadline once, with a reason.
  'application.extendDeadline': ['agency_staff', 'agency_head'],
  // L-1: the grant or refusal is the agency's decision, signed by its head.
  'application.decide': ['agency_head'],
  // L-4: a notification the agency cannot act on is returned to the organ by its staff (a registration matter, not a
  // decision on aid: there is no application to decide on).
  'application.returnToOrgan': ['agency_staff', 'agency_head'],
  // S-3.1: agency staff verify the economic situation; village agents report field checks they were commissioned for.
  'application.verify': ['agency_staff', 'agency_head'],
  'application.reportVerification': ['agency_staff', 'agency_head', 'village_agent', 'village_advisor'],
  // L-9: terminating legal aid is the agency's decision, like granting it.
  'application.terminate': ['agency_head'],
  // L-10: the applicant objects (or hands the objection in at the agency, or through the agent who filed for them).
  'application.object': ['applicant', 'village_agent', 'village_advisor', 'agency_staff', 'agency_head'],
  // L-10: the justice bureau reviews the objection.
  'application.decideObjection': ['justice_bureau'],
  // S-2.9, S-2.10: the agency assigns (rotation or a priority); S-2.9(f) major cases: the agency head only.
  'application.assign': ['agency_staff', 'agency_head'],
  'application.assignMajor': ['agency_head'],
  // S-2.10: the institution confirms its member; where it does not, the agency names one.
  'application.confirmMember': ['institution', 'agency_staff', 'agency_head'],
  // S-2.10: a member or institution reports a conflict of interest or inability; agency staff may record it for them.
  'application.reportConflict': ['lawyer', 'institution', 'agency_staff', 'agency_head'],
  // L-11: the agency grants the aided person's request to replace the member.
  'application.replaceMember': ['agency_staff', 'agency_head'],

  // L-2, S-3.2 the correction catalogue (材料目录): everyone who works on cases reads it (filers choose what they
  // supply from it); the city centre and the agency heads keep it. Staff choose a case's extra items at intake.
  'correctionItems.read': READERS,
  'correctionItems.manage': ['city_centre', 'agency_head'],
  'application.requireMaterials': ['agency_staff', 'agency_head', 'city_centre'],

  // S-2.8 personnel pool: the agency keeps it (its staff and head, the city centre for all); managers and auditors
  // read it; an institution reads its own members and recommends new ones (机构推荐).
  'pool.read': ['agency_staff', 'agency_head', 'city_centre', 'manager', 'auditor', 'institution'],
  'pool.manage': ['agency_staff', 'agency_head', 'city_centre'],
  'pool.recommend': ['institution'],
  // Entering a member at all: recruitment needs pool.manage, a recommendation pool.recommend (or pool.manage).
  'pool.register': ['agency_staff', 'agency_head', 'city_centre', 'institution'],
  // L-6, L-9, L-12, S-2.9(b): the confirmed member performs the case; agency staff may record on their behalf.
  'application.perform': ['lawyer', 'agency_staff', 'agency_head'],
  // S-4.3: the institution's quality manager approves the case file before it is uploaded to the agency.
  'application.reviewFile': ['quality_manager'],
  // S-4.4: the evaluation: the agency assigns the evaluator and records interviews (S-4.6); the head marks special
  // cases; evaluators score; experts re-review; the member objects; the city centre reviews objections and spot-checks.
  'evaluation.read': [
    'agency_staff',
    'agency_head',
    'evaluator',
    'expert',
    'lawyer',
    'city_centre',
    'manager',
    'auditor',
  ],
  'evaluation.manage': ['agency_staff', 'agency_head'],
  'evaluation.markSpecial': ['agency_head'],
  'evaluation.score': ['evaluator', 'expert', 'agency_staff'],
  'evaluation.expertReview': ['expert'],
  'evaluation.object': ['lawyer', 'agency_staff', 'agency_head'],
  'evaluation.review': ['city_centre'],

  // S-4.4 scoring sheets: city-wide data the city centre loads; everyone who scores, is scored or supervises reads
  // them (lawyers should know the standard they are evaluated by).
  'quality.sheets.read': ['agency_staff', 'agency_head', 'evaluator', 'expert', 'city_centre', 'manager', 'lawyer'],
  // S-4.4: each county centre draws up its own evaluation rules: its head loads its county's sheets.
  'quality.sheets.manage': ['city_centre', 'agency_head'],

  // Civil Code art. 203: the holiday calendar deadlines are counted with (public facts, no personal data): every
  // person at work reads it; the city centre enters each year's arrangement as the State Council publishes it.
  'calendar.read': ROLE_NAMES.filter((r) => r !== 'applicant' && r !== 'telephony'),
  'calendar.manage': ['city_centre'],
  // S-4.4 evaluations: the agency and city-wide roles, evaluators and experts of the agency; a lawyer their own cases;
  // an institution (and its quality manager, S-4.3) its members' cases. Scope: mayReadEvaluation.
  'evaluations.read': [
    'agency_staff',
    'agency_head',
    'manager',
    'auditor',
    'city_centre',
    'evaluator',
    'expert',
    'lawyer',
    'institution',
    'quality_manager',
  ],
  // S-4.5 fee schedule (基本劳务费标准): the agency head sets the agency's own fees, the city centre any (and alone the
  // city-wide default); agency people, managers and auditors read them.
  'fees.read': ['agency_staff', 'agency_head', 'city_centre', 'manager', 'auditor'],
  'fees.manage': ['agency_head', 'city_centre'],
  // S-4.5 payout ledger (补贴发放台账) and batches for finance: the agency head (or the city centre) closes a period.
  'payouts.read': ['agency_staff', 'agency_head', 'city_centre', 'manager', 'auditor'],
  'payouts.batch': ['agency_head', 'city_centre'],
  // S-4.7 award eligibility (评优推荐资格): the agency and the city centre.
  'quality.awards': ['agency_staff', 'agency_head', 'city_centre', 'manager'],
  // S-2.4: calls arrive from the telephony system or the online platform (or are entered by duty staff).
  'hotline.register': ['telephony', 'hotline_officer', 'agency_staff', 'agency_head', 'city_centre'],
  'hotline.read': ['hotline_officer', 'agency_staff', 'agency_head', 'city_centre', 'manager'],
  // S-2.4, S-2.7: duty officers claim, answer and record the outcome.
  'hotline.duty': ['hotline_officer'],
  // S-2.5, S-2.6: online duty workload.
  'hotline.workload': ['agency_staff', 'agency_head', 'city_centre', 'manager'],
  // L-13 complaints (投诉): filed online by the applicant (about their own case, or as a witness), at the window by
  // agency staff, on the 12348 hotline by the duty officer, or by a village agent or advisor. The agency handles
  // complaints about institutions and members, the justice bureau those about the agency (api/complaints.ts scopes
  // it); the agency head or the justice bureau approves the one extension; the member or institution complained
  // about answers; the complainant (or staff at the window for them) withdraws. Reading: the handling bodies,
  // city-level and read-only supervisors, and a complainant who filed online their own.
  'complaint.file': [
    'applicant',
    'village_agent',
    'village_advisor',
    'hotline_officer',
    'agency_staff',
    'agency_head',
    'city_centre',
  ],
  'complaint.read': ['applicant', 'agency_staff', 'agency_head', 'justice_bureau', 'city_centre', 'manager', 'auditor'],
  'complaint.handle': ['agency_staff', 'agency_head', 'justice_bureau'],
  'complaint.extend': ['agency_head', 'justice_bureau'],
  'complaint.answer': ['lawyer', 'institution'],
  'complaint.withdraw': ['applicant', 'agency_staff', 'agency_head'],
  // S-2.1 village/community service points: the agency registers them and their people (the city centre any);
  // agency people and city-level managers/auditors read them; the point's own agent and advisor read their point.
  'village.points.manage': ['agency_staff', 'agency_head', 'city_centre'],
  'village.points.read': [
    'agency_staff',
    'agency_head',
    'city_centre',
    'manager',
    'auditor',
    'village_agent',
    'village_advisor',
  ],
  // S-2.2: the agent/advisor who filed the case forwards the paper (or agency staff record it); the agency receives it.
  'village.forwardPaper': ['village_agent', 'village_advisor', 'agency_staff', 'agency_head'],
  'village.receivePaper': ['agency_staff', 'agency_head'],
  'village.paper.read': ['agency_staff', 'agency_head', 'city_centre', 'manager', 'auditor'],
  // S-2.3: home visits are requested, scheduled and recorded by the point's agent/advisor or agency staff.
  'village.visits': ['village_agent', 'village_advisor', 'agency_staff', 'agency_head'],
  // S-3.1, S-2.1: field checks commissioned to a point's agents, as their work list.
  'village.tasks': ['village_agent', 'village_advisor'],
  // S-2.2, S-2.6: training records: the agency records them; a person reads their own (see mayReadTraining).
  'training.manage': ['agency_staff', 'agency_head', 'city_centre'],
  'training.read': [
    'agency_staff',
    'agency_head',
    'city_centre',
    'manager',
    'auditor',
    'village_agent',
    'village_advisor',
    'hotline_officer',
  ],
  // Issue 8: stuck cases (the agency's, the city centre's all) and each owner's own open obligations; SLA and workload
  // figures for the agency and city-level people; Prometheus scrapes /metrics with a manager's or the city's token.
  'cases.stuck': [
    'agency_staff',
    'agency_head',
    'manager',
    'auditor',
    'city_centre',
    'justice_bureau',
    'institution',
    'quality_manager',
    'lawyer',
    'evaluator',
    'expert',
    'technical_support',
  ],
  'figures.read': ['agency_staff', 'agency_head', 'manager', 'auditor', 'city_centre'],
  'metrics.read': ['manager', 'city_centre'],
  'audit.read': ['auditor', 'city_centre'],
  // Cases that need attention (需技术支持处理): a write met a data error no retry can cure and the case waits at it.
  // Technical support (their agency's cases; at the city centre, every agency's) and the city centre resolve them;
  // agency heads, managers and auditors see the list. api/operations.ts.
  'operations.attention.read': ['technical_support', 'city_centre', 'agency_head', 'manager', 'auditor'],
  'operations.attention.resolve': ['technical_support', 'city_centre'],
  // Decrypting workflow payloads in Temporal's Web UI: agency and city staff, auditors.
  'codec.use': ['agency_staff', 'agency_head', 'city_centre', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof ACCESS;

/** S-2.1, S-2.2, S-2.7: the channel follows from who files; agency staff take every channel at the window. */
export const CHANNELS_BY_ROLE: Partial<Record<Role, readonly Channel[]>> = {
  applicant: ['online'],
  village_agent: ['village_agent'],
  village_advisor: ['village_agent'],
  hotline_officer: ['hotline'],
  agency_staff: CHANNELS,
  agency_head: CHANNELS,
  city_centre: CHANNELS,
};

/** The facts about an application that decide who may touch it. */
export interface ApplicationScope {
  agencyCode: string;
  filedBy: string | null;
  applicantSubject: string | null;
  /** S-2.10: members confirmed on the case, and the institutions it was assigned to. */
  assignedMemberIds: string[];
  assignedInstitutionIds: string[];
  /**
   * S-3.1, S-2.1: while a field check of the case is open, the people of the service point it is commissioned to, or
   * (none named) of the point(s) of the agent/advisor who filed the case: they may report it (not read the case).
   */
  fieldCheckReporters?: string[];
}

function roleSees(role: Role, p: Principal, app: ApplicationScope): boolean {
  switch (role) {
    case 'city_centre':
      return true;
    case 'manager':
    case 'auditor':
    case 'justice_bureau':
      return p.agency === CITY_AGENCY || p.agency === app.agencyCode;
    case 'agency_staff':
    case 'agency_head':
      return p.agency === app.agencyCode;
    // S-4.4: evaluators and experts work for an agency, or city-wide.
    case 'evaluator':
    case 'expert':
      return p.agency === CITY_AGENCY || p.agency === app.agencyCode;
    case 'lawyer':
      return app.assignedMemberIds.includes(p.userId);
    case 'institution':
    case 'quality_manager':
      return p.institution !== undefined && app.assignedInstitutionIds.includes(p.institution);
    case 'applicant':
      return app.applicantSubject !== null && app.applicantSubject === p.userId;
    case 'village_agent':
    case 'village_advisor':
    case 'hotline_officer':
      return app.filedBy !== null && app.filedBy === p.userId;
    default:
      return false;
  }
}

/**
 * The same visibility as `mayActOn`, as a filter for lists: per role, the agencies it sees whole, or the cases it sees
 * as their filer, applicant or assigned lawyer. `all` means the whole city.
 */
export function listScope(p: Principal): {
  all: boolean;
  agencies: string[];
  filedBy: boolean;
  applicant: boolean;
  lawyer: boolean;
  institution: string | undefined;
} {
  const roles = rolesFor('application.list', p);
  const cityWide = roles.some(
    (r) => r === 'city_centre' || ((r === 'manager' || r === 'auditor') && p.agency === CITY_AGENCY),
  );
  const agencyWide = roles.some((r) => ['agency_staff', 'agency_head', 'manager', 'auditor'].includes(r));
  return {
    all: cityWide,
    agencies: agencyWide && p.agency ? [p.agency] : [],
    filedBy: roles.some((r) => r === 'village_agent' || r === 'village_advisor' || r === 'hotline_officer'),
    applicant: roles.includes('applicant'),
    lawyer: roles.includes('lawyer'),
    institution: roles.some((r) => r === 'institution' || r === 'quality_manager') ? p.institution : undefined,
  };
}

export function rolesFor(action: Action, p: Principal): Role[] {
  const allowed: readonly Role[] = ACCESS[action];
  return p.roles.filter((role) => allowed.includes(role));
}

/** May `p` perform `action` on this application? True if one of their roles both has the action and sees the case. */
export function mayActOn(action: Action, p: Principal, app: ApplicationScope): boolean {
  return rolesFor(action, p).some((role) => roleSees(role, p, app) || reportsFieldCheck(action, role, p, app));
}

/** S-3.1, S-2.1: an agent/advisor of the filing agent's service point reports the case's open field check. */
function reportsFieldCheck(action: Action, role: Role, p: Principal, app: ApplicationScope): boolean {
  return (
    action === 'application.reportVerification' &&
    (role === 'village_agent' || role === 'village_advisor') &&
    (app.fieldCheckReporters ?? []).includes(p.userId)
  );
}

/** What decides who may touch a service point (S-2.1): its agency, and its people. */
export interface ServicePointScope {
  agencyCode: string;
  people: string[];
}

/** May `p` act on this service point? Agency roles by its agency (mayActOnAgency); its agent and advisor on their own. */
export function mayActOnServicePoint(action: Action, p: Principal, point: ServicePointScope): boolean {
  return rolesFor(action, p).some((role) =>
    role === 'village_agent' || role === 'village_advisor'
      ? point.people.includes(p.userId)
      : roleSeesAgency(role, p, point.agencyCode),
  );
}

/** S-2.2, S-2.6: the agency's people and city-level people read training records; anyone with the role, their own. */
export function mayReadTraining(p: Principal, personId: string): boolean {
  return rolesFor('training.read', p).some((role) =>
    role === 'village_agent' || role === 'village_advisor' || role === 'hotline_officer'
      ? personId === p.userId
      : roleSeesAgency(role, p, p.agency ?? null),
  );
}

/** What decides who may touch a pool member or institution: its agency and, for members, its institution. */
export interface PoolScope {
  agencyCode: string;
  institutionId?: string;
}

function roleSeesPool(role: Role, p: Principal, target: PoolScope): boolean {
  switch (role) {
    case 'city_centre':
      return true;
    case 'manager':
    case 'auditor':
      return p.agency === CITY_AGENCY || p.agency === target.agencyCode;
    case 'agency_staff':
    case 'agency_head':
      return p.agency === target.agencyCode;
    case 'institution':
      return p.institution !== undefined && p.institution === target.institutionId;
    default:
      return false;
  }
}

/** May `p` perform a pool action on this agency's pool (or this institution's member)? */
export function mayActOnPool(action: Action, p: Principal, target: PoolScope): boolean {
  return rolesFor(action, p).some((role) => roleSeesPool(role, p, target));
}

/** The same visibility as `mayActOnPool`, as a filter for lists: the whole city, one agency, or one institution. */
export function poolListScope(p: Principal): { all: boolean; agency?: string; institution?: string } {
  const roles = rolesFor('pool.read', p);
  const all = roles.some(
    (r) => r === 'city_centre' || ((r === 'manager' || r === 'auditor') && p.agency === CITY_AGENCY),
  );
  const agencyWide = roles.some((r) => ['agency_staff', 'agency_head', 'manager', 'auditor'].includes(r));
  return {
    all,
    agency: agencyWide ? p.agency : undefined,
    institution: roles.includes('institution') ? p.institution : undefined,
  };
}

/** What decides who may read an evaluation: the case's agency, its member and the member's institution. */
export interface EvaluationScope {
  agencyCode: string;
  memberId: string;
  institutionId: string;
}

function roleSeesEvaluation(role: Role, p: Principal, target: EvaluationScope): boolean {
  switch (role) {
    case 'city_centre':
      return true;
    // City-level managers, auditors, evaluators and experts (agency SX) evaluate and supervise the whole city.
    case 'manager':
    case 'auditor':
    case 'evaluator':
    case 'expert':
      return p.agency === CITY_AGENCY || p.agency === target.agencyCode;
    case 'agency_staff':
    case 'agency_head':
      return p.agency === target.agencyCode;
    case 'lawyer':
      return target.memberId === p.userId;
    case 'institution':
    case 'quality_manager':
      return p.institution !== undefined && p.institution === target.institutionId;
    default:
      return false;
  }
}

/**
 * Agency-level data (fees, payouts, awards): the city centre sees every agency; city-level managers and auditors too;
 * agency staff, heads, managers and auditors their own agency. `agencyCode` null is city-wide data (the default fee
 * schedule): only city-level people act on it.
 */
function roleSeesAgency(role: Role, p: Principal, agencyCode: string | null): boolean {
  switch (role) {
    case 'city_centre':
      return true;
    case 'manager':
    case 'auditor':
      return p.agency === CITY_AGENCY || (agencyCode !== null && p.agency === agencyCode);
    case 'agency_staff':
    case 'agency_head':
      return agencyCode !== null && p.agency === agencyCode;
    // Technical support works for an agency, or (at the city centre) for the whole city.
    case 'technical_support':
      return p.agency === CITY_AGENCY || (agencyCode !== null && p.agency === agencyCode);
    default:
      return false;
  }
}

/** May `p` read this evaluation (S-4.4)? */
export function mayReadEvaluation(p: Principal, target: EvaluationScope): boolean {
  return rolesFor('evaluations.read', p).some((role) => roleSeesEvaluation(role, p, target));
}

/**
 * The same visibility as `mayReadEvaluation`, as a filter for lists: the whole city, the agencies seen whole, the
 * caller's own cases as a lawyer, their institution's members' cases.
 */
export function evaluationListScope(p: Principal): {
  all: boolean;
  agencies: string[];
  memberId?: string;
  institution?: string;
} {
  const roles = rolesFor('evaluations.read', p);
  const cityLevel = ['manager', 'auditor', 'evaluator', 'expert'] as Role[];
  const all = roles.some((r) => r === 'city_centre' || (cityLevel.includes(r) && p.agency === CITY_AGENCY));
  const agencyWide = roles.some((r) => r === 'agency_staff' || r === 'agency_head' || cityLevel.includes(r));
  return {
    all,
    agencies: agencyWide && p.agency ? [p.agency] : [],
    memberId: roles.includes('lawyer') ? p.userId : undefined,
    institution: roles.some((r) => r === 'institution' || r === 'quality_manager') ? p.institution : undefined,
  };
}

/** May `p` perform an agency-level action (fees, payouts, awards) on this agency's data (null: city-wide data)? */
export function mayActOnAgency(action: Action, p: Principal, agencyCode: string | null): boolean {
  return rolesFor(action, p).some((role) => roleSeesAgency(role, p, agencyCode));
}

/** The same visibility as `mayActOnAgency`, for lists: the whole city, or the person's own agency (or nothing). */
export function agencyListScope(action: Action, p: Principal): { all: boolean; agency?: string } {
  const roles = rolesFor(action, p);
  const all = roles.some((r) => roleSeesAgency(r, p, null));
  const own = p.agency !== undefined && roles.some((r) => roleSeesAgency(r, p, p.agency!));
  return { all, agency: own ? p.agency : undefined };
}

/**
 * Issue 8: which obligations a person sees in the stuck-case lists: the whole city, their agency, or only what they
 * owe themselves (an institution, its quality manager, a lawyer, an evaluator, the agency's experts or justice bureau).
 */
export interface ObligationScope {
  all: boolean;
  agency?: string;
  /** Owners whose obligations the person sees; `id` null: every owner of that role (city-level technical support). */
  owners: Array<{ role: string; id: string | null }>;
}

export function obligationScope(action: 'cases.stuck' | 'figures.read', p: Principal): ObligationScope {
  const roles = rolesFor(action, p);
  const all = roles.some(
    (r) => r === 'city_centre' || ((r === 'manager' || r === 'auditor') && p.agency === CITY_AGENCY),
  );
  const agencyWide = roles.some((r) => ['agency_staff', 'agency_head', 'manager', 'auditor'].includes(r));
  const owners: ObligationScope['owners'] = [];
  for (const r of roles) {
    if (r === 'lawyer') owners.push({ role: 'member', id: p.userId });
    if (r === 'evaluator') owners.push({ role: 'evaluator', id: p.userId });
    if (r === 'institution' && p.institution) owners.push({ role: 'institution', id: p.institution });
    if (r === 'quality_manager' && p.institution) owners.push({ role: 'quality_manager', id: p.institution });
    if (r === 'expert' && p.agency) owners.push({ role: 'expert', id: p.agency });
    if (r === 'justice_bureau' && p.agency) owners.push({ role: 'justice_bureau', id: p.agency });
    // Cases that need attention are owed by their agency's technical support; the city's sees every agency's.
    if (r === 'technical_support' && p.agency) {
      owners.push({ role: 'technical_support', id: p.agency === CITY_AGENCY ? null : p.agency });
    }
  }
  return { all, agency: agencyWide && !all ? p.agency : undefined, owners };
}
