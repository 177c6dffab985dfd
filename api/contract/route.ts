/**
 * The API contract: every route declared once — method, path, the action of the permission table, zod schemas for
 * its params, query, body and every answer, and the errors it can answer. The Express routes (api/mount.ts), the
 * OpenAPI document (api/openapi.ts), the fuzz test's routes and the console's calls are all made from these
 * declarations. No server import here (no Express, Prisma or Temporal): the console imports this module too.
 */
import { z } from 'zod';
import type { Action } from '../auth/access';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Limit = 'intake' | 'actions' | 'lookups';

/** One answer of a route: a description for people and, for JSON, its schema (validated in tests). */
export interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON answers (a CSV file, a redirect); `schema` then describes nothing. */
  contentType?: string;
  /**
   * Path parameters this answer supplies, by JSON pointer into its body (`{ applicationNo: '/applicationNo' }`): the
   * document links the answer to every operation of the same area that takes that parameter (OpenAPI links, which
   * Schemathesis follows in its stateful phase).
   */
  supplies?: Record<string, string>;
}

/** What the audit trail records of a request: the target's type and where its id comes from. */
export interface AuditSpec {
  targetType: string;
  /** The trail's action: the route's own, or for a public route the name of what it does. */
  action?: 'public.statusLookup';
  /** Default: the route's first path parameter. */
  targetId?: (
    req: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
    locals: Record<string, unknown>,
  ) => unknown;
}

export interface RouteSpec {
  method: Method;
  /** Express syntax (`/applications/:applicationNo`); the document writes `{applicationNo}`. */
  path: string;
  /** Chinese, for people reading the document. */
  summary: string;
  /** Where the document groups it. */
  tag: string;
  /** The permission table's action (api/auth/access.ts), or `public` (no token). */
  access: Action | 'public';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is not JSON (a photo): its media types, read raw by the route itself. */
  rawBody?: string[];
  /** `required` for intake; `optional` where a repeated request gets the first answer. */
  idempotencyKey?: 'required' | 'optional';
  limit?: Limit;
  /** Omitted for reads that return no personal data. */
  audit?: AuditSpec;
  /** Success answers by status. */
  answers: Record<number, Answer>;
  /** Refusals by status: the codes, in the document's words. Merged with the ones every route can answer. */
  errors?: Record<number, string>;
}

/** Declares a route, keeping its literal types for the handler (api/mount.ts). */
export function route<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** The body of every refusal. */
export const errorBody = z.object({
  code: z.string().describe('稳定的错误代码'),
  message: z.string().describe('给人看的中文说明'),
  details: z.unknown().optional(),
});

/** The refusals a route can answer besides its own, from what it declares (token, limit, params, body, audit). */
export function commonErrors(spec: RouteSpec): Record<number, string> {
  const errors: Record<number, string> = {};
  const bad = ['VALIDATION_FAILED', 'CONTROL_CHARACTERS', 'MALFORMED_URL'];
  if (spec.body) bad.push('MALFORMED_JSON');
  if (spec.idempotencyKey === 'required') bad.push('IDEMPOTENCY_KEY_REQUIRED');
  errors[400] = `请求内容不符合要求 (${bad.join(', ')})`;
  if (spec.access !== 'public') {
    errors[401] = '未登录或身份令牌无效 (UNAUTHENTICATED, INVALID_TOKEN)';
    errors[403] = '无权限 (FORBIDDEN)';
  }
  if (spec.body || spec.rawBody) errors[413] = '请求内容过大 (PAYLOAD_TOO_LARGE)';
  if (spec.limit) errors[429] = '请求过于频繁 (RATE_LIMITED)';
  errors[503] = spec.audit
    ? '依赖服务暂不可用，或本次操作的审计记录无法保存 (SERVICE_UNAVAILABLE, AUDIT_UNAVAILABLE)'
    : '依赖服务暂不可用 (SERVICE_UNAVAILABLE)';
  return errors;
}

/** Every status a route may answer, with what the document says of it. */
export function allErrors(spec: RouteSpec): Record<number, string> {
  const common = commonErrors(spec);
  const own = spec.errors ?? {};
  const merged: Record<number, string> = { ...common };
  for (const [status, text] of Object.entries(own)) {
    const s = Number(status);
    merged[s] = common[s] ? `${text}；${common[s]}` : text;
  }
  return merged;
}

/** The route's path with its parameters filled in (the console's calls): `pathOf(r, { applicationNo })`. */
export function pathOf(spec: Pick<RouteSpec, 'path'>, params: Record<string, string | number> = {}): string {
  return spec.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathOf ${spec.path}: missing ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** `/a/:b` → `/a/{b}` (OpenAPI path templating). */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');
