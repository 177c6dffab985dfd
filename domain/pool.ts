/**
 * The legal-aid personnel pool (法律援助人员库, S-2.8) as a pure status machine. Persistence, the rotation lock and
 * the impact-period timer live in repositories/pool.ts, activities/pool.ts and workflows/pool-impact.ts; this module decides only what an
 * event does to a member, or refuses it with a stable code and a Chinese message.
 *
 *   (new) --recruited | recommended--> pending --confirmed--> active
 *   active --removed(score)--> removed --re_reviewed + training_confirmed (either order)--> readmitted -> active
 *   active --removed(assessment | penalty, until)--> suspended --impact_ended--> pending --confirmed--> active
 *     (S-2.8(b) is a removal: the agency confirms the re-entry; `reentry: 'automatic'` makes it active at once)
 *   removed(score, case X) --removal_reversed(X) (S-4.4: X's score corrected above 65)--> active | suspended
 *
 * Combinations (the text is silent; chosen here):
 * - S-2.8(a) while (b)-suspended: the member becomes removed (re-review and training needed); the impact period is
 *   kept. Re-admitted before it ends, they return to suspended until it ends (no cases during it, S-2.8(b)).
 * - S-2.8(b) while (b)-suspended: the new period replaces the old one (a correction may shorten or extend it; for a
 *   second penalty staff enter the end date that applies overall). The old timer becomes a no-op.
 * - S-2.8(b) while (a)-removed: the member stays removed; the impact period is recorded and applies at re-admission.
 * - S-2.8(a) while (a)-removed (another case scored <= 65): a new removal; re-review and training start over.
 * - A pending member cannot be removed (they are not in the pool yet; the agency simply does not confirm them).
 *
 * Reversal of an S-2.8(a) removal (S-4.4: an expert re-review or an objection raises the case's score above 65):
 * - A score removal is "in force" from its event until a re-admission (`readmitted`) or its own reversal. Each case
 *   removes a member at most once while its removal stands (`scoreRemovalStanding`): a lower score for the same case
 *   (a new score version) is not a second removal, and a removal already served (re-admitted) is not repeated.
 * - `removal_reversed` names the case. It applies only while that case's removal is in force and the member is
 *   removed for a score; otherwise it is a no-op (null), not an error: a member already re-admitted keeps their
 *   record, and a reversal cannot undo an (a) removal that was not caused by that case.
 * - When no other score removal remains in force, the member returns at once, without re-review or training (the
 *   removal was wrong): active, or suspended while an S-2.8(b) impact period recorded meanwhile still runs (the same
 *   rule as re-admission; the event carries the period, and a new impact timer must be started for it).
 * - When another case's removal remains in force, the reversal is recorded and the member stays removed: re-review
 *   and training then count from the latest removal still in force, and re-admit at once if both are already there.
 */
import { DomainError } from './errors';

export const MEMBER_STATUSES = {
  pending: '待确认入库',
  active: '在库',
  removed: '已移出人员库',
  suspended: '影响期内，暂停指派',
} as const;
export type MemberStatus = keyof typeof MEMBER_STATUSES;
export const MEMBER_STATUS_CODES = Object.keys(MEMBER_STATUSES) as [MemberStatus, ...MemberStatus[]];

export const ENTRY_ROUTES = {
  recruitment: '公开招募',
  recommendation: '机构推荐',
} as const;
export type EntryRoute = keyof typeof ENTRY_ROUTES;

export const INSTITUTION_KINDS = {
  law_firm: '律师事务所',
  grassroots_office: '基层法律服务所',
} as const;
export type InstitutionKind = keyof typeof INSTITUTION_KINDS;

/** S-2.9(g): who rates excellent ("被省、市评为优秀"). */
export const RATING_LEVELS = {
  province: '省级',
  city: '市级',
} as const;
export type RatingLevel = keyof typeof RATING_LEVELS;
export const RATING_LEVEL_CODES = Object.keys(RATING_LEVELS) as [RatingLevel, ...RatingLevel[]];

export const REMOVAL_KINDS = {
  score: '所办案件质量评估 65 分以下（S-2.8(a)）',
  assessment: '年度考核不合格（S-2.8(b)）',
  penalty: '因执业违法违规受到行政处罚或行业处分（S-2.8(b)）',
} as const;
export type RemovalKind = keyof typeof REMOVAL_KINDS;
export type ImpactKind = Exclude<RemovalKind, 'score'>;
export const REMOVAL_KIND_CODES = Object.keys(REMOVAL_KINDS) as [RemovalKind, ...RemovalKind[]];

export const EVENT_KINDS = {
  recruited: '公开招募报名入库',
  recommended: '法律服务机构推荐入库',
  confirmed: '法律援助机构确认入库',
  removed: '移出人员库',
  re_reviewed: '重新审核资格、专长和经历',
  training_confirmed: '经培训确认掌握办案标准',
  readmitted: '重新入库',
  impact_ended: '影响期届满',
  removal_reversed: '评分更正，撤销移出',
} as const;
export type PoolEventKind = keyof typeof EVENT_KINDS;

/**
 * S-2.8 熟知标准: members know the legal-aid standards. The agency records, when it confirms an entry or a re-entry,
 * how it established that: a training the member passed, or the member's signed attestation.
 */
export const STANDARDS_BASES = {
  training: '参加法律援助办案标准培训并考核合格',
  attestation: '书面承诺已熟知法律援助办案标准',
} as const;
export type StandardsBasis = keyof typeof STANDARDS_BASES;
export const STANDARDS_BASIS_CODES = Object.keys(STANDARDS_BASES) as [StandardsBasis, ...StandardsBasis[]];
export interface StandardsKnown {
  basis: StandardsBasis;
  /** China date of the training or the attestation (YYYY-MM-DD). */
  date: string;
  /** The training's name or record number, or where the signed attestation is filed. */
  reference: string;
}

export const POOL_ERRORS = {
  POOL_MEMBER_EXISTS: '该人员已在法律援助人员库中登记',
  POOL_MEMBER_NOT_PENDING: '只有待确认的人员可以确认入库',
  POOL_MEMBER_PENDING: '该人员尚未确认入库，不能移出',
  POOL_MEMBER_NOT_REMOVED: '只有因案件质量评估 65 分以下被移出的人员需要重新审核和培训（S-2.8(a)）',
  POOL_ALREADY_RE_REVIEWED: '本次移出后已经重新审核过资格、专长和经历',
  POOL_ALREADY_TRAINED: '本次移出后已经确认过培训',
  POOL_MEMBER_NOT_SUSPENDED: '该人员不在影响期内',
  POOL_IMPACT_UNTIL_REQUIRED: '年度考核不合格或受到处罚、处分的，须写明影响期届满时间，且应晚于当前时间（S-2.8(b)）',
  POOL_IMPACT_UNTIL_NOT_ALLOWED: '因案件评分移出的人员没有影响期，经重新审核和培训后方可重新入库（S-2.8(a)）',
} as const;
export type PoolErrorCode = keyof typeof POOL_ERRORS;

/** A refused pool event: `code` is stable for programs, `message` is for people. */
export class PoolRuleError extends DomainError {
  declare readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode) {
    super(code === 'POOL_MEMBER_EXISTS' ? 'conflict' : 'refused', code, POOL_ERRORS[code]);
  }
}

export interface MemberState {
  status: MemberStatus;
  /** Why the member is out; null when pending or active. */
  removalKind: RemovalKind | null;
  /** S-2.8(b) end of the impact period (ISO instant); kept while an (a) removal supersedes the suspension. */
  impactUntil: string | null;
  /** The (b) kind behind `impactUntil`. */
  impactKind: ImpactKind | null;
  /** S-2.8(a): recorded since the latest removal. */
  reReviewed: boolean;
  trained: boolean;
}

export type PoolCommand =
  | { kind: 'recruited' | 'recommended' }
  | { kind: 'confirmed' }
  | { kind: 'removed'; removalKind: RemovalKind; until?: string }
  | { kind: 're_reviewed' | 'training_confirmed' }
  | { kind: 'impact_ended'; reentry?: PoolReentry };

/** S-2.8(b): who puts a member back at the end of an impact period (RuleConfig.poolReentryAfterImpact). */
export type PoolReentry = 'confirm' | 'automatic';

/** The reason stored with the end of an impact period. */
export function impactEndedReason(reentry: PoolReentry): string {
  return reentry === 'automatic'
    ? '影响期届满，恢复指派（S-2.8(b)）'
    : '影响期届满，待法律援助机构确认重新入库（S-2.8(b)）';
}

/** An event to append, in order; the first is the command's own, the others follow from it (readmitted). */
export interface PoolEventDraft {
  kind: PoolEventKind;
  removalKind: RemovalKind | null;
  effectiveUntil: string | null;
}

export interface Transition {
  state: MemberState;
  events: PoolEventDraft[];
}

/** One stored status event, as far as the rules read it. */
export interface HistoryEvent {
  kind: string;
  removalKind: string | null;
  applicationNo?: string | null;
}

/**
 * S-2.8(a) score removals in force, oldest first: each `removed` for a score since the latest re-admission that has
 * not been reversed since. `index` is its position in `history`.
 */
export function scoreRemovalsInForce(
  history: ReadonlyArray<HistoryEvent>,
): Array<{ index: number; applicationNo: string | null }> {
  let inForce: Array<{ index: number; applicationNo: string | null }> = [];
  history.forEach((e, index) => {
    if (e.kind === 'removed' && e.removalKind === 'score')
      inForce.push({ index, applicationNo: e.applicationNo ?? null });
    else if (e.kind === 'readmitted') inForce = [];
    else if (e.kind === 'removal_reversed') {
      const at = inForce.map((r) => r.applicationNo === (e.applicationNo ?? null)).lastIndexOf(true);
      if (at >= 0) inForce.splice(at, 1);
    }
  });
  return inForce;
}

/**
 * S-2.8(a), one removal per case: the position of this case's latest score removal that has not been reversed
 * (in force or already served by a re-admission), or -1. While it stands, a new score for the case removes no one.
 */
export function scoreRemovalStanding(history: ReadonlyArray<HistoryEvent>, applicationNo: string): number {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    if (e.applicationNo !== applicationNo) continue;
    if (e.kind === 'removal_reversed') return -1;
    if (e.kind === 'removed' && e.removalKind === 'score') return i;
  }
  return -1;
}

/** What the stored member row and its history say about the member: the machine's input state. */
export function memberState(
  row: { status: string; removalKind: string | null; impactUntil: Date | string | null },
  history: ReadonlyArray<HistoryEvent>,
): MemberState {
  // S-2.8(a): re-review and training count only after the latest removal for a score that is still in force
  // (a reversed removal no longer counts); with none in force, after the latest removal for a score.
  const inForce = scoreRemovalsInForce(history);
  const lastRemoval = inForce.length
    ? inForce.at(-1)!.index
    : history.map((e) => e.kind === 'removed' && e.removalKind === 'score').lastIndexOf(true);
  const since = history.slice(lastRemoval + 1);
  const impactKind = [...history]
    .reverse()
    .find((e) => e.kind !== 'impact_ended' && (e.removalKind === 'assessment' || e.removalKind === 'penalty'));
  const impactUntil = row.impactUntil === null ? null : new Date(row.impactUntil).toISOString();
  return {
    status: row.status as MemberStatus,
    removalKind: row.removalKind as RemovalKind | null,
    impactUntil,
    impactKind: impactUntil ? ((impactKind?.removalKind as ImpactKind | undefined) ?? 'assessment') : null,
    reReviewed: since.some((e) => e.kind === 're_reviewed'),
    trained: since.some((e) => e.kind === 'training_confirmed'),
  };
}

const draft = (kind: PoolEventKind, removalKind: RemovalKind | null = null, until: string | null = null) => ({
  kind,
  removalKind,
  effectiveUntil: until,
});

/** Back in the pool: active, or suspended while an S-2.8(b) period recorded meanwhile still runs. */
function returned(state: MemberState, now: Date): { state: MemberState; until: string | null } {
  const impactRunning = state.impactUntil !== null && new Date(state.impactUntil).getTime() > now.getTime();
  return impactRunning
    ? {
        state: { ...state, status: 'suspended', removalKind: state.impactKind, reReviewed: false, trained: false },
        until: state.impactUntil,
      }
    : {
        state: {
          status: 'active',
          removalKind: null,
          impactUntil: null,
          impactKind: null,
          reReviewed: false,
          trained: false,
        },
        until: null,
      };
}

/** S-2.8(a) re-admission once both steps are recorded: active, or back to suspended while a (b) period runs. */
function readmitIfComplete(state: MemberState, own: PoolEventDraft, now: Date): Transition {
  if (!state.reReviewed || !state.trained) return { state, events: [own] };
  const after = returned(state, now);
  return { state: after.state, events: [own, draft('readmitted', after.state.removalKind, after.until)] };
}

/**
 * Applies one event to a member (`null`: not registered yet). Returns the new state and the events to append, or
 * throws a PoolRuleError. `now` decides only whether an impact period is still running.
 */
export function applyPoolEvent(state: MemberState | null, command: PoolCommand, now: Date): Transition {
  if (command.kind === 'recruited' || command.kind === 'recommended') {
    if (state) throw new PoolRuleError('POOL_MEMBER_EXISTS');
    const fresh: MemberState = {
      status: 'pending',
      removalKind: null,
      impactUntil: null,
      impactKind: null,
      reReviewed: false,
      trained: false,
    };
    return { state: fresh, events: [draft(command.kind)] };
  }
  if (!state) throw new Error('applyPoolEvent: the member must exist for this event');

  switch (command.kind) {
    case 'confirmed':
      if (state.status !== 'pending') throw new PoolRuleError('POOL_MEMBER_NOT_PENDING');
      return { state: { ...state, status: 'active' }, events: [draft('confirmed')] };

    case 'removed': {
      if (state.status === 'pending') throw new PoolRuleError('POOL_MEMBER_PENDING');
      const reset = { reReviewed: false, trained: false };
      if (command.removalKind === 'score') {
        if (command.until !== undefined) throw new PoolRuleError('POOL_IMPACT_UNTIL_NOT_ALLOWED');
        // S-2.8(a): out at once, whatever the member's status; an impact period already running is kept.
        return {
          state: { ...state, ...reset, status: 'removed', removalKind: 'score' },
          events: [draft('removed', 'score')],
        };
      }
      const until = command.until === undefined ? NaN : Date.parse(command.until);
      if (!(until > now.getTime())) throw new PoolRuleError('POOL_IMPACT_UNTIL_REQUIRED');
      const impact = { impactUntil: new Date(until).toISOString(), impactKind: command.removalKind };
      const event = draft('removed', command.removalKind, impact.impactUntil);
      // S-2.8(b) while (a)-removed: still removed; the period applies at re-admission.
      if (state.status === 'removed') return { state: { ...state, ...impact }, events: [event] };
      return {
        state: { ...state, ...reset, ...impact, status: 'suspended', removalKind: command.removalKind },
        events: [event],
      };
    }

    case 're_reviewed':
    case 'training_confirmed': {
      if (state.status !== 'removed') throw new PoolRuleError('POOL_MEMBER_NOT_REMOVED');
      if (command.kind === 're_reviewed' && state.reReviewed) throw new PoolRuleError('POOL_ALREADY_RE_REVIEWED');
      if (command.kind === 'training_confirmed' && state.trained) throw new PoolRuleError('POOL_ALREADY_TRAINED');
      const next = command.kind === 're_reviewed' ? { ...state, reReviewed: true } : { ...state, trained: true };
      return readmitIfComplete(next, draft(command.kind), now);
    }

    case 'impact_ended':
      if (state.status !== 'suspended') throw new PoolRuleError('POOL_MEMBER_NOT_SUSPENDED');
      return {
        state: {
          ...state,
          status: command.reentry === 'automatic' ? 'active' : 'pending',
          removalKind: null,
          impactUntil: null,
          impactKind: null,
        },
        events: [draft('impact_ended')],
      };
  }
}

/**
 * S-4.4 / S-2.8(a): the score of `applicationNo` was raised above 65 (expert re-review, objection). Returns the
 * transition, or null when there is nothing to reverse: the member is not removed for a score, or this case's removal
 * is not in force (never made, already reversed, or served by a re-admission). `history` is the member's whole
 * status history, oldest first; `state` is `memberState(row, history)`.
 */
export function reverseScoreRemoval(
  state: MemberState,
  history: ReadonlyArray<HistoryEvent>,
  applicationNo: string,
  now: Date,
): Transition | null {
  if (state.status !== 'removed' || state.removalKind !== 'score') return null;
  const inForce = scoreRemovalsInForce(history);
  if (!inForce.some((r) => r.applicationNo === applicationNo)) return null;
  const after: HistoryEvent[] = [...history, { kind: 'removal_reversed', removalKind: null, applicationNo }];
  const remaining = scoreRemovalsInForce(after);
  if (remaining.length === 0) {
    const back = returned(state, now);
    return { state: back.state, events: [draft('removal_reversed', back.state.removalKind, back.until)] };
  }
  // Another case's removal still holds: the member stays removed; its re-review and training count from it.
  const since = after.slice(remaining.at(-1)!.index + 1);
  const steps = {
    reReviewed: since.some((e) => e.kind === 're_reviewed'),
    trained: since.some((e) => e.kind === 'training_confirmed'),
  };
  return readmitIfComplete({ ...state, ...steps }, draft('removal_reversed', 'score'), now);
}

/** Input of `poolImpactWorkflow` (S-2.8(b)): the member, the status event that suspended them, its end (ISO). */
export interface PoolImpactInput {
  memberId: string;
  eventId: string;
  until: string;
  /** S-2.8(b) re-entry at the end (RuleConfig.poolReentryAfterImpact when the timer started); default 'confirm'. */
  reentry?: PoolReentry;
}
