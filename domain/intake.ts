/**
 * Intake details that depend on the channel (受理渠道), and the checks they carry.
 */
import type { CaseStage } from './stages';
import { formatCst } from './time';

/** L-4 (Law arts. 25, 28, 36): who notified the agency, when, and on which ground. */
export const NOTIFYING_ORGANS = {
  court: '人民法院',
  procuratorate: '人民检察院',
  public_security: '公安机关',
} as const;

/**
 * L-4, Law art. 25(1): mandatory notification grounds; art. 25(2): discretionary; art. 28: compulsory medical
 * treatment (强制医疗), where the court notifies the agency to assign a lawyer as the agent (通知代理).
 */
export const NOTIFICATION_GROUNDS = {
  minor: '未成年人',
  blind_deaf_mute: '视力、听力、言语残疾人',
  not_fully_capable: '不能完全辨认自己行为的成年人',
  life_or_death_sentence: '可能被判处无期徒刑、死刑的人',
  death_penalty_review: '申请法律援助的死刑复核案件被告人',
  trial_in_absentia: '缺席审判案件的被告人',
  compulsory_medical: '强制医疗案件中没有委托诉讼代理人的被申请人或者被告人',
  discretionary: '其他适用普通程序审理的刑事案件（酌定通知）',
} as const;
export type NotificationGround = keyof typeof NOTIFICATION_GROUNDS;

/** L-4: the stages of criminal proceedings (and Law art. 28's proceedings) an organ notifies in. */
export const NOTIFICATION_CASE_STAGES = [
  'investigation',
  'prosecution',
  'first_instance',
  'second_instance',
  'retrial',
  'death_penalty_review',
] as const satisfies readonly CaseStage[];
export type NotificationCaseStage = (typeof NOTIFICATION_CASE_STAGES)[number];

/** What the assigned lawyer is to the person: defender (通知辩护), or agent in compulsory medical treatment (Law art. 28). */
export function notificationRole(ground: NotificationGround): { kind: string; role: string } {
  return ground === 'compulsory_medical'
    ? { kind: '通知代理', role: '诉讼代理人' }
    : { kind: '通知辩护', role: '辩护人' };
}

/**
 * L-4 (Law arts. 25, 28, 36): the organ's letter (通知辩护公函 / 通知书), as registered. There is no application: the
 * letter is the case's source, and its organ and number identify it (a second letter with the same number is not a
 * second case).
 */
export interface NotificationDetails {
  organ: keyof typeof NOTIFYING_ORGANS;
  organName: string;
  /** The letter's number (文号), e.g. （2026）浙0602刑初123号. Optional only for cases registered before it was asked. */
  letterNo?: string;
  /** Date of the notice letter (通知辩护公函), China time. */
  noticeDate: string;
  /** The stage of the proceedings the organ notifies in (侦查、审查起诉、审判…). */
  caseStage?: NotificationCaseStage;
  ground: NotificationGround;
}

/** L-4: the key that makes one organ's letter one case per agency (whitespace and full-width spaces ignored). */
export function notificationLetterKey(agencyCode: string, n: { organName: string; letterNo?: string }): string | null {
  if (!n.letterNo) return null;
  const norm = (v: string) => v.replace(/[\s\u3000]+/g, '');
  return `${agencyCode}|${norm(n.organName)}|${norm(n.letterNo)}`;
}

/**
 * L-4: why a notification the agency cannot act on goes back to the organ (退回通知机关). It is not refused like an
 * application: there is no application, and the organ, not the person, is told, with the reasons.
 */
export const RETURN_GROUNDS = {
  wrong_agency: '不属于本机构管辖（应由其他法律援助机构办理）',
  duplicate_letter: '同一案件已通知并已指派（重复通知）',
  not_a_notification_case: '不属于应当或者可以通知指派的情形',
  defective_letter: '通知材料不全或有误，需通知机关补正后重新通知',
  counsel_retained: '当事人已自行委托辩护人或诉讼代理人',
  other: '其他不能办理的情形',
} as const;
export type ReturnGround = keyof typeof RETURN_GROUNDS;

export interface CustodyDetails {
  /** Detention facility or the organ holding the applicant (看守所等). */
  facility: string;
  /** When the facility received the application from the detained person (ISO instant). */
  receivedByFacilityAt: string;
}

/**
 * S-3.2 (情况紧急) and L-7 (Law art. 44): grounds of urgency on which staff accept a case first (先行受理). L-7 names
 * preservation and advance execution; S-3.2's "urgent" covers more, hence the other grounds and `other`.
 */
export const URGENCY_GROUNDS = {
  property_preservation: { label: '需要立即申请财产保全', ruleId: 'L-7' },
  evidence_preservation: { label: '需要立即申请证据保全', ruleId: 'L-7' },
  advance_execution: { label: '需要立即申请先予执行', ruleId: 'L-7' },
  personal_safety: { label: '人身安全面临现实危险（如需申请人身安全保护令）', ruleId: 'S-3.2' },
  livelihood: { label: '基本生活难以为继（如急需医疗费、抚养费、生活费）', ruleId: 'S-3.2' },
  imminent_proceedings: { label: '开庭、仲裁或其他程序期日临近', ruleId: 'S-3.2' },
  other: { label: '其他紧急情况', ruleId: 'S-3.2' },
} as const;
export type UrgencyGround = keyof typeof URGENCY_GROUNDS;

export interface UrgencyDetails {
  ground: UrgencyGround;
  /** What makes it urgent, in the staff's words (recorded with the intake, kept out of the workflow state). */
  reason: string;
}

export interface IntakeDetails {
  /** 市域通办: the office that received the application, when it is not the responsible agency. */
  receivingAgencyCode?: string;
  notification?: NotificationDetails;
  custody?: CustodyDetails;
  /** S-2.2: the village agent has forwarded the paper materials to the agency. */
  paperMaterialsForwarded?: boolean;
  /**
   * S-3.2: the applicant's recorded commitment, when materials are missing, that not supplying them by the deadline
   * ends the application (treated as withdrawn) or the aid (terminated).
   */
  correctionCommitment?: boolean;
  /** L-7: the limitation period or procedural deadline the matter is up against (China date). */
  limitationDeadline?: string;
  /** L-7: preservation of property or evidence, or advance execution, must be sought at once. */
  urgentPreservation?: boolean;
  /** S-3.2 情况紧急, L-7: the urgency staff state to accept first, with its reason in their words. */
  urgency?: UrgencyDetails;
  /** S-2.9 priorities known at intake and the S-3.3 group size: what the assignment stage starts from. */
  assignment?: AssignmentHints;
}

/** S-2.9, S-3.3: facts the assignment needs. Member ids are pool ids (staff ids), never names. */
export interface AssignmentHints {
  /** S-2.9(a): the pool member the aided person chose. */
  chosenMemberId?: string;
  /** S-2.9(b): the application of the same case's earlier stage; its member takes this stage. */
  earlierApplicationNo?: string;
  /** S-2.9(d): the hotline or online duty officer (a pool member) who guided, helped or filed the application. */
  hotlineOfficerId?: string;
  /** S-2.9(d), S-2.7: the call whose duty officer guided the applicant here or transferred the application. */
  hotlineCallId?: string;
  /** S-2.9(e): the village legal advisor (a pool member) who helped, filed or made a home visit. */
  villageAdvisorId?: string;
  /** S-2.9(f), S-3.3: difficult, complex or major case: the agency head assigns after a collective discussion. */
  majorCase?: boolean;
  /** S-3.3: number of aided persons (group case). */
  aidedPersons?: number;
}

export interface IntakeCheck {
  ruleId: string;
  ok: boolean;
  note: string;
}

/** L-14 (Law art. 39): a detained person's application reaches the agency within 24 hours of the facility's receipt. */
export const FORWARDING_LIMIT_HOURS = 24;

export interface AcceptedFirstGround {
  ruleId: string;
  label: string;
  /** The urgency ground staff stated (S-3.2 情况紧急, L-7), when that is the ground. */
  urgency?: UrgencyGround;
}

/**
 * S-3.2 green channel and L-7 (Law art. 44): cases accepted first (先行受理) and aided before the decision, with the
 * missing formalities supplied afterwards: a migrant worker's wage claim; fewer than 7 days (不满七日) to a limitation
 * period or deadline; urgent preservation or advance execution; another urgency staff state (S-3.2 情况紧急).
 */
export function acceptedFirstGrounds(args: {
  applicationDate: string;
  matterCategory: string;
  migrantWorker?: boolean;
  details?: IntakeDetails;
}): AcceptedFirstGround[] {
  const grounds: AcceptedFirstGround[] = [];
  if (args.migrantWorker && args.matterCategory === 'labour_remuneration') {
    grounds.push({ ruleId: 'S-3.2', label: '农民工请求支付劳动报酬（绿色通道）' });
  }
  const deadline = args.details?.limitationDeadline;
  if (deadline) {
    const days = Math.round(
      (Date.parse(`${deadline}T00:00:00Z`) - Date.parse(`${args.applicationDate}T00:00:00Z`)) / 86_400_000,
    );
    if (days >= 0 && days < 7) grounds.push({ ruleId: 'L-7', label: `距离时效或期限届满不足七日（剩余 ${days} 日）` });
  }
  if (args.details?.urgentPreservation)
    grounds.push({ ruleId: 'L-7', label: '需要立即申请财产保全、证据保全或先予执行' });
  const urgency = args.details?.urgency;
  if (urgency) {
    const { label, ruleId } = URGENCY_GROUNDS[urgency.ground];
    grounds.push({ ruleId, label: `情况紧急：${label}`, urgency: urgency.ground });
  }
  return grounds;
}

export function intakeChecks(details: IntakeDetails | undefined, receivedAt: Date): IntakeCheck[] {
  const checks: IntakeCheck[] = [];
  if (details?.custody) {
    const hours = (receivedAt.getTime() - new Date(details.custody.receivedByFacilityAt).getTime()) / 3_600_000;
    const ok = hours <= FORWARDING_LIMIT_HOURS;
    checks.push({
      ruleId: 'L-14',
      ok,
      note: ok
        ? `羁押场所于 ${formatCst(new Date(details.custody.receivedByFacilityAt))} 收到申请，${hours.toFixed(1)} 小时内转交（L-14）`
        : `羁押场所于 ${formatCst(new Date(details.custody.receivedByFacilityAt))} 收到申请，${hours.toFixed(1)} 小时后才转交，超过 24 小时（L-14）`,
    });
  }
  return checks;
}
