import { acceptedFirstGrounds, intakeChecks } from '../../domain/intake';

describe('S-3.2 / L-7 accepted first (先行受理)', () => {
  const base = { applicationDate: '2026-11-26', matterCategory: 'family' };
  test('S-3.2 a migrant worker claiming wages goes through the green channel', () => {
    expect(acceptedFirstGrounds({ ...base, matterCategory: 'labour_remuneration', migrantWorker: true })).toEqual([
      { ruleId: 'S-3.2', label: expect.stringContaining('绿色通道') },
    ]);
    expect(acceptedFirstGrounds({ ...base, migrantWorker: true })).toEqual([]);
  });

  test.each([
    ['2026-12-02', true, '6 days left'],
    ['2026-12-03', false, '7 days left (不满七日 excludes 7)'],
    ['2026-11-26', true, 'the last day itself'],
    ['2026-11-25', false, 'already passed'],
  ])('L-7 limitation deadline %s: accepted first = %s (%s)', (limitationDeadline, expected) => {
    const grounds = acceptedFirstGrounds({ ...base, details: { limitationDeadline } });
    expect(grounds.some((g) => g.ruleId === 'L-7')).toBe(expected);
  });

  test('S-3.2 an urgency ground staff state, other than preservation, accepts first', () => {
    const grounds = acceptedFirstGrounds({
      ...base,
      details: { urgency: { ground: 'livelihood', reason: '子女住院无力支付' } },
    });
    expect(grounds).toEqual([
      { ruleId: 'S-3.2', label: expect.stringContaining('基本生活难以为继'), urgency: 'livelihood' },
    ]);
    // The reason stays with the intake record, out of the workflow state.
    expect(JSON.stringify(grounds)).not.toContain('子女住院');
    expect(
      acceptedFirstGrounds({
        ...base,
        details: { urgency: { ground: 'evidence_preservation', reason: '证据将灭失' } },
      }),
    ).toEqual([{ ruleId: 'L-7', label: expect.stringContaining('证据保全'), urgency: 'evidence_preservation' }]);
  });

  test('L-7 urgent preservation', () => {
    expect(acceptedFirstGrounds({ ...base, details: { urgentPreservation: true } })).toEqual([
      { ruleId: 'L-7', label: expect.stringContaining('保全') },
    ]);
  });
});

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
