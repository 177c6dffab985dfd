/**
 * Intake details that depend on the channel (受理渠道), and the checks they carry.
 */
import { formatCst } from './time';

/** L-4 (Law arts. 25, 28, 36): who notified the agency, when, and on which ground. */
export const NOTIFYING_ORGANS = {
  court: '人民法院',
  procuratorate: '人民检察院',
  public_security: '公安机关',
} as const;

/** L-4, Law art. 25(1): mandatory notification grounds; art. 25(2): discretionary. */
export const NOTIFICATION_GROUNDS = {
  minor: '未成年人',
  blind_deaf_mute: '视力、听力、言语残疾人',
  not_fully_capable: '不能完全辨认自己行为的成年人',
  life_or_death_sentence: '可能被判处无期徒刑、死刑的人',
  death_penalty_review: '申请法律援助的死刑复核案件被告人',
  trial_in_absentia: '缺席审判案件的被告人',
  discretionary: '其他适用普通程序审理的刑事案件（酌定通知）',
} as const;
export type NotificationGround = keyof typeof NOTIFICATION_GROUNDS;

export interface NotificationDetails {
  organ: keyof typeof NOTIFYING_ORGANS;
  organName: string;
  /** Date of the notice letter (通知辩护公函), China time. */
  noticeDate: string;
  ground: NotificationGround;
}

export interface CustodyDetails {
  /** Detention facility or the organ holding the applicant (看守所等). */
  facility: string;
  /** When the facility received the application from the detained person (ISO instant). */
  receivedByFacilityAt: string;
}

export interface IntakeDetails {
  /** 市域通办: the office that received the application, when it is not the responsible agency. */
  receivingAgencyCode?: string;
  notification?: NotificationDetails;
  custody?: CustodyDetails;
  /** S-2.2: the village agent has forwarded the paper materials to the agency. */
  paperMaterialsForwarded?: boolean;
}

export interface IntakeCheck {
  ruleId: string;
  ok: boolean;
  note: string;
}

/** L-14 (Law art. 39): a detained person's application reaches the agency within 24 hours of the facility's receipt. */
export const FORWARDING_LIMIT_HOURS = 24;

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
