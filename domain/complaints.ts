/**
 * Complaints about legal aid (法律援助投诉, L-13: 法律援助投诉处理办法) as pure rules: who may complain and about whom,
 * what an anonymous complaint allows, who may handle it, the statutory clocks and the measures a substantiated
 * complaint may lead to (S-4.2, S-4.6, S-2.8(b)). The workflow (workflows/complaint-workflow.ts) keeps the state;
 * this module decides.
 *
 * Clocks (L-13): accept or refuse within 5 working days (工作日) of receipt; handle within 60 days of acceptance,
 * extendable once by at most 30 days with the approver and the reason recorded; tell the complainant the result within
 * 5 working days of the decision. Periods follow the Civil Code (domain/deadlines.ts): a period starts the day after
 * the event, a period in days whose last day is a rest day moves to the next working day, working days skip rest days.
 */
import type { Calendar } from './calendar';
import { DomainError } from './errors';
import { dayPeriod, extendedPeriod, workingDayPeriod, type PeriodEnd } from './deadlines';

/** Who complains (L-13): the aided person, the applicant, their relative or agent, or anyone who saw a violation. */
export const COMPLAINANT_KINDS = {
  aided_person: '受援人',
  applicant: '法律援助申请人',
  relative: '受援人或申请人的近亲属',
  agent: '受援人或申请人的代理人',
  witness: '其他知悉违法违规行为的人',
} as const;
export type ComplainantKind = keyof typeof COMPLAINANT_KINDS;

/** Where a complaint comes in: the applicant portal, the agency's window, the 12348 hotline (S-2.7), a village agent. */
export const COMPLAINT_CHANNELS = {
  online: '网上（申请人门户）',
  window: '窗口',
  hotline: '12348 热线',
  village_agent: '村居代办',
} as const;
export type ComplaintChannel = keyof typeof COMPLAINT_CHANNELS;

/** Whom it is about. */
export const RESPONDENT_KINDS = {
  agency: '法律援助机构',
  institution: '法律服务机构',
  member: '法律援助人员',
} as const;
export type RespondentKind = keyof typeof RESPONDENT_KINDS;

/** What the complaint is about (the figures count by ground). */
export const COMPLAINT_GROUNDS = {
  refusal: '违法不受理申请或不予法律援助',
  negligence: '怠于履行法律援助义务（S-4.2）',
  unauthorized_fees: '收取受援人财物或接受请托',
  poor_quality: '办案质量差、未尽职责',
  conflict: '未披露利益冲突',
  conduct: '工作作风、服务态度',
  other: '其他违法违规行为',
} as const;
export type ComplaintGround = keyof typeof COMPLAINT_GROUNDS;

export const COMPLAINT_STATUSES = {
  received: '待受理',
  refused: '不予受理',
  handling: '办理中',
  decided: '已作出处理决定，待告知',
  closed: '已办结并告知',
  withdrawn: '投诉人已撤回',
} as const;
export type ComplaintStatus = keyof typeof COMPLAINT_STATUSES;
export const COMPLAINT_STATUS_CODES = Object.keys(COMPLAINT_STATUSES) as [ComplaintStatus, ...ComplaintStatus[]];

export const COMPLAINT_OUTCOMES = {
  substantiated: '投诉属实',
  partly: '投诉部分属实',
  not_substantiated: '投诉不属实',
} as const;
export type ComplaintOutcome = keyof typeof COMPLAINT_OUTCOMES;

/** What a substantiated (or partly substantiated) complaint may lead to. */
export const COMPLAINT_MEASURES = {
  interview: '约谈（S-4.6）',
  correction: '责令改正',
  referral_bar: '移送律师协会处理',
  referral_bureau: '移送司法行政部门处理',
  suspension: '移出人员库，影响期内不予指派（S-2.8(b)）',
} as const;
export type ComplaintMeasure = keyof typeof COMPLAINT_MEASURES;

/** What an investigation step records (statements of the member and the institution, documents, inquiries). */
export const INVESTIGATION_KINDS = {
  member_statement: '承办人员陈述',
  institution_statement: '法律服务机构说明',
  complainant_statement: '投诉人陈述',
  document: '调取案卷或材料',
  inquiry: '询问有关人员',
} as const;
export type InvestigationKind = keyof typeof INVESTIGATION_KINDS;

export interface ComplaintRules {
  /** L-13: accept or refuse within this many working days of receipt. */
  acceptWorkingDays: number;
  /** L-13: handled within this many days of acceptance. */
  handleDays: number;
  /** L-13: one extension of at most this many days. */
  maxExtensionDays: number;
  /** L-13: the result told within this many working days of the decision. */
  notifyWorkingDays: number;
  /** The member or institution complained about may answer within this many working days of being told. */
  responseWorkingDays: number;
  /** Reminders this many days before each deadline's last day, at this hour China time. */
  reminderDaysBefore: number[];
  reminderHourCst: number;
}

export const DEFAULT_COMPLAINT_RULES: ComplaintRules = {
  acceptWorkingDays: 5,
  handleDays: 60,
  maxExtensionDays: 30,
  notifyWorkingDays: 5,
  responseWorkingDays: 5,
  reminderDaysBefore: [1],
  reminderHourCst: 9,
};

/** A refused complaint step or intake: `code` is stable for programs, `message` is for people (422). */
export class ComplaintRuleError extends DomainError {
  constructor(code: string, message: string) {
    super('refused', code, message);
  }
}

/** L-13: the acceptance deadline, 5 working days after receipt. */
export function acceptancePeriod(receivedAt: Date, calendar: Calendar, rules = DEFAULT_COMPLAINT_RULES): PeriodEnd {
  return workingDayPeriod(receivedAt, rules.acceptWorkingDays, calendar);
}

/** L-13: the handling deadline, 60 days after acceptance (a last day on a rest day moves, art. 203). */
export function handlingPeriod(acceptedAt: Date, calendar: Calendar, rules = DEFAULT_COMPLAINT_RULES): PeriodEnd {
  return dayPeriod(acceptedAt, rules.handleDays, calendar);
}

/** L-13: the deadline to tell the complainant the result, 5 working days after the decision. */
export function notificationPeriod(decidedAt: Date, calendar: Calendar, rules = DEFAULT_COMPLAINT_RULES): PeriodEnd {
  return workingDayPeriod(decidedAt, rules.notifyWorkingDays, calendar);
}

/** The member's or institution's time to answer the complaint, in working days from being told. */
export function responsePeriod(toldAt: Date, calendar: Calendar, rules = DEFAULT_COMPLAINT_RULES): PeriodEnd {
  return workingDayPeriod(toldAt, rules.responseWorkingDays, calendar);
}

/**
 * L-13: the handling deadline extended once by `days` (1 to 30) past its last day in force. A second extension, or
 * more than 30 days, is refused.
 */
export function extendHandling(
  dueAt: Date,
  days: number,
  alreadyExtended: boolean,
  calendar: Calendar,
  rules = DEFAULT_COMPLAINT_RULES,
): PeriodEnd {
  if (alreadyExtended) throw new ComplaintRuleError('COMPLAINT_ALREADY_EXTENDED', '办理期限只能延长一次（L-13）');
  if (!Number.isInteger(days) || days < 1 || days > rules.maxExtensionDays) {
    throw new ComplaintRuleError(
      'COMPLAINT_EXTENSION_TOO_LONG',
      `办理期限延长不得超过 ${rules.maxExtensionDays} 日（L-13）`,
    );
  }
  return extendedPeriod(dueAt, days, calendar);
}

/** What a complaint says about its complainant and the case (intake checks it). */
export interface ComplaintFacts {
  complainantKind: ComplainantKind;
  anonymous: boolean;
  respondentKind: RespondentKind;
  respondentId: string;
  applicationNo?: string;
  facts: string;
  request: string;
}

/**
 * Who may file: the aided person, the applicant, a relative or an agent complain about their own case, so they name
 * it (and the intake checks the case is theirs where the filer is the applicant); a witness may complain without a
 * case. Anonymous complaints (docs/decisions.md, "Anonymous complaints"): only from a witness-like position — a
 * party to the case is known to the agency by the case itself — and only with concrete facts (at least 20 characters)
 * naming whom they are about; they are handled, but there is nobody to tell the result: the complainant follows the
 * complaint with its lookup code only.
 */
export function checkComplaint(c: ComplaintFacts): void {
  const party = c.complainantKind !== 'witness';
  if (party && !c.applicationNo) {
    throw new ComplaintRuleError(
      'COMPLAINT_CASE_REQUIRED',
      '受援人、申请人及其近亲属或代理人投诉的，须写明所涉案件编号',
    );
  }
  if (!c.respondentId.trim()) throw new ComplaintRuleError('COMPLAINT_RESPONDENT_REQUIRED', '须写明被投诉的机构或人员');
  if (!c.facts.trim() || !c.request.trim()) {
    throw new ComplaintRuleError('COMPLAINT_FACTS_REQUIRED', '须写明投诉的事实、理由和请求');
  }
  if (c.anonymous && c.facts.trim().length < 20) {
    throw new ComplaintRuleError(
      'COMPLAINT_ANONYMOUS_FACTS',
      '匿名投诉须写明具体的违法违规事实（时间、经过），方可作为投诉办理',
    );
  }
}

/** Whether the complainant is told (refusal, result): not when anonymous (they follow it with the lookup code). */
export function complainantIsTold(anonymous: boolean): boolean {
  return !anonymous;
}

export interface Respondent {
  kind: RespondentKind;
  id: string;
  /** For a member: their institution; for an institution or member: the agency of the pool. */
  institutionId?: string;
  agencyCode: string;
}

/** Who handles: the agency handles complaints about institutions and members; the justice bureau those about the agency. */
export function handlerRole(respondent: Pick<Respondent, 'kind'>): 'agency' | 'justice_bureau' {
  return respondent.kind === 'agency' ? 'justice_bureau' : 'agency';
}

/**
 * A handler is not someone complained about: not the member, not a person of the institution complained about (or
 * of the member's institution), and for a complaint about the agency, nobody of that agency (the justice bureau).
 */
export function mayHandle(
  handler: { userId: string; agencyCode?: string; institution?: string; role: string },
  respondent: Respondent,
): boolean {
  if (handler.userId === respondent.id) return false;
  if (respondent.kind === 'member' && handler.institution && handler.institution === respondent.institutionId) {
    return false;
  }
  if (respondent.kind === 'institution' && handler.institution === respondent.id) return false;
  if (respondent.kind === 'agency') return handler.role === 'justice_bureau';
  return handler.role !== 'justice_bureau' || handler.agencyCode === respondent.agencyCode;
}

/**
 * A decision's measures: only a substantiated or partly substantiated complaint has any; a suspension (S-2.8(b)) is of
 * a member and needs the end of its impact period.
 */
export function checkDecision(
  d: { outcome: ComplaintOutcome; measures: ComplaintMeasure[]; impactUntil?: string; reason: string },
  respondent: Pick<Respondent, 'kind'>,
  now: Date,
): void {
  if (!d.reason.trim()) throw new ComplaintRuleError('COMPLAINT_REASON_REQUIRED', '处理决定须写明理由');
  if (d.outcome === 'not_substantiated' && d.measures.length > 0) {
    throw new ComplaintRuleError('COMPLAINT_MEASURES_NOT_ALLOWED', '投诉不属实的，不作处理措施');
  }
  if (d.measures.includes('suspension')) {
    if (respondent.kind !== 'member') {
      throw new ComplaintRuleError(
        'COMPLAINT_SUSPENSION_MEMBER_ONLY',
        '移出人员库只适用于被投诉的法律援助人员（S-2.8(b)）',
      );
    }
    if (!d.impactUntil || !(Date.parse(d.impactUntil) > now.getTime())) {
      throw new ComplaintRuleError(
        'COMPLAINT_IMPACT_UNTIL_REQUIRED',
        '移出人员库的，须写明影响期届满时间，且应晚于当前时间（S-2.8(b)）',
      );
    }
  }
}

/** The moves a complaint's status may make (withdrawal: any time before the decision). */
const MOVES: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  received: ['handling', 'refused', 'withdrawn'],
  handling: ['decided', 'withdrawn'],
  decided: ['closed'],
  refused: [],
  closed: [],
  withdrawn: [],
};

export function canMove(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return MOVES[from].includes(to);
}

/** No step waits on anybody any more. */
export function complaintEnded(status: ComplaintStatus): boolean {
  return MOVES[status].length === 0;
}
