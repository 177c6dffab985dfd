/**
 * The console calls the API only through the contract (api/contract): no API path is written by hand in web/src, and
 * every form on the case page posts to a declared route and is offered to exactly the roles the permission table
 * allows for that route's action.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ACCESS, type Role } from '../../api/auth/access';
import { ROUTES, type ContractRoute } from '../../api/contract';
import { caseActions } from '../../web/src/actions';

const ROOT = resolve(__dirname, '../..');
const WEB_SRC = join(ROOT, 'web/src');

/** A string or template literal that starts with one of the API's top-level paths. */
const API_PATH_LITERAL =
  /[`'](\/(applications|pool|quality|evaluations|fees|payouts|hotline|village|people|audit-events|cases|figures|operations|public|codec|metrics|health)[^`']*)[`']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** `/applications/:applicationNo/x` → a pattern matching the path with any value in each parameter. */
function routePattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
}

/** Plausible form values for the routes' second parameters (a paper forwarding's id, a verification task's id). */
const VALUES: Record<string, string> = { id: 'PF-1', taskId: 'field_check-1' };

describe('console calls', () => {
  it('writes no API path by hand in web/src', () => {
    const found: string[] = [];
    for (const file of sourceFiles(WEB_SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(API_PATH_LITERAL)) found.push(`${relative(ROOT, file)}:${i + 1}: ${m[0]}`);
        });
    }
    expect(found).toEqual([]);
  });

  const posts = ROUTES.filter((r) => r.method === 'post');
  const actions = caseActions('KQ-2026-000001');

  it('offers forms on the case page', () => {
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
  });

  it.each(actions.map((a) => [a.id, a] as const))(
    'the form %s posts to a declared route, for the roles the permission table allows',
    (_id, action) => {
      const path = typeof action.path === 'function' ? action.path(VALUES) : action.path;
      expect(path).toMatch(/^\/applications\/KQ-2026-000001\//);
      const matching: ContractRoute[] = posts.filter((r) => routePattern(r.path).test(path));
      expect(matching.map((r) => r.operationId)).toHaveLength(1);
      const route = matching[0]!;
      expect(route.access).not.toBe('public');
      const allowed: readonly Role[] = route.access === 'public' ? [] : ACCESS[route.access];
      expect(action.roles).toEqual(allowed);
    },
  );
});
