import { movedText, type MovedLastDay } from './calendar';
import { lastDayBefore } from './deadlines';
import { formatCstDay } from './time';

/**
 * Materials an application needs (申请材料). Codes are stable identifiers; labels are what applicants read.
 * The skeleton's catalogue is the common core of every application (Law art. 41, Procedures art. 13); matter- and
 * channel-specific lists arrive with the intake issue.
 */
export const MATERIALS = {
  identity_proof: '申请人身份证明',
  economic_statement: '经济困难状况说明表（诚信承诺）',
  matter_evidence: '与所申请法律援助事项有关的材料',
} as const;

export type MaterialCode = keyof typeof MATERIALS;
export const MATERIAL_CODES = Object.keys(MATERIALS) as [MaterialCode, ...MaterialCode[]];

export function requiredMaterials(): MaterialCode[] {
  return [...MATERIAL_CODES];
}

/** L-2: everything missing, in catalogue order, so the one notice (一次性告知) lists all of it at once. */
export function missingMaterials(supplied: readonly string[]): MaterialCode[] {
  const have = new Set(supplied);
  return requiredMaterials().filter((code) => !have.has(code));
}

/**
 * S-3.2, L-2: the one-time correction notice (补正材料一次性告知书) text, in Chinese, listing every missing material,
 * the last day, and the consequence the applicant committed to (failing to supply them ends the aid).
 */
export function correctionNoticeText(args: {
  applicationNo: string;
  missing: readonly MaterialCode[];
  dueAt: Date;
  moved?: MovedLastDay;
  /** S-3.2, L-7: accepted first: aid may start before the materials arrive, and missing them terminates it. */
  acceptedFirst?: boolean;
}): string {
  const items = args.missing.map((code, i) => `${i + 1}. ${MATERIALS[code]}`).join('\n');
  const consequence = args.acceptedFirst
    ? '本案先行受理，法律援助可在材料补齐前提供；逾期未补齐的，终止法律援助。'
    : '逾期未补齐的，视为撤回申请，法律援助终止。';
  return [
    '【补正材料一次性告知】',
    `您的法律援助申请（编号 ${args.applicationNo}）已容缺受理，尚缺以下材料：`,
    items,
    `请于 ${lastDayText(args.dueAt)}（含当日）前补齐${movedText(args.moved)}。${consequence}`,
  ].join('\n');
}

/** `2026年12月11日`: the last day of a period that ends at `dueAt` (the following midnight, China time). */
function lastDayText(dueAt: Date): string {
  return formatCstDay(lastDayBefore(dueAt));
}

/** S-3.2: a correction reminder, in Chinese. */
export function correctionReminderText(args: {
  applicationNo: string;
  missing: readonly MaterialCode[];
  dueAt: Date;
  acceptedFirst?: boolean;
}): string {
  const items = args.missing.map((code) => MATERIALS[code]).join('、');
  return `【法律援助补正提醒】您的申请（编号 ${args.applicationNo}）尚缺：${items}。请于 ${lastDayText(args.dueAt)}（含当日）前补齐，${args.acceptedFirst ? '逾期将终止法律援助' : '逾期视为撤回申请'}。`;
}

/** S-3.2: the deadline was extended once by staff, with the reason. */
export function correctionExtendedText(args: {
  applicationNo: string;
  dueAt: Date;
  reason: string;
  moved?: MovedLastDay;
}): string {
  return `【法律援助补正期限延长】您的申请（编号 ${args.applicationNo}）补正期限延长至 ${lastDayText(args.dueAt)}（含当日）${movedText(args.moved)}。原因：${args.reason}`;
}

/** Civil Code art. 203: a published holiday arrangement moved the last day of the correction period. */
export function correctionRescheduledText(args: { applicationNo: string; dueAt: Date; moved?: MovedLastDay }): string {
  return `【法律援助补正期限调整】因法定节假日安排调整，您的申请（编号 ${args.applicationNo}）补正期限调整为 ${lastDayText(args.dueAt)}（含当日）${movedText(args.moved)}。`;
}

/**
 * L-2 (Law art. 43): the application is treated as withdrawn because the materials did not arrive in time. A
 * withdrawal is no refusal and no termination, so no objection lies (Law art. 49); the applicant may apply again.
 */
export function correctionWithdrawnText(applicationNo: string, missing: readonly MaterialCode[]): string {
  const items = missing.map((code) => MATERIALS[code]).join('、');
  return `【法律援助申请视为撤回】您的申请（编号 ${applicationNo}）因逾期未补齐材料（${items}），视为撤回申请。您可以备齐上述材料后重新提出法律援助申请。`;
}

/** S-3.2, L-7: aid accepted first ends at the deadline under the applicant's commitment. */
export function acceptedFirstTerminatedText(applicationNo: string, missing: readonly MaterialCode[]): string {
  const items = missing.map((code) => MATERIALS[code]).join('、');
  return `【法律援助终止通知】您的法律援助（编号 ${applicationNo}）先行受理后，逾期未补齐材料（${items}），按您作出的承诺终止法律援助。`;
}

/** S-3.2, L-7: the member and institution handling aid accepted first are told that it was terminated. */
export function acceptedFirstTerminatedHandlerText(applicationNo: string): string {
  return `【法律援助终止通知】法律援助案件 ${applicationNo} 系先行受理，受援人逾期未补齐材料，已按其承诺终止法律援助（S-3.2，L-7）。请停止承办；已开展的工作按终止案件的规定评估和发放补贴。`;
}
