import { answerDeadline, dutyDays, dutyOfficerTitle } from '../../domain/hotline';

// China time instants for 2026-11-26 (a fixed +08:00 offset), whatever the machine's zone.
const cst = (local: string) => new Date(`${local}+08:00`);

describe('S-2.4 answer deadlines, China time', () => {
  test.each([
    ['2026-11-26T08:29:00', '2026-11-26T10:00:00'], // before 08:30: by 10:00 that morning
    ['2026-11-26T08:30:00', '2026-11-26T08:33:00'], // the day window starts at 08:30: 3 minutes
    ['2026-11-26T21:59:00', '2026-11-26T22:02:00'], // still in the window (the deadline may pass 22:00)
    ['2026-11-26T22:00:00', '2026-11-27T10:00:00'], // 22:00 is night: by 10:00 the next morning
    ['2026-11-26T23:59:00', '2026-11-27T10:00:00'],
    ['2026-11-27T00:01:00', '2026-11-27T10:00:00'], // after midnight: the same morning
  ])('S-2.4 a call at %s is due at %s', (at, due) => {
    expect(answerDeadline(cst(at)).toISOString()).toBe(cst(due).toISOString());
  });

  test('S-2.4 the windows and limits are configuration', () => {
    const rules = {
      dayStartMinute: 8 * 60,
      dayEndMinute: 20 * 60,
      dayAnswerMinutes: 5,
      nightAnswerByMinute: 9 * 60,
      claimHoldMinutes: 2,
      callsPerDutyDay: 30,
      dutyChannels: ['phone' as const],
    };
    expect(answerDeadline(cst('2026-11-26T08:10:00'), rules).toISOString()).toBe(
      cst('2026-11-26T08:15:00').toISOString(),
    );
    expect(answerDeadline(cst('2026-11-26T20:30:00'), rules).toISOString()).toBe(
      cst('2026-11-27T09:00:00').toISOString(),
    );
  });
});

describe('S-2.5 duty credit', () => {
  test('S-2.5 every 30 answered calls are one duty day; partial counts carry over', () => {
    expect([0, 29, 30, 31, 59, 60].map((n) => dutyDays(n))).toEqual([0, 0, 1, 1, 1, 2]);
  });
});

test('S-2.6 a duty officer appears to the public as the district or county public legal service centre duty officer', () => {
  expect(dutyOfficerTitle('KQ')).toBe('柯桥区公共法律服务中心值班员');
  expect(dutyOfficerTitle('ZJ')).toBe('诸暨市公共法律服务中心值班员');
  expect(dutyOfficerTitle('XC')).toBe('新昌县公共法律服务中心值班员');
});
