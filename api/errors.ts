/**
 * One error middleware: every failure becomes a stable JSON body `{ code, message, details? }` with a Chinese
 * message for people. Validation -> 400, not found -> 404, conflict -> 409, rejected update -> 422,
 * a dependency down -> 503; a control character in any string (api/text.ts) -> 400 CONTROL_CHARACTERS. Stack traces
 * go to the log, never to the client.
 */
import type { ErrorRequestHandler } from 'express';
import { ApplicationFailure } from '@temporalio/common';
import {
  isGrpcServiceError,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { ZodError } from 'zod';
import { ERROR_TYPES } from '../domain/definitions';
import { DomainError, type DomainErrorKind } from '../domain/errors';
import type { Logger } from '../platform/logger';
import { CONTROL_CHARACTERS, controlCharacterIssues } from './text';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (applicationNo: string) =>
  new ApiError(404, 'APPLICATION_NOT_FOUND', `未找到编号为 ${applicationNo} 的法律援助申请`);

const UNAVAILABLE_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'P1001',
  // Prisma: a transaction could not start in time, or expired (a starved machine): retry later.
  'P2028',
  // PostgreSQL: connection exceptions (08xxx), shutting down or starting up (57P01-57P03), too many connections.
  '08000',
  '08003',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
];

/** Errors that mean a dependency (PostgreSQL, Temporal) cannot be reached right now: the caller may retry. */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.includes(code)) return true;
  // Prisma 7 with the pg adapter wraps the server's refusal in a known request error (e.g. P2039 around 57P03,
  // "the database system is shutting down"): the PostgreSQL code sits in meta.driverAdapterError.cause (issue 10).
  type Cause = { code?: unknown; originalCode?: unknown; kind?: unknown };
  const cause = (err as { meta?: { driverAdapterError?: { cause?: Cause } } }).meta?.driverAdapterError?.cause;
  if (cause && [cause.code, cause.originalCode].some((c) => typeof c === 'string' && UNAVAILABLE_CODES.includes(c))) {
    return true;
  }
  if (
    cause &&
    ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'].includes(String(cause.kind))
  ) {
    return true;
  }
  const name = (err as { name?: unknown }).name;
  if (name === 'PrismaClientInitializationError' || name === 'DriverAdapterError') return true;
  // An update the server could not complete in time (no worker, or it died): the caller retries with the same
  // Idempotency-Key, which is the update's id, so a retry never acts twice (issue 10).
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  // A query to a case whose workflow task keeps failing (the SDK replay error after a worker kill, README "Known
  // problem"): the case is stuck until an operator resets it; answer 503 (retry later), never 500.
  const grpc = err instanceof ServiceError && isGrpcServiceError(err.cause) ? err.cause : err;
  if (
    isGrpcServiceError(grpc) &&
    Number(grpc.code) === 9 &&
    /workflow task in failed state/i.test(grpc.details ?? '')
  ) {
    return true;
  }
  // The same replay error met by a query (the worker replays the case to answer it) comes back as the SDK's
  // "query not registered" with the error's text: found by the 200-case worker-crash run.
  if (err instanceof QueryNotRegisteredError && /TMPRL1100|Nondeterminism/.test(err.message)) return true;
  // gRPC CANCELLED (1, e.g. a query whose worker was killed mid-answer), DEADLINE_EXCEEDED (4), RESOURCE_EXHAUSTED (8,
  // the server shedding load), UNAVAILABLE (14).
  const transient = [1, 4, 8, 14];
  if (err instanceof ServiceError && isGrpcServiceError(err.cause) && transient.includes(err.cause.code)) return true;
  return isGrpcServiceError(err) && transient.includes(err.code);
}

/** The one mapping of the domain's refusals (domain/errors.ts) to HTTP. */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  refused: 422,
  invalid: 400,
};

function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) {
    const details = err.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    // A control character or lone surrogate (api/text.ts), which PostgreSQL could never store: its own stable code,
    // the message naming each such field; details keep every issue's path (ours with the character and position).
    if (controlCharacterIssues(err.issues).length > 0) {
      const all = err.issues.flatMap((issue) => {
        const control = controlCharacterIssues([issue]);
        return control.length > 0
          ? control.map(({ path, message, character, position }) => ({ path, message, character, position }))
          : [{ path: issue.path.join('.'), message: issue.message }];
      });
      const messages = all.filter((d) => 'character' in d).map((d) => d.message);
      return new ApiError(400, CONTROL_CHARACTERS, [...new Set(messages)].join('；'), all);
    }
    return new ApiError(
      400,
      'VALIDATION_FAILED',
      `请求内容不符合要求：${details.map((d) => `${d.path} ${d.message}`).join('；')}`,
      details,
    );
  }
  // A path segment that is not valid percent-encoding (Express refuses to decode the parameter).
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return new ApiError(400, 'MALFORMED_URL', '请求地址含有无法识别的编码，请检查后重新提交');
  }
  const httpType = (err as { type?: unknown }).type;
  if (httpType === 'entity.parse.failed') return new ApiError(400, 'MALFORMED_JSON', '请求内容不是有效的 JSON');
  if (httpType === 'entity.too.large') return new ApiError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大');
  if (err instanceof DomainError) return new ApiError(DOMAIN_ERROR_STATUS[err.kind], err.code, err.message);
  if (err instanceof WorkflowNotFoundError) return new ApiError(404, 'APPLICATION_NOT_FOUND', '未找到该法律援助申请');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const code = err.cause.type === ERROR_TYPES.invalidInput ? 'INVALID_INPUT' : 'INVALID_TRANSITION';
    return new ApiError(422, code, err.cause.message, err.cause.details?.[0]);
  }
  if (isUnavailable(err)) return new ApiError(503, 'SERVICE_UNAVAILABLE', '系统暂时无法处理该请求，请稍后重试');
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toApiError(err);
    const apiError = known ?? new ApiError(500, 'INTERNAL_ERROR', '系统内部错误，请稍后重试或联系管理员');
    if (apiError.status >= 500) {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    if (apiError.status === 503) res.setHeader('Retry-After', '5');
    res.status(apiError.status).json({ code: apiError.code, message: apiError.message, details: apiError.details });
  };
}
