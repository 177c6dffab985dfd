import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { correctionDeadline } from '../domain/deadlines';
import {
  decide,
  ERROR_TYPES,
  getState,
  supplyMaterials,
  type ApplicationInput,
  type ApplicationOutcome,
  type ApplicationState,
  type DecideInput,
  type SupplyMaterialsInput,
} from '../domain/definitions';
import { correctionNoticeText, MATERIALS, missingMaterials } from '../domain/materials';
import { STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../domain/search-attributes';
import { canTransition, isFinal, STAGES, type Stage } from '../domain/stages';

// Unlimited attempts: a database outage must delay a case, never lose it.
const records = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

interface EventMeta {
  actor: string;
  ruleIds: string[];
  note?: string;
}

const TERMINATED_FOR_MISSING_MATERIALS = '逾期未补齐材料，视为撤回申请，法律援助终止（S-3.2，L-2）';

/** One application (法律援助申请) from intake to decision. Later stages extend this function; never rename it. */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationOutcome> {
  const receivedAt = new Date(input.receivedAt);
  const state: ApplicationState = {
    applicationNo: input.applicationNo,
    agencyCode: input.agencyCode,
    channel: input.channel,
    stage: 'received',
    stageEnteredAt: input.receivedAt,
    seq: 1,
    materialsSupplied: [...new Set(input.materialsSupplied)],
    materialsMissing: missingMaterials(input.materialsSupplied),
  };

  // Events are written strictly in order, one after another, so the stored history matches the workflow's.
  let persisted: Promise<void> = records.recordApplication({ input, state: { ...state } });

  function record(meta: EventMeta): Promise<void> {
    const at = new Date().toISOString();
    const event = { applicationNo: state.applicationNo, seq: state.seq, stage: state.stage, at, ...meta };
    const snapshot = { ...state, materialsSupplied: [...state.materialsSupplied] };
    persisted = persisted.then(() => records.recordEvent({ event, state: snapshot }));
    return persisted;
  }

  function transition(to: Stage, meta: EventMeta): Promise<void> {
    assertTransition(state.stage, to);
    state.stage = to;
    state.stageEnteredAt = new Date().toISOString();
    state.seq += 1;
    upsertSearchAttributes([
      { key: STAGE_ATTR, value: to },
      { key: STAGE_ENTERED_AT_ATTR, value: new Date(state.stageEnteredAt) },
    ]);
    return record(meta);
  }

  // The first stage is entered before any handler exists: an update buffered with the start is delivered the moment
  // its handler is registered, and its validator must already see the stage it is meant for.
  let dueAt: Date | undefined;
  if (state.materialsMissing.length > 0) {
    // S-3.2, L-2: accepted with documents missing; one notice lists all of them with the deadline.
    dueAt = correctionDeadline(receivedAt, input.rules.correctionDays);
    state.correctionDueAt = dueAt.toISOString();
    const note = correctionNoticeText({ applicationNo: state.applicationNo, missing: state.materialsMissing, dueAt });
    void transition('awaiting_materials', { actor: 'system', ruleIds: ['S-3.2', 'L-2'], note });
  } else {
    void transition('under_review', { actor: 'system', ruleIds: ['L-1'] });
  }

  setHandler(getState, () => state);

  setHandler(
    supplyMaterials,
    async ({ items, receivedBy }) => {
      const fresh = items.filter((code) => !state.materialsSupplied.includes(code));
      if (fresh.length > 0) {
        state.materialsSupplied.push(...fresh);
        state.materialsMissing = missingMaterials(state.materialsSupplied);
        const note = `已补交：${fresh.map((code) => MATERIALS[code]).join('、')}`;
        if (state.materialsMissing.length === 0) {
          state.correctionDueAt = undefined;
          await transition('under_review', { actor: receivedBy, ruleIds: ['S-3.2', 'L-2', 'L-1'], note });
        } else {
          state.seq += 1;
          await record({ actor: receivedBy, ruleIds: ['S-3.2', 'L-2'], note });
        }
      }
      return { stage: state.stage, materialsMissing: state.materialsMissing };
    },
    {
      validator: ({ items }: SupplyMaterialsInput) => {
        if (items.length === 0) {
          throw ApplicationFailure.create({ type: ERROR_TYPES.invalidInput, message: '至少补交一项材料' });
        }
        if (state.stage !== 'awaiting_materials') {
          throw ApplicationFailure.create({
            type: ERROR_TYPES.invalidTransition,
            message: `申请当前处于「${STAGES[state.stage]}」阶段，不在补正材料期间`,
          });
        }
      },
    },
  );

  setHandler(
    decide,
    async ({ decision, reason, decidedBy, requestId }) => {
      const decidedAt = new Date().toISOString();
      state.decision = { decision, reason, decidedBy, decidedAt, requestId };
      // L-1: the decision closes the review; a refusal carries its written reasons.
      await transition(decision === 'grant' ? 'granted' : 'refused', {
        actor: decidedBy,
        ruleIds: ['L-1'],
        note: reason,
      });
      return { applicationNo: state.applicationNo, stage: state.stage, decidedAt };
    },
    {
      validator: ({ decision, reason }: DecideInput) => {
        assertTransition(state.stage, decision === 'grant' ? 'granted' : 'refused');
        if (decision === 'refuse' && !reason?.trim()) {
          throw ApplicationFailure.create({
            type: ERROR_TYPES.invalidInput,
            message: '不予法律援助须书面说明理由（L-1）',
          });
        }
      },
    },
  );

  if (dueAt) {
    const remaining = dueAt.getTime() - Date.now();
    const supplied = remaining > 0 && (await condition(() => state.stage !== 'awaiting_materials', remaining));
    if (!supplied && state.stage === 'awaiting_materials') {
      state.closedReason = TERMINATED_FOR_MISSING_MATERIALS;
      await transition('terminated', {
        actor: 'system',
        ruleIds: ['S-3.2', 'L-2'],
        note: TERMINATED_FOR_MISSING_MATERIALS,
      });
    }
  }

  await condition(() => isFinal(state.stage));
  await condition(allHandlersFinished);
  await persisted;
  return { applicationNo: state.applicationNo, stage: state.stage, closedReason: state.closedReason };
}

function assertTransition(from: Stage, to: Stage): void {
  if (!canTransition(from, to)) {
    throw ApplicationFailure.create({
      type: ERROR_TYPES.invalidTransition,
      message: `申请当前处于「${STAGES[from]}」阶段，不能转入「${STAGES[to]}」`,
      details: [{ from, to }],
    });
  }
}
