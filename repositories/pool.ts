/**
 * The stored legal-aid personnel pool (S-2.8): institutions, members and their append-only status history.
 *
 * Every status change runs in one transaction that first takes the agency's rotation lock (the same
 * `rotation_state ... FOR UPDATE` as the picks of activities/rotation.ts), then reads the member and its history,
 * applies the pure rule (domain/pool.ts), appends the `pool_member_event` rows and updates `pool_member`. So a pick and
 * a removal of one agency never interleave: a member whose removal committed is not chosen by a later pick. Idempotent
 * by request id: a repeated request is answered with the event already written and changes nothing.
 *
 * `createPoolRepository` is what the API reads and writes directly (synchronous staff actions). The workflows' pool
 * activities (activities/pool.ts: impact timers, and the evaluation stage's `removeForScore` and
 * `reverseScoreRemoval`) write through the same lock, replay and write helpers exported here.
 */
import {
  applyPoolEvent,
  EVENT_KINDS,
  MEMBER_STATUSES,
  memberState,
  STANDARDS_BASES,
  type EntryRoute,
  type InstitutionKind,
  type MemberStatus,
  type PoolCommand,
  type RemovalKind,
  type StandardsKnown,
} from '../domain/pool';
import type { Prisma, PrismaClient } from '../prisma/generated/client';
import { DomainError, lookupKind } from '../domain/errors';
import { DEFAULT_ROTATION_CONFIG, entryTurns, type PoolMember, type RotationConfig } from '../domain/rotation';

/** Not found, or a key reused for another request: the API maps these to 404 / 422. */
export class PoolLookupError extends DomainError {
  constructor(
    code: 'POOL_MEMBER_NOT_FOUND' | 'POOL_INSTITUTION_NOT_FOUND' | 'POOL_INSTITUTION_EXISTS' | 'IDEMPOTENCY_KEY_REUSED',
    message: string,
  ) {
    super(lookupKind(code), code, message);
  }
}

export interface PoolEventView {
  id: string;
  memberId: string;
  agencyCode: string;
  kind: string;
  kindLabel: string;
  removalKind: string | null;
  reason: string;
  actor: string;
  effectiveFrom: string;
  effectiveUntil: string | null;
  applicationNo: string | null;
  standards: StandardsKnown | null;
  at: string;
}

export interface PoolMemberView {
  id: string;
  institutionId: string;
  agencyCode: string;
  status: MemberStatus;
  statusLabel: string;
  entryRoute: string;
  specialties: string[];
  practiceYears: number;
  criminalDefenceYears: number;
  dutyLawyer: boolean;
  juvenileCompetent: boolean;
  excellentRatings: number;
  turns: number;
  removalKind: string | null;
  impactUntil: string | null;
  statusEventId: string | null;
}

export interface InstitutionView {
  id: string;
  agencyCode: string;
  name: string;
  kind: string;
  listOrder: number;
  /** S-2.9(g): province- and city-level excellent ratings recorded for it. */
  excellentRatings: number;
  /** S-4.7: staff ids of its responsible people (负责人). */
  responsiblePeople: string[];
}

/** The outcome of a change: the request's own event, every event it wrote, the member after it. */
export interface PoolChange {
  event: PoolEventView;
  events: PoolEventView[];
  member: PoolMemberView;
  /** True when the request id had been seen: nothing was written now. */
  replayed: boolean;
  /** S-2.8(b): the member is suspended; the impact timer for its current status event (starting it is idempotent). */
  impactTimer: { eventId: string; until: string } | null;
}

interface ChangeMeta {
  reason: string;
  actor: string;
  applicationNo?: string;
  requestId: string | null;
  /** S-2.8 熟知标准, recorded with a confirmation. */
  standards?: StandardsKnown;
}

export type Tx = Prisma.TransactionClient;
type MemberRow = Prisma.PoolMemberGetPayload<{ include: { institution: true } }>;
type EventRow = Prisma.PoolMemberEventGetPayload<object>;

const eventView = (e: EventRow): PoolEventView => ({
  id: e.id.toString(),
  memberId: e.memberId,
  agencyCode: e.agencyCode,
  kind: e.kind,
  kindLabel: EVENT_KINDS[e.kind as keyof typeof EVENT_KINDS] ?? e.kind,
  removalKind: e.removalKind,
  reason: e.reason,
  actor: e.actor,
  effectiveFrom: e.effectiveFrom.toISOString(),
  effectiveUntil: e.effectiveUntil?.toISOString() ?? null,
  applicationNo: e.applicationNo,
  standards: (e.standards as StandardsKnown | null) ?? null,
  at: e.at.toISOString(),
});

const memberView = (m: MemberRow): PoolMemberView => ({
  id: m.id,
  institutionId: m.institutionId,
  agencyCode: m.institution.agencyCode,
  status: m.status as MemberStatus,
  statusLabel: MEMBER_STATUSES[m.status as MemberStatus] ?? m.status,
  entryRoute: m.entryRoute,
  specialties: m.specialties,
  practiceYears: m.practiceYears,
  criminalDefenceYears: m.criminalDefenceYears,
  dutyLawyer: m.dutyLawyer,
  juvenileCompetent: m.juvenileCompetent,
  excellentRatings: m.excellentRatings,
  turns: m.turns,
  removalKind: m.removalKind,
  impactUntil: m.impactUntil?.toISOString() ?? null,
  statusEventId: m.statusEventId?.toString() ?? null,
});

const institutionView = (i: InstitutionView): InstitutionView => ({
  id: i.id,
  agencyCode: i.agencyCode,
  name: i.name,
  kind: i.kind,
  listOrder: i.listOrder,
  excellentRatings: i.excellentRatings,
  responsiblePeople: i.responsiblePeople,
});

const impactTimerOf = (m: MemberRow): PoolChange['impactTimer'] =>
  m.status === 'suspended' && m.statusEventId !== null && m.impactUntil !== null
    ? { eventId: m.statusEventId.toString(), until: m.impactUntil.toISOString() }
    : null;

export const memberNotFound = (memberId: string) =>
  new PoolLookupError('POOL_MEMBER_NOT_FOUND', `法律援助人员库中没有编号为 ${memberId} 的人员`);
const keyReused = () => new PoolLookupError('IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一项操作，请换用新的幂等键');

/** The agency's rotation lock: every pick, release and pool status change of one agency runs behind it. */
export async function lockAgency(tx: Tx, agencyCode: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO rotation_state (agency_code) VALUES (${agencyCode}) ON CONFLICT DO NOTHING`;
  await tx.$queryRaw`SELECT agency_code FROM rotation_state WHERE agency_code = ${agencyCode} FOR UPDATE`;
}

/** A repeated request: the events it wrote (its own and those that followed from it, e.g. readmitted). */
export async function replay(tx: Tx, requestId: string, memberId: string, kind: string): Promise<PoolChange | null> {
  const first = await tx.poolMemberEvent.findUnique({ where: { requestId } });
  if (!first) return null;
  if (first.memberId !== memberId || first.kind !== kind) throw keyReused();
  const [member, following] = await Promise.all([
    tx.poolMember.findUniqueOrThrow({ where: { id: memberId }, include: { institution: true } }),
    tx.poolMemberEvent.findFirst({ where: { memberId, id: { gt: first.id } }, orderBy: { id: 'asc' } }),
  ]);
  const derived = following && following.requestId === null && following.kind === 'readmitted' ? [following] : [];
  return {
    event: eventView(first),
    events: [first, ...derived].map(eventView),
    member: memberView(member),
    replayed: true,
    impactTimer: impactTimerOf(member),
  };
}

/**
 * S-2.9 rounds: the turns of a member who becomes active (entry confirmed, re-admitted, impact period over), so they
 * take their place in the current round of the agency's rotation (domain/rotation.ts `entryTurns`); undefined when the
 * change does not make them active. Runs under the agency's rotation lock, like the picks.
 */
async function turnsOnEntry(
  tx: Tx,
  member: { id: string; agencyCode: string },
  status: string,
  rotation: RotationConfig,
): Promise<number | undefined> {
  if (status !== 'active') return undefined;
  const current = await tx.poolMember.findUnique({ where: { id: member.id }, select: { status: true } });
  if (current?.status === 'active') return undefined;
  const rows = await tx.poolMember.findMany({
    where: { institution: { agencyCode: member.agencyCode } },
    select: {
      id: true,
      institutionId: true,
      status: true,
      excellentRatings: true,
      turns: true,
      institution: { select: { excellentRatings: true } },
    },
  });
  const members = rows.map(({ institution, ...r }) => ({
    ...r,
    status: r.status as PoolMember['status'],
    institutionExcellentRatings: institution.excellentRatings,
  }));
  const turns = Object.fromEntries(rows.map((r) => [r.id, r.turns]));
  const entering = members.find((m) => m.id === member.id);
  return entering ? entryTurns(entering, members, turns, rotation) : undefined;
}

/** Appends the transition's events and projects the new state onto `pool_member`, in the caller's transaction. */
export async function write(
  tx: Tx,
  member: { id: string; agencyCode: string },
  transition: ReturnType<typeof applyPoolEvent>,
  meta: ChangeMeta,
  now: Date,
  rotation: RotationConfig = DEFAULT_ROTATION_CONFIG,
): Promise<PoolChange> {
  const turns = await turnsOnEntry(tx, member, transition.state.status, rotation);
  const rows: EventRow[] = [];
  for (const [i, e] of transition.events.entries()) {
    rows.push(
      await tx.poolMemberEvent.create({
        data: {
          memberId: member.id,
          agencyCode: member.agencyCode,
          kind: e.kind,
          removalKind: e.removalKind,
          reason: i === 0 ? meta.reason : EVENT_KINDS[e.kind],
          actor: meta.actor,
          effectiveFrom: now,
          effectiveUntil: e.effectiveUntil === null ? null : new Date(e.effectiveUntil),
          applicationNo: i === 0 ? (meta.applicationNo ?? null) : null,
          requestId: i === 0 ? meta.requestId : null,
          ...(i === 0 && meta.standards ? { standards: { ...meta.standards } } : {}),
          at: now,
        },
      }),
    );
  }
  const s = transition.state;
  const updated = await tx.poolMember.update({
    where: { id: member.id },
    data: {
      status: s.status,
      removalKind: s.removalKind,
      impactUntil: s.impactUntil === null ? null : new Date(s.impactUntil),
      statusEventId: rows.at(-1)!.id,
      ...(turns === undefined ? {} : { turns }),
    },
    include: { institution: true },
  });
  return {
    event: eventView(rows[0]!),
    events: rows.map(eventView),
    member: memberView(updated),
    replayed: false,
    impactTimer: impactTimerOf(updated),
  };
}

export const TX = { maxWait: 60_000, timeout: 60_000 }; // changes of one agency queue behind its lock, like picks

export function createPoolRepository({ prisma }: { prisma: PrismaClient }) {
  /** Reads, locks, applies the rule and writes: one transaction per status change. */
  async function change(memberId: string, command: PoolCommand, meta: ChangeMeta): Promise<PoolChange> {
    const located = await prisma.poolMember.findUnique({ where: { id: memberId }, include: { institution: true } });
    if (!located) throw memberNotFound(memberId);
    const agencyCode = located.institution.agencyCode; // a member never changes agency
    return prisma.$transaction(async (tx) => {
      await lockAgency(tx, agencyCode);
      if (meta.requestId) {
        const done = await replay(tx, meta.requestId, memberId, command.kind);
        if (done) return done;
      }
      const [row, history] = await Promise.all([
        tx.poolMember.findUniqueOrThrow({ where: { id: memberId } }),
        tx.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } }),
      ]);
      const now = new Date();
      const transition = applyPoolEvent(memberState(row, history), command, now);
      return write(tx, { id: memberId, agencyCode }, transition, meta, now);
    }, TX);
  }

  return {
    /** Adds a service institution to the agency's list (S-2.9: the rotation order follows it). Idempotent by id. */
    /** S-4.7: replaces the institution's responsible people (idempotent: the same list again changes nothing). */
    async setResponsiblePeople(institutionId: string, personIds: string[]): Promise<InstitutionView> {
      const existing = await prisma.poolInstitution.findUnique({ where: { id: institutionId } });
      if (!existing) {
        throw new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', `没有编号为 ${institutionId} 的法律服务机构`);
      }
      const row = await prisma.poolInstitution.update({
        where: { id: institutionId },
        data: { responsiblePeople: personIds },
      });
      return institutionView(row);
    },

    async registerInstitution(args: {
      id: string;
      agencyCode: string;
      name: string;
      kind: InstitutionKind;
      listOrder?: number;
    }): Promise<{ institution: InstitutionView; replayed: boolean }> {
      return prisma.$transaction(async (tx) => {
        await lockAgency(tx, args.agencyCode);
        const existing = await tx.poolInstitution.findUnique({ where: { id: args.id } });
        if (existing) {
          const same =
            existing.agencyCode === args.agencyCode && existing.name === args.name && existing.kind === args.kind;
          if (!same || (args.listOrder !== undefined && args.listOrder !== existing.listOrder)) {
            throw new PoolLookupError('POOL_INSTITUTION_EXISTS', `编号为 ${args.id} 的法律服务机构已经登记`);
          }
          return { institution: institutionView(existing), replayed: true };
        }
        const last = await tx.poolInstitution.findFirst({
          where: { agencyCode: args.agencyCode },
          orderBy: { listOrder: 'desc' },
        });
        const listOrder = args.listOrder ?? (last ? last.listOrder + 1 : 0);
        if (args.listOrder !== undefined) {
          const taken = await tx.poolInstitution.findUnique({
            where: { agencyCode_listOrder: { agencyCode: args.agencyCode, listOrder } },
          });
          if (taken) {
            throw new PoolLookupError('POOL_INSTITUTION_EXISTS', `名单中第 ${listOrder} 位已有法律服务机构`);
          }
        }
        const created = await tx.poolInstitution.create({ data: { ...args, listOrder } });
        return { institution: institutionView(created), replayed: false };
      }, TX);
    },

    async listInstitutions(args: { agencyCode?: string }): Promise<InstitutionView[]> {
      const rows = await prisma.poolInstitution.findMany({
        where: { agencyCode: args.agencyCode },
        orderBy: [{ agencyCode: 'asc' }, { listOrder: 'asc' }],
      });
      return rows.map(institutionView);
    },

    async institution(id: string): Promise<InstitutionView | null> {
      const row = await prisma.poolInstitution.findUnique({ where: { id } });
      return row ? institutionView(row) : null;
    },

    /** S-2.8 entry: open recruitment (公开招募) or an institution's recommendation (机构推荐); pending until confirmed. */
    async registerMember(args: {
      memberId: string;
      institutionId: string;
      entryRoute: EntryRoute;
      specialties?: string[];
      practiceYears?: number;
      criminalDefenceYears?: number;
      dutyLawyer?: boolean;
      juvenileCompetent?: boolean;
      reason?: string;
      actor: string;
      requestId: string | null;
    }): Promise<PoolChange> {
      const institution = await prisma.poolInstitution.findUnique({ where: { id: args.institutionId } });
      if (!institution) {
        throw new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', `没有编号为 ${args.institutionId} 的法律服务机构`);
      }
      const kind = args.entryRoute === 'recruitment' ? 'recruited' : 'recommended';
      return prisma.$transaction(async (tx) => {
        await lockAgency(tx, institution.agencyCode);
        if (args.requestId) {
          const done = await replay(tx, args.requestId, args.memberId, kind);
          if (done) return done;
        }
        const existing = await tx.poolMember.findUnique({ where: { id: args.memberId } });
        const now = new Date();
        // Throws POOL_MEMBER_EXISTS for a member already registered.
        const transition = applyPoolEvent(existing ? memberState(existing, []) : null, { kind }, now);
        await tx.poolMember.create({
          data: {
            id: args.memberId,
            institutionId: args.institutionId,
            status: transition.state.status,
            entryRoute: args.entryRoute,
            specialties: args.specialties ?? [],
            practiceYears: args.practiceYears ?? 0,
            criminalDefenceYears: args.criminalDefenceYears ?? 0,
            dutyLawyer: args.dutyLawyer ?? false,
            juvenileCompetent: args.juvenileCompetent ?? false,
          },
        });
        const meta = { reason: args.reason ?? EVENT_KINDS[kind], actor: args.actor, requestId: args.requestId };
        return write(tx, { id: args.memberId, agencyCode: institution.agencyCode }, transition, meta, now);
      }, TX);
    },

    /** S-2.8: the agency confirms an entry (or a re-entry after an impact period), recording 熟知标准. */
    async confirmMember(args: {
      memberId: string;
      standards: StandardsKnown;
      reason?: string;
      actor: string;
      requestId: string | null;
    }) {
      const reason = `${args.reason ?? EVENT_KINDS.confirmed}；${STANDARDS_BASES[args.standards.basis]}（${args.standards.date}，${args.standards.reference}）`;
      return change(args.memberId, { kind: 'confirmed' }, { ...args, reason });
    },

    /** S-2.8(a) score (no period) or (b) assessment / penalty with the end of the impact period. */
    async removeMember(args: {
      memberId: string;
      removalKind: RemovalKind;
      reason: string;
      actor: string;
      applicationNo?: string;
      score?: number;
      impactUntil?: string;
      requestId: string | null;
    }): Promise<PoolChange> {
      const reason = args.score === undefined ? args.reason : `${args.reason}（评分 ${args.score} 分）`;
      return change(
        args.memberId,
        { kind: 'removed', removalKind: args.removalKind, until: args.impactUntil },
        { reason, actor: args.actor, applicationNo: args.applicationNo, requestId: args.requestId },
      );
    },

    async recordReReview(args: { memberId: string; reason: string; actor: string; requestId: string | null }) {
      return change(args.memberId, { kind: 're_reviewed' }, args);
    },

    async recordTraining(args: { memberId: string; reason: string; actor: string; requestId: string | null }) {
      return change(args.memberId, { kind: 'training_confirmed' }, args);
    },

    async listMembers(args: { agencyCode?: string; status?: MemberStatus; institutionId?: string }) {
      const rows = await prisma.poolMember.findMany({
        where: {
          status: args.status,
          institutionId: args.institutionId,
          institution: args.agencyCode ? { agencyCode: args.agencyCode } : undefined,
        },
        include: { institution: true },
        orderBy: [{ institution: { agencyCode: 'asc' } }, { institution: { listOrder: 'asc' } }, { id: 'asc' }],
      });
      return rows.map(memberView);
    },

    async memberWithEvents(memberId: string): Promise<{ member: PoolMemberView; events: PoolEventView[] } | null> {
      const member = await prisma.poolMember.findUnique({ where: { id: memberId }, include: { institution: true } });
      if (!member) return null;
      const events = await prisma.poolMemberEvent.findMany({ where: { memberId }, orderBy: { id: 'asc' } });
      return { member: memberView(member), events: events.map(eventView) };
    },
  };
}

export type PoolRepository = ReturnType<typeof createPoolRepository>;
