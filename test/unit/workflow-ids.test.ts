/** Workflow ids name a case by its number only; the codec endpoint reads the case back from them (api/codec.ts). */
import {
  applicationWorkflowId,
  caseOfWorkflowId,
  complaintWorkflowId,
  evaluationWorkflowId,
  hotlineCallWorkflowId,
  poolImpactWorkflowId,
} from '../../domain/definitions';

test('the case of a workflow id is the inverse of the id builders; other workflows belong to no case', () => {
  expect(caseOfWorkflowId(applicationWorkflowId('KQ-2026-000123'))).toEqual({ applicationNo: 'KQ-2026-000123' });
  expect(caseOfWorkflowId(evaluationWorkflowId('KQ-2026-000123'))).toEqual({ applicationNo: 'KQ-2026-000123' });
  expect(caseOfWorkflowId(hotlineCallWorkflowId('c-42'))).toEqual({ callId: 'c-42' });
  // L-13: a complaint's workflow names the complaint (the codec checks its agency).
  expect(caseOfWorkflowId(complaintWorkflowId('TS-0123456789abcdef0123'))).toEqual({
    complaintId: 'TS-0123456789abcdef0123',
  });
  for (const none of [poolImpactWorkflowId('7'), 'read-model-reconcile', 'application-', 'complaint-', '']) {
    expect(caseOfWorkflowId(none)).toBeNull();
  }
});
