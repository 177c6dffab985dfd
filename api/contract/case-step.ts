/** A staff step on a case (api/steps.ts): POST with a body, answered with the state the workflow's step returns. */
import type { z } from 'zod';
import type { Action } from '../auth/access';
import { applicationNoParams } from '../schemas';
import { route } from './route';

/** The refusals of a case's staff step (api/steps.ts). */
export const STEP_ERRORS = {
  404: '申请不存在 (APPLICATION_NOT_FOUND)',
  409: '申请已办结 (CASE_CLOSED)',
  422: '当前阶段不允许该操作，或同一幂等键用于不同请求 (INVALID_TRANSITION, INVALID_INPUT, IDEMPOTENCY_KEY_REUSED)',
} as const;

export function caseStep<const X extends Action, const B extends z.ZodType, const A extends z.ZodType>(step: {
  /** Below `/applications/:applicationNo`. */
  path: string;
  summary: string;
  tag: string;
  access: X;
  body: B;
  answer: A;
  errors?: Record<number, string>;
}) {
  return route({
    method: 'post',
    path: `/applications/:applicationNo${step.path}`,
    summary: step.summary,
    tag: step.tag,
    access: step.access,
    params: applicationNoParams,
    body: step.body,
    idempotencyKey: 'optional',
    limit: 'actions',
    audit: { targetType: 'application' },
    answers: { 200: { description: '步骤已办理：案件的新状态', schema: step.answer } },
    errors: step.errors ?? STEP_ERRORS,
  });
}
