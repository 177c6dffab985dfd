/**
 * /applications: intake, the stored record, the live workflow state, and the staff actions that move a case
 * (updates with validators, so a wrong action gets a clear rejection instead of silently doing nothing).
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { applicationWorkflowId, decide, getState, supplyMaterials } from '../domain/definitions';
import { MATERIALS, type MaterialCode } from '../domain/materials';
import { STAGES } from '../domain/stages';
import type { PrismaClient } from '../prisma/generated/client';
import { ApiError, notFound } from './errors';
import { submitApplication, type IntakeDeps } from './intake';
import {
  applicationNoParams,
  createApplicationBody,
  decisionBody,
  idempotencyKey,
  supplyMaterialsBody,
} from './schemas';

function requiredKey(req: Request): string {
  const raw = req.header('Idempotency-Key');
  if (raw === undefined) {
    throw new ApiError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      '请在请求头 Idempotency-Key 中提供幂等键，以免重复提交产生两份申请',
    );
  }
  return idempotencyKey.parse(raw);
}

/** Optional for staff actions: with a key, a repeated request gets the first answer; without, each is new. */
function optionalKey(req: Request): string {
  const raw = req.header('Idempotency-Key');
  return raw === undefined ? randomUUID() : idempotencyKey.parse(raw);
}

const materialView = (codes: string[]) =>
  codes.map((code) => ({ code, label: MATERIALS[code as MaterialCode] ?? code }));

export function applicationsRouter(deps: IntakeDeps & { prisma: PrismaClient; temporal: Client }): Router {
  const router = Router();
  const handleFor = (applicationNo: string) => deps.temporal.workflow.getHandle(applicationWorkflowId(applicationNo));

  /** True when the workflow exists but has closed, so it can no longer take updates. */
  async function isClosed(applicationNo: string): Promise<boolean> {
    try {
      return (await handleFor(applicationNo).describe()).status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
      throw err;
    }
  }

  router.post('/', async (req, res) => {
    const key = requiredKey(req);
    const body = createApplicationBody.parse(req.body);
    const result = await submitApplication(deps, key, body);
    res
      .status(result.replayed ? 200 : 201)
      .setHeader('Location', `/applications/${result.applicationNo}`)
      .json({
        applicationNo: result.applicationNo,
        workflowId: result.workflowId,
        receivedAt: result.receivedAt,
        replayed: result.replayed,
      });
  });

  router.get('/:applicationNo', async (req, res) => {
    const { applicationNo } = applicationNoParams.parse(req.params);
    const app = await deps.prisma.application.findUnique({
      where: { applicationNo },
      include: { stageEvents: { orderBy: { seq: 'asc' } } },
    });
    if (!app) throw notFound(applicationNo);
    res.json({
      applicationNo: app.applicationNo,
      agencyCode: app.agencyCode,
      channel: app.channel,
      stage: app.stage,
      stageLabel: STAGES[app.stage],
      stageEnteredAt: app.stageEnteredAt,
      receivedAt: app.receivedAt,
      correctionDueAt: app.correctionDueAt,
      materials: { supplied: materialView(app.materialsSupplied), missing: materialView(app.materialsMissing) },
      decision: app.decidedAt
        ? { decidedAt: app.decidedAt, decidedBy: app.decidedBy, reason: app.decisionReason }
        : null,
      closedReason: app.closedReason,
      applicant: app.applicant,
      matter: app.matter,
      economicSituation: app.economicSituation,
      history: app.stageEvents.map((e) => ({
        seq: e.seq,
        stage: e.stage,
        stageLabel: STAGES[e.stage],
        at: e.enteredAt,
        actor: e.actor,
        ruleIds: e.ruleIds,
        note: e.note,
      })),
    });
  });

  router.get('/:applicationNo/state', async (req, res) => {
    const { applicationNo } = applicationNoParams.parse(req.params);
    try {
      res.json(await handleFor(applicationNo).query(getState));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(applicationNo);
      throw err;
    }
  });

  router.post('/:applicationNo/materials', async (req, res) => {
    const { applicationNo } = applicationNoParams.parse(req.params);
    const body = supplyMaterialsBody.parse(req.body);
    const key = optionalKey(req);
    try {
      res.json(
        await handleFor(applicationNo).executeUpdate(supplyMaterials, { args: [body], updateId: `materials:${key}` }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || !(await isClosed(applicationNo))) throw err;
      throw new ApiError(409, 'CASE_CLOSED', '该申请已办结，不再接收补正材料');
    }
  });

  router.post('/:applicationNo/decision', async (req, res) => {
    const { applicationNo } = applicationNoParams.parse(req.params);
    const body = decisionBody.parse(req.body);
    const requestId = optionalKey(req);
    try {
      const args = [{ ...body, requestId }] as const;
      res.json(
        await handleFor(applicationNo).executeUpdate(decide, { args: [...args], updateId: `decision:${requestId}` }),
      );
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || !(await isClosed(applicationNo))) throw err;
      // The case closed after this very decision: a repeated request gets the same answer (idempotency).
      const app = await deps.prisma.application.findUnique({ where: { applicationNo } });
      if (app?.decisionRequestId === requestId && app.decidedAt) {
        res.json({ applicationNo, stage: app.stage, decidedAt: app.decidedAt.toISOString() });
        return;
      }
      throw new ApiError(409, 'CASE_CLOSED', '该申请已办结，不能再作出决定');
    }
  });

  return router;
}
