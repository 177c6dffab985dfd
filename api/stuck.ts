/**
 * Issue 8: which cases are stuck — waiting on whom, since when, due when — from the obligation read model
 * (activities/obligations.ts) and the cases that need attention (case_attention, activities/attention.ts: a write met a
 * data error, owed by technical support), and the SLA and workload figures managers steer by. Read-only, audited, no
 * personal data (application numbers, codes, ids of institutions and members only).
 */
import type { z } from 'zod';
import { STAGES, type Stage } from '../domain/stages';
import { OBLIGATION_KINDS, OWNER_ROLES, type ObligationKind, type OwnerRole } from '../domain/obligations';
import { TIERS, type Tier } from '../domain/quality';
import { cstDateOf, startOfCstDay } from '../domain/time';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import { obligationScope, type ObligationScope, type Principal } from './auth/access';
import { stuckRoutes } from './contract/stuck';
import { ApiError } from './errors';
import type { Mounter } from './mount';
import type { stuckQuery } from './schemas';

export interface StuckDeps {
  prisma: PrismaClient;
  /** The clock "overdue" is measured against (the system clock; a test server's clock in tests). */
  now: () => Promise<Date>;
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您无权查看这些案件的待办情况');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Obligations with their case: an application's row, or a complaint's (L-13: no stage, no assigned people; its
 * channel and receipt stand in), so complaints are on the board like every obligation.
 */
const OBLIGATIONS_FROM = Prisma.sql`obligation o JOIN (
    SELECT application_no, agency_code, channel::text AS channel, stage::text AS stage, stage_entered_at,
           assigned_institution_ids, assigned_member_ids
    FROM application
    UNION ALL
    SELECT id, agency_code, channel, NULL::text, received_at, ARRAY[]::text[], ARRAY[]::text[] FROM complaint
  ) a ON a.application_no = o.application_no`;

/** The owner of a case that needs attention (case_attention, activities/attention.ts), its id the case's agency. */
const ATTENTION_OWNER: OwnerRole = 'technical_support';
const ATTENTION_KIND: ObligationKind = 'data_error';

/** The columns a scope is tested on: an obligation's (with its application) or a case-attention row's. */
interface ScopeColumns {
  agency: Prisma.Sql;
  /** Obligations of this owner (`id` null: of every owner with the role). */
  owner: (role: string, id: string | null) => Prisma.Sql;
}
const OBLIGATION_COLUMNS: ScopeColumns = {
  agency: Prisma.sql`a.agency_code`,
  owner: (role, id) =>
    id === null ? Prisma.sql`o.owner_role = ${role}` : Prisma.sql`(o.owner_role = ${role} AND o.owner_id = ${id})`,
};
const ATTENTION_COLUMNS: ScopeColumns = {
  agency: Prisma.sql`c.agency_code`,
  owner: (role, id) =>
    role !== ATTENTION_OWNER ? Prisma.sql`FALSE` : id === null ? Prisma.sql`TRUE` : Prisma.sql`c.agency_code = ${id}`,
};

/** The SQL condition for what the person may see, or a 403 when they may see nothing or ask beyond their scope. */
function scopeCondition(
  scope: ObligationScope,
  agencyCode: string | undefined,
  cols: ScopeColumns = OBLIGATION_COLUMNS,
): Prisma.Sql {
  if (scope.all) return agencyCode ? Prisma.sql`${cols.agency} = ${agencyCode}` : Prisma.sql`TRUE`;
  const parts: Prisma.Sql[] = [];
  if (scope.agency && (!agencyCode || agencyCode === scope.agency))
    parts.push(Prisma.sql`${cols.agency} = ${scope.agency}`);
  if (agencyCode && scope.agency && agencyCode !== scope.agency && scope.owners.length === 0) throw forbidden();
  for (const o of scope.owners) {
    const own = cols.owner(o.role, o.id);
    parts.push(agencyCode ? Prisma.sql`(${own} AND ${cols.agency} = ${agencyCode})` : own);
  }
  if (parts.length === 0) throw forbidden();
  return Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}

/**
 * `case_attention c` with the case's application row where there is one (none for a hotline call, nor for a case whose
 * very first write failed).
 */
const ATTENTION_FROM = Prisma.sql`case_attention c
  LEFT JOIN application a ON c.case_kind <> 'hotline' AND a.application_no = c.case_no`;

/**
 * The board's filters on open case-attention rows: a `data_error` owed by the agency's technical support since the
 * failed write, and due at once (it shows as overdue: nothing moves until someone acts). Stage, channel, institution
 * and member come from the application row where there is one.
 */
function attentionCondition(scope: ObligationScope, q: z.infer<typeof stuckQuery>, now: Date): Prisma.Sql {
  if ((q.kind && q.kind !== ATTENTION_KIND) || (q.ownerRole && q.ownerRole !== ATTENTION_OWNER))
    return Prisma.sql`FALSE`;
  const where = [Prisma.sql`c.resolved_at IS NULL`, scopeCondition(scope, q.agencyCode, ATTENTION_COLUMNS)];
  if (q.view === 'overdue') where.push(Prisma.sql`c.since <= ${now}`);
  if (q.view === 'due_soon')
    where.push(Prisma.sql`c.since > ${now} AND c.since <= ${new Date(now.getTime() + q.withinHours * HOUR)}`);
  if (q.view === 'waiting')
    where.push(Prisma.sql`COALESCE(a.stage_entered_at, c.since) <= ${new Date(now.getTime() - q.olderThanDays * DAY)}`);
  if (q.stage) where.push(Prisma.sql`a.stage::text = ${q.stage}`);
  if (q.channel) where.push(Prisma.sql`a.channel::text = ${q.channel}`);
  if (q.ownerId) where.push(Prisma.sql`c.agency_code = ${q.ownerId}`);
  if (q.institutionId) where.push(Prisma.sql`a.assigned_institution_ids @> ARRAY[${q.institutionId}]::text[]`);
  if (q.memberId) where.push(Prisma.sql`a.assigned_member_ids @> ARRAY[${q.memberId}]::text[]`);
  return Prisma.join(where, ' AND ');
}

interface StuckRow {
  /** Null for a case that needs attention. */
  id: bigint | null;
  /** The application number; for a hotline call that needs attention, the call id. */
  application_no: string;
  agency_code: string;
  /** Null only for a case that needs attention and has no application row. */
  channel: string | null;
  stage: Stage | null;
  stage_entered_at: Date | null;
  kind: ObligationKind;
  owner_role: OwnerRole;
  owner_id: string | null;
  since: Date;
  due_at: Date | null;
  due_moved: string | null;
  rule_id: string;
  /** Set for a case that needs attention (case_attention) only. */
  case_kind: string | null;
  workflow_id: string | null;
  activity: string | null;
}

/** China dates [from, to] as instants [start, end); by default the current China month up to today. */
function period(now: Date, from?: string, to?: string): { from: string; to: string; start: Date; end: Date } {
  const today = cstDateOf(now);
  const f = from ?? `${today.slice(0, 8)}01`;
  const t = to ?? today;
  return { from: f, to: t, start: startOfCstDay(f), end: new Date(startOfCstDay(t).getTime() + DAY) };
}

const share = (total: number, met: number) => ({ total, met, share: total === 0 ? null : met / total });

/** /cases/stuck and /figures (issue 8). */
export function mountStuck(m: Mounter, deps: StuckDeps): void {
  const C = stuckRoutes;
  const db = deps.prisma;

  // Stuck cases: overdue first (most overdue at the top), then by due time; open-ended obligations last. Cases that
  // need attention (case_attention) are merged in: each side is read in order up to the page's end, then merged.
  m.mount(C.stuck, async ({ query: q, principal }, _req, res) => {
    const scope = obligationScope('cases.stuck', principal);
    const where = [Prisma.sql`o.resolved_at IS NULL`, scopeCondition(scope, q.agencyCode)];
    const now = await deps.now();
    if (q.view === 'overdue') where.push(Prisma.sql`o.due_at <= ${now}`);
    if (q.view === 'due_soon')
      where.push(Prisma.sql`o.due_at > ${now} AND o.due_at <= ${new Date(now.getTime() + q.withinHours * HOUR)}`);
    if (q.view === 'waiting')
      where.push(Prisma.sql`a.stage_entered_at <= ${new Date(now.getTime() - q.olderThanDays * DAY)}`);
    if (q.stage) where.push(Prisma.sql`a.stage::text = ${q.stage}`);
    if (q.channel) where.push(Prisma.sql`a.channel::text = ${q.channel}`);
    if (q.kind) where.push(Prisma.sql`o.kind = ${q.kind}`);
    if (q.ownerRole) where.push(Prisma.sql`o.owner_role = ${q.ownerRole}`);
    if (q.ownerId) where.push(Prisma.sql`o.owner_id = ${q.ownerId}`);
    // `@>` (not `= ANY`) so the GIN indexes on the arrays serve the filter.
    if (q.institutionId) where.push(Prisma.sql`a.assigned_institution_ids @> ARRAY[${q.institutionId}]::text[]`);
    if (q.memberId) where.push(Prisma.sql`a.assigned_member_ids @> ARRAY[${q.memberId}]::text[]`);
    const filter = Prisma.join(where, ' AND ');
    const attention = attentionCondition(scope, q, now);
    const upTo = q.offset + q.limit;
    const [rows, [count]] = await Promise.all([
      db.$queryRaw<StuckRow[]>`
          (SELECT o.id, o.application_no, a.agency_code, a.channel::text AS channel, a.stage::text AS stage,
                  a.stage_entered_at, o.kind, o.owner_role, o.owner_id, o.since, o.due_at, o.due_moved, o.rule_id,
                  NULL::text AS case_kind, NULL::text AS workflow_id, NULL::text AS activity
           FROM ${OBLIGATIONS_FROM}
           WHERE ${filter}
           ORDER BY o.due_at ASC NULLS LAST, o.since ASC, o.id ASC
           LIMIT ${upTo})
          UNION ALL
          (SELECT NULL::bigint, c.case_no, c.agency_code, a.channel::text, a.stage::text, a.stage_entered_at,
                  ${ATTENTION_KIND}, ${ATTENTION_OWNER}, c.agency_code, c.since, c.since, NULL::text, c.sqlstate,
                  c.case_kind, c.workflow_id, c.activity
           FROM ${ATTENTION_FROM}
           WHERE ${attention}
           ORDER BY c.since ASC, c.workflow_id ASC
           LIMIT ${upTo})
          ORDER BY due_at ASC NULLS LAST, since ASC, id ASC NULLS LAST, workflow_id ASC
          LIMIT ${q.limit} OFFSET ${q.offset}`,
      db.$queryRaw<Array<{ total: bigint }>>`
          SELECT (SELECT count(*) FROM ${OBLIGATIONS_FROM}
                  WHERE ${filter})
               + (SELECT count(*) FROM ${ATTENTION_FROM} WHERE ${attention}) AS total`,
    ]);
    res.json({
      total: Number(count!.total),
      asOf: now.toISOString(),
      items: rows.map((r) => {
        const overdueMs = r.due_at ? now.getTime() - r.due_at.getTime() : -1;
        const item = {
          applicationNo: r.application_no,
          agencyCode: r.agency_code,
          channel: r.channel,
          stage: r.stage,
          stageLabel: r.stage ? STAGES[r.stage] : null,
          stageSince: r.stage_entered_at ? r.stage_entered_at.toISOString() : null,
          kind: r.kind,
          kindLabel: OBLIGATION_KINDS[r.kind] ?? r.kind,
          ownerRole: r.owner_role,
          ownerRoleLabel: OWNER_ROLES[r.owner_role] ?? r.owner_role,
          ownerId: r.owner_id,
          since: r.since.toISOString(),
          dueAt: r.due_at ? r.due_at.toISOString() : null,
          ...(r.due_moved ? { dueMoved: r.due_moved } : {}),
          ruleId: r.rule_id,
          overdue: overdueMs >= 0,
          overdueMinutes: overdueMs >= 0 ? Math.floor(overdueMs / 60_000) : 0,
          waitingDays: Math.floor((now.getTime() - (r.stage_entered_at ?? r.since).getTime()) / DAY),
          timelineUrl:
            r.case_kind === 'hotline'
              ? `/hotline/calls/${r.application_no}`
              : `/applications/${r.application_no}/timeline`,
        };
        if (r.case_kind === null) return item;
        // A case that needs attention: which workflow waits at which write, and the SQLSTATE (as its rule).
        return {
          ...item,
          caseKind: r.case_kind,
          workflowId: r.workflow_id,
          activity: r.activity,
          sqlstate: r.rule_id,
          resolveUrl: `/operations/attention/${r.workflow_id}/resolve`,
        };
      }),
    });
  });

  // Counts of cases waiting, and of cases with something overdue, by stage and by agency. A case that needs attention
  // counts (as overdue) by its agency, and by its stage where it has an application row.
  m.mount(C.stuckCounts, async ({ query: q, principal }, _req, res) => {
    const scopeAll = obligationScope('cases.stuck', principal);
    const scope = scopeCondition(scopeAll, q.agencyCode);
    const attention = scopeCondition(scopeAll, q.agencyCode, ATTENTION_COLUMNS);
    const now = await deps.now();
    const grouped = (column: 'stage' | 'agency') => db.$queryRaw<Array<{ key: string; open: bigint; overdue: bigint }>>`
        SELECT ${Prisma.raw(`b.${column}`)} AS key, count(DISTINCT b.case_key) AS open,
               count(DISTINCT b.case_key) FILTER (WHERE b.due_at <= ${now}) AS overdue
        FROM (
          SELECT a.stage::text AS stage, a.agency_code AS agency, o.application_no AS case_key, o.due_at
          FROM ${OBLIGATIONS_FROM}
          WHERE o.resolved_at IS NULL AND ${scope}
          UNION ALL
          SELECT a.stage::text, c.agency_code,
                 CASE WHEN c.case_kind = 'hotline' THEN 'hotline:' || c.case_no ELSE c.case_no END, c.since
          FROM ${ATTENTION_FROM}
          WHERE c.resolved_at IS NULL AND ${attention}
        ) b
        WHERE ${Prisma.raw(`b.${column}`)} IS NOT NULL
        GROUP BY 1 ORDER BY 1`;
    const [byStage, byAgency] = await Promise.all([grouped('stage'), grouped('agency')]);
    res.json({
      asOf: now.toISOString(),
      byStage: byStage.map((r) => ({
        stage: r.key,
        stageLabel: STAGES[r.key as Stage],
        open: Number(r.open),
        overdue: Number(r.overdue),
      })),
      byAgency: byAgency.map((r) => ({ agencyCode: r.key, open: Number(r.open), overdue: Number(r.overdue) })),
    });
  });

  // Figures per agency and period, and each member's load.
  const agencyOf = (principal: Principal, requested: string | undefined): string | undefined => {
    const scope = obligationScope('figures.read', principal);
    if (scope.all) return requested;
    if (!scope.agency || (requested && requested !== scope.agency)) throw forbidden();
    return scope.agency;
  };

  m.mount(C.sla, async ({ query: q, principal }, _req, res) => {
    const agency = agencyOf(principal, q.agencyCode);
    const now = await deps.now();
    const p = period(now, q.from, q.to);
    res.json({ from: p.from, to: p.to, agencies: await slaFigures(deps.prisma, p.start, p.end, now, agency) });
  });

  m.mount(C.workload, async ({ query: q, principal }, _req, res) => {
    const agency = agencyOf(principal, q.agencyCode);
    res.json({ members: await workload(deps.prisma, await deps.now(), agency) });
  });
}

export interface AgencySla {
  agencyCode: string;
  assignmentSameDay: ReturnType<typeof share>;
  reviewWithin7Days: ReturnType<typeof share>;
  hotlineAnswered: ReturnType<typeof share>;
  evaluationsCompleted: ReturnType<typeof share>;
  payoutsByTier: Array<{ tier: string; tierLabel: string; cases: number; amountCents: number }>;
}

/**
 * S-3.3 assignments made the same day; L-1 decisions within the review period; S-2.4 hotline calls answered in time;
 * S-4.4 evaluations completed (target 100%); S-4.5 payouts by tier. Counted for the events that fell in the period.
 */
export async function slaFigures(
  db: PrismaClient,
  start: Date,
  end: Date,
  now: Date,
  agency: string | undefined,
): Promise<AgencySla[]> {
  const byAgency = (column: string) => (agency ? Prisma.sql`${Prisma.raw(column)} = ${agency}` : Prisma.sql`TRUE`);
  type Pair = { agency: string; total: bigint; met: bigint };
  const [assignments, reviews, calls, evaluations, payouts] = await Promise.all([
    db.$queryRaw<Pair[]>`
      SELECT agency_code AS agency, count(*) AS total, count(*) FILTER (WHERE assignment->>'late' IS NULL) AS met
      FROM application
      WHERE (assignment->>'completedAt') IS NOT NULL
        AND (assignment->>'completedAt')::timestamptz >= ${start} AND (assignment->>'completedAt')::timestamptz < ${end}
        AND ${byAgency('agency_code')}
      GROUP BY agency_code`,
    db.$queryRaw<Pair[]>`
      SELECT agency_code AS agency, count(*) AS total, count(*) FILTER (WHERE decision_late IS NOT TRUE) AS met
      FROM application
      WHERE decided_at >= ${start} AND decided_at < ${end} AND ${byAgency('agency_code')}
      GROUP BY agency_code`,
    // A call counts once it was answered or its deadline passed (a call still inside its 3 minutes is not yet late).
    db.$queryRaw<Pair[]>`
      SELECT agency_code AS agency, count(*) AS total,
             count(*) FILTER (WHERE answered_at IS NOT NULL AND answered_at <= due_at) AS met
      FROM hotline_call
      WHERE received_at >= ${start} AND received_at < ${end} AND (answered_at IS NOT NULL OR due_at <= ${now})
        AND ${byAgency('agency_code')}
      GROUP BY agency_code`,
    // Every case whose file went to evaluation in the period (S-4.4: 100%), completed = final or special.
    db.$queryRaw<Pair[]>`
      SELECT a.agency_code AS agency, count(*) AS total,
             count(*) FILTER (WHERE e.status IN ('final', 'special')) AS met
      FROM application a
      LEFT JOIN evaluation e ON e.application_no = a.application_no
      WHERE EXISTS (SELECT 1 FROM application_stage_event s WHERE s.application_no = a.application_no
                      AND s.stage = 'evaluating' AND s.entered_at >= ${start} AND s.entered_at < ${end})
        AND ${byAgency('a.agency_code')}
      GROUP BY a.agency_code`,
    db.$queryRaw<Array<{ agency: string; tier: string; cases: bigint; amount: bigint }>>`
      SELECT agency_code AS agency, COALESCE(tier, kind) AS tier, count(DISTINCT application_no) AS cases,
             sum(amount_cents) AS amount
      FROM payout_line
      WHERE kind IN ('payout', 'adjustment', 'special') AND created_at >= ${start} AND created_at < ${end}
        AND ${byAgency('agency_code')}
      GROUP BY agency_code, COALESCE(tier, kind)`,
  ]);
  const agencies = new Set<string>(
    [...assignments, ...reviews, ...calls, ...evaluations, ...payouts].map((r) => r.agency),
  );
  if (agency) agencies.add(agency);
  const pick = (rows: Pair[], code: string) => {
    const r = rows.find((x) => x.agency === code);
    return share(Number(r?.total ?? 0), Number(r?.met ?? 0));
  };
  return [...agencies].sort().map((code) => ({
    agencyCode: code,
    assignmentSameDay: pick(assignments, code),
    reviewWithin7Days: pick(reviews, code),
    hotlineAnswered: pick(calls, code),
    evaluationsCompleted: pick(evaluations, code),
    payoutsByTier: payouts
      .filter((r) => r.agency === code)
      .map((r) => ({
        tier: r.tier,
        tierLabel: TIERS[r.tier as Tier] ?? (r.tier === 'special' ? '特殊案件' : r.tier),
        cases: Number(r.cases),
        amountCents: Number(r.amount),
      }))
      .sort((x, y) => x.tier.localeCompare(y.tier)),
  }));
}

/** Each pool member's open cases (assigned, performing, file review, evaluation) and overdue obligations. */
export async function workload(db: PrismaClient, now: Date, agency: string | undefined) {
  const rows = await db.$queryRaw<
    Array<{ member_id: string; institution_id: string; agency_code: string; open_cases: bigint; overdue: bigint }>
  >`
    SELECT m.id AS member_id, m.institution_id, i.agency_code,
      (SELECT count(*) FROM application a WHERE m.id = ANY(a.assigned_member_ids)
         AND a.stage IN ('assigned', 'performing', 'file_review', 'evaluating')) AS open_cases,
      (SELECT count(*) FROM obligation o WHERE o.owner_role = 'member' AND o.owner_id = m.id
         AND o.resolved_at IS NULL AND o.due_at <= ${now}) AS overdue
    FROM pool_member m JOIN pool_institution i ON i.id = m.institution_id
    WHERE ${agency ? Prisma.sql`i.agency_code = ${agency}` : Prisma.sql`TRUE`}
    ORDER BY i.agency_code, m.institution_id, m.id`;
  return rows.map((r) => ({
    memberId: r.member_id,
    institutionId: r.institution_id,
    agencyCode: r.agency_code,
    openCases: Number(r.open_cases),
    overdueObligations: Number(r.overdue),
  }));
}
