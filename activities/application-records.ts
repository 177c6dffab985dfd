import { applicationWorkflowId, type ApplicationInput, type ApplicationState } from '../domain/definitions';
import type { EligibilityDecision } from '../domain/eligibility';
import type { IntakeCheck } from '../domain/intake';
import { applicationObligations } from '../domain/obligations';
import type { Stage } from '../domain/stages';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import { answersSql, notifySql, type StoredAnswer } from './step-answers';
import { queueNoticesTx, type NoticeChannels, type NoticeRequest } from './notifications';
import { claimSyncSql, obligationWritesSql } from './obligations';

export interface EventRecord {
  applicationNo: string;
  seq: number;
  stage: Stage;
  /** ISO instant, from the workflow's clock. */
  at: string;
  actor: string;
  ruleIds: string[];
  note?: string;
}

/** The columns of `application` that mirror the workflow's state. */
function stateColumns(state: ApplicationState) {
  return {
    stage: state.stage,
    stageEnteredAt: new Date(state.stageEnteredAt),
    stageSeq: state.seq,
    materialsSupplied: state.materialsSupplied,
    materialsMissing: state.materialsMissing,
    correctionDueAt: state.correctionDueAt ? new Date(state.correctionDueAt) : null,
    reviewDueAt: state.reviewDueAt ? new Date(state.reviewDueAt) : null,
    reviewRemainingMs: state.reviewRemainingMs === undefined ? null : BigInt(state.reviewRemainingMs),
    decisionLate: state.decision?.late ?? null,
    verification: state.verification
      ? (JSON.parse(JSON.stringify(state.verification)) as Prisma.InputJsonValue)
      : undefined,
    objectionReviewDueAt: state.objection && !state.objection.outcome ? new Date(state.objection.reviewDueAt) : null,
    decidedAt: state.decision ? new Date(state.decision.decidedAt) : null,
    decidedBy: state.decision?.decidedBy ?? null,
    decisionReason: state.decision?.reason ?? null,
    decisionRequestId: state.decision?.requestId ?? null,
    closedReason: state.closedReason ?? null,
    // S-2.10: who may read the case follows the assignment: the institutions picked, the members confirmed.
    ...(state.assignment
      ? {
          assignment: JSON.parse(JSON.stringify(state.assignment)) as Prisma.InputJsonValue,
          assignedInstitutionIds: [
            ...new Set(state.assignment.slots.filter((s) => !s.releasedAt).map((s) => s.institutionId)),
          ],
          assignedMemberIds: state.assignment.slots.filter((s) => !s.releasedAt && s.memberId).map((s) => s.memberId!),
        }
      : {}),
  } satisfies Partial<Prisma.ApplicationUncheckedCreateInput>;
}

function eventRow(event: EventRecord): Prisma.ApplicationStageEventCreateManyInput {
  return {
    applicationNo: event.applicationNo,
    seq: event.seq,
    stage: event.stage,
    enteredAt: new Date(event.at),
    actor: event.actor,
    ruleIds: event.ruleIds,
    note: event.note ?? null,
  };
}

/** The common table expression `events`: the batch's events, each once (unique application and seq). */
function eventsSql(events: EventRecord[]): Prisma.Sql {
  const rows = events.map((e) => ({ ...e, note: e.note ?? null }));
  return Prisma.sql`events AS (
      INSERT INTO application_stage_event (application_no, seq, stage, entered_at, actor, rule_ids, note)
      SELECT x."applicationNo", x.seq, x.stage::"ApplicationStage", x.at::timestamptz, x.actor,
             ARRAY(SELECT jsonb_array_elements_text(x."ruleIds")), x.note
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x("applicationNo" text, seq int, stage text, at text, actor text, "ruleIds" jsonb, note text)
      ON CONFLICT (application_no, seq) DO NOTHING
    )`;
}

/**
 * The common table expression `state`: the columns that mirror the workflow's state (`stateColumns`), never over a
 * newer state; the verification and the assignment stay as they are while the state has none.
 */
function applicationStateSql(state: ApplicationState): Prisma.Sql {
  const c = stateColumns(state);
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return Prisma.sql`state AS (
      UPDATE application SET
        stage = ${c.stage}::"ApplicationStage", stage_entered_at = ${c.stageEnteredAt}, stage_seq = ${c.stageSeq},
        materials_supplied = ${c.materialsSupplied}::text[], materials_missing = ${c.materialsMissing}::text[],
        correction_due_at = ${c.correctionDueAt}::timestamptz, review_due_at = ${c.reviewDueAt}::timestamptz,
        review_remaining_ms = ${c.reviewRemainingMs}::bigint, decision_late = ${c.decisionLate}::boolean,
        verification = COALESCE(${json(c.verification)}::jsonb, verification),
        objection_review_due_at = ${c.objectionReviewDueAt}::timestamptz, decided_at = ${c.decidedAt}::timestamptz,
        decided_by = ${c.decidedBy}::text, decision_reason = ${c.decisionReason}::text,
        decision_request_id = ${c.decisionRequestId}::text, closed_reason = ${c.closedReason}::text,
        assignment = COALESCE(${json(c.assignment)}::jsonb, assignment),
        assigned_institution_ids = COALESCE(${c.assignedInstitutionIds ?? null}::text[], assigned_institution_ids),
        assigned_member_ids = COALESCE(${c.assignedMemberIds ?? null}::text[], assigned_member_ids),
        updated_at = now()
      WHERE application_no = ${state.applicationNo} AND stage_seq < ${state.seq}
    )`;
}

/**
 * Activities that keep the stored record of an application in step with its workflow. Every write is idempotent:
 * a retried activity finds its rows already there (unique application number, unique (application, seq)) and an
 * event that arrives late never overwrites a newer state (`stage_seq` guard).
 */
/** What the first write of a case stores besides its state: the application as received and its intake record. */
export interface CaseOpening {
  input: ApplicationInput;
  /** The state at receipt (the intake event's own snapshot). */
  state: ApplicationState;
  eligibility: EligibilityDecision;
  checks: IntakeCheck[];
}

export function createApplicationRecords({ prisma, ...channels }: { prisma: PrismaClient } & NoticeChannels) {
  async function open(tx: Prisma.TransactionClient, { input, state, eligibility, checks }: CaseOpening) {
    const acceptedFirst = state.acceptedFirst ?? [];
    const notes = [
      eligibility.summary,
      ...checks.map((c) => c.note),
      ...acceptedFirst.map((g) => {
        // S-3.2, L-7: the urgency's reason is in the record only, never in the workflow state.
        const reason = g.urgency && input.intake?.urgency ? `；说明：${input.intake.urgency.reason}` : '';
        return `先行受理：${g.label}（${g.ruleId}）${reason}`;
      }),
    ].filter(Boolean);
    await tx.application.createMany({
      data: [
        {
          applicationNo: input.applicationNo,
          agencyCode: input.agencyCode,
          channel: input.channel,
          matterCategory: input.matter.category,
          applicant: JSON.parse(JSON.stringify(input.applicant)) as Prisma.InputJsonValue,
          matter: { ...input.matter },
          economicSituation: { ...input.economicSituation },
          receivedAt: new Date(input.receivedAt),
          eligibility: JSON.parse(JSON.stringify(eligibility)) as Prisma.InputJsonValue,
          intakeDetails:
            input.intake || checks.length
              ? (JSON.parse(JSON.stringify({ ...input.intake, checks })) as Prisma.InputJsonValue)
              : undefined,
          ...stateColumns(state),
        },
      ],
      skipDuplicates: true,
    });
    await tx.applicationStageEvent.createMany({
      data: [
        eventRow({
          ...state,
          at: input.receivedAt,
          actor: 'system',
          ruleIds: [
            ...new Set([
              ...eligibility.outcome.ruleIds,
              ...checks.map((c) => c.ruleId),
              ...acceptedFirst.map((g) => g.ruleId),
            ]),
          ],
          note: notes.length ? notes.join('\n') : undefined,
        }),
      ],
      skipDuplicates: true,
    });
  }

  return {
    /**
     * One batch of the case's recorder (workflows/support/recorder.ts), in one transaction: the opening (first batch
     * only), the events in order, the state they leave (never over a newer one), the stuck-case read model, and the
     * notices. Answers the ids of notices to deliver to the applicant's phone or e-mail.
     */
    async recordCase({
      opening,
      events,
      state,
      notices,
      answers,
    }: {
      opening?: CaseOpening;
      events: EventRecord[];
      state: ApplicationState;
      notices: NoticeRequest[];
      answers?: StoredAnswer[];
    }): Promise<string[]> {
      const sync = {
        applicationNo: state.applicationNo,
        source: 'application' as const,
        seq: state.seq,
        obligations: applicationObligations(state),
        writtenBy: 'workflow' as const,
      };
      // The claim of the obligations' sync row, then everything else in one statement (a statement of its own, so
      // it sees the obligations of whoever held the claim before).
      const write = Prisma.sql`WITH ${eventsSql(events)}, ${applicationStateSql(state)}, ${obligationWritesSql(sync)},
        ${answersSql(answers)} ${notifySql(applicationWorkflowId(state.applicationNo))}`;
      if (!opening && notices.length === 0) {
        await prisma.$transaction([prisma.$queryRaw(claimSyncSql(sync)), prisma.$executeRaw(write)]);
        return [];
      }
      return prisma.$transaction(async (tx) => {
        if (opening) await open(tx, opening);
        await tx.$queryRaw(claimSyncSql(sync));
        await tx.$executeRaw(write);
        return queueNoticesTx(tx, notices, channels);
      });
    },
  };
}
