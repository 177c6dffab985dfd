/**
 * 12348 hotline and online duty (S-2.4–S-2.7) as pure rules: each call's answer deadline in China time, and duty
 * credit (S-2.5). Windows and limits are configuration with the text's values as defaults.
 */
import { AGENCIES, type AgencyCode } from './agencies';
import { addCalendarDays, cstDateOf, CST_OFFSET_MS, startOfCstDay } from './time';

export interface HotlineRules {
  /** S-2.4: the day window (China time, minutes after midnight): 08:30 to 22:00. */
  dayStartMinute: number;
  dayEndMinute: number;
  /** S-2.4: a call in the day window is answered within this many minutes. */
  dayAnswerMinutes: number;
  /** S-2.4: a call outside it is answered by this time of the morning (10:00). */
  nightAnswerByMinute: number;
  /** Grab-order: a claimed call not answered within this many minutes goes back to the pool. */
  claimHoldMinutes: number;
  /** S-2.5: answered calls per duty day. */
  callsPerDutyDay: number;
  /** S-2.5: which answered calls count toward duty days: 12348 phone calls, online inquiries, or both. */
  dutyChannels: HotlineChannel[];
}

export type HotlineChannel = 'phone' | 'online';
export const HOTLINE_CHANNELS = { phone: '12348 热线来电', online: '在线咨询（律动·浙里 抢单）' } as const;

export const DEFAULT_HOTLINE_RULES: HotlineRules = {
  dayStartMinute: 8 * 60 + 30,
  dayEndMinute: 22 * 60,
  dayAnswerMinutes: 3,
  nightAnswerByMinute: 10 * 60,
  claimHoldMinutes: 2,
  callsPerDutyDay: 30,
  dutyChannels: ['phone', 'online'],
};

/**
 * S-2.5: whether an answered call of `channel` counts toward duty days, as configured (rules from before the setting
 * existed count both, as they did).
 */
export function countsForDuty(channel: HotlineChannel, rules: Pick<HotlineRules, 'dutyChannels'>): boolean {
  return (rules.dutyChannels ?? DEFAULT_HOTLINE_RULES.dutyChannels).includes(channel);
}

/** S-2.5: answered calls toward the next duty day (partial counts carry over). */
export function towardNextDutyDay(answered: number, rules: Pick<HotlineRules, 'callsPerDutyDay'>): number {
  return answered % rules.callsPerDutyDay;
}

const MINUTE_MS = 60_000;

/** Minutes after midnight, China time. */
function cstMinuteOfDay(at: Date): number {
  const ms = (at.getTime() + CST_OFFSET_MS) % (24 * 60 * MINUTE_MS);
  return Math.floor(ms / MINUTE_MS);
}

/**
 * S-2.4: a call between 08:30 (inclusive) and 22:00 (exclusive) is answered within 3 minutes; one from 22:00 to
 * midnight by 10:00 the next morning; one after midnight and before 08:30 by 10:00 that morning.
 */
export function answerDeadline(receivedAt: Date, rules: HotlineRules = DEFAULT_HOTLINE_RULES): Date {
  const minute = cstMinuteOfDay(receivedAt);
  if (minute >= rules.dayStartMinute && minute < rules.dayEndMinute) {
    return new Date(receivedAt.getTime() + rules.dayAnswerMinutes * MINUTE_MS);
  }
  const day = cstDateOf(receivedAt);
  const morning = minute >= rules.dayEndMinute ? addCalendarDays(day, 1) : day;
  return new Date(startOfCstDay(morning).getTime() + rules.nightAnswerByMinute * MINUTE_MS);
}

/** S-2.5: duty days credited after `answered` calls (partial counts carry over). */
export function dutyDays(answered: number, rules: HotlineRules = DEFAULT_HOTLINE_RULES): number {
  return Math.floor(answered / rules.callsPerDutyDay);
}

/** S-2.7: the outcomes of a call under first-contact responsibility. */
export const CALL_OUTCOMES = {
  guided: '符合条件，已引导申请法律援助',
  transferred: '已转为法律援助申请（转单）',
  out_of_scope: '不属于法律援助范围，已解释或告知主管部门',
  /** L-13: the caller complained about legal aid; the complaint was filed (it has its own workflow). */
  complaint: '来电投诉，已登记为法律援助投诉（L-13）',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

/**
 * S-2.6: how a duty officer appears to the public: "XX区、县（市）公共法律服务中心值班员" of the agency's district or
 * county (the city centre's officers: 绍兴市), never by name or staff id.
 */
export function dutyOfficerTitle(agencyCode: string): string {
  const agency: string = AGENCIES[agencyCode as AgencyCode] ?? '';
  const place = agency.replace(/法律援助中心$/, '');
  return `${place || '区、县（市）'}公共法律服务中心值班员`;
}
