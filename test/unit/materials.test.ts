import { objectionWindow, objectionWindowEnd } from '../../domain/deadlines';
import { packagedCalendar } from '../../repositories/calendar';
import {
  acceptedFirstTerminatedText,
  activeEntry,
  COMMON_CORE,
  correctionNoticeText,
  correctionReminderText,
  correctionWithdrawnText,
  MATERIALS,
  missingMaterials,
  requiredForIntake,
  type CatalogueEntry,
} from '../../domain/materials';
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

describe('L-2 S-3.2 the catalogue: matter-specific materials and explanations in the one notice', () => {
  const entry = (over: Partial<CatalogueEntry> & { code: string }): CatalogueEntry => ({
    name: over.code,
    kind: 'material',
    legalBasis: '《办理法律援助案件程序规定》第十三条',
    matterCategories: [],
    requiredByDefault: false,
    active: true,
    position: 100,
    ...over,
  });
  const catalogue: CatalogueEntry[] = [
    ...COMMON_CORE.map((item, i) => entry({ ...item, requiredByDefault: true, position: (i + 1) * 10 })),
    entry({
      code: 'wage_arrears_evidence',
      name: '欠薪证明材料（工资条、考勤记录等）',
      legalBasis: '《中华人民共和国法律援助法》第四十三条',
      matterCategories: ['labour_remuneration'],
      position: 40,
    }),
    entry({
      code: 'employer_relation_explanation',
      name: '与用人单位劳动关系的情况',
      kind: 'explanation',
      legalBasis: '《中华人民共和国法律援助法》第四十三条',
      position: 50,
    }),
    entry({ code: 'stopped_item', name: '已停用事项', active: false, position: 60 }),
  ];
  const chosen = ['employer_relation_explanation', 'wage_arrears_evidence'];

  test('L-2 S-3.2 a matter-specific item chosen from the catalogue is listed in the one notice with its legal basis', () => {
    const required = requiredForIntake(catalogue, { matterCategory: 'labour_remuneration', supplied: [], chosen });
    expect(required.map((i) => i.code)).toEqual([
      'identity_proof',
      'economic_statement',
      'matter_evidence',
      'wage_arrears_evidence',
      'employer_relation_explanation',
    ]);
    const missing = missingMaterials(['identity_proof', 'economic_statement', 'matter_evidence'], required);
    const text = correctionNoticeText({ applicationNo: 'KQ-2026-000123', missing, dueAt: new Date(), required });
    expect(text).toContain('1. 欠薪证明材料（工资条、考勤记录等）（依据：《中华人民共和国法律援助法》第四十三条）');
    expect(text.match(/欠薪证明材料/g)).toHaveLength(1);
  });

  test('L-2 an explanation item (作出说明) is listed as an explanation, after the materials', () => {
    const required = requiredForIntake(catalogue, { matterCategory: 'labour_remuneration', supplied: [], chosen });
    const text = correctionNoticeText({
      applicationNo: 'KQ-2026-000123',
      missing: missingMaterials(['identity_proof'], required),
      dueAt: new Date('2026-12-11T16:00:00Z'),
      required,
    });
    const lines = text.split('\n');
    const explain = lines.indexOf('请就以下事项作出说明：');
    expect(explain).toBeGreaterThan(
      lines.indexOf('3. 欠薪证明材料（工资条、考勤记录等）（依据：《中华人民共和国法律援助法》第四十三条）'),
    );
    expect(lines[explain + 1]).toBe('4. 与用人单位劳动关系的情况（依据：《中华人民共和国法律援助法》第四十三条）');
    expect(text).toContain('前补齐材料并作出说明。逾期未补齐材料或者未作出说明的，视为撤回申请');
    const reminder = correctionReminderText({
      applicationNo: 'KQ-2026-000123',
      missing: ['employer_relation_explanation'],
      dueAt: new Date('2026-12-11T16:00:00Z'),
      required,
    });
    expect(reminder).toContain('与用人单位劳动关系的情况（作出说明）');
  });

  test('L-2 an inactive item cannot be required, nor supplied at intake; one for another matter cannot be required', () => {
    const args = { matterCategory: 'labour_remuneration', supplied: [] as string[] };
    expect(() => requiredForIntake(catalogue, { ...args, chosen: ['stopped_item'] })).toThrow(
      expect.objectContaining({ code: 'CORRECTION_ITEM_INACTIVE', path: 'materialsRequired.0' }),
    );
    expect(() => requiredForIntake(catalogue, { ...args, supplied: ['stopped_item'], chosen: [] })).toThrow(
      expect.objectContaining({ code: 'CORRECTION_ITEM_INACTIVE', path: 'materialsSupplied.0' }),
    );
    expect(() => requiredForIntake(catalogue, { ...args, chosen: ['passport'] })).toThrow(
      expect.objectContaining({ code: 'CORRECTION_ITEM_UNKNOWN' }),
    );
    expect(() =>
      requiredForIntake(catalogue, { matterCategory: 'family', supplied: [], chosen: ['wage_arrears_evidence'] }),
    ).toThrow(expect.objectContaining({ code: 'CORRECTION_ITEM_NOT_FOR_MATTER' }));
    // A stopped item the case already requires still counts for it.
    expect(activeEntry(catalogue, 'stopped_item', ['stopped_item']).code).toBe('stopped_item');
  });

  test('L-2 an item stopped in the catalogue is no longer required by default', () => {
    const stopped = catalogue.map((e) => (e.code === 'matter_evidence' ? { ...e, active: false } : e));
    const required = requiredForIntake(stopped, { matterCategory: 'family', supplied: [], chosen: [] });
    expect(required.map((i) => i.code)).toEqual(['identity_proof', 'economic_statement']);
  });

  test("L-2 S-3.2 the withdrawal and the termination of aid accepted first name the case's own catalogue items", () => {
    const required = requiredForIntake(catalogue, { matterCategory: 'labour_remuneration', supplied: [], chosen });
    const missing = ['wage_arrears_evidence', 'employer_relation_explanation'];
    const withdrawn = correctionWithdrawnText('KQ-2026-000123', missing, required);
    expect(withdrawn).toContain(
      '逾期未补齐材料或者未作出说明（欠薪证明材料（工资条、考勤记录等）、与用人单位劳动关系的情况（作出说明））',
    );
    expect(withdrawn).not.toContain('wage_arrears_evidence');
    const terminated = acceptedFirstTerminatedText('KQ-2026-000123', ['wage_arrears_evidence'], required);
    expect(terminated).toContain('逾期未补齐材料（欠薪证明材料（工资条、考勤记录等））');
    const notice = correctionNoticeText({
      applicationNo: 'KQ-2026-000123',
      missing,
      dueAt: new Date('2026-12-11T16:00:00Z'),
      required,
      acceptedFirst: true,
    });
    expect(notice).toContain(
      '本案先行受理，法律援助可在材料补齐前提供；逾期未补齐材料或者未作出说明的，终止法律援助。',
    );
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
