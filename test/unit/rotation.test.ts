import fc from 'fast-check';
import { baseRequest } from '../../domain/assignment';
import { pick, rotationOrder, RotationError, weight, type PoolMember, type Turns } from '../../domain/rotation';

const institutions = [{ id: 'A' }, { id: 'B' }, { id: 'C' }];
const member = (id: string, institutionId: string, extra: Partial<PoolMember> = {}): PoolMember => ({
  id,
  institutionId,
  status: 'active',
  ...extra,
});
const pool = [member('a1', 'A'), member('a2', 'A'), member('b1', 'B'), member('c1', 'C'), member('c2', 'C')];
const order = rotationOrder(institutions, pool);

describe('S-2.9 rotation order and plain picks', () => {
  test('S-2.9 the order interleaves institutions from the institution list', () => {
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'c2']);
  });

  test('S-2.9 picks follow the order, then start a second round', () => {
    let turns: Turns = {};
    const chosen: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = pick(order, pool, turns, {});
      expect(r.entry).toMatchObject({ rule: 'S-2.9', turn: 'consumed' });
      chosen.push(r.entry.chosen);
      turns = r.turns;
    }
    expect(chosen).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a1', 'b1']);
  });

  test('S-2.8 a suspended member is skipped without losing their place, and comes first when back', () => {
    const suspended = pool.map((m) => (m.id === 'b1' ? { ...m, status: 'suspended' as const } : m));
    const first = pick(order, pool, {}, {}).turns; // a1
    const r = pick(order, suspended, first, {});
    expect(r.entry.chosen).toBe('c1');
    expect(r.entry.skipped).toEqual([{ memberId: 'b1', reason: expect.stringContaining('S-2.8') }]);
    const back = pick(order, pool, r.turns, {});
    expect(back.entry.chosen).toBe('b1');
  });

  test('S-2.10 a conflicted member is skipped for this case only', () => {
    const r = pick(order, pool, {}, { conflicted: ['a1'] });
    expect(r.entry).toMatchObject({
      chosen: 'b1',
      skipped: [{ memberId: 'a1', reason: expect.stringContaining('S-2.10') }],
    });
    expect(pick(order, pool, r.turns, {}).entry.chosen).toBe('a1');
  });

  test('S-2.8 removed members get nothing; nobody eligible is an error, not a silent pick', () => {
    const removed = pool.map((m) => ({ ...m, status: 'removed' as const }));
    expect(() => pick(order, removed, {}, {})).toThrow(RotationError);
  });
});

describe('Law arts. 25-26: defence and notification cases go to lawyers of law firms', () => {
  const mixed = [
    member('g1', 'A', { institutionKind: 'grassroots_office' }),
    member('b1', 'B', { institutionKind: 'law_firm' }),
    member('c1', 'C', { institutionKind: 'law_firm' }),
  ];
  const mixedOrder = rotationOrder(institutions, mixed);

  test('L-5 a criminal defence passes over the 基层法律服务所 member, with the reason in the ledger', () => {
    const r = pick(mixedOrder, mixed, {}, { lawyersOnly: true });
    expect(r.entry).toMatchObject({
      chosen: 'b1',
      skipped: [{ memberId: 'g1', reason: expect.stringContaining('律师事务所的执业律师') }],
    });
    // A civil matter still goes to g1 in its turn: the kind matters only where the law says so.
    expect(pick(mixedOrder, mixed, {}, {}).entry.chosen).toBe('g1');
  });

  test('L-5 the aided person cannot choose a 基层法律服务所 member for a defence (S-2.9(a) refused)', () => {
    expect(() =>
      pick(mixedOrder, mixed, {}, { lawyersOnly: true, priority: { rule: 'S-2.9(a)', memberId: 'g1' } }),
    ).toThrow(/律师事务所的执业律师/);
  });

  test('L-5 criminal defence applications and every notification case ask for lawyers', () => {
    const base = { agencyCode: 'KQ', applicant: { name: '张三' }, economicSituation: {} };
    const input = (over: object) => ({ ...base, ...over }) as unknown as Parameters<typeof baseRequest>[0];
    expect(baseRequest(input({ channel: 'walk_in', matter: { category: 'criminal_defence' } }))).toEqual({
      lawyersOnly: true,
    });
    expect(baseRequest(input({ channel: 'walk_in', matter: { category: 'labour_remuneration' } }))).toEqual({});
    expect(
      baseRequest(input({ channel: 'notification', matter: { category: 'other' }, intake: { notification: {} } })),
    ).toMatchObject({ lawyersOnly: true });
  });
});

describe('S-2.9 priorities (a)-(g)', () => {
  test('S-2.9(a) the applicant chose a member: that member, turn deducted', () => {
    const r = pick(order, pool, {}, { priority: { rule: 'S-2.9(a)', memberId: 'c2' } });
    expect(r.entry).toMatchObject({ chosen: 'c2', rule: 'S-2.9(a)', turn: 'consumed', next: 'a1' });
    expect(r.turns).toEqual({ c2: 1 });
  });

  test('S-2.9(b) same case, later stage: same member, turn deducted', () => {
    expect(pick(order, pool, {}, { priority: { rule: 'S-2.9(b)', memberId: 'b1' } }).entry).toMatchObject({
      chosen: 'b1',
      turn: 'consumed',
    });
  });

  test('S-2.9(c) notification case: duty lawyers first; L-5 life/death cases need 3+ years of criminal defence', () => {
    const withDuty = pool.map((m) =>
      m.id === 'c1'
        ? { ...m, dutyLawyer: true, criminalDefenceYears: 2 }
        : m.id === 'a2'
          ? { ...m, dutyLawyer: true, criminalDefenceYears: 5 }
          : m,
    );
    const plain = pick(order, withDuty, {}, { notification: {} });
    expect(plain.entry).toMatchObject({ chosen: 'c1', rule: 'S-2.9(c)', turn: 'consumed' });
    expect(plain.entry.skipped.map((x) => x.memberId)).toEqual(['a1', 'b1']);
    const grave = pick(order, withDuty, {}, { notification: { lifeOrDeath: true } });
    expect(grave.entry.chosen).toBe('a2');
    expect(grave.entry.skipped.find((x) => x.memberId === 'c1')?.reason).toContain('L-5');
  });

  test('S-2.9(c) notification case: among duty lawyers, then others, criminal-defence specialists first within the current round', () => {
    const weighed = pool.map((m) =>
      m.id === 'b1' || m.id === 'c2'
        ? { ...m, dutyLawyer: true, specialties: m.id === 'c2' ? ['criminal'] : ['劳动争议'] }
        : m.id === 'a2'
          ? { ...m, specialties: ['刑事辩护'] }
          : m,
    );
    const first = pick(order, weighed, {}, { notification: {} });
    expect(first.entry).toMatchObject({ chosen: 'c2', rule: 'S-2.9(c)', next: 'c2' });
    expect(first.entry.skipped).toEqual([
      { memberId: 'a1', reason: '通知类案件优先指派值班律师（S-2.9(c)）' },
      { memberId: 'b1', reason: '通知类案件本轮优先指派具有刑事辩护专长的人员（S-2.9(c)）' },
      { memberId: 'c1', reason: '通知类案件优先指派值班律师（S-2.9(c)）' },
      { memberId: 'a2', reason: '通知类案件优先指派值班律师（S-2.9(c)）' },
    ]);
    // The specialist had the round's case: the other duty lawyer comes next, not a second case for the specialist.
    const second = pick(order, weighed, first.turns, { notification: {} });
    expect(second.entry.chosen).toBe('b1');
    // Without duty lawyers free, the specialist among the others goes first in the round.
    const noDuty = weighed.map((m) => ({ ...m, dutyLawyer: false }));
    const other = pick(order, noDuty, { c2: 1 }, { notification: {} });
    expect(other.entry.chosen).toBe('a2');
    expect(other.entry.skipped.map((x) => x.memberId)).toEqual(['a1', 'b1', 'c1']);
    // An ordinary case ignores specialties.
    expect(pick(order, weighed, {}, {}).entry.chosen).toBe('a1');
  });

  test('S-2.9(c) L-5 juvenile cases go to members competent for minors', () => {
    const competent = pool.map((m) => (m.id === 'c2' ? { ...m, juvenileCompetent: true } : m));
    expect(pick(order, competent, {}, { notification: { juvenile: true } }).entry.chosen).toBe('c2');
  });

  test.each(['S-2.9(d)', 'S-2.9(e)'] as const)('%s the officer or advisor who handled it: turn kept', (rule) => {
    const r = pick(order, pool, {}, { priority: { rule, memberId: 'b1' } });
    expect(r.entry).toMatchObject({ chosen: 'b1', rule, turn: 'kept' });
    expect(r.turns).toEqual({});
  });

  test('S-2.9(f) a difficult case outside the rotation needs the collective discussion on record', () => {
    const r = pick(
      order,
      pool,
      {},
      { priority: { rule: 'S-2.9(f)', memberId: 'a2', discussionRecord: '2026-11-26 集体讨论纪要' } },
    );
    expect(r.entry).toMatchObject({ chosen: 'a2', turn: 'outside' });
    expect(r.turns).toEqual({});
    expect(() =>
      pick(order, pool, {}, { priority: { rule: 'S-2.9(f)', memberId: 'a2', discussionRecord: ' ' } }),
    ).toThrow(RotationError);
  });

  test('S-2.9(g) a member rated excellent several times gets a larger share', () => {
    const excellent = pool.map((m) => (m.id === 'c2' ? { ...m, excellentRatings: 3 } : m));
    let turns: Turns = {};
    const counts: Record<string, number> = {};
    for (let i = 0; i < 55; i++) {
      const r = pick(order, excellent, turns, {});
      counts[r.entry.chosen] = (counts[r.entry.chosen] ?? 0) + 1;
      turns = r.turns;
    }
    expect(counts.c2).toBeGreaterThan(counts.a1! * 1.3);
  });

  test('S-2.9(g) an institution rated excellent several times raises the share of its members; both ratings multiply', () => {
    const config = { excellentThreshold: 3, excellentWeight: 1.5 };
    const m = pool[0]!;
    expect(weight({ ...m, institutionExcellentRatings: 2 }, config)).toBe(1);
    expect(weight({ ...m, institutionExcellentRatings: 3 }, config)).toBe(1.5);
    expect(weight({ ...m, excellentRatings: 3, institutionExcellentRatings: 4 }, config)).toBe(2.25);
  });

  test('S-2.9 a priority for a removed or conflicted member is refused', () => {
    expect(() => pick(order, pool, {}, { priority: { rule: 'S-2.9(a)', memberId: 'a1' }, conflicted: ['a1'] })).toThrow(
      /S-2.10/,
    );
  });
});

describe('S-2.9 fairness (property)', () => {
  test('without priorities every eligible member gets a case before anyone gets a second, and the ledger explains each pick', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ inst: fc.integer({ min: 0, max: 3 }), suspended: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 60 }),
        (specs, picks) => {
          const members = specs.map((s, i) =>
            member(`m${i}`, `I${s.inst}`, { status: s.suspended ? 'suspended' : 'active' }),
          );
          const active = members.filter((m) => m.status === 'active').map((m) => m.id);
          fc.pre(active.length > 0);
          const ord = rotationOrder(
            [0, 1, 2, 3].map((i) => ({ id: `I${i}` })),
            members,
          );
          let turns: Turns = {};
          for (let k = 0; k < picks; k++) {
            const before = turns;
            const r = pick(ord, members, turns, {});
            // Fairness: nobody eligible has fewer turns than the chosen member had.
            const min = Math.min(...active.map((id) => before[id] ?? 0));
            if ((before[r.entry.chosen] ?? 0) !== min) return false;
            // The ledger explains: the pick is the rotation's next, and everyone ahead of it in line is listed as skipped.
            if (r.entry.next !== r.entry.chosen) return false;
            for (const s of r.entry.skipped) if (active.includes(s.memberId)) return false;
            const chosenTurns = before[r.entry.chosen] ?? 0;
            for (const m of members) {
              const wouldHaveBeenFirst = m.status !== 'active' && (before[m.id] ?? 0) < chosenTurns;
              if (wouldHaveBeenFirst && !r.entry.skipped.some((s) => s.memberId === m.id)) return false;
            }
            turns = r.turns;
          }
          const counts = active.map((id) => turns[id] ?? 0);
          return Math.max(...counts) - Math.min(...counts) <= 1;
        },
      ),
      { numRuns: 300 },
    );
  });
});
