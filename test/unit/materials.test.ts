import { correctionNoticeText, MATERIALS, missingMaterials } from '../../domain/materials';

describe('L-2 one-time notice of everything missing (一次性告知)', () => {
  test('L-2 missing materials are all listed, in catalogue order, whatever order they were supplied in', () => {
    expect(missingMaterials([])).toEqual(['identity_proof', 'economic_statement', 'matter_evidence']);
    expect(missingMaterials(['matter_evidence'])).toEqual(['identity_proof', 'economic_statement']);
    expect(missingMaterials(['matter_evidence', 'identity_proof', 'economic_statement'])).toEqual([]);
  });

  test('L-2 unknown codes supplied do not count as any required material', () => {
    expect(missingMaterials(['something_else'])).toHaveLength(3);
  });

  test('S-3.2 L-2 the notice names every missing item, the last day in China time, and the consequence', () => {
    const text = correctionNoticeText({
      applicationNo: 'KQ-2026-000123',
      missing: ['identity_proof', 'matter_evidence'],
      dueAt: new Date('2026-12-11T16:00:00Z'),
    });
    expect(text).toContain('KQ-2026-000123');
    expect(text).toContain(`1. ${MATERIALS.identity_proof}`);
    expect(text).toContain(`2. ${MATERIALS.matter_evidence}`);
    expect(text).not.toContain(MATERIALS.economic_statement);
    expect(text).toContain('2026年12月11日（含当日）前');
    expect(text).toContain('视为撤回申请');
  });
});
