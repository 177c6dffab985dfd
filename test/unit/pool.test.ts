import {
  applyPoolEvent,
  EVENT_KINDS,
  memberState,
  POOL_ERRORS,
  PoolRuleError,
  REMOVAL_KINDS,
  reverseScoreRemoval,
  scoreRemovalsInForce,
  scoreRemovalStanding,
  type HistoryEvent,
  type MemberState,
  type PoolCommand,
} from '../../domain/pool';
import { removesMember as removalForScore } from '../../domain/quality';
import { pick, rotationOrder } from '../../domain/rotation';

const now = new Date('2026-03-01T00:00:00Z');
const later = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
const active: MemberState = {
  status: 'active',
  removalKind: null,
  impactUntil: null,
  impactKind: null,
  reReviewed: false,
  trained: false,
};

/** Applies commands in order, returning the final state and every event kind written. */
function run(state: MemberState | null, commands: PoolCommand[], at = now) {
  const kinds: string[] = [];
  let s = state;
  for (const c of commands) {
    const t = applyPoolEvent(s, c, at);
    kinds.push(...t.events.map((e) => e.kind));
    s = t.state;
  }
  return { state: s!, kinds };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PoolRuleError);
    expect((err as PoolRuleError).message).toBe(POOL_ERRORS[(err as PoolRuleError).code]);
    return (err as PoolRuleError).code;
  }
  throw new Error('expected a refusal');
}

describe('S-2.8 entry into the pool', () => {
  test.each(['recruited', 'recommended'] as const)('S-2.8 a %s member starts pending', (kind) => {
    const t = applyPoolEvent(null, { kind }, now);
    expect(t.state.status).toBe('pending');
    expect(t.events).toEqual([{ kind, removalKind: null, effectiveUntil: null }]);
  });

  test('S-2.8 the agency confirms a pending member: active', () => {
    expect(run(null, [{ kind: 'recruited' }, { kind: 'confirmed' }]).state.status).toBe('active');
  });

  test('S-2.8 a member registers once; only a pending member can be confirmed', () => {
    expect(refusal(() => applyPoolEvent(active, { kind: 'recommended' }, now))).toBe('POOL_MEMBER_EXISTS');
    expect(refusal(() => applyPoolEvent(active, { kind: 'confirmed' }, now))).toBe('POOL_MEMBER_NOT_PENDING');
  });

  test('S-2.8 a pending member cannot be removed (not in the pool yet)', () => {
    const pending = applyPoolEvent(null, { kind: 'recruited' }, now).state;
    expect(refusal(() => applyPoolEvent(pending, { kind: 'removed', removalKind: 'score' }, now))).toBe(
      'POOL_MEMBER_PENDING',
    );
  });
});

describe('S-2.8(a) removal for a case scored <= 65', () => {
  test.each([
    [65, true],
    [64.5, true],
    [65.01, false],
    [90, false],
  ])('S-2.8(a) score %p removes: %p ("65分以下" includes 65)', (score, removes) => {
    expect(removalForScore(score)).toBe(removes);
  });

  test('S-2.8(a) removed at once, with no impact period', () => {
    const t = applyPoolEvent(active, { kind: 'removed', removalKind: 'score' }, now);
    expect(t.state).toMatchObject({ status: 'removed', removalKind: 'score', impactUntil: null });
    expect(t.events).toEqual([{ kind: 'removed', removalKind: 'score', effectiveUntil: null }]);
    expect(
      refusal(() => applyPoolEvent(active, { kind: 'removed', removalKind: 'score', until: later(30) }, now)),
    ).toBe('POOL_IMPACT_UNTIL_NOT_ALLOWED');
  });

  test('S-2.8(a) re-review alone is not enough; re-review then training re-admits', () => {
    const removed = run(active, [{ kind: 'removed', removalKind: 'score' }]).state;
    const half = run(removed, [{ kind: 're_reviewed' }]);
    expect(half.state.status).toBe('removed');
    expect(half.kinds).toEqual(['re_reviewed']);
    const done = run(half.state, [{ kind: 'training_confirmed' }]);
    expect(done.kinds).toEqual(['training_confirmed', 'readmitted']);
    expect(done.state).toEqual(active);
  });

  test('S-2.8(a) training alone is not enough; training then re-review re-admits (either order)', () => {
    const removed = run(active, [{ kind: 'removed', removalKind: 'score' }]).state;
    const half = run(removed, [{ kind: 'training_confirmed' }]);
    expect(half.state.status).toBe('removed');
    const done = run(half.state, [{ kind: 're_reviewed' }]);
    expect(done.kinds).toEqual(['re_reviewed', 'readmitted']);
    expect(done.state.status).toBe('active');
  });

  test('S-2.8(a) each step once per removal; neither applies to a member who is not removed', () => {
    const reviewed = run(active, [{ kind: 'removed', removalKind: 'score' }, { kind: 're_reviewed' }]).state;
    expect(refusal(() => applyPoolEvent(reviewed, { kind: 're_reviewed' }, now))).toBe('POOL_ALREADY_RE_REVIEWED');
    const trained = run(active, [{ kind: 'removed', removalKind: 'score' }, { kind: 'training_confirmed' }]).state;
    expect(refusal(() => applyPoolEvent(trained, { kind: 'training_confirmed' }, now))).toBe('POOL_ALREADY_TRAINED');
    expect(refusal(() => applyPoolEvent(active, { kind: 're_reviewed' }, now))).toBe('POOL_MEMBER_NOT_REMOVED');
    const suspended = run(active, [{ kind: 'removed', removalKind: 'penalty', until: later(30) }]).state;
    expect(refusal(() => applyPoolEvent(suspended, { kind: 'training_confirmed' }, now))).toBe(
      'POOL_MEMBER_NOT_REMOVED',
    );
  });

  test('S-2.8(a) another case scored <= 65 while removed starts the re-review and training over', () => {
    const { state } = run(active, [
      { kind: 'removed', removalKind: 'score' },
      { kind: 're_reviewed' },
      { kind: 'removed', removalKind: 'score' },
      { kind: 'training_confirmed' },
    ]);
    expect(state).toMatchObject({ status: 'removed', reReviewed: false, trained: true });
  });
});

describe('S-2.8(b) failed assessment or penalty: suspended for an impact period', () => {
  test.each(['assessment', 'penalty'] as const)('S-2.8(b) %s: suspended until the end of the period', (kind) => {
    const t = applyPoolEvent(active, { kind: 'removed', removalKind: kind, until: later(30) }, now);
    expect(t.state).toMatchObject({ status: 'suspended', removalKind: kind, impactUntil: later(30), impactKind: kind });
    expect(t.events).toEqual([{ kind: 'removed', removalKind: kind, effectiveUntil: later(30) }]);
  });

  test('S-2.8(b) the impact period is required and must lie in the future', () => {
    for (const until of [undefined, now.toISOString(), later(-1), 'not a date']) {
      expect(refusal(() => applyPoolEvent(active, { kind: 'removed', removalKind: 'assessment', until }, now))).toBe(
        'POOL_IMPACT_UNTIL_REQUIRED',
      );
    }
  });

  test('S-2.8(b) is a removal: at the end of the impact period the member waits for the agency to confirm re-entry', () => {
    const { state, kinds } = run(active, [
      { kind: 'removed', removalKind: 'penalty', until: later(30) },
      { kind: 'impact_ended' },
    ]);
    expect(state).toEqual({ ...active, status: 'pending' });
    expect(kinds).toEqual(['removed', 'impact_ended']);
    expect(run(state, [{ kind: 'confirmed' }]).state).toEqual(active);
  });

  test('S-2.8(b) configured to return by themselves: active again at the end of the impact period', () => {
    const { state } = run(active, [
      { kind: 'removed', removalKind: 'penalty', until: later(30) },
      { kind: 'impact_ended', reentry: 'automatic' },
    ]);
    expect(state).toEqual(active);
    expect(refusal(() => applyPoolEvent(active, { kind: 'impact_ended' }, now))).toBe('POOL_MEMBER_NOT_SUSPENDED');
  });

  test('S-2.8(b) a new period while suspended replaces the old one (shortened or extended)', () => {
    const { state } = run(active, [
      { kind: 'removed', removalKind: 'assessment', until: later(60) },
      { kind: 'removed', removalKind: 'penalty', until: later(10) },
    ]);
    expect(state).toMatchObject({ status: 'suspended', removalKind: 'penalty', impactUntil: later(10) });
  });
});

describe('S-2.8 combinations of (a) and (b)', () => {
  test('S-2.8(a) during a (b) suspension: removed; re-admitted before the period ends -> suspended until it ends', () => {
    const removed = run(active, [
      { kind: 'removed', removalKind: 'assessment', until: later(30) },
      { kind: 'removed', removalKind: 'score' },
    ]).state;
    expect(removed).toMatchObject({ status: 'removed', removalKind: 'score', impactUntil: later(30) });
    expect(refusal(() => applyPoolEvent(removed, { kind: 'impact_ended' }, now))).toBe('POOL_MEMBER_NOT_SUSPENDED');
    const back = applyPoolEvent(run(removed, [{ kind: 're_reviewed' }]).state, { kind: 'training_confirmed' }, now);
    expect(back.state).toMatchObject({ status: 'suspended', removalKind: 'assessment', impactUntil: later(30) });
    expect(back.events[1]).toEqual({ kind: 'readmitted', removalKind: 'assessment', effectiveUntil: later(30) });
  });

  test('S-2.8(a) during a (b) suspension: re-admitted after the period ended -> active', () => {
    const { state } = run(active, [
      { kind: 'removed', removalKind: 'penalty', until: later(30) },
      { kind: 'removed', removalKind: 'score' },
    ]);
    const after = run(state, [{ kind: 're_reviewed' }, { kind: 'training_confirmed' }], new Date(later(31)));
    expect(after.state).toEqual(active);
  });

  test('S-2.8(b) while (a)-removed: stays removed, and the period applies at re-admission', () => {
    const { state } = run(active, [
      { kind: 'removed', removalKind: 'score' },
      { kind: 're_reviewed' },
      { kind: 'removed', removalKind: 'penalty', until: later(20) },
    ]);
    expect(state).toMatchObject({ status: 'removed', removalKind: 'score', reReviewed: true, impactKind: 'penalty' });
    expect(run(state, [{ kind: 'training_confirmed' }]).state).toMatchObject({
      status: 'suspended',
      removalKind: 'penalty',
    });
  });
});

describe('S-2.8 the stored row and history give the machine its state', () => {
  test('S-2.8(a) re-review and training count only after the latest removal for a score', () => {
    const history = [
      { kind: 'recruited', removalKind: null },
      { kind: 'confirmed', removalKind: null },
      { kind: 'removed', removalKind: 'score' },
      { kind: 're_reviewed', removalKind: null },
      { kind: 'training_confirmed', removalKind: null },
      { kind: 'readmitted', removalKind: null },
      { kind: 'removed', removalKind: 'score' },
      { kind: 'training_confirmed', removalKind: null },
      { kind: 'removed', removalKind: 'penalty' },
    ];
    const row = { status: 'removed', removalKind: 'score', impactUntil: new Date(later(5)) };
    expect(memberState(row, history)).toEqual({
      status: 'removed',
      removalKind: 'score',
      impactUntil: later(5),
      impactKind: 'penalty',
      reReviewed: false,
      trained: true,
    });
  });

  test('S-2.8 labels in Chinese for every event and removal kind', () => {
    expect(EVENT_KINDS.readmitted).toBe('重新入库');
    expect(REMOVAL_KINDS.score).toContain('S-2.8(a)');
    expect(REMOVAL_KINDS.penalty).toContain('S-2.8(b)');
  });
});

describe('S-4.4 / S-2.8(a) a score corrected above 65 reverses the removal that case caused', () => {
  const X = 'KQ-2026-000001';
  const Y = 'KQ-2026-000002';
  const removedFor = (applicationNo: string): HistoryEvent => ({
    kind: 'removed',
    removalKind: 'score',
    applicationNo,
  });
  const reversedFor = (applicationNo: string): HistoryEvent => ({
    kind: 'removal_reversed',
    removalKind: null,
    applicationNo,
  });
  const base: HistoryEvent[] = [
    { kind: 'recruited', removalKind: null },
    { kind: 'confirmed', removalKind: null },
  ];
  const removedRow = { status: 'removed', removalKind: 'score', impactUntil: null };
  /** Applies the reversal to the member as the stored row and history describe it. */
  const reverse = (
    history: HistoryEvent[],
    applicationNo: string,
    row: { status: string; removalKind: string | null; impactUntil: string | null } = removedRow,
    at = now,
  ) => reverseScoreRemoval(memberState(row, history), history, applicationNo, at);

  test('S-4.4 S-2.8(a) removed for case X, X corrected: active at once, without re-review or training', () => {
    const t = reverse([...base, removedFor(X)], X);
    expect(t?.state).toEqual(active);
    expect(t?.events).toEqual([{ kind: 'removal_reversed', removalKind: null, effectiveUntil: null }]);
    expect(EVENT_KINDS.removal_reversed).toBe('评分更正，撤销移出');
  });

  test('S-4.4 S-2.8(a)(b) an impact period recorded while removed and still running: back to suspended until it ends', () => {
    const history = [...base, removedFor(X), { kind: 'removed', removalKind: 'penalty' }];
    const t = reverse(history, X, { ...removedRow, impactUntil: later(20) });
    expect(t?.state).toMatchObject({ status: 'suspended', removalKind: 'penalty', impactUntil: later(20) });
    expect(t?.events).toEqual([{ kind: 'removal_reversed', removalKind: 'penalty', effectiveUntil: later(20) }]);
  });

  test('S-4.4 S-2.8(a)(b) the impact period has ended meanwhile: active', () => {
    const history = [...base, removedFor(X), { kind: 'removed', removalKind: 'assessment' }];
    const t = reverse(history, X, { ...removedRow, impactUntil: later(-1) });
    expect(t?.state).toEqual(active);
  });

  test('S-4.4 no-op (not an error) when the member was not removed by that case', () => {
    expect(reverse([...base, removedFor(X)], Y)).toBeNull();
    expect(reverse([...base, { kind: 'removed', removalKind: 'score' }], X)).toBeNull(); // staff removal, no case
    expect(reverse(base, X, { status: 'active', removalKind: null, impactUntil: null })).toBeNull();
    const suspended = { status: 'suspended', removalKind: 'penalty', impactUntil: later(5) };
    expect(reverse([...base, { kind: 'removed', removalKind: 'penalty' }], X, suspended)).toBeNull();
  });

  test('S-4.4 no-op when the removal was already reversed, or already served by a re-admission', () => {
    expect(reverse([...base, removedFor(X), reversedFor(X)], X, { ...removedRow, status: 'active' })).toBeNull();
    const served: HistoryEvent[] = [
      ...base,
      removedFor(X),
      { kind: 're_reviewed', removalKind: null },
      { kind: 'training_confirmed', removalKind: null },
      { kind: 'readmitted', removalKind: null },
    ];
    expect(reverse(served, X, { status: 'active', removalKind: null, impactUntil: null })).toBeNull();
    // Served, then removed again for another case: X's old removal is not in force, so X cannot undo Y's.
    expect(reverse([...served, removedFor(Y)], X)).toBeNull();
  });

  test('S-4.4 S-2.8(a) another case still removes the member: the reversal is recorded and they stay removed', () => {
    const history = [...base, removedFor(X), removedFor(Y)];
    const t = reverse(history, X);
    expect(t?.state).toMatchObject({ status: 'removed', removalKind: 'score' });
    expect(t?.events).toEqual([{ kind: 'removal_reversed', removalKind: 'score', effectiveUntil: null }]);
    // Later Y is corrected too: nothing holds any more, the member is back.
    const after = [...history, reversedFor(X)];
    expect(scoreRemovalsInForce(after).map((r) => r.applicationNo)).toEqual([Y]);
    expect(reverse(after, Y)?.state).toEqual(active);
  });

  test('S-4.4 S-2.8(a) reversing the later removal: re-review and training count from the one still in force', () => {
    // Re-reviewed after X, then Y restarted the steps, then trained; Y corrected -> both steps stand since X.
    const history: HistoryEvent[] = [
      ...base,
      removedFor(X),
      { kind: 're_reviewed', removalKind: null },
      removedFor(Y),
      { kind: 'training_confirmed', removalKind: null },
    ];
    expect(memberState(removedRow, history)).toMatchObject({ reReviewed: false, trained: true });
    const t = reverse(history, Y);
    expect(t?.events.map((e) => e.kind)).toEqual(['removal_reversed', 'readmitted']);
    expect(t?.state).toEqual(active);
    expect(memberState(removedRow, [...history, reversedFor(Y)])).toMatchObject({ reReviewed: true, trained: true });
  });

  test('S-2.8(a) one removal per case: it stands until reversed, also once served; reversed, a new score may remove', () => {
    expect(scoreRemovalStanding([...base, removedFor(X)], X)).toBe(2);
    expect(scoreRemovalStanding([...base, removedFor(X)], Y)).toBe(-1);
    const served = [...base, removedFor(X), { kind: 'readmitted', removalKind: null }];
    expect(scoreRemovalStanding(served, X)).toBe(2);
    expect(scoreRemovalStanding([...base, removedFor(X), reversedFor(X)], X)).toBe(-1);
    expect(scoreRemovalStanding([...base, removedFor(X), reversedFor(X), removedFor(X)], X)).toBe(4);
  });
});

describe('S-2.8 only active members get cases', () => {
  test('S-2.8 a pending (unconfirmed) member is skipped by the rotation', () => {
    const members = [
      { id: 'p1', institutionId: 'A', status: 'pending' as const },
      { id: 'a1', institutionId: 'A', status: 'active' as const },
    ];
    const { entry } = pick(rotationOrder([{ id: 'A' }], members), members, {}, {});
    expect(entry.chosen).toBe('a1');
    expect(entry.skipped).toEqual([{ memberId: 'p1', reason: '尚未经法律援助机构确认入库（S-2.8）' }]);
  });
});
