/**
 * Sign-in: the console uses the same bearer tokens as the API (issued by `npm run token` or the identity provider).
 * The token is kept in sessionStorage (gone when the tab closes) and decoded here only to choose menus; the API
 * verifies it on every call and decides access.
 */
import { ACCESS, ROLE_NAMES, type Role } from '../../api/auth/access';
import type { RouteSpec } from '../../api/contract/route';

export interface Session {
  token: string;
  userId: string;
  roles: Role[];
  agency?: string;
  institution?: string;
  expiresAt?: number;
}

const KEY = 'legal-aid-console-token';

export function decodeToken(token: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('令牌格式不正确：应为三段式 JWT');
  let claims: Record<string, unknown>;
  try {
    const json = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
      string,
      unknown
    >;
  } catch {
    throw new Error('令牌无法解析');
  }
  const roles = Array.isArray(claims.roles) ? (claims.roles as Role[]) : [];
  if (typeof claims.sub !== 'string' || roles.length === 0) throw new Error('令牌缺少用户编号或角色');
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw new Error('令牌已过期，请重新获取');
  return {
    token: token.trim(),
    userId: claims.sub,
    roles,
    agency: typeof claims.agency === 'string' ? claims.agency : undefined,
    institution: typeof claims.institution === 'string' ? claims.institution : undefined,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
  };
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    return decodeToken(token);
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
}

export function saveSession(token: string): Session {
  const session = decodeToken(token);
  sessionStorage.setItem(KEY, session.token);
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export const hasRole = (session: Session, ...roles: readonly Role[]) => roles.some((r) => session.roles.includes(r));

/** The roles the permission table gives a route's action (api/auth/access.ts); a public route: everyone's. */
export const rolesOf = (spec: Pick<RouteSpec, 'access'>): readonly Role[] =>
  spec.access === 'public' ? ROLE_NAMES : ACCESS[spec.access];

/** Whether the person's roles may call the route at all (the API still checks the case itself). */
export const mayCall = (session: Session, spec: Pick<RouteSpec, 'access'>) => hasRole(session, ...rolesOf(spec));
