import { objectionWindow, objectionWindowEnd } from '../../domain/deadlines';
import { packagedCalendar } from '../../repositories/calendar';
import { correctionNoticeText, correctionWithdrawnText, MATERIALS, missingMaterials } from '../../domain/materials';
import { refusalNoticeText, terminationNoticeText } from '../../domain/notices';

const CALENDAR = packagedCalendar();

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

describe('L-1 L-9 L-10 the written decisions an applicant is owed', () => {
  test('L-1 L-10 a refusal gives its reasons and the objection deadline as a China date', () => {
    // Decided at 18:00 China time on 2 Dec: the 15 days run from 3 Dec to 24:00 on 17 Dec.
    const decidedAt = new Date('2026-12-02T10:00:00Z');
    const text = refusalNoticeText({
      applicationNo: 'KQ-2026-000123',
      reason: '家庭人均收入高于标准',
      objectionDueAt: objectionWindowEnd(decidedAt, 15, CALENDAR),
    });
    expect(text).toContain('决定不予法律援助');
    expect(text).toContain('理由：家庭人均收入高于标准');
    expect(text).toContain('请于 2026年12月17日（含当日）前');
    expect(text).toContain('司法行政部门');
  });

  test('L-9 L-10 a termination gives its ground and the objection deadline', () => {
    const text = terminationNoticeText({
      applicationNo: 'KQ-2026-000123',
      ground: '受援人自行委托律师或者其他代理人',
      reason: '已自行委托律师',
      objectionDueAt: objectionWindowEnd(new Date('2026-12-31T17:00:00Z'), 15, CALENDAR),
    });
    // The counted last day, 16 Jan 2027, is a Saturday: the window runs to the end of Monday (Civil Code art. 203).
    expect(text).toContain('请于 2027年1月18日（含当日）前');
  });

  test('L-10 a refusal whose objection window ends on a holiday gives the next working day and why', () => {
    // Decided 16 Sep 2026: the 15 days' counted last day is 1 Oct (National Day), in force 8 Oct.
    const window = objectionWindow(new Date('2026-09-16T02:00:00Z'), 15, CALENDAR);
    const text = refusalNoticeText({
      applicationNo: 'KQ-2026-000123',
      reason: '家庭人均收入高于标准',
      objectionDueAt: window.dueAt,
      ...(window.moved ? { objectionMoved: window.moved } : {}),
    });
    expect(text).toContain('请于 2026年10月8日（含当日）前（原最后一日 2026年10月1日，因国庆节顺延）');
  });

  test('L-2 a withdrawal offers no objection, and says what to bring to apply again', () => {
    const text = correctionWithdrawnText('KQ-2026-000123', ['economic_statement']);
    expect(text).toContain('视为撤回申请');
    expect(text).not.toContain('异议');
    expect(text).toContain(`${MATERIALS.economic_statement}`);
    expect(text).toContain('重新提出法律援助申请');
  });
});
