/**
 * The mandatory evaluation of a closed case (每案必评, S-4.4) as its own durable process, started by the case's
 * workflow once the quality manager approved the file (S-4.3):
 *
 *   waiting_evaluator --assignEvaluator--> scoring --submitScore--> (excellent | unqualified) expert_review
 *   --> the result applies (S-4.5 payout, S-2.8(a) removal, S-4.6 interview)
 *   --> unqualified: objection_window (the member may object) --> objection_review (city centre)
 *   --> otherwise: a random sample goes to spot_check (city centre) --> final
 *   waiting_evaluator | scoring --markSpecial--> special (not evaluated; paid by the agency's rule, S-4.5)
 *
 * Every change of the score in force re-applies all consequences (evaluation/consequences.ts). Each step has a
 * deadline with a reminder and an escalation (evaluation/evaluation.ts); staff steps are signals done one at a time
 * (evaluation/steps.ts). The workflow ends once the result is final, any interview (S-4.6) is recorded and the payout
 * made, and everything is stored.
 */
import { setHandler } from '@temporalio/workflow';
import { calendarChanged, getEvaluation, type EvaluationInput, type EvaluationOutcome } from '../domain/definitions';
import { cstYearOf } from '../domain/time';
import { records } from './case/context';
import { Evaluation } from './evaluation/evaluation';
import { registerSteps } from './evaluation/steps';

/** Never rename: the workflow type name is persisted. */
export async function evaluationWorkflow(input: EvaluationInput): Promise<EvaluationOutcome> {
  const evaluation = new Evaluation(input);
  const fromYear = cstYearOf(new Date());
  setHandler(getEvaluation, () => evaluation.state);
  // A changed calendar counts the deadlines of the steps still to come (the running step keeps its own).
  setHandler(calendarChanged, async () => {
    evaluation.countWith(await records.holidayCalendar({ fromYear }));
  });
  registerSteps(evaluation);
  // Civil Code art. 203: its periods are counted with the holiday calendar in force (fetched, so replay sees it).
  evaluation.countWith(await records.holidayCalendar({ fromYear }));
  return evaluation.run();
}
