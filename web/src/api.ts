/** The JSON API, called with the signed-in person's token. Errors carry the API's Chinese message and details. */
import type { Session } from './session';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export async function call<T = Json>(
  session: Session | null,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    headers: {
      Accept: 'application/json',
      ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
      ...(body !== undefined && !(body instanceof Blob) ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
  };
  if (body !== undefined) init.body = body instanceof Blob ? body : JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiFailure(0, 'NETWORK', '无法连接服务器，请检查网络后重试', null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as { code?: string; message?: string; details?: unknown };
    throw new ApiFailure(
      res.status,
      err.code ?? 'HTTP_' + res.status,
      err.message ?? `请求失败（${res.status}）`,
      err.details,
    );
  }
  return parsed as T;
}

export const get = <T = Json>(session: Session | null, path: string) => call<T>(session, 'GET', path);

/** A query string from the filled-in filters only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function newIdempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
