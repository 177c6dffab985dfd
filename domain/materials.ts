import { movedText, type MovedLastDay } from './calendar';
import { lastDayBefore } from './deadlines';
import { DomainError } from './errors';
import { formatCstDay } from './time';

/**
 * What a correction notice (补正通知) may require (L-2, S-3.2): materials to supply (补充材料) and matters the applicant
 * must explain (作出说明, Law art. 43), each with its legal basis. The catalogue is data the city centre and the
 * agency heads keep (`correction_item`, /correction-items); intake copies the items a case requires into the case's
 * input, so the case's notice, reminders and completeness never change with a later edit of the catalogue.
 */
export const CORRECTION_KINDS = { material: '材料', explanation: '作出说明' } as const;
export type CorrectionKind = keyof typeof CORRECTION_KINDS;
export const CORRECTION_KIND_CODES = Object.keys(CORRECTION_KINDS) as [CorrectionKind, ...CorrectionKind[]];

/** A catalogue code: lower-case letters, digits and underscores. */
export const CORRECTION_CODE_PATTERN = /^[a-z][a-z0-9_]{1,63}$/;

/** One item a case requires, as the catalogue had it at intake. */
export interface CorrectionItem {
  code: string;
  /** What applicants read (中文名称). */
  name: string;
  kind: CorrectionKind;
  /** The legal basis quoted in the notice (法律依据). */
  legalBasis: string;
}

/** A catalogue code (validated against the catalogue by the API). */
export type MaterialCode = string;

/**
 * The common core of every application (Law art. 41, Procedures art. 13): the catalogue's seed, required by default,
 * and what a case started without a required list requires.
 */
export const COMMON_CORE: readonly CorrectionItem[] = [
  {
    code: 'identity_proof',
    name: '申请人身份证明',
    kind: 'material',
    legalBasis: '《办理法律援助案件程序规定》第十三条',
  },
  {
    code: 'economic_statement',
    name: '经济困难状况说明表（诚信承诺）',
    kind: 'material',
    legalBasis: '《中华人民共和国法律援助法》第四十一条；《办理法律援助案件程序规定》第十三条',
  },
  {
    code: 'matter_evidence',
    name: '与所申请法律援助事项有关的材料',
    kind: 'material',
    legalBasis: '《办理法律援助案件程序规定》第十三条',
  },
];

/** Names of the common core, by code (the console's default options). */
export const MATERIALS = {
  identity_proof: '申请人身份证明',
  economic_statement: '经济困难状况说明表（诚信承诺）',
  matter_evidence: '与所申请法律援助事项有关的材料',
} as const;
export type CoreMaterialCode = keyof typeof MATERIALS;
export const MATERIAL_CODES = Object.keys(MATERIALS) as [CoreMaterialCode, ...CoreMaterialCode[]];

/** The codes a case requires, in catalogue order. */
export function requiredMaterials(required: readonly CorrectionItem[] = COMMON_CORE): MaterialCode[] {
  return required.map((item) => item.code);
}

/** L-2: everything missing, in catalogue order, so the one notice (一次性告知) lists all of it at once. */
export function missingMaterials(
  supplied: readonly string[],
  required: readonly CorrectionItem[] = COMMON_CORE,
): MaterialCode[] {
  const have = new Set(supplied);
  return requiredMaterials(required).filter((code) => !have.has(code));
}

/** The name people read for a code: the case's item, else the common core's, else the code itself. */
export function itemName(code: string, required: readonly CorrectionItem[] = COMMON_CORE): string {
  return (
    required.find((item) => item.code === code)?.name ?? COMMON_CORE.find((item) => item.code === code)?.name ?? code
  );
}

function itemsOf(missing: readonly string[], required: readonly CorrectionItem[]): CorrectionItem[] {
  return missing.map(
    (code) =>
      required.find((item) => item.code === code) ??
      COMMON_CORE.find((item) => item.code === code) ?? { code, name: code, kind: 'material', legalBasis: '' },
  );
}

const withBasis = (item: CorrectionItem) => (item.legalBasis ? `${item.name}（依据：${item.legalBasis}）` : item.name);

/**
 * S-3.2, L-2: the one-time correction notice (补正材料一次性告知书) text, in Chinese, listing every missing material
 * and every matter to explain, each with its legal basis, the last day, and the consequence the applicant committed
 * to (failing to supply them ends the aid).
 */
export function correctionNoticeText(args: {
  applicationNo: string;
  missing: readonly MaterialCode[];
  dueAt: Date;
  /** The case's required items (default: the common core). */
  required?: readonly CorrectionItem[];
  /** Civil Code art. 203: the last day moved off a rest day, and why. */
  moved?: MovedLastDay;
  /** S-3.2, L-7: accepted first: aid may start before the materials arrive, and missing them terminates it. */
  acceptedFirst?: boolean;
}): string {
  const items = itemsOf(args.missing, args.required ?? COMMON_CORE);
  const materials = items.filter((item) => item.kind === 'material');
  const explanations = items.filter((item) => item.kind === 'explanation');
  let n = 0;
  const list = (part: readonly CorrectionItem[]) => part.map((item) => `${++n}. ${withBasis(item)}`);
  const lines = ['【补正材料一次性告知】'];
  const opening = `您的法律援助申请（编号 ${args.applicationNo}）已容缺受理，`;
  if (materials.length > 0) lines.push(`${opening}尚缺以下材料：`, ...list(materials));
  if (explanations.length > 0) {
    lines.push(`${materials.length > 0 ? '' : opening}请就以下事项作出说明：`, ...list(explanations));
  }
  const todo =
    materials.length > 0 && explanations.length > 0 ? '补齐材料并作出说明' : materials.length > 0 ? '补齐' : '作出说明';
  const undone = explanations.length > 0 ? '逾期未补齐材料或者未作出说明的' : '逾期未补齐的';
  const consequence = args.acceptedFirst
    ? `本案先行受理，法律援助可在材料补齐前提供；${undone}，终止法律援助。`
    : `${undone}，视为撤回申请，法律援助终止。`;
  lines.push(`请于 ${lastDayText(args.dueAt)}（含当日）前${todo}${movedText(args.moved)}。${consequence}`);
  return lines.join('\n');
}

/** `2026年12月11日`: the last day of a period that ends at `dueAt` (the following midnight, China time). */
function lastDayText(dueAt: Date): string {
  return formatCstDay(lastDayBefore(dueAt));
}

/** The short name of an item in a reminder or a record: an explanation says so. */
export function shortName(item: CorrectionItem): string {
  return item.kind === 'explanation' ? `${item.name}（作出说明）` : item.name;
}

/** S-3.2: a correction reminder, in Chinese. */
export function correctionReminderText(args: {
  applicationNo: string;
  missing: readonly MaterialCode[];
  dueAt: Date;
  required?: readonly CorrectionItem[];
  acceptedFirst?: boolean;
}): string {
  const items = itemsOf(args.missing, args.required ?? COMMON_CORE)
    .map(shortName)
    .join('、');
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
export function correctionWithdrawnText(
  applicationNo: string,
  missing: readonly MaterialCode[],
  required: readonly CorrectionItem[] = COMMON_CORE,
): string {
  const items = itemsOf(missing, required);
  return `【法律援助申请视为撤回】您的申请（编号 ${applicationNo}）因逾期${undoneText(items)}，视为撤回申请。您可以备齐上述材料后重新提出法律援助申请。`;
}

/** S-3.2, L-7: aid accepted first ends at the deadline under the applicant's commitment. */
export function acceptedFirstTerminatedText(
  applicationNo: string,
  missing: readonly MaterialCode[],
  required: readonly CorrectionItem[] = COMMON_CORE,
): string {
  const items = itemsOf(missing, required);
  return `【法律援助终止通知】您的法律援助（编号 ${applicationNo}）先行受理后，逾期${undoneText(items)}，按您作出的承诺终止法律援助。`;
}

/** `未补齐材料（甲、乙）`, or with matters to explain `未补齐材料或者未作出说明（甲、丙（作出说明））`. */
function undoneText(items: readonly CorrectionItem[]): string {
  const what = items.some((item) => item.kind === 'explanation') ? '未补齐材料或者未作出说明' : '未补齐材料';
  return `${what}（${items.map(shortName).join('、')}）`;
}

/** S-3.2, L-7: the member and institution handling aid accepted first are told that it was terminated. */
export function acceptedFirstTerminatedHandlerText(applicationNo: string): string {
  return `【法律援助终止通知】法律援助案件 ${applicationNo} 系先行受理，受援人逾期未补齐材料，已按其承诺终止法律援助（S-3.2，L-7）。请停止承办；已开展的工作按终止案件的规定评估和发放补贴。`;
}

/** A catalogue entry as the catalogue keeps it (`correction_item`). */
export interface CatalogueEntry extends CorrectionItem {
  /** The matter categories it applies to; empty: every matter. */
  matterCategories: readonly string[];
  requiredByDefault: boolean;
  active: boolean;
  position: number;
}

/** Refused with 400: a code the catalogue does not have, has stopped, or does not apply to the matter. */
export class CorrectionItemError extends DomainError {
  constructor(
    code:
      | 'CORRECTION_ITEM_UNKNOWN'
      | 'CORRECTION_ITEM_INACTIVE'
      | 'CORRECTION_ITEM_NOT_FOR_MATTER'
      | 'CORRECTION_ITEM_NOT_REQUIRED',
    message: string,
    /** Where in the request (`materialsSupplied.0`). */
    readonly path = '',
  ) {
    super('invalid', code, message);
  }
}

const applies = (entry: CatalogueEntry, category: string) =>
  entry.matterCategories.length === 0 || entry.matterCategories.includes(category);

/** The entry of `code`, refusing unknown and (unless the case already requires it) inactive codes. */
export function activeEntry(
  catalogue: readonly CatalogueEntry[],
  code: string,
  requiredByCase: readonly string[] = [],
  path = '',
): CatalogueEntry {
  const entry = catalogue.find((e) => e.code === code);
  if (!entry) throw new CorrectionItemError('CORRECTION_ITEM_UNKNOWN', `材料目录中没有代码为 ${code} 的事项`, path);
  if (!entry.active && !requiredByCase.includes(code)) {
    throw new CorrectionItemError('CORRECTION_ITEM_INACTIVE', `「${entry.name}」已停用，不能再要求或登记`, path);
  }
  return entry;
}

/**
 * L-2, S-3.2: what a new case requires: the active items required by default for its matter, and the items staff
 * chose (each active and for the matter), in catalogue order. Materials supplied at intake must be active items.
 */
export function requiredForIntake(
  catalogue: readonly CatalogueEntry[],
  args: { matterCategory: string; supplied: readonly string[]; chosen: readonly string[] },
): CorrectionItem[] {
  args.supplied.forEach((code, i) => activeEntry(catalogue, code, [], `materialsSupplied.${i}`));
  args.chosen.forEach((code, i) => {
    const entry = activeEntry(catalogue, code, [], `materialsRequired.${i}`);
    if (!applies(entry, args.matterCategory)) {
      const message = `「${entry.name}」不适用于本案的法律援助事项`;
      throw new CorrectionItemError('CORRECTION_ITEM_NOT_FOR_MATTER', message, `materialsRequired.${i}`);
    }
  });
  const chosen = new Set(args.chosen);
  return [...catalogue]
    .filter((e) => e.active && applies(e, args.matterCategory) && (e.requiredByDefault || chosen.has(e.code)))
    .sort((a, b) => a.position - b.position || a.code.localeCompare(b.code))
    .map(({ code, name, kind, legalBasis }) => ({ code, name, kind, legalBasis }));
}
