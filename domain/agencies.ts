/**
 * Legal-aid agencies (法律援助机构) of Shaoxing: the city centre and one agency per district/county (S-4.1).
 * Codes appear in application numbers and workflow search attributes; they identify an office, never a person.
 */
export const AGENCIES = {
  SX: '绍兴市法律援助中心',
  YC: '越城区法律援助中心',
  KQ: '柯桥区法律援助中心',
  SY: '上虞区法律援助中心',
  ZJ: '诸暨市法律援助中心',
  SZ: '嵊州市法律援助中心',
  XC: '新昌县法律援助中心',
} as const;

export type AgencyCode = keyof typeof AGENCIES;
export const AGENCY_CODES = Object.keys(AGENCIES) as [AgencyCode, ...AgencyCode[]];

/** Application number (申请编号): agency, year in China time, six-digit serial, e.g. `KQ-2026-000123`. */
export function formatApplicationNo(agency: AgencyCode, year: number, serial: number): string {
  return `${agency}-${year}-${String(serial).padStart(6, '0')}`;
}

export const APPLICATION_NO_PATTERN = /^[A-Z]{2}-\d{4}-\d{6,}$/;
