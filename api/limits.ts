/** Rate limits (abuse protection): per signed-in user, or per client address for the public lookup. */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ApiError } from './errors';

export function perMinute(limit: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) =>
      res.locals.principal ? `user:${res.locals.principal.userId}` : ipKeyGenerator(req.ip ?? ''),
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', '请求过于频繁，请稍后再试')),
  });
}
