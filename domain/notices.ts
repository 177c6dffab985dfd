/**
 * The written decisions an applicant is owed (L-1, L-9, L-10), in Chinese: what was decided, why, and how, where and
 * until when to object. Deadlines are written as notices write them (`请于 2026年12月17日（含当日）前`, China time).
 */
import { movedText, type MovedLastDay } from './calendar';
import { deadlineText } from './deadlines';
import { notificationRole, NOTIFYING_ORGANS, type NotificationDetails } from './intake';
import { formatCstDay } from './time';

/** How and where an objection is made (Law art. 49: to the justice bureau that set up the agency). */
const OBJECTION_ROUTE = '通过法律援助申请平台在线提出，或者书面向设立本法律援助机构的司法行政部门提出';

/** L-1, L-10: the refusal, in writing with its reasons, and the objection open to the applicant until `objectionDueAt`. */
export function refusalNoticeText(args: {
  applicationNo: string;
  reason: string;
  objectionDueAt: Date;
  /** Civil Code art. 203: the window's counted last day was a rest day, and why it moved. */
  objectionMoved?: MovedLastDay;
}): string {
  return [
    '【不予法律援助决定】',
    `您的法律援助申请（编号 ${args.applicationNo}）经审查，决定不予法律援助。`,
    `理由：${args.reason}`,
    `如对本决定有异议，${deadlineText(args.objectionDueAt)}${movedText(args.objectionMoved)}${OBJECTION_ROUTE}（L-10）。`,
  ].join('\n');
}

/** L-9, L-10: aid terminated on a statutory ground, and the objection open until `objectionDueAt`. */
export function terminationNoticeText(args: {
  applicationNo: string;
  ground: string;
  reason: string;
  objectionDueAt: Date;
  objectionMoved?: MovedLastDay;
}): string {
  return [
    '【法律援助终止通知】',
    `您的法律援助（编号 ${args.applicationNo}）因${args.ground}终止（L-9）。`,
    `理由：${args.reason}`,
    `如对本决定有异议，${deadlineText(args.objectionDueAt)}${movedText(args.objectionMoved)}${OBJECTION_ROUTE}（L-10）。`,
  ].join('\n');
}

/** L-9, S-2.10: the member and institution handling aid that was terminated are told to stop. */
export function terminationHandlerText(applicationNo: string, ground: string): string {
  return `【法律援助终止通知】法律援助案件 ${applicationNo} 因${ground}终止法律援助（L-9）。请停止承办；已开展的工作在终止决定生效后按终止案件的规定评估和发放补贴（S-4.4，S-4.5）。`;
}

/** L-4: the organ's letter as a notice names it: 诸暨市人民法院 2026年11月25日（2026）浙0681刑初12号通知. */
function letterText(letter: NotificationDetails): string {
  const organ = letter.organName || NOTIFYING_ORGANS[letter.organ];
  const date = formatCstDay(letter.noticeDate);
  return `${organ}${date}${letter.letterNo ? `《${letter.letterNo}》` : ''}${notificationRole(letter.ground).kind}通知`;
}

/** L-4: the agency tells the notifying organ whom it assigned (Law art. 36): the institution, the member, the role. */
export function notifyingOrganAssignedText(args: {
  applicationNo: string;
  letter: NotificationDetails;
  slots: ReadonlyArray<{ institutionId: string; institutionName: string; memberId?: string }>;
}): string {
  const { role } = notificationRole(args.letter.ground);
  const who = args.slots
    .map((s) => `${s.institutionName || s.institutionId}（承办人员编号 ${s.memberId ?? ''}）`)
    .join('、');
  return [
    '【指派承办人员告知书】',
    `${args.letter.organName}：`,
    `贵机关${letterText(args.letter)}收悉。本机构已指派 ${who}担任${role}（法律援助案件编号 ${args.applicationNo}，L-4）。`,
    '承办人员将持法律援助公函与贵机关联系。',
  ].join('\n');
}

/** L-4: a notification the agency cannot act on goes back to the organ with the reasons (退回通知机关, not a refusal). */
export function notificationReturnedText(args: {
  applicationNo: string;
  letter: NotificationDetails;
  ground: string;
  reason: string;
}): string {
  return [
    '【退回通知函】',
    `${args.letter.organName}：`,
    `贵机关${letterText(args.letter)}收悉（登记编号 ${args.applicationNo}）。经审查，本机构不能依该通知指派，现予退回（L-4）。`,
    `退回原因：${args.ground}。${args.reason}`,
    '如需指派，请依法向有管辖权的法律援助机构通知，或补正后重新通知。',
  ].join('\n');
}
