/**
 * The stuck-case read model (issue 8): each case's open obligations in `obligation`, written in the same transaction
 * as the workflow's own record (activities/application-records.ts, evaluation-records.ts), so the two cannot drift
 * apart through a crash between them; the reconciliation job (reconcileReadModel) repairs whatever else drifts. The
 * daily digest (queueDailyDigest) nudges owners through the notification outbox.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  applicationWorkflowId,
  complaintWorkflowId,
  evaluationWorkflowId,
  getComplaint,
  getEvaluation,
  getState,
  type ApplicationState,
  type ComplaintState,
  type EvaluationState,
} from '../domain/definitions';
import {
  applicationObligations,
  complaintObligations,
  evaluationObligations,
  OBLIGATION_KINDS,
  recipientOf,
  RESTING_STAGES,
  type Obligation,
  type ObligationKind,
  type ObligationSource,
  type OwnerRole,
} from '../domain/obligations';
import { cstDateOf, formatCst } from '../domain/time';
import { Prisma, type PrismaClient } from '../prisma/generated/client';

type Db = Prisma.TransactionClient | PrismaClient;

export interface SyncRequest {
  applicationNo: string;
  source: ObligationSource;
  /** The workflow state's `seq`: a write of an older state than the last one written changes nothing. */
  seq: number;
  obligations: Obligation[];
  writtenBy: 'workflow' | 'reconcile';
}

/**
 * Makes the case's open obligations of one source exactly `obligations`. Serialised per case and source by the
 * `obligation_sync` row (locked until the transaction ends) and ordered by `seq`; idempotent (a retry writes the same).
 * Returns false when a newer state had already been written.
 */
export async function syncObligations(db: Db, req: SyncRequest): Promise<boolean> {
  const [claimed] = await db.$queryRaw<Array<{ ok: number }>>(claimSyncSql(req));
  if (!claimed) return false;
  await db.$executeRaw`WITH ${obligationWritesSql(req)} SELECT 1`;
  return true;
}

/**
 * The first statement of a sync: takes the case's `obligation_sync` row for this `seq` (and its lock, until the
 * transaction ends); answers a row when this `seq` is not older than the last one written.
 */
export function claimSyncSql(req: SyncRequest): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO obligation_sync (application_no, source, state_seq, written_by, updated_at)
    VALUES (${req.applicationNo}, ${req.source}, ${req.seq}, ${req.writtenBy}, now())
    ON CONFLICT (application_no, source) DO UPDATE
      SET state_seq = EXCLUDED.state_seq, written_by = EXCLUDED.written_by, updated_at = now()
      WHERE obligation_sync.state_seq <= EXCLUDED.state_seq
    RETURNING 1 AS ok`;
}

/**
 * The second, after `claimSyncSql` in the same transaction: the common table expressions `opened` (the keys owed now)
 * and `resolved` (the open keys no longer owed), which act only if the claim took this `seq`, so they can run in one
 * statement with the rest of a record's write. A statement of its own sees the rows of whoever held the lock before.
 */
export function obligationWritesSql(req: SyncRequest): Prisma.Sql {
  const o = req.obligations;
  const claimed = Prisma.sql`EXISTS (SELECT 1 FROM obligation_sync
    WHERE application_no = ${req.applicationNo} AND source = ${req.source} AND state_seq = ${req.seq})`;
  return Prisma.sql`opened AS (
      INSERT INTO obligation
        (application_no, source, key, kind, owner_role, owner_id, since, due_at, due_moved, rule_id, state_seq)
      SELECT ${req.applicationNo}, ${req.source}, x.key, x.kind, x.owner_role, x.owner_id,
             x.since::timestamptz, x.due_at::timestamptz, x.due_moved, x.rule_id, ${req.seq}
      FROM unnest(${o.map((x) => x.key)}::text[], ${o.map((x) => x.kind)}::text[], ${o.map((x) => x.ownerRole)}::text[],
                  ${o.map((x) => x.ownerId)}::text[], ${o.map((x) => x.since)}::text[], ${o.map((x) => x.dueAt)}::text[],
                  ${o.map((x) => x.dueMoved ?? null)}::text[], ${o.map((x) => x.ruleId)}::text[])
           AS x(key, kind, owner_role, owner_id, since, due_at, due_moved, rule_id)
      WHERE ${claimed}
      ON CONFLICT (application_no, key) DO UPDATE SET
        source = EXCLUDED.source, kind = EXCLUDED.kind, owner_role = EXCLUDED.owner_role,
        owner_id = EXCLUDED.owner_id, since = EXCLUDED.since, due_at = EXCLUDED.due_at,
        due_moved = EXCLUDED.due_moved, rule_id = EXCLUDED.rule_id,
        state_seq = EXCLUDED.state_seq,
        -- An obligation owed again (e.g. a decision after a corrected objection) opens again.
        resolved_at = NULL,
        opened_at = CASE WHEN obligation.resolved_at IS NULL THEN obligation.opened_at ELSE now() END
    ), resolved AS (
      UPDATE obligation SET resolved_at = now(), state_seq = ${req.seq}
      WHERE ${claimed}
        AND application_no = ${req.applicationNo} AND source = ${req.source} AND resolved_at IS NULL
        AND NOT (key = ANY(${o.map((x) => x.key)}::text[]))
    )`;
}

/** The open obligations stored for one case and source, in the shape the domain derives them. */
export async function storedObligations(
  db: Db,
  applicationNo: string,
  source: ObligationSource,
): Promise<Obligation[]> {
  const rows = await db.obligation.findMany({
    where: { applicationNo, source, resolvedAt: null },
    orderBy: { key: 'asc' },
  });
  return rows.map((r) => ({
    key: r.key,
    kind: r.kind as ObligationKind,
    ownerRole: r.ownerRole as OwnerRole,
    ownerId: r.ownerId,
    since: r.since.toISOString(),
    dueAt: r.dueAt ? r.dueAt.toISOString() : null,
    ...(r.dueMoved ? { dueMoved: r.dueMoved } : {}),
    ruleId: r.ruleId,
  }));
}

/** Same obligations (order-insensitive; instants compared to the millisecond the database keeps). */
export function sameObligations(a: Obligation[], b: Obligation[]): boolean {
  const norm = (list: Obligation[]) =>
    list
      .map((x) =>
        JSON.stringify([
          x.key,
          x.kind,
          x.ownerRole,
          x.ownerId,
          new Date(x.since).getTime(),
          x.dueAt === null ? null : new Date(x.dueAt).getTime(),
          x.dueMoved ?? null,
          x.ruleId,
        ]),
      )
      .sort();
  const [x, y] = [norm(a), norm(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** How the reconciliation reads a workflow's own state (a query); null when the workflow does not exist. */
export interface StateReader {
  application(applicationNo: string): Promise<ApplicationState | null>;
  evaluation(applicationNo: string): Promise<EvaluationState | null>;
  complaint(complaintId: string): Promise<ComplaintState | null>;
}

export function temporalStateReader(client: Client): StateReader {
  const read = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  };
  return {
    application: (no) => read(() => client.workflow.getHandle(applicationWorkflowId(no)).query(getState)),
    evaluation: (no) => read(() => client.workflow.getHandle(evaluationWorkflowId(no)).query(getEvaluation)),
    complaint: (id) => read(() => client.workflow.getHandle(complaintWorkflowId(id)).query(getComplaint)),
  };
}

export interface ReconcileResult {
  runId: string;
  checked: number;
  repaired: number;
  orphaned: number;
  failed: number;
}

/**
 * Compares the read model with the workflows' own state and repairs the difference: every case not yet at rest
 * (and every case the read model still shows as waiting) is read through its workflow's query; obligations that differ
 * are rewritten at the workflow's `seq`; a case whose workflow is gone has its open obligations resolved. Cases are
 * read in pages, a few at a time, so the job stays light on a busy system.
 */
export async function reconcile(
  prisma: PrismaClient,
  reader: StateReader,
  options: { pageSize?: number; concurrency?: number; agencyCode?: string; onPage?: (done: number) => void } = {},
): Promise<ReconcileResult> {
  const pageSize = options.pageSize ?? 200;
  const concurrency = options.concurrency ?? 8;
  const run = await prisma.reconcileRun.create({ data: {} });
  const totals = { checked: 0, repaired: 0, orphaned: 0, failed: 0 };
  let after = '';
  for (;;) {
    const page = await prisma.$queryRaw<Array<{ application_no: string; stage: string; evaluating: boolean }>>`
      SELECT a.application_no, a.stage::text AS stage,
             (a.stage = 'evaluating' OR EXISTS (SELECT 1 FROM obligation o WHERE o.application_no = a.application_no
                AND o.source = 'evaluation' AND o.resolved_at IS NULL)) AS evaluating
      FROM application a
      WHERE a.application_no > ${after}
        AND (${options.agencyCode ?? null}::text IS NULL OR a.agency_code = ${options.agencyCode ?? null})
        AND (a.stage::text <> ALL(${[...RESTING_STAGES]}::text[])
             OR EXISTS (SELECT 1 FROM obligation o WHERE o.application_no = a.application_no AND o.resolved_at IS NULL))
      ORDER BY a.application_no
      LIMIT ${pageSize}`;
    if (page.length === 0) break;
    after = page[page.length - 1]!.application_no;
    for (let i = 0; i < page.length; i += concurrency) {
      await Promise.all(
        page.slice(i, i + concurrency).map(async (row) => {
          totals.checked += 1;
          try {
            const outcome = await reconcileCase(prisma, reader, row.application_no, row.evaluating);
            if (outcome === 'repaired') totals.repaired += 1;
            if (outcome === 'orphaned') totals.orphaned += 1;
          } catch {
            totals.failed += 1;
          }
        }),
      );
    }
    options.onPage?.(totals.checked);
  }
  // L-13: complaints not at rest, or with obligations still open, the same way (their obligations are keyed by the
  // complaint's id in `application_no`, source `complaint`).
  let afterComplaint = '';
  for (;;) {
    const page = await prisma.$queryRaw<Array<{ id: string }>>`
      SELECT c.id FROM complaint c
      WHERE c.id > ${afterComplaint}
        AND (${options.agencyCode ?? null}::text IS NULL OR c.agency_code = ${options.agencyCode ?? null})
        AND (c.status <> ALL(${[...COMPLAINT_AT_REST]}::text[])
             OR EXISTS (SELECT 1 FROM obligation o WHERE o.application_no = c.id AND o.source = 'complaint'
                          AND o.resolved_at IS NULL))
      ORDER BY c.id
      LIMIT ${pageSize}`;
    if (page.length === 0) break;
    afterComplaint = page[page.length - 1]!.id;
    for (let i = 0; i < page.length; i += concurrency) {
      await Promise.all(
        page.slice(i, i + concurrency).map(async (row) => {
          totals.checked += 1;
          try {
            const outcome = await reconcileComplaint(prisma, reader, row.id);
            if (outcome === 'repaired') totals.repaired += 1;
            if (outcome === 'orphaned') totals.orphaned += 1;
          } catch {
            totals.failed += 1;
          }
        }),
      );
    }
    options.onPage?.(totals.checked);
  }
  await prisma.reconcileRun.update({ where: { id: run.id }, data: { ...totals, finishedAt: new Date() } });
  return { runId: run.id.toString(), ...totals };
}

/** A complaint's status once nothing more is owed on it. */
const COMPLAINT_AT_REST = ['closed', 'refused', 'withdrawn'] as const;

async function reconcileComplaint(
  prisma: PrismaClient,
  reader: StateReader,
  complaintId: string,
): Promise<'ok' | 'repaired' | 'orphaned'> {
  const state = await reader.complaint(complaintId);
  if (state === null) {
    const { count } = await prisma.obligation.updateMany({
      where: { applicationNo: complaintId, source: 'complaint', resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    return count > 0 ? 'orphaned' : 'ok';
  }
  const wanted = complaintObligations(state);
  const stored = await storedObligations(prisma, complaintId, 'complaint');
  if (sameObligations(stored, wanted)) return 'ok';
  const written = await prisma.$transaction((tx) =>
    syncObligations(tx, {
      applicationNo: complaintId,
      source: 'complaint',
      seq: state.seq,
      obligations: wanted,
      writtenBy: 'reconcile',
    }),
  );
  return written ? 'repaired' : 'ok';
}

async function reconcileCase(
  prisma: PrismaClient,
  reader: StateReader,
  applicationNo: string,
  evaluating: boolean,
): Promise<'ok' | 'repaired' | 'orphaned'> {
  const state = await reader.application(applicationNo);
  let outcome: 'ok' | 'repaired' | 'orphaned' = 'ok';
  const repair = async (source: ObligationSource, seq: number, wanted: Obligation[]) => {
    const stored = await storedObligations(prisma, applicationNo, source);
    if (sameObligations(stored, wanted)) return;
    const written = await prisma.$transaction((tx) =>
      syncObligations(tx, { applicationNo, source, seq, obligations: wanted, writtenBy: 'reconcile' }),
    );
    if (written && outcome === 'ok') outcome = 'repaired';
  };
  if (state === null) {
    // The workflow is gone (deleted, or past retention): nothing can be owed on it any more.
    const { count } = await prisma.obligation.updateMany({
      where: { applicationNo, resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    return count > 0 ? 'orphaned' : 'ok';
  }
  await repair('application', state.seq, applicationObligations(state));
  if (evaluating || state.stage === 'evaluating' || state.evaluation) {
    const evaluation = await reader.evaluation(applicationNo);
    if (evaluation) await repair('evaluation', evaluation.seq, evaluationObligations(evaluation));
  }
  return outcome;
}

export interface DigestResult {
  date: string;
  owners: number;
  queued: number;
  skipped: number;
}

/**
 * The daily digest: every owner with obligations overdue or due within `withinHours` gets them in the in-app inbox,
 * one line per obligation, each obligation at most once per China day (outbox key `digest-<id>-<yyyymmdd>`). The
 * applicant's documents are left to the S-3.2 reminder ladder, which already reminds them at 09:00.
 */
export async function queueDigest(prisma: PrismaClient, now: Date, withinHours: number): Promise<DigestResult> {
  const date = cstDateOf(now);
  const until = new Date(now.getTime() + withinHours * 3_600_000);
  const rows = await prisma.obligation.findMany({
    where: { resolvedAt: null, dueAt: { not: null, lte: until }, ownerRole: { notIn: ['applicant', 'system'] } },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
  const owners = new Set<string>();
  let queued = 0;
  let skipped = 0;
  for (const r of rows) {
    const recipient = recipientOf(r.ownerRole as OwnerRole, r.ownerId);
    if (recipient === null) {
      skipped += 1;
      continue;
    }
    owners.add(recipient);
    const overdue = r.dueAt!.getTime() <= now.getTime();
    const label = OBLIGATION_KINDS[r.kind as ObligationKind] ?? r.kind;
    const moved = r.dueMoved ? `（${r.dueMoved}）` : '';
    const when = overdue
      ? `已于 ${formatCst(r.dueAt!)}${moved} 到期，已逾期`
      : `将于 ${formatCst(r.dueAt!)}${moved} 到期`;
    const body = `【每日待办提醒 ${date}】法律援助案件 ${r.applicationNo}：${label}${when}（${r.ruleId}）。`;
    const { count } = await prisma.notification.createMany({
      data: [
        {
          applicationNo: r.applicationNo,
          obligationKey: `digest-${r.id}-${date.replaceAll('-', '')}`,
          channel: 'inbox',
          recipient,
          template: 'daily_digest',
          body,
          // The in-app inbox is the delivery: the row is the notice.
          status: 'sent',
          sentAt: now,
        },
      ],
      skipDuplicates: true,
    });
    queued += count;
  }
  return { date, owners: owners.size, queued, skipped };
}

export function createObligationActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /** Run by the reconciliation schedule's workflow; heartbeats per page so a dead worker is noticed. */
    async reconcileReadModel(
      options: { pageSize?: number; concurrency?: number; agencyCode?: string } = {},
    ): Promise<ReconcileResult> {
      const ctx = Context.current();
      return reconcile(prisma, temporalStateReader(ctx.client), {
        ...options,
        onPage: (done) => ctx.heartbeat(done),
      });
    },
    async queueDailyDigest({ at, withinHours }: { at: string; withinHours: number }): Promise<DigestResult> {
      return queueDigest(prisma, new Date(at), withinHours);
    },
  };
}
