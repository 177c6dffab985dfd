// The workflow barrel: only workflow functions, as the worker's bundle entry point.
export { evaluationWorkflow } from './evaluation-workflow';
export { applicationWorkflow } from './application-workflow';
export { calendarBroadcastWorkflow } from './calendar-broadcast';
export { poolImpactWorkflow } from './pool-impact';
export { hotlineCallWorkflow } from './hotline-call';
export { complaintWorkflow } from './complaint-workflow';
export { reconcileReadModelWorkflow, dailyDigestWorkflow } from './read-model';
