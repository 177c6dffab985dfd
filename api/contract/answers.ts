/**
 * Schemas of what the API answers that more than one area shares: times, stages, the live state of a case and its
 * parts as the workflow reports them (domain/definitions.ts). Loose objects: a field added to a state does not break
 * its readers; the fields named here are the ones a client may rely on.
 */
import { z } from 'zod';
import { STAGES, type Stage } from '../../domain/stages';

/** An instant as JSON writes it (ISO 8601, UTC or with an offset). */
export const instant = z.iso.datetime({ offset: true });
export const optionalInstant = instant.nullable();
export const stage = z.enum(Object.keys(STAGES) as [Stage, ...Stage[]]);

export const assignmentState = z.looseObject({
  status: z.enum(['picking', 'awaiting_agency', 'awaiting_institution', 'assigned']),
  since: instant,
  sameDayDueAt: instant,
  statutoryDueAt: instant,
  needs: z.string().optional(),
  membersNeeded: z.number().int(),
  picks: z.number().int(),
  slots: z.array(
    z.looseObject({
      purpose: z.string(),
      ledgerSeq: z.number().int(),
      institutionId: z.string(),
      institutionName: z.string(),
      proposedMemberId: z.string(),
      rule: z.string(),
      turn: z.string(),
      pickedAt: instant,
      confirmDueAt: instant.optional(),
      memberId: z.string().optional(),
      confirmedAt: instant.optional(),
      releasedAt: instant.optional(),
      releaseReason: z.string().optional(),
    }),
  ),
  excluded: z.array(
    z.looseObject({ memberId: z.string().optional(), institutionId: z.string().optional(), reason: z.string() }),
  ),
  completedAt: instant.optional(),
  late: z.enum(['same_day', 'statutory']).optional(),
});

export const verificationState = z.looseObject({
  status: z.enum(['pending', 'accepted', 'verified', 'refuted']),
  basis: z.enum(['no_doubt', 'inference', 'verification']).optional(),
  reason: z.string().optional(),
  tasks: z.array(
    z.looseObject({
      id: z.string(),
      route: z.string(),
      requestedAt: instant,
      dueAt: instant,
      result: z.enum(['confirmed', 'refuted', 'inconclusive']).optional(),
      note: z.string().optional(),
    }),
  ),
});

/** The live state of an application (the workflow's `getState` query). */
export const applicationState = z.looseObject({
  applicationNo: z.string(),
  agencyCode: z.string(),
  channel: z.string(),
  stage,
  stageEnteredAt: instant,
  seq: z.number().int(),
  materialsSupplied: z.array(z.string()),
  materialsMissing: z.array(z.string()),
  correctionDueAt: instant.optional(),
  reviewDueAt: instant.optional(),
  reviewRemainingMs: z.number().optional(),
  verification: verificationState.optional(),
  assignment: assignmentState.optional(),
  performance: z.looseObject({ memberId: z.string(), institutionId: z.string() }).optional(),
  evaluation: z.looseObject({ workflowId: z.string() }).optional(),
  closedReason: z.string().optional(),
});

/** An accepted signal (a step answered later, e.g. L-9 termination): 202. */
export const accepted = z.object({ applicationNo: z.string(), accepted: z.literal(true) });
