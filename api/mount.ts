/**
 * Mounts the contract's routes (api/contract) on the app: one function applies, in this order, the rate limit, the
 * token, the audit trail, the permission table's role check, the path parameters, the route's object-level guards,
 * the query and body, and then the handler. In tests it also checks every answer against the route's declaration
 * (status declared, body matching its schema), so a route cannot drift from its document.
 */
import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { rolesFor, type Principal } from './auth/access';
import { audit, principalOf, type AuditSink } from './auth/middleware';
import { allErrors, errorBody, type Limit, type RouteSpec } from './contract/route';
import { ApiError } from './errors';
import { perMinute } from './limits';

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a handler gets: the parsed params, query and body, and who is asking (undefined on public routes). */
export interface Input<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  principal: S['access'] extends 'public' ? Principal | undefined : Principal;
}

export type Handler<S extends RouteSpec> = (input: Input<S>, req: Request, res: Response) => Promise<void> | void;
/** An object-level check (the case, the member, the service point...): throws ApiError to refuse. */
export type Guard<S extends RouteSpec> = (input: Pick<Input<S>, 'params' | 'principal'>, req: Request) => Promise<void>;

export interface MountDeps {
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { intakePerMinute: number; actionsPerMinute: number; lookupsPerMinute: number };
  /** Tests: refuse (500 ANSWER_NOT_AS_DECLARED) any answer whose status or body the route does not declare. */
  checkAnswers?: boolean;
}

/** What a handler gets on a route with its own authentication (`mountWith`): perhaps nobody's principal. */
export type AdmittedInput<S extends RouteSpec> = Omit<Input<S>, 'principal'> & { principal: Principal | undefined };
export type AdmittedHandler<S extends RouteSpec> = (
  input: AdmittedInput<S>,
  req: Request,
  res: Response,
) => Promise<void> | void;

export interface MountOptions {
  /**
   * The route's own authentication in place of the bearer token (GET /metrics: the scraper's static token, or a
   * JWT). It may admit a request without a principal; the permission table's role check applies to a principal it
   * set.
   */
  authenticate: RequestHandler;
}

export interface Mounter {
  mount<S extends RouteSpec>(spec: S, ...rest: [...guards: Guard<S>[], handler: Handler<S>]): void;
  /** Like `mount` (without guards), with the options above. */
  mountWith<S extends RouteSpec>(options: MountOptions, spec: S, handler: AdmittedHandler<S>): void;
  /** The routes mounted so far, in order (the contract test compares them with the document). */
  readonly mounted: readonly RouteSpec[];
}

const forbidden = () => new ApiError(403, 'FORBIDDEN', '您没有权限执行此操作');

/** Why an answer is not what the route declares, or undefined when it is. */
export function answerMismatch(spec: RouteSpec, status: number, body: unknown): string | undefined {
  const json: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const answer = spec.answers[status];
  // A refusal, unless the route declares the status among its answers (GET /health's 503: degraded, with its body).
  if (status >= 400 && !answer) {
    if (!(status in allErrors(spec))) return `status ${status} is not declared`;
    const parsed = errorBody.safeParse(json);
    return parsed.success ? undefined : z.prettifyError(parsed.error);
  }
  if (!answer) return `status ${status} is not declared`;
  if (!answer.schema) return undefined;
  const parsed = answer.schema.safeParse(json);
  return parsed.success ? undefined : z.prettifyError(parsed.error);
}

function answerCheck(spec: RouteSpec): RequestHandler {
  return (_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const mismatch = answerMismatch(spec, res.statusCode, body);
      if (!mismatch) return json(body);
      const status = res.statusCode;
      res.status(500);
      return json({
        code: 'ANSWER_NOT_AS_DECLARED',
        message: `${spec.method.toUpperCase()} ${spec.path} answered ${status} not as declared: ${mismatch}`,
        details: body,
      });
    };
    next();
  };
}

export function mounter(app: Express, deps: MountDeps): Mounter {
  const mounted: RouteSpec[] = [];
  const limiters = new Map<Limit, RequestHandler>();
  const perKind: Record<Limit, number> = {
    intake: deps.limits.intakePerMinute,
    actions: deps.limits.actionsPerMinute,
    lookups: deps.limits.lookupsPerMinute,
  };
  const limiter = (kind: Limit) => {
    let handler = limiters.get(kind);
    if (!handler) limiters.set(kind, (handler = perMinute(perKind[kind])));
    return handler;
  };

  function mount<S extends RouteSpec>(spec: S, ...rest: [...Guard<S>[], Handler<S>]): void {
    add(spec, undefined, rest.slice(0, -1) as Guard<S>[], rest.at(-1) as Handler<S>);
  }

  function mountWith<S extends RouteSpec>(options: MountOptions, spec: S, handler: AdmittedHandler<S>): void {
    add(spec, options, [], handler as Handler<S>);
  }

  function add<S extends RouteSpec>(
    spec: S,
    options: MountOptions | undefined,
    guards: Guard<S>[],
    handler: Handler<S>,
  ): void {
    const chain: RequestHandler[] = [];
    if (deps.checkAnswers) chain.push(answerCheck(spec));
    if (spec.access !== 'public') chain.push(options?.authenticate ?? deps.authenticate);
    if (spec.limit) chain.push(limiter(spec.limit));
    if (spec.audit) {
      const { targetType, targetId } = spec.audit;
      const firstParam = /:([A-Za-z]+)/.exec(spec.path)?.[1];
      const action = spec.audit.action ?? spec.access;
      if (action === 'public')
        throw new Error(`${spec.method.toUpperCase()} ${spec.path}: a public route names its audit action`);
      chain.push(
        audit(deps.auditSink, deps.onAuditError, action, targetType, (req, res) => {
          const id = targetId
            ? targetId(
                { params: req.params, query: req.query, body: req.body as unknown },
                res.locals as Record<string, unknown>,
              )
            : firstParam && req.params[firstParam];
          return typeof id === 'string' ? id : undefined;
        }),
      );
    }
    chain.push(async (req: Request, res: Response) => {
      // A route with its own authentication may have admitted the request without a principal (a static token).
      const principal = spec.access === 'public' || options ? res.locals.principal : principalOf(res);
      if (spec.access !== 'public' && principal && rolesFor(spec.access, principal).length === 0) throw forbidden();
      const params = spec.params ? spec.params.parse(req.params) : undefined;
      const early = { params, principal } as Pick<Input<S>, 'params' | 'principal'>;
      for (const guard of guards) await guard(early, req);
      const query = spec.query ? spec.query.parse(req.query) : undefined;
      const body = spec.body ? spec.body.parse(req.body) : undefined;
      await handler({ params, query, body, principal } as Input<S>, req, res);
    });
    app[spec.method](spec.path, ...chain);
    mounted.push(spec);
  }
  return { mount, mountWith, mounted };
}
