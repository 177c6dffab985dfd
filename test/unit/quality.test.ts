/**
 * S-4.4 scoring sheets, S-4.5 tiers and S-2.8(a) removal at their boundaries. Civil Code art. 1259: "以上" includes
 * the number, "不满" excludes it; "65 分以下" includes 65.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSheetBody, reviewScoreBody, scoreBody } from '../../api/schemas';
import {
  atMostTwoDecimals,
  removesMember,
  scoreSheet,
  ScoreSheetError,
  tierOf,
  TIERS,
  validateSheet,
  type SheetItem,
} from '../../domain/quality';
import { sameSheet } from '../../domain/scoring-sheets';

const items: SheetItem[] = [
  { code: 'a', label: '会见', max: 10, weight: 1 },
  { code: 'b', label: '取证', max: 20, weight: 2 },
  { code: 'c', label: '出庭', max: 50, weight: 1 },
];

function sheetError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScoreSheetError);
    return (err as Error).message;
  }
  throw new Error('expected a ScoreSheetError');
}

describe('S-4.5 tiers at their boundaries (以上 includes, 不满 excludes)', () => {
  test.each([
    [59.99, 'unqualified', 0],
    [60, 'pass', 0.6],
    [65, 'pass', 0.6],
    [65.01, 'pass', 0.6],
    [74.99, 'pass', 0.6],
    [75, 'good', 0.9],
    [89.99, 'good', 0.9],
    [90, 'excellent', 1.2],
  ] as const)('S-4.5 score %p is %s (coefficient %p)', (score, tier, coefficient) => {
    expect(tierOf(score)).toMatchObject({ tier, coefficient });
  });

  test('S-4.5 tiers carry Chinese labels', () => {
    expect(TIERS).toEqual({ excellent: '优秀', good: '良好', pass: '合格', unqualified: '不合格' });
  });

  test('S-4.5 scores outside 0..100 are refused', () => {
    expect(() => tierOf(100.01)).toThrow(RangeError);
    expect(() => tierOf(-0.01)).toThrow(RangeError);
  });
});

describe('S-4.5 exact tiers: nothing is rounded into a tier', () => {
  test.each([
    [89.995, 'good', 0.9],
    [59.995, 'unqualified', 0],
    [74.999, 'pass', 0.6],
  ] as const)('S-4.5 score %p is compared exactly: %s (coefficient %p), not rounded up', (score, tier, coefficient) => {
    expect(tierOf(score)).toMatchObject({ tier, coefficient });
  });

  test('S-4.5 scores and points have at most two decimals: 89.995 and 44.995 are refused with 400 reasons', () => {
    expect([89.99, 90, 65.01, 0.1 + 0.2, 100].map(atMostTwoDecimals)).toEqual([true, true, true, true, true]);
    expect([89.995, 59.995, 65.001, NaN].map(atMostTwoDecimals)).toEqual([false, false, false, false]);
    const review = reviewScoreBody.safeParse({ score: 89.995, comments: '复核' });
    expect(review.success).toBe(false);
    expect(review.error?.issues[0]?.message).toBe('复核后的分数最多保留两位小数');
    expect(reviewScoreBody.safeParse({ score: 89.99, comments: '复核' }).success).toBe(true);
    expect(scoreBody.safeParse({ points: { a: 44.995, b: 45 } }).success).toBe(false);
  });

  test('S-4.5 sheet points: 44.995 + 45 is refused, never 90; a weighted sum is cut, never rounded up', () => {
    const two: SheetItem[] = [
      { code: 'a', label: '程序', max: 50, weight: 1 },
      { code: 'b', label: '质量', max: 50, weight: 1 },
    ];
    expect(sheetError(() => scoreSheet(two, { a: 44.995, b: 45 }))).toBe('评分项「程序」的得分最多保留两位小数');
    expect(scoreSheet(two, { a: 44.99, b: 45 })).toBe(89.99);
    const halves: SheetItem[] = [{ code: 'a', label: '整体', max: 200, weight: 0.5 }];
    expect(scoreSheet(halves, { a: 179.99 })).toBe(89.99); // 89.995 exactly: cut to 89.99 (good), not 90.00
    expect(tierOf(scoreSheet(halves, { a: 179.99 })).tier).toBe('good');
    expect(sheetError(() => validateSheet([{ code: 'a', label: '整体', max: 100, weight: 1.005 }]))).toContain(
      '两位小数',
    );
  });
});

describe('S-2.8(a) removal: "65 分以下" includes 65', () => {
  test.each([
    [65, true],
    [64.99, true],
    [65.01, false],
    [90, false],
  ])('S-2.8(a) score %p removes the member: %p', (score, removes) => {
    expect(removesMember(score)).toBe(removes);
  });

  test('S-2.8(a) 65.001 is above 65 (compared exactly); a configured threshold of 70 removes at 68', () => {
    expect(removesMember(65.001)).toBe(false);
    expect(removesMember(68, 70)).toBe(true);
    expect(removesMember(70.01, 70)).toBe(false);
  });
});

describe('S-4.4 scoring sheets as versioned data', () => {
  test('S-4.4 a sheet whose weighted maximums add up to 100 is valid', () => {
    expect(() => validateSheet(items)).not.toThrow();
  });

  test('S-4.4 weighted maximums must add up to exactly 100 (99.99 and 100.01 are refused)', () => {
    expect(sheetError(() => validateSheet([{ ...items[0]!, max: 9.99 }, ...items.slice(1)]))).toBe(
      '评分表各项加权满分合计应为 100 分，现为 99.99 分',
    );
    expect(sheetError(() => validateSheet([{ ...items[0]!, max: 10.01 }, ...items.slice(1)]))).toContain('100.01');
  });

  test('S-4.4 item codes are unique; maximums and weights positive; at least one item', () => {
    expect(sheetError(() => validateSheet([...items, { ...items[0]!, label: '重复' }]))).toBe('评分项编号不能重复');
    expect(sheetError(() => validateSheet([{ ...items[0]!, weight: 0 }, ...items.slice(1)]))).toContain('大于 0');
    expect(sheetError(() => validateSheet([]))).toBe('评分表至少要有一个评分项');
  });

  test('S-4.4 the score is the weighted sum of every item, to two decimals', () => {
    expect(scoreSheet(items, { a: 10, b: 20, c: 50 })).toBe(100);
    expect(scoreSheet(items, { a: 5.5, b: 12.25, c: 30 })).toBe(60);
    expect(scoreSheet(items, { a: 0, b: 0, c: 0 })).toBe(0);
  });

  test('S-4.4 every item must be scored within 0..max, and only items of the sheet', () => {
    expect(sheetError(() => scoreSheet(items, { a: 10, b: 20 }))).toBe('评分项「出庭」未评分');
    expect(sheetError(() => scoreSheet(items, { a: 10.01, b: 20, c: 50 }))).toBe(
      '评分项「会见」的得分应在 0 至 10 分之间',
    );
    expect(sheetError(() => scoreSheet(items, { a: -1, b: 20, c: 50 }))).toContain('会见');
    expect(sheetError(() => scoreSheet(items, { a: 1, b: 1, c: 1, z: 1 }))).toBe('评分表中没有这些评分项：z');
  });

  test('S-4.4 a sheet loaded again is the same only when nothing differs (key order of items does not matter)', () => {
    const sheet = { id: 's1', kind: 'criminal' as const, version: 1, title: 't', items, effectiveFrom: '2026-01-01' };
    const reordered = items.map((i) => ({ weight: i.weight, max: i.max, label: i.label, code: i.code }));
    expect(sameSheet(sheet, { ...sheet, items: reordered })).toBe(true);
    expect(sameSheet(sheet, { ...sheet, title: 't2' })).toBe(false);
    expect(sameSheet(sheet, { ...sheet, items: [{ ...items[0]!, label: '改' }, ...items.slice(1)] })).toBe(false);
  });

  test('S-4.4 the example seed sheets (placeholders) are valid request bodies, one per kind, labelled as examples', () => {
    const seed = JSON.parse(readFileSync(join(__dirname, '../../prisma/seed/scoring-sheets.example.json'), 'utf8')) as {
      note: string;
      sheets: unknown[];
    };
    expect(seed.note).toContain('PLACEHOLDER');
    const sheets = seed.sheets.map((s) => createSheetBody.parse(s));
    expect(sheets.map((s) => s.kind).sort()).toEqual(['civil_administrative', 'criminal']);
    for (const s of sheets) {
      expect(s.title).toContain('示例占位');
      expect(() => validateSheet(s.items)).not.toThrow();
    }
  });
});
