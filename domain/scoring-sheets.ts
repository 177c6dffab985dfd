/**
 * S-4.4 scoring sheets (评分表) as versioned data: the Zhejiang civil/administrative and criminal standards. The
 * official items are not in our texts, so the city centre loads them (POST /quality/sheets); a loaded sheet is never
 * edited, a correction is a new version. The city's sheets (agency SX) apply wherever a county centre has loaded none of
 * its own (S-4.4: each county draws up its 评估实施细则). The items' rules (`validateSheet`, `scoreSheet`) live in domain/quality.ts.
 */
import type { SheetItem } from './quality';

export const SHEET_KINDS = {
  criminal: '刑事案件质量评估标准',
  civil_administrative: '民事、行政案件质量评估标准',
} as const;
export type SheetKind = keyof typeof SHEET_KINDS;
export const SHEET_KIND_CODES = Object.keys(SHEET_KINDS) as [SheetKind, ...SheetKind[]];

/** A sheet as the evaluation workflow receives it (`scoringSheetFor`): plain JSON, the date as `YYYY-MM-DD`. */
export interface ScoringSheet {
  id: string;
  kind: SheetKind;
  version: number;
  title: string;
  items: SheetItem[];
  /** China date from which the sheet applies. */
  effectiveFrom: string;
  /** Whose sheet: `SX` (the city's; also when absent) or a county centre's agency code (S-4.4). */
  agencyCode?: string;
}

/** The agency code of the city's own sheets, used where a county has none. */
export const CITY_SHEETS = 'SX';

/** The items in a fixed key order, so two loads of the same sheet compare equal however their JSON was written. */
export function canonicalItems(items: readonly SheetItem[]): SheetItem[] {
  return items.map((i) => ({ code: i.code, label: i.label, max: i.max, weight: i.weight }));
}

/** Same sheet content: loading a sheet again is answered only when nothing differs (sheets are never edited). */
export function sameSheet(a: ScoringSheet, b: ScoringSheet): boolean {
  return (
    a.id === b.id &&
    (a.agencyCode ?? CITY_SHEETS) === (b.agencyCode ?? CITY_SHEETS) &&
    a.kind === b.kind &&
    a.version === b.version &&
    a.title === b.title &&
    a.effectiveFrom === b.effectiveFrom &&
    JSON.stringify(canonicalItems(a.items)) === JSON.stringify(canonicalItems(b.items))
  );
}
