/**
 * Resident identity card number (公民身份号码, GB 11643-1999): 17 digits and a check character (0-9 or X)
 * computed with ISO 7064 MOD 11-2. Validating it at intake catches most typing errors before a case is opened.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function isValidResidentIdNumber(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  if (CHECK[sum % 11] !== value[17]) return false;
  const birth = value.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10).replace(/-/g, '') === birth;
}

/**
 * L-4: identity documents an organ may give for the person it notifies about, besides the resident ID number (a
 * foreign national's passport, a permit). An unidentified person (身份不明) has none: the organ's description stands.
 */
export const ID_DOCUMENT_TYPES = {
  passport: '护照',
  foreign_permanent_residence: '外国人永久居留身份证',
  hk_macao_permit: '港澳居民来往内地通行证或居住证',
  taiwan_permit: '台湾居民来往大陆通行证或居住证',
  other: '其他身份证件',
} as const;
export type IdDocumentType = keyof typeof ID_DOCUMENT_TYPES;

export interface IdDocument {
  type: IdDocumentType;
  number: string;
  /** Issuing country or region (国籍/签发地), as the document says. */
  issuedBy?: string;
}
