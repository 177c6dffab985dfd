/** Workflow ids name a case by its number only; the codec endpoint reads the case back from them (api/codec.ts). */
import {
  applicationWorkflowId,
  caseOfWorkflowId,
  evaluationWorkflowId,
  hotlineCallWorkflowId,
  poolImpactWorkflowId,
} from '../../domain/definitions';

test('the case of a workflow id is the inverse of the id builders; other workflows belong to no case', () => {
  expect(caseOfWorkflowId(applicationWorkflowId('KQ-2026-000123'))).toEqual({ applicationNo: 'KQ-2026-000123' });
  expect(caseOfWorkflowId(evaluationWorkflowId('KQ-2026-000123'))).toEqual({ applicationNo: 'KQ-2026-000123' });
  expect(caseOfWorkflowId(hotlineCallWorkflowId('c-42'))).toEqual({ callId: 'c-42' });
  for (const none of [poolImpactWorkflowId('7'), 'read-model-reconcile', 'application-', '']) {
    expect(caseOfWorkflowId(none)).toBeNull();
  }
});
