/**
 * Request plumbing for security: request ids, authentication, the permission table, object-level checks, and the
 * audit trail. Routers declare what they need (`authorize('application.decide')`); nothing else tests roles.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { StepAudit } from '../../domain/definitions';
import { ApiError } from '../errors';
import { mayActOn, rolesFor, type Action, type ApplicationScope, type Principal } from './access';
import { TokenError, type TokenVerifier } from './tokens';

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    principal?: Principal;
  }
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', '请先登录（缺少身份令牌）');
  return principal;
}

/** A request id for logs and the audit trail: the caller's `X-Request-Id` when well-formed, else a new one. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('X-Request-Id');
  res.locals.requestId = given && /^[A-Za-z0-9._:-]{8,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', res.locals.requestId);
  next();
};

export function authenticate(verify: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.header('Authorization');
    if (!header) return next(new ApiError(401, 'UNAUTHENTICATED', '请先登录（缺少身份令牌）'));
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return next(new ApiError(401, 'INVALID_TOKEN', '身份令牌格式不正确'));
    try {
      res.locals.principal = await verify(match[1]);
      next();
    } catch (err) {
      if (err instanceof TokenError) {
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        return next(new ApiError(401, 'INVALID_TOKEN', '身份令牌无效或已过期，请重新登录'));
      }
      next(err);
    }
  };
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');

/** Role check from the permission table (ACCESS). */
export function authorize(action: Action): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    next(rolesFor(action, principal).length > 0 ? undefined : forbidden());
  };
}

/** Role check plus object-level check on the application named in the path (agency, assigned lawyer, filer...). */
export function authorizeApplication(
  action: Action,
  loadScope: (applicationNo: string) => Promise<ApplicationScope | null>,
  applicationNoOf: (req: Request) => string,
): RequestHandler {
  return async (req, res, next) => {
    const principal = principalOf(res);
    if (rolesFor(action, principal).length === 0) return next(forbidden());
    const applicationNo = applicationNoOf(req);
    const scope = await loadScope(applicationNo);
    if (!scope) return next(new ApiError(404, 'APPLICATION_NOT_FOUND', `未找到编号为 ${applicationNo} 的法律援助申请`));
    next(mayActOn(action, principal, scope) ? undefined : forbidden());
  };
}

/** A row of the audit trail: who sent the request (`StepAudit`), when, and the status it was answered with. */
export interface AuditRecord extends StepAudit {
  at: Date;
  outcome: number;
}

export type AuditSink = (record: AuditRecord) => Promise<void>;

/**
 * A target id as it can be stored (varchar(64), no control characters or lone surrogates): the ids come from the
 * path or body as sent, and a refused request (say, a NUL in the path: 400) must still be on the trail.
 */
function auditableId(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  return id.slice(0, 64).replace(/\p{Cc}|\p{Cs}/gu, '\uFFFD');
}

/** The audited request being handled (set by `audit`), for the staff steps it sends. */
const requestAudit = new AsyncLocalStorage<() => StepAudit>();

/**
 * The audit row of the request being handled, without its outcome: a staff step carries it to the workflow, whose
 * write stores it with the step's answer (activities/step-answers.ts), so the row commits with what the step did.
 */
export function currentAudit(): StepAudit | undefined {
  return requestAudit.getStore()?.();
}

/** What a request that could not be audited answers instead (the action, if it happened, is repeated safely). */
const AUDIT_UNAVAILABLE = JSON.stringify({
  code: 'AUDIT_UNAVAILABLE',
  message: '系统暂时无法记录本次操作，请稍后用同一请求重试（不会重复办理）',
});

/**
 * Records the request in the audit trail before its answer leaves (with its status, so refusals are audited too):
 * the row is stored first, and a successful answer whose row cannot be stored becomes 503 `AUDIT_UNAVAILABLE`. A
 * staff step's row is already stored with the step's own write; the sink adds none for the same request id
 * (`prismaAuditSink`).
 * Ids only: the actor's user id, roles and agency, the action and the target's id.
 */
export function audit(
  sink: AuditSink,
  onError: (err: unknown) => void,
  action: Action | 'public.statusLookup',
  targetType: string,
  targetIdOf: (req: Request, res: Response) => string | undefined,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Read the target now: Express restores req.params when an error leaves the router, before the answer.
    const targetNow = targetIdOf(req, res);
    const row = (): StepAudit => {
      const principal = res.locals.principal;
      return {
        actorId: principal?.userId ?? 'anonymous',
        roles: principal?.roles ?? [],
        agencyCode: principal?.agency ?? null,
        action,
        targetType,
        targetId: auditableId(targetNow ?? targetIdOf(req, res)),
        requestId: res.locals.requestId,
      };
    };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let ending = false;
    res.end = ((...args: unknown[]) => {
      if (ending) return end(...args);
      ending = true;
      sink({ at: new Date(), ...row(), outcome: res.statusCode }).then(
        () => end(...args),
        (err: unknown) => {
          onError(err);
          // Only an answer that something was done must not leave unaudited; a refusal or failure goes out as it is.
          if (res.headersSent || res.statusCode >= 400) return end(...args);
          res.status(503).setHeader('Retry-After', '5');
          res.removeHeader('ETag');
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.setHeader('Content-Length', Buffer.byteLength(AUDIT_UNAVAILABLE));
          return end(AUDIT_UNAVAILABLE);
        },
      );
      return res;
    }) as Response['end'];
    requestAudit.run(row, next);
  };
}
