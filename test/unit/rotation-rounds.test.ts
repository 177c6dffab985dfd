/**
 * S-2.9 "依次指派" in rounds, S-2.8 entries and returns: the rotation as a pure model driven by random sequences of
 * joins, removals, returns, priorities, conflicts and group cases (fast-check), checked against the rule's wording.
 */
import fc from 'fast-check';
import {
  entryTurns,
  pick,
  rotationOrder,
  type PickRequest,
  type PoolMember,
  type Priority,
  type Turns,
} from '../../domain/rotation';

const institutions = [{ id: 'A' }, { id: 'B' }, { id: 'C' }];

type SimplePriority = Exclude<Priority['rule'], 'S-2.9(f)'>;

type Op =
  | { kind: 'case'; group: number; conflicted: number[] }
  | { kind: 'priority'; rule: SimplePriority; member: number }
  | { kind: 'join'; inst: number }
  | { kind: 'leave'; member: number }
  | { kind: 'return'; member: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('case' as const),
      group: fc.integer({ min: 1, max: 3 }),
      conflicted: fc.array(fc.nat(20), { maxLength: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('priority' as const),
      rule: fc.constantFrom<SimplePriority>('S-2.9(a)', 'S-2.9(b)', 'S-2.9(d)', 'S-2.9(e)'),
      member: fc.nat(20),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const), inst: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), member: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('return' as const), member: fc.nat(20) }) },
);

/**
 * The rotation as the product stores it: members with statuses, turns; a member who becomes active again takes
 * the turns `entryTurns` gives (what repositories/pool.ts writes under the rotation lock).
 */
class Pool {
  members: PoolMember[] = [];
  turns: Turns = {};
  order: string[] = [];

  add(institutionId: string): string {
    const id = `${institutionId.toLowerCase()}${this.members.length}`;
    const m: PoolMember = { id, institutionId, status: 'suspended' };
    this.members.push(m);
    this.order = rotationOrder(institutions, this.members);
    this.activate(id);
    return id;
  }

  activate(id: string): void {
    const m = this.members.find((x) => x.id === id)!;
    this.turns = { ...this.turns, [id]: entryTurns(m, this.members, this.turns) };
    this.members = this.members.map((x) => (x.id === id ? { ...x, status: 'active' } : x));
  }

  leave(id: string): void {
    this.members = this.members.map((x) => (x.id === id ? { ...x, status: 'suspended' } : x));
  }

  active(): string[] {
    return this.members.filter((m) => m.status === 'active').map((m) => m.id);
  }
}

/**
 * The wording as an observer checks it, counting cases and knowing nothing of turns: rounds[m] is the number of rounds
 * in which m has had their case. A rotation case goes to a member of the lowest round among those eligible for it
 * (依次指派): nobody gets a second case while another eligible member still waits for their first in the round. A
 * deducted priority (a)/(b) is that member's case for their round; kept turns (d)/(e) are outside the count. A member
 * who joins or returns takes their place in the current round (the lowest round an active member is in).
 */
class Observer {
  rounds = new Map<string, number>();

  enter(id: string, others: string[]): void {
    const current = others.length ? Math.min(...others.map((o) => this.rounds.get(o) ?? 0)) : 0;
    this.rounds.set(id, Math.max(this.rounds.get(id) ?? 0, current));
  }

  rotationCase(chosen: string, eligible: string[]): string | null {
    const mine = this.rounds.get(chosen) ?? 0;
    const waiting = eligible.filter((id) => (this.rounds.get(id) ?? 0) < mine);
    this.rounds.set(chosen, mine + 1);
    return waiting.length ? `${chosen} got a case of round ${mine + 1} while ${waiting.join(', ')} waited` : null;
  }

  deducted(chosen: string): void {
    this.rounds.set(chosen, (this.rounds.get(chosen) ?? 0) + 1);
  }
}

function run(ops: Op[]): string | null {
  const pool = new Pool();
  const observer = new Observer();
  const enter = (id: string) =>
    observer.enter(
      id,
      pool.active().filter((x) => x !== id),
    );
  for (const inst of ['A', 'B', 'C']) enter(pool.add(inst));
  let n = 0;
  for (const o of ops) {
    const memberAt = (i: number) => pool.members[i % pool.members.length]!.id;
    if (o.kind === 'join') enter(pool.add(institutions[o.inst]!.id));
    else if (o.kind === 'leave') {
      if (pool.active().length > 1) pool.leave(memberAt(o.member));
    } else if (o.kind === 'return') {
      const m = pool.members.find((x) => x.id === memberAt(o.member))!;
      if (m.status !== 'active') {
        pool.activate(m.id);
        enter(m.id);
      }
    } else if (o.kind === 'priority') {
      const id = memberAt(o.member);
      if (!pool.active().includes(id)) continue;
      const r = pick(pool.order, pool.members, pool.turns, { priority: { rule: o.rule, memberId: id } });
      pool.turns = r.turns;
      if (r.entry.turn === 'consumed') observer.deducted(id);
    } else {
      const conflicted = [...new Set(o.conflicted.map(memberAt))];
      const chosen: string[] = [];
      for (let i = 0; i < o.group; i++) {
        const request: PickRequest = { conflicted, alreadyChosen: chosen };
        const eligible = pool.active().filter((id) => !conflicted.includes(id) && !chosen.includes(id));
        if (eligible.length === 0) break;
        const r = pick(pool.order, pool.members, pool.turns, request);
        n++;
        // The public ledger explains the pick: plain rotation's next member, and every member passed over before it
        // with a reason; nobody eligible is passed over.
        if (r.entry.next !== r.entry.chosen || r.entry.rule !== 'S-2.9') return `pick ${n}: ledger ${r.entry.rule}`;
        const passed = r.entry.skipped.map((s) => s.memberId);
        if (passed.some((id) => eligible.includes(id))) return `pick ${n}: an eligible member was passed over`;
        if (r.entry.skipped.some((s) => !s.reason)) return `pick ${n}: a skip without a reason`;
        const broken = observer.rotationCase(r.entry.chosen, eligible);
        if (broken) return `pick ${n}: ${broken}`;
        chosen.push(r.entry.chosen);
        pool.turns = r.turns;
      }
    }
  }
  return null;
}

describe('S-2.9 rotation in rounds', () => {
  test('S-2.9 依次指派: a member back from an S-2.8(b) impact period gets one case in the current round, not a run to catch up', () => {
    const pool = new Pool();
    for (const inst of ['A', 'B', 'C', 'A']) pool.add(inst);
    const [a0, , , a3] = pool.members.map((m) => m.id);
    pool.leave(a3!);
    for (let i = 0; i < 30; i++) pool.turns = pick(pool.order, pool.members, pool.turns, {}).turns;
    pool.activate(a3!);
    const next = Array.from({ length: 4 }, () => {
      const r = pick(pool.order, pool.members, pool.turns, {});
      pool.turns = r.turns;
      return r.entry.chosen;
    });
    expect(next.filter((id) => id === a3)).toHaveLength(1);
    expect(new Set(next).size).toBe(4); // one round: each of the four once
    expect(next).toContain(a0);
  });

  test('S-2.9 a new member confirmed after 30 cases takes their place in the current round', () => {
    const pool = new Pool();
    for (const inst of ['A', 'B', 'C']) pool.add(inst);
    for (let i = 0; i < 31; i++) pool.turns = pick(pool.order, pool.members, pool.turns, {}).turns; // round 11 begun
    const late = pool.add('B');
    expect(pool.turns[late]).toBe(10);
    const next = Array.from({ length: 3 }, () => {
      const r = pick(pool.order, pool.members, pool.turns, {});
      pool.turns = r.turns;
      return r.entry.chosen;
    });
    // The round in progress: a0 had its 11th case; the other two and the newcomer get theirs, once each.
    expect(next.sort()).toEqual(['b1', late, 'c2'].sort());
  });

  test('S-2.9 a member whose turns were deducted (S-2.9(a)) before leaving keeps the deduction on return', () => {
    const pool = new Pool();
    for (const inst of ['A', 'B', 'C']) pool.add(inst);
    for (let i = 0; i < 3; i++) {
      pool.turns = pick(pool.order, pool.members, pool.turns, { priority: { rule: 'S-2.9(a)', memberId: 'a0' } }).turns;
    }
    pool.leave('a0');
    pool.activate('a0');
    expect(pool.turns['a0']).toBe(3);
  });

  test('S-2.9 property: in every round no eligible member gets a second case before every other eligible member got one, and the ledger explains each pick', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (ops) => {
        const broken = run(ops);
        if (broken) throw new Error(broken);
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });
});
