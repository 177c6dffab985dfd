/**
 * One domain-error type, mapped to HTTP once (domain/errors.ts, api/errors.ts): every refusal of the pool, the
 * quality regime and the village service points answers the status it answered through its router's own translator
 * before, with its code and Chinese message.
 */
import type { Request, Response } from 'express';
import { PoolLookupError } from '../../repositories/pool';
import { QualityLookupError } from '../../repositories/quality';
import { VillageLookupError } from '../../repositories/village';
import { errorHandler } from '../../api/errors';
import { PoolRuleError } from '../../domain/pool';
import { ScoreSheetError } from '../../domain/quality';
import { VisitRuleError } from '../../domain/village';
import { createLogger } from '../../platform/logger';

/** What the API's error handler answers for `err`: status and body. */
function answer(err: unknown): { status: number; body: { code: string; message: string } } {
  const out = { status: 0, body: { code: '', message: '' } };
  const res = {
    setHeader: () => res,
    status(code: number) {
      out.status = code;
      return res;
    },
    json(body: { code: string; message: string }) {
      out.body = body;
      return res;
    },
  };
  errorHandler(createLogger('silent'))(err, {} as Request, res as unknown as Response, () => undefined);
  return out;
}

test.each([
  [new PoolLookupError('POOL_MEMBER_NOT_FOUND', '没有该人员'), 404],
  [new PoolLookupError('POOL_INSTITUTION_NOT_FOUND', '没有该机构'), 404],
  [new PoolLookupError('POOL_INSTITUTION_EXISTS', '已经登记'), 409],
  [new PoolLookupError('IDEMPOTENCY_KEY_REUSED', '幂等键已用'), 422],
  [new PoolRuleError('POOL_MEMBER_EXISTS'), 409],
  [new PoolRuleError('POOL_MEMBER_NOT_PENDING'), 422],
  [new PoolRuleError('POOL_IMPACT_UNTIL_REQUIRED'), 422],
  [new QualityLookupError('SCORING_SHEET_NOT_FOUND', '没有该评分表'), 404],
  [new QualityLookupError('EVALUATION_NOT_FOUND', '尚无评估'), 404],
  [new QualityLookupError('SCORING_SHEET_EXISTS', '已有评分表'), 409],
  [new QualityLookupError('SCORING_SHEET_VERSION_TAKEN', '版本已用'), 409],
  [new VillageLookupError('SERVICE_POINT_NOT_FOUND', '没有该服务点'), 404],
  [new VillageLookupError('HOME_VISIT_NOT_FOUND', '没有该记录'), 404],
  [new VillageLookupError('SERVICE_POINT_EXISTS', '编号已被登记'), 409],
  [new VillageLookupError('HOME_VISIT_VISITOR_NOT_AT_POINT', '不在该服务点'), 422],
  [new VillageLookupError('IDEMPOTENCY_KEY_REUSED', '幂等键已用'), 422],
  [new VisitRuleError('上门服务已结束'), 422],
])('%s answers %i with its code and message', (err, status) => {
  const { status: got, body } = answer(err);
  expect(got).toBe(status);
  expect(body).toMatchObject({ code: err.code, message: err.message });
  expect(body.message).toMatch(/[\u4e00-\u9fff]/);
});

test('a scoring sheet that breaks its own rules is 400 VALIDATION_FAILED', () => {
  expect(answer(new ScoreSheetError('评分项编号不能重复'))).toEqual({
    status: 400,
    body: expect.objectContaining({ code: 'VALIDATION_FAILED', message: '评分项编号不能重复' }),
  });
});
