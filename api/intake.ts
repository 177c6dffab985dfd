/**
 * Intake: turns a validated request into an application number and its workflow, exactly once per idempotency key.
 */
import { sqlstateOf } from '../activities/attention';
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { formatApplicationNo, type AgencyCode } from '../domain/agencies';
import { applicationWorkflowId, type ApplicationInput, type StepAudit } from '../domain/definitions';
import { notificationLetterKey } from '../domain/intake';
import type { CorrectionItem } from '../domain/materials';
import type { RuleConfig } from '../domain/rule-config';
import { AGENCY_ATTR, STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../domain/search-attributes';
import { cstYearOf } from '../domain/time';
import { Prisma, type PrismaClient } from '../prisma/generated/client';
import type { applicationWorkflow } from '../workflows';
import { currentAudit } from './auth/middleware';
import { ApiError } from './errors';
import type { CreateApplicationBody } from './schemas';

/** Hash of the request body with keys sorted, so the same request in another key order is still "the same". */
export function requestHash(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

interface Allocation {
  applicationNo: string;
  receivedAt: Date;
  replayed: boolean;
}

/**
 * Allocates the next application number for the agency and year (China time) and binds it to the idempotency key,
 * in one transaction. The counter row's lock serialises concurrent intakes of one agency, so numbers have no gaps;
 * a concurrent request with the same key loses on the key's primary key and reads the winner's number. (Exported for
 * the floor of bench/interactive.ts, which runs the same statements.)
 */
export async function allocate(
  prisma: PrismaClient,
  key: string,
  hash: string,
  agency: AgencyCode,
  filer: Filer,
  audit: StepAudit | undefined,
  /** L-4: the notification letter's key (domain/intake.ts `notificationLetterKey`): one letter, one case. */
  letter: string | null = null,
): Promise<Allocation> {
  const existing = await prisma.intakeRequest.findUnique({ where: { idempotencyKey: key } });
  if (existing) {
    if (existing.requestHash !== hash) {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', '该幂等键已用于另一份不同的申请，请换用新的幂等键');
    }
    return { applicationNo: existing.applicationNo, receivedAt: existing.createdAt, replayed: true };
  }
  await refuseRegisteredLetter(prisma, letter);
  const receivedAt = new Date();
  const year = cstYearOf(receivedAt);
  try {
    // One statement, so one short implicit transaction: no interactive transaction a starved machine could let expire
    // (P2028). The counter's row lock is held only while this statement runs; a lost race on the key (23505) rolls
    // the increment back with it, so numbers keep no gaps. The number is formatted as formatApplicationNo does.
    // The request's audit row (outcome 201) commits with the application it made (docs/decisions.md).
    const audited = audit
      ? Prisma.sql`, audited AS (
          INSERT INTO audit_event (at, actor_id, roles, agency_code, action, target_type, target_id, request_id, outcome)
          SELECT ${receivedAt}, ${audit.actorId}, ${audit.roles}::text[], ${audit.agencyCode}, ${audit.action},
                 ${audit.targetType}, application_no, ${audit.requestId}, 201
          FROM intake
        )`
      : Prisma.empty;
    const rows = await prisma.$queryRaw<Array<{ application_no: string }>>`
      WITH counter AS (
        INSERT INTO application_number_counter (agency_code, year, last_value) VALUES (${agency}, ${year}, 1)
        ON CONFLICT (agency_code, year) DO UPDATE SET last_value = application_number_counter.last_value + 1
        RETURNING last_value::text AS serial
      ), intake AS (
        INSERT INTO intake_request
          (idempotency_key, request_hash, application_no, created_at, agency_code, filed_by, filed_by_role,
           applicant_subject, notification_letter)
        SELECT ${key}, ${hash},
          ${`${agency}-${year}-`} || CASE WHEN length(serial) >= 6 THEN serial ELSE lpad(serial, 6, '0') END,
          ${receivedAt}, ${agency}, ${filer.userId}, ${filer.role}, ${filer.applicantSubject ?? null}, ${letter}
        FROM counter
        RETURNING application_no
      )${audited}
      SELECT application_no FROM intake`;
    const applicationNo = rows[0]!.application_no;
    if (applicationNo !== formatApplicationNo(agency, year, Number(applicationNo.split('-')[2]))) {
      throw new Error('application number formatted differently in SQL and in domain/agencies.ts');
    }
    return { applicationNo, receivedAt, replayed: false };
  } catch (err) {
    // A lost race on the key is answered by the winner; one on the letter (another key) is refused like a repeat.
    if (sqlstateOf(err) === '23505') {
      await refuseRegisteredLetter(prisma, letter);
      return allocate(prisma, key, hash, agency, filer, audit, letter);
    }
    throw err;
  }
}

/**
 * L-4: a notification letter already registered (same agency, organ and letter number) is not a second case: 409 with
 * the case it is. The same request again under its own key is answered with that case (200) before this check.
 */
async function refuseRegisteredLetter(prisma: PrismaClient, letter: string | null): Promise<void> {
  if (!letter) return;
  const registered = await prisma.intakeRequest.findUnique({ where: { notificationLetter: letter } });
  if (!registered) return;
  throw new ApiError(
    409,
    'NOTIFICATION_ALREADY_REGISTERED',
    `该通知书已登记为法律援助案件 ${registered.applicationNo}，同一通知机关的同一文号不重复登记（L-4）`,
    { applicationNo: registered.applicationNo },
  );
}

/** Who files: their user id and the role they file in; an applicant filing for themselves is also the subject. */
export interface Filer {
  userId: string;
  role: string;
  applicantSubject?: string;
}

/**
 * Idempotency keys are scoped to the user who sends them: the same key from two people is two requests, and one
 * person can never obtain another's application (or its status code) by guessing their key.
 */
function scopedKey(userId: string, key: string): string {
  return createHash('sha256').update(`${userId}\n${key}`).digest('hex');
}

export interface IntakeDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  rules: RuleConfig;
}

export async function submitApplication(
  deps: IntakeDeps,
  key: string,
  body: CreateApplicationBody,
  filer: Filer,
  /** L-2: what the case requires, from the catalogue (domain/materials.ts `requiredForIntake`). */
  materialsRequired: CorrectionItem[],
): Promise<Allocation & { workflowId: string }> {
  const letter = body.intake?.notification ? notificationLetterKey(body.agencyCode, body.intake.notification) : null;
  const allocation = await allocate(
    deps.prisma,
    scopedKey(filer.userId, key),
    requestHash(body),
    body.agencyCode,
    filer,
    currentAudit(),
    letter,
  );
  const input: ApplicationInput = {
    ...body,
    materialsRequired,
    applicationNo: allocation.applicationNo,
    receivedAt: allocation.receivedAt.toISOString(),
    rules: deps.rules,
  };
  const workflowId = applicationWorkflowId(allocation.applicationNo);
  try {
    // A retry after a crash between allocation and start starts the workflow now; a retry after a successful start
    // is answered by the running workflow (USE_EXISTING). An application number is never reused (REJECT_DUPLICATE).
    await deps.temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: STAGE_ATTR, value: 'received' },
        { key: STAGE_ENTERED_AT_ATTR, value: allocation.receivedAt },
        { key: AGENCY_ATTR, value: body.agencyCode },
      ],
    });
  } catch (err) {
    // The workflow ran and closed already: the application exists; answer with it.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { ...allocation, workflowId };
}
