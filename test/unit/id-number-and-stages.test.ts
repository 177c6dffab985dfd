import { formatApplicationNo, APPLICATION_NO_PATTERN } from '../../domain/agencies';
import { isValidResidentIdNumber } from '../../domain/id-number';
import { notificationLetterKey } from '../../domain/intake';
import { canTransition, isDecidedOrClosed } from '../../domain/stages';
import { residentIdNumber } from '../support/context';

describe('resident ID number check (GB 11643)', () => {
  test('a number with the right check character passes; one changed digit fails', () => {
    const valid = residentIdNumber('19560101', '123');
    expect(isValidResidentIdNumber(valid)).toBe(true);
    const tampered = valid.slice(0, 10) + ((Number(valid[10]) + 1) % 10) + valid.slice(11);
    expect(isValidResidentIdNumber(tampered)).toBe(false);
  });

  test('X as check character is accepted only where the checksum gives 10', () => {
    // 11010519491231002X is the standard's own worked example.
    expect(isValidResidentIdNumber('11010519491231002X')).toBe(true);
    expect(isValidResidentIdNumber('110105194912310021')).toBe(false);
  });

  test('an impossible birth date fails even with a matching check character', () => {
    const body = '33060219560231123'; // 31 February
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
    expect(isValidResidentIdNumber(body + '10X98765432'[sum % 11])).toBe(false);
  });
});

describe('stages', () => {
  test('S-3.2 L-2 waiting for materials ends in review or termination only', () => {
    expect(canTransition('awaiting_materials', 'under_review')).toBe(true);
    expect(canTransition('awaiting_materials', 'terminated')).toBe(true);
    expect(canTransition('awaiting_materials', 'granted')).toBe(false);
  });

  test('S-3.2 L-7 aid accepted first may be granted while its documents are awaited; ordinary cases may not', () => {
    expect(canTransition('awaiting_materials', 'granted', { acceptedFirst: true })).toBe(true);
    expect(canTransition('awaiting_materials', 'granted', { acceptedFirst: false })).toBe(false);
    expect(canTransition('awaiting_materials', 'refused', { acceptedFirst: true })).toBe(false);
    expect(canTransition('terminated', 'evaluating')).toBe(true);
  });

  test('L-1 only a case under review can be decided', () => {
    expect(canTransition('under_review', 'granted')).toBe(true);
    expect(canTransition('under_review', 'refused')).toBe(true);
    expect(canTransition('received', 'granted')).toBe(false);
    expect(isDecidedOrClosed('granted') && isDecidedOrClosed('refused') && isDecidedOrClosed('terminated')).toBe(true);
  });

  test('L-10 a refusal can go to objection review, which upholds it or sends the case back to review', () => {
    expect(canTransition('refused', 'objection_review')).toBe(true);
    expect(canTransition('objection_review', 'refused')).toBe(true);
    expect(canTransition('objection_review', 'under_review')).toBe(true);
    expect(canTransition('granted', 'objection_review')).toBe(false);
  });

  test('L-4: a notification goes from receipt to assignment or back to the organ, never through review, a grant or a refusal', () => {
    const n = { notification: true };
    expect(canTransition('received', 'assigning', n)).toBe(true);
    expect(canTransition('received', 'returned', n)).toBe(true);
    expect(canTransition('assigning', 'returned', n)).toBe(true);
    expect(canTransition('assigning', 'assigned', n)).toBe(true);
    for (const to of ['awaiting_materials', 'under_review', 'granted', 'refused'] as const) {
      expect(canTransition('received', to, n)).toBe(false);
    }
    expect(canTransition('assigning', 'refused', n)).toBe(false);
    // An application is never returned to an organ, nor assigned before its decision.
    expect(canTransition('received', 'assigning')).toBe(false);
    expect(canTransition('assigning', 'returned')).toBe(false);
    expect(canTransition('returned', 'assigning', n)).toBe(false);
  });

  test('L-4: one letter is one case per agency: the letter key ignores spacing', () => {
    expect(notificationLetterKey('KQ', { organName: '柯桥区 人民法院', letterNo: '（2026）浙0603 刑初1号' })).toBe(
      notificationLetterKey('KQ', { organName: '柯桥区人民法院', letterNo: '（2026）浙0603刑初1号' }),
    );
    expect(notificationLetterKey('KQ', { organName: '柯桥区人民法院' })).toBeNull();
    expect(notificationLetterKey('YC', { organName: 'a', letterNo: '1' })).not.toBe(
      notificationLetterKey('KQ', { organName: 'a', letterNo: '1' }),
    );
  });

  test('application numbers carry agency, year and serial, and nothing personal', () => {
    const no = formatApplicationNo('KQ', 2026, 123);
    expect(no).toBe('KQ-2026-000123');
    expect(APPLICATION_NO_PATTERN.test(no)).toBe(true);
  });
});
