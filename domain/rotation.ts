/**
 * Fair rotation (轮流指派, S-2.9) as a pure function: the order, each pick with its priority rule, and the ledger
 * entry that explains it. Persistence, concurrency and the assignment workflow arrive with issue 5; this module is
 * what they will call.
 *
 * Model: the rotation order interleaves institutions from the agency's institution list (S-2.9: "built from the
 * institution list and each institution's pooled members"), so firms share cases evenly. Each member has a count of
 * rotation turns used; turns / weight ((g)) is the round the member has reached. The order is walked in rounds
 * ("依次指派"): the next turn belongs to the eligible member of the lowest round, ties going to the earlier place in
 * the order, so everyone eligible gets a case before anyone gets a second. A member passed over for one case
 * (conflicted, not qualified for it) keeps their place in the round and comes first once eligible again. A member
 * who joins the rotation — confirmed entry, re-admission, the end of an impact period — takes their place in the
 * current round (`entryTurns`): no run of cases to catch up on the rounds they were out of.
 */

export interface Institution {
  id: string;
}

export interface PoolMember {
  id: string;
  institutionId: string;
  /**
   * S-2.8: removed (score <= 65) or suspended (impact period) members get no cases; nor do pending members, whom the
   * agency has not confirmed yet.
   */
  status: 'pending' | 'active' | 'removed' | 'suspended';
  dutyLawyer?: boolean;
  /** Law arts. 25-26: only practising lawyers of law firms defend; 基层法律服务所 workers do not. */
  institutionKind?: 'law_firm' | 'grassroots_office';
  criminalDefenceYears?: number;
  juvenileCompetent?: boolean;
  /** 专业特长 as recorded at entry; S-2.9(c) weighs the criminal-defence one (`CRIMINAL_SPECIALTY`). */
  specialties?: readonly string[];
  practiceYears?: number;
  /** Times rated excellent by the province or city (g). */
  excellentRatings?: number;
  /** Times the member's institution was rated excellent by the province or city (g). */
  institutionExcellentRatings?: number;
}

export interface RotationConfig {
  /**
   * (g) members rated excellent at least this many times get `excellentWeight` times the share of cases; so do all
   * members of an institution rated that often (its share grows alike). Both together multiply.
   */
  excellentThreshold: number;
  excellentWeight: number;
}

export const DEFAULT_ROTATION_CONFIG: RotationConfig = { excellentThreshold: 3, excellentWeight: 1.5 };

/** Turns used per member id. */
export type Turns = Record<string, number>;

export type Priority =
  | { rule: 'S-2.9(a)'; memberId: string } // the aided person's choice: turn deducted
  | { rule: 'S-2.9(b)'; memberId: string } // same person, same case, later stage: turn deducted
  | { rule: 'S-2.9(d)'; memberId: string } // hotline officer who handled it: turn kept
  | { rule: 'S-2.9(e)'; memberId: string } // village legal advisor who filed or visited: turn kept
  | { rule: 'S-2.9(f)'; memberId: string; discussionRecord: string } // difficult case, head's choice after discussion
  | { rule: 'S-2.10'; memberId: string }; // the institution names another of its members: turn deducted

export interface PickRequest {
  priority?: Priority;
  /** (c) L-4 notification case: duty lawyers first; L-5 qualifications. */
  notification?: { lifeOrDeath?: boolean; juvenile?: boolean };
  /** Law arts. 25-26, L-5: a criminal defence or a notification case, for practising lawyers of law firms only. */
  lawyersOnly?: boolean;
  /** S-2.10: members who reported a conflict of interest for this case. */
  conflicted?: string[];
  /** S-2.10, L-11: members and whole institutions out of this case, each with the reason the ledger shows. */
  excluded?: Array<{ memberId?: string; institutionId?: string; reason: string }>;
  /** S-3.3 group cases: members already chosen for this case in the same assignment. */
  alreadyChosen?: string[];
}

export interface LedgerEntry {
  /** Who plain rotation would have given the case to (null when nobody is eligible). */
  next: string | null;
  chosen: string;
  rule: string;
  turn: 'consumed' | 'kept' | 'outside';
  skipped: Array<{ memberId: string; reason: string }>;
}

export class RotationError extends Error {}

const L5_CRIMINAL_YEARS = 3;

/** S-2.9(c): the specialty code for criminal defence (the Chinese labels staff type are accepted too). */
export const CRIMINAL_SPECIALTY = 'criminal';
const CRIMINAL_LABELS = new Set([CRIMINAL_SPECIALTY, '刑事', '刑事辩护', '刑事辩护专长']);

export function criminalSpecialist(m: PoolMember): boolean {
  return (m.specialties ?? []).some((s) => CRIMINAL_LABELS.has(s.trim().toLowerCase()));
}

/** S-2.9: institutions in list order, their members interleaved: A1, B1, C1, A2, B2, ... */
export function rotationOrder(institutions: readonly Institution[], members: readonly PoolMember[]): string[] {
  const byInstitution = institutions.map((inst) => members.filter((m) => m.institutionId === inst.id).map((m) => m.id));
  const order: string[] = [];
  for (let round = 0; byInstitution.some((list) => list.length > round); round++) {
    for (const list of byInstitution) if (list[round] !== undefined) order.push(list[round]!);
  }
  return order;
}

/** S-2.9(g): the member's share of turns, raised for the member's and for the institution's excellent ratings. */
export function weight(m: PoolMember, config: RotationConfig): number {
  return raised(m.excellentRatings, config) * raised(m.institutionExcellentRatings, config);
}

// Top level, not a closure per call: the pick's sort calls `weight` hundreds of times (bench:rotation).
function raised(ratings: number | undefined, config: RotationConfig): number {
  return (ratings ?? 0) >= config.excellentThreshold ? config.excellentWeight : 1;
}

/** A member's place in the rounds: turns used over their share per round ((g)). */
export function roundOf(
  m: PoolMember,
  turns: Readonly<Turns>,
  config: RotationConfig = DEFAULT_ROTATION_CONFIG,
): number {
  return (turns[m.id] ?? 0) / weight(m, config);
}

/**
 * S-2.9 rounds, S-2.8: the turns a member entering the rotation starts with, so that they take their place in the
 * current round — the lowest round an active member of the agency is in — instead of collecting a case for every
 * round they were out of (a new member, one re-admitted after S-2.8(a), one back from an S-2.8(b) impact period).
 * A member already further on (turns deducted under (a)/(b) before they left) keeps their own count.
 */
export function entryTurns(
  entering: PoolMember,
  members: readonly PoolMember[],
  turns: Readonly<Turns>,
  config: RotationConfig = DEFAULT_ROTATION_CONFIG,
): number {
  const own = turns[entering.id] ?? 0;
  const others = members.filter((m) => m.id !== entering.id && m.status === 'active');
  if (others.length === 0) return own;
  const round = Math.floor(Math.min(...others.map((m) => roundOf(m, turns, config))));
  return Math.max(own, Math.floor(round * weight(entering, config)));
}

export function ineligibility(m: PoolMember, request: PickRequest): string | undefined {
  if (m.status === 'pending') return '尚未经法律援助机构确认入库（S-2.8）';
  if (m.status === 'removed') return '已移出法律援助人员库（S-2.8）';
  if (m.status === 'suspended') return '处于影响期，暂停指派（S-2.8(b)）';
  if (m.status !== 'active') return '尚未确认入库（S-2.8）';
  if (request.conflicted?.includes(m.id)) return '报告存在利益冲突（S-2.10）';
  const out = request.excluded?.find((x) => x.memberId === m.id || x.institutionId === m.institutionId);
  if (out) return out.reason;
  if (request.alreadyChosen?.includes(m.id)) return '已指派承办本案（群体性案件，S-3.3）';
  if (request.lawyersOnly && m.institutionKind !== 'law_firm') {
    return '刑事辩护和通知辩护、代理案件只能指派律师事务所的执业律师（法律援助法第二十五、二十六条）';
  }
  if (request.notification?.lifeOrDeath && (m.criminalDefenceYears ?? 0) < L5_CRIMINAL_YEARS) {
    return '不具有三年以上刑事辩护经历（L-5）';
  }
  if (request.notification?.juvenile && !m.juvenileCompetent) return '不熟悉未成年人身心特点（L-5）';
  return undefined;
}

/** Picks for one case; returns the ledger entry and the turns after the pick. Pure: the caller persists both. */
export function pick(
  order: readonly string[],
  members: readonly PoolMember[],
  turns: Readonly<Turns>,
  request: PickRequest,
  config: RotationConfig = DEFAULT_ROTATION_CONFIG,
): { entry: LedgerEntry; turns: Turns } {
  const byId = new Map(members.map((m) => [m.id, m]));
  const position = new Map(order.map((id, i) => [id, i]));
  const score = (id: string) => roundOf(byId.get(id)!, turns, config);
  const queue = [...order]
    .filter((id) => byId.has(id))
    .sort((a, b) => score(a) - score(b) || position.get(a)! - position.get(b)!);

  const skipped: LedgerEntry['skipped'] = [];
  const eligible: string[] = [];
  for (const id of queue) {
    const reason = ineligibility(byId.get(id)!, request);
    if (reason) skipped.push({ memberId: id, reason });
    else eligible.push(id);
  }
  // (c) notification cases: duty lawyers first among the qualified, in rotation order; within each group, the
  // members of the group's current round whose specialties include criminal defence come first — only within that
  // round, so nobody gets a second case before the others of the round had theirs.
  const specialtyFirst = (group: string[]): string[] => {
    if (group.length === 0) return group;
    const current = Math.floor(score(group[0]!));
    const inRound = (id: string) => Math.floor(score(id)) === current;
    const first = group.filter((id) => inRound(id) && criminalSpecialist(byId.get(id)!));
    return [...first, ...group.filter((id) => !first.includes(id))];
  };
  const candidates = request.notification
    ? [
        ...specialtyFirst(eligible.filter((id) => byId.get(id)!.dutyLawyer)),
        ...specialtyFirst(eligible.filter((id) => !byId.get(id)!.dutyLawyer)),
      ]
    : eligible;
  const next = candidates[0] ?? null;
  const consume = (id: string): Turns => ({ ...turns, [id]: (turns[id] ?? 0) + 1 });
  // Only the members passed over before the chosen one are reported as skipped.
  const passedOver = (chosen: string) => {
    const upTo = queue.indexOf(chosen);
    const before = (id: string) => queue.indexOf(id) < upTo;
    const duty = (id: string) => Boolean(byId.get(id)!.dutyLawyer);
    const weighed = request.notification
      ? eligible
          .filter((id) => before(id))
          .map((memberId) => ({
            memberId,
            reason:
              !duty(memberId) && duty(chosen)
                ? '通知类案件优先指派值班律师（S-2.9(c)）'
                : '通知类案件本轮优先指派具有刑事辩护专长的人员（S-2.9(c)）',
          }))
      : [];
    return [...skipped.filter((x) => before(x.memberId)), ...weighed];
  };

  const p = request.priority;
  if (p) {
    const member = byId.get(p.memberId);
    if (!member) throw new RotationError(`成员 ${p.memberId} 不在法律援助人员库中`);
    const reason = ineligibility(member, request);
    if (reason) throw new RotationError(`不能指派给 ${p.memberId}：${reason}`);
    if (p.rule === 'S-2.9(f)' && !p.discussionRecord.trim())
      throw new RotationError('重大疑难案件须有集体讨论记录（S-2.9(f)）');
    const turn =
      p.rule === 'S-2.9(a)' || p.rule === 'S-2.9(b)' || p.rule === 'S-2.10'
        ? 'consumed'
        : p.rule === 'S-2.9(f)'
          ? 'outside'
          : 'kept';
    return {
      entry: { next, chosen: p.memberId, rule: p.rule, turn, skipped: [] },
      turns: turn === 'consumed' ? consume(p.memberId) : { ...turns },
    };
  }
  if (!next) throw new RotationError('没有可指派的法律援助人员');
  return {
    entry: {
      next,
      chosen: next,
      rule: request.notification ? 'S-2.9(c)' : 'S-2.9',
      turn: 'consumed',
      skipped: passedOver(next),
    },
    turns: consume(next),
  };
}
