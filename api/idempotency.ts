/** Idempotency keys (幂等键) of changes, scoped to the caller. */
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from './errors';
import { idempotencyKey } from './schemas';

/**
 * The request id of a change: the `Idempotency-Key` header or the body's `requestId` (a repeat gets the first
 * answer); without either, every request is new. Scoped to the user, like intake: one person's key never answers
 * another's request (the same key from two people is two requests).
 */
export function requestIdOf(req: Request, userId: string, bodyKey: string | undefined): string {
  const header = req.header('Idempotency-Key');
  const key = header === undefined ? bodyKey : idempotencyKey.parse(header);
  if (header !== undefined && bodyKey !== undefined && bodyKey !== key) {
    throw new ApiError(400, 'VALIDATION_FAILED', '请求头 Idempotency-Key 与请求体 requestId 不一致');
  }
  return createHash('sha256')
    .update(`${userId}\n${key ?? randomUUID()}`)
    .digest('hex');
}
