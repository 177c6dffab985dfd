import { intakeChecks } from '../../domain/intake';

describe('L-14 forwarding from custody within 24 hours', () => {
  const at = (iso: string) => new Date(iso);
  test('L-14 exactly 24 hours after the facility received it is in time (以内 includes)', () => {
    const [check] = intakeChecks(
      { custody: { facility: '绍兴市看守所', receivedByFacilityAt: '2026-11-25T02:00:00Z' } },
      at('2026-11-26T02:00:00Z'),
    );
    expect(check).toMatchObject({ ruleId: 'L-14', ok: true });
  });

  test('L-14 one minute more is late, and the note says so in Chinese', () => {
    const [check] = intakeChecks(
      { custody: { facility: '绍兴市看守所', receivedByFacilityAt: '2026-11-25T02:00:00Z' } },
      at('2026-11-26T02:01:00Z'),
    );
    expect(check).toMatchObject({ ruleId: 'L-14', ok: false });
    expect(check!.note).toContain('超过 24 小时');
    expect(check!.note).toContain('2026-11-25 10:00'); // China time
  });

  test('no custody, no check', () => {
    expect(intakeChecks(undefined, new Date())).toEqual([]);
    expect(intakeChecks({ paperMaterialsForwarded: true }, new Date())).toEqual([]);
  });
});
